"""The workbook's shared strings, with Tierwise's texts appended.

The strings already there keep their indices, so every cell Tierwise does not rewrite
stays byte-identical; a text already there (a tier, an action, last run's why) is
reused rather than added again. A cell then holds `<c t="s"><v>n</v></c>`: repeated
texts are written once, and the long unique ones sit together, where they compress
far better than spread between the user's cells.

Tierwise's texts follow a mark, an `<si>` no cell refers to, that counts them and holds
their CRC. Scoring the annotated workbook again drops the texts behind an intact mark
before appending the new ones, so re-runs do not pile up last run's texts. A
spreadsheet app that saves the workbook rebuilds the table from its cells, mark gone,
and then everything in it is kept.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import zlib
from collections.abc import Callable, Iterator
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
_MARK: Final = b"<si><t>tierwise texts n=%d crc=%08x refs=%d</t></si>"
_MARK_START: Final = _MARK.split(b" n=")[0]
_MARK_RE: Final = re.compile(
    rb"<si><t>tierwise texts n=(\d+) crc=([0-9a-f]{8}) refs=(\d+)</t></si>"
)


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
        # Reuse needs each text's exact element; a table written another way (CDATA,
        # comments, a namespace prefix) is only appended to.
        unsure = b"<![CDATA[" in self.original or b"<!--" in self.original
        plain = not self.prefix and not unsure
        self.cut: int | None = None  # where last run's texts start in `original`, if dropped
        self.dropped_refs = 0
        items = self._shed_bare_run() if plain else None
        if items is None and not unsure:
            items, starting_at = self._split()
            if plain:
                items = self._drop_last_run(items, starting_at)
        if items is None:
            items = pl.Series("si", [], pl.Binary)
        self.size = self._count() if unsure else items.len()
        self.known = (
            pl.DataFrame([items if plain else items.clear()])
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("index"))
            .unique("si", keep="first", maintain_order=True)  # a text may be there twice
        )
        self.added: list[pl.Series] = []
        self.refs = 0

    def _split(self) -> tuple[pl.Series, Callable[[int], int | None]]:
        """The table's `<si>` elements, and a function giving the index of the one that
        starts at an offset in `original` (None when none does)."""
        split = None if self.prefix else self._split_bare(len(self.original))
        if split is not None:
            return split
        p = re.escape(self.prefix)
        found = re.finditer(
            b"<" + p + rb"si\b[^>]*?(?:/>|>.*?</" + p + rb"si\s*>)", self.original, re.S
        )
        spans = [(m.group(0), m.start()) for m in found]
        starts = [start for _, start in spans]

        def starting_at(offset: int) -> int | None:
            at = bisect.bisect_left(starts, offset)
            return at if at < len(starts) and starts[at] == offset else None

        return pl.Series("si", [item for item, _ in spans], pl.Binary), starting_at

    def _split_bare(self, end: int) -> tuple[pl.Series, Callable[[int], int | None]] | None:
        """`_split` in bulk of the table up to `end`, when it is UTF-8 and its every
        `<si` tag is a bare `<si>` that opens an element, and every `</si` a bare
        `</si>` closing it (as apps write a table); None for any other table."""
        table = self.original[:end]
        try:
            text = pl.Series("si", [table]).cast(pl.String)
        except pl.exceptions.PolarsError:  # not UTF-8
            return None
        pieces = text.str.split("</si>").explode()
        n = pieces.len() - 1  # the closing tags
        inner = pieces.head(n).str.split_exact("<si>", 1).struct.field("field_1")
        # Each close has an open before it, and there are no other tags: the same
        # elements as the pattern in `_split` finds.
        if inner.null_count() or table.count(b"<si") != n or table.count(b"</si") != n:
            return None
        items = inner.to_frame().select(
            pl.concat_str(pl.lit("<si>"), pl.col("field_1"), pl.lit("</si>")).cast(pl.Binary)
        )

        def starting_at(offset: int) -> int | None:
            return table.count(b"<si", 0, offset) if table.startswith(b"<si>", offset) else None

        return items.to_series().alias("si"), starting_at

    def _shed_bare_run(self) -> pl.Series | None:
        """The items before an intact mark followed by its count of bare `<si>`
        elements one after another, then the table's end (as Tierwise writes them),
        split without splitting last run's texts; None for any other table."""
        table = self.original
        found = table.rfind(_MARK_START)
        mark_end = table.find(b"</si>", found) + len(b"</si>")
        mark = _MARK_RE.fullmatch(table, found, mark_end) if found >= 0 else None
        if mark is None:
            return None
        n, crc, refs = int(mark.group(1)), int(mark.group(2), 16), int(mark.group(3))
        end = table.rfind(b"</si>") + len(b"</si>")
        tags = (table.count(b"<si", mark_end), table.count(b"</si", mark_end))
        joints = table.count(b"</si><si>", mark_end, end)
        if tags != (n, n) or (n and (joints != n - 1 or not table.startswith(b"<si>", mark_end))):
            return None
        if zlib.crc32(memoryview(table)[mark_end:end]) != crc:
            return None
        split = self._split_bare(found)
        if split is None:
            return None
        self.cut, self.dropped_refs = found, refs
        return split[0]

    def _drop_last_run(
        self, items: pl.Series, starting_at: Callable[[int], int | None]
    ) -> pl.Series:
        """`items` without the texts a previous run appended, when their mark is intact
        (its count and CRC match what follows it): nothing else refers to them."""
        found = self.original.rfind(_MARK_START)  # one search, not a match per item
        at = starting_at(found) if found >= 0 else None
        mark = _MARK_RE.fullmatch(items[at]) if at is not None else None
        if at is None or mark is None:
            return items
        n, crc, refs = int(mark.group(1)), int(mark.group(2), 16), int(mark.group(3))
        after = items.slice(at + 1)
        if after.len() != n or _crc(_joined(after)) != crc:
            return items
        self.cut, self.dropped_refs = found, refs
        return items.head(at)

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
        start = self.size + 1 + sum(s.len() for s in self.added)  # after the mark
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
        added = sum(s.len() for s in self.added)
        if not added and self.cut is None:
            return
        total = self.size + (1 + added if added else 0)
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
            inner = self.original[root.end() : end if self.cut is None else self.cut]
            tail = (
                close + b">" + self.original[root.end() :] if root.group(2) else self.original[end:]
            )
            found = re.search(rb"""\scount\s*=\s*["'](\d+)["']""", root.group(0))
            refs = int(found.group(1)) if found else self.size
            refs = max(refs - self.dropped_refs, 0)
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
        added = sum(s.len() for s in self.added)
        if added and not self.prefix:
            yield _MARK % (added, _crc(self._added_chunks()), self.refs)
        elif added:  # a prefixed table is only appended to: its mark is any <si>
            yield b"<%ssi><%st/></%ssi>" % (self.prefix, self.prefix, self.prefix)
        yield from self._added_chunks()
        yield tail

    def _added_chunks(self) -> Iterator[bytes]:
        for added in self.added:
            for chunk in _joined(added):
                if self.prefix:
                    chunk = re.sub(rb"<(/?)(si|t)\b", rb"<\1" + self.prefix + rb"\2", chunk)
                yield chunk


def _joined(items: pl.Series) -> Iterator[bytes]:
    """`items` (bytes) joined, in chunks of a few thousand."""
    for at in range(0, items.len(), _BATCH):
        yield b"".join(items.slice(at, _BATCH).to_list())


def _crc(chunks: Iterator[bytes]) -> int:
    crc = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    return crc
