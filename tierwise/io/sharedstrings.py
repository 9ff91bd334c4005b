"""The workbook's shared strings, with Tierwise's texts appended.

The strings already there keep their indices, so every cell Tierwise does not rewrite
stays byte-identical; a text already there (a tier, an action, last run's why) is
reused rather than added again. A cell then holds `<c t="s"><v>n</v></c>`: repeated
texts are written once, and the long unique ones sit together, where they compress
far better than spread between the user's cells.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Final

import polars as pl

from tierwise.io import xmlsafe
from tierwise.io.package import Package

CT_SHARED_STRINGS: Final = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_ROOT: Final = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sst\b[^>]*?(/?)>", re.S)
_COUNT: Final = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["'][^"']*["']""")
_BATCH: Final = 20_000


def si_expr(text: pl.Expr) -> pl.Expr:
    """`<si>` elements of escaped cell text (see cellxml.escape_text), null for none."""
    space = (
        pl.when(text.str.contains("\n", literal=True) | (text != text.str.strip_chars()))
        .then(pl.lit(' xml:space="preserve"'))
        .otherwise(pl.lit(""))
    )
    return pl.concat_str(pl.lit("<si><t"), space, pl.lit(">"), text, pl.lit("</t></si>"))


class SharedStrings:
    """The shared strings part of `pkg`, opened to append to; `save` puts it back."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.part = pkg.shared_strings_part()
        self.original = pkg.read(self.part) if self.part else b""
        root = _ROOT.search(self.original)
        if self.part and root is None:
            self.part, self.original = None, b""  # not a string table: one is made
        self.prefix = root.group(1) + b":" if root and root.group(1) else b""
        p = re.escape(self.prefix)
        items = re.findall(
            b"<" + p + rb"si\b[^>]*?(?:/>|>.*?</" + p + rb"si\s*>)", self.original, re.S
        )
        # Reuse needs each text's exact element; a table written another way (CDATA,
        # comments, a namespace prefix) is only appended to.
        unsure = b"<![CDATA[" in self.original or b"<!--" in self.original
        self.size = self._count() if unsure else len(items)
        plain = not self.prefix and not unsure
        self.known = pl.DataFrame(
            {"si": items if plain else [], "index": range(len(items)) if plain else []},
            schema={"si": pl.Binary, "index": pl.Int64},
        ).unique("si", keep="first", maintain_order=True)  # a text may be there twice
        self.added: list[pl.Series] = []
        self.refs = 0

    def _count(self) -> int:
        """How many <si> the table holds, by a parse (a pattern cannot be sure)."""
        root = xmlsafe.parse(self.original, self.part or "sharedStrings")
        return sum(1 for el in root if isinstance(el.tag, str) and el.tag.endswith("}si"))

    def indices(self, items: pl.Series) -> pl.Series:
        """The index in the table of each of `items` (`<si>` elements made by
        `si_expr`; null stays null), appending the ones not there yet."""
        items = items.cast(pl.Binary)
        self.refs += items.len() - items.null_count()
        wanted = items.drop_nulls().unique(maintain_order=True).to_frame("si")
        found = wanted.join(self.known, on="si", how="left", maintain_order="left")
        # In text order, a text sits beside its likes (whys that read alike): the
        # table then compresses a fifth smaller than in the order of the rows.
        new = found.filter(pl.col("index").is_null())["si"].sort()
        start = self.size + sum(s.len() for s in self.added)
        self.added.append(new)
        numbered = new.to_frame().with_columns(
            pl.int_range(start, start + new.len(), dtype=pl.Int64).alias("index")
        )
        lookup = pl.concat([found.drop_nulls("index"), numbered])
        return items.to_frame("si").join(lookup, on="si", how="left", maintain_order="left")[
            "index"
        ]

    def save(self) -> None:
        """Put the table back with the added strings (nothing changes when none was)."""
        if not any(s.len() for s in self.added):
            return
        total = self.size + sum(s.len() for s in self.added)
        root = _ROOT.search(self.original)
        if self.part is None or root is None:
            self.part = self._new_part()
            before, opening, inner, tail = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                b'<sst xmlns="%s"' % self.pkg.main_ns.encode(),
                b"",
                b"</sst>",
            )
            refs = 0
        else:
            before = self.original[: root.start()]
            opening = _COUNT.sub(b"", root.group(0)).rstrip(b">").rstrip(b"/").rstrip()
            close = b"</" + self.prefix + b"sst"
            end = root.end() if root.group(2) else self.original.rfind(close)
            inner = self.original[root.end() : end]
            tail = (
                close + b">" + self.original[root.end() :] if root.group(2) else self.original[end:]
            )
            found = re.search(rb"""\scount\s*=\s*["'](\d+)["']""", root.group(0))
            refs = int(found.group(1)) if found else self.size
        counts = b' count="%d" uniqueCount="%d">' % (refs + self.refs, total)
        head = before + opening + counts + inner
        self.pkg.put(self.part, lambda: self._chunks(head, tail))

    def _new_part(self) -> str:
        """A shared strings part for a workbook without one, related and typed."""
        folder = posixpath.dirname(self.pkg.workbook_part)
        part = posixpath.join(folder, "sharedStrings.xml")
        if self.pkg.has(part):
            part = self.pkg.free_name(posixpath.join(folder, "sharedStrings%d.xml"))
        rel_type = self.pkg.rel_ns + "/sharedStrings"
        self.pkg.add_relationship(self.pkg.workbook_rels, rel_type, posixpath.relpath(part, folder))
        self.pkg.set_content_type(part, CT_SHARED_STRINGS)
        return part

    def _chunks(self, head: bytes, tail: bytes) -> Iterator[bytes]:
        yield head
        for added in self.added:
            for at in range(0, added.len(), _BATCH):
                chunk = b"".join(added.slice(at, _BATCH).to_list())
                if self.prefix:
                    chunk = re.sub(rb"<(/?)(si|t)\b", rb"<\1" + self.prefix + rb"\2", chunk)
                yield chunk
        yield tail
