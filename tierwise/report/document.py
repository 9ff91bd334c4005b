"""The JSON document of an evaluation (`score --json`, `score -f json`; docs/CONTRACT.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import polars as pl

from tierwise import __version__
from tierwise.fields import MOTIVATIONS

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation


# Partners serialised at a time: the array of 100k is ~90 MB, a slice ~9 MB.
SLICE: Final = 10_000


def partners_json(ev: Evaluation) -> Iterator[bytes]:
    """The `partners` array of docs/CONTRACT.md's JSON document, as compact UTF-8 JSON in
    pieces of SLICE partners, so it is never held whole.

    polars serialises it (a Python loop over 100k partners' dicts, then `json.dumps`,
    was most of `score --json`'s time); non-finite numbers become null, as JSON wants."""
    partners = ev.scored.partners
    decisions = ev.tracker.decisions.select("row", "decision", "decision_note")
    blank = pl.lit(None, pl.String)
    present = set(partners.columns)
    columns: list[str | pl.Expr] = [
        "row",
        "partner",
        *(
            pl.col(c) if c in present else blank.alias(c)
            for c in ("partner_type", "designated_tier")
        ),
        "recommended_tier",
        "action",
        "score",
        pl.struct(*MOTIVATIONS).alias("motivations"),
        *(pl.col(c).fill_null(pl.lit([], pl.List(pl.String))) for c in ("flags", "why")),
        "todo",
        "borderline",
        "evidence",
    ]
    yield b"["
    for start in range(0, partners.height, SLICE):
        # Built a slice at a time too: the joined table of 100k partners is a copy of
        # every column the document shows (~100 MB).
        table = (
            partners.slice(start, SLICE)
            .select(columns)
            .join(decisions, on="row", how="left", maintain_order="left")
        )
        out = io.BytesIO()
        table.write_json(out)
        # Each slice is an array of its own: its brackets go, a comma joins it on.
        yield (b"," if start else b"") + out.getbuffer()[1:-1].tobytes()
    yield b"]"


def result_json_parts(ev: Evaluation) -> Iterator[bytes]:
    """The whole result as docs/CONTRACT.md's JSON document (compact, in its key order), in
    pieces to write one after another: at 100k partners the partners array alone is
    ~90 MB, and is never held whole, nor copied into one string with the rest."""

    def dumped(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    head = {
        "tierwise": dumped(__version__),
        "as_of": dumped(ev.as_of.isoformat()),
        "source": dumped(ev.tracker.source.to_json()),
    }
    yield b"{" + b"".join(b'"%s":%s,' % (k.encode(), v) for k, v in head.items()) + b'"partners":'
    yield from partners_json(ev)
    tail = {
        "portfolio": dumped(ev.scored.portfolio.to_json()),
        "warnings": dumped([{"where": w.where, "message": w.message} for w in ev.warnings]),
    }
    yield b"".join(b',"%s":%s' % (k.encode(), v) for k, v in tail.items()) + b"}"
