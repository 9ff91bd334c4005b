"""Small tracker frames built by hand, typed exactly as the reader types them."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from tierwise.fields import tracker_schema
from tierwise.scoring import Scored, load_rubric, score

AS_OF = date(2026, 10, 31)
RUBRIC = load_rubric()
# For the tests of slot-filling and resources on frames that record one motivation: by
# default a partner with one of four motivations known is judged on too little (action
# collect, docs/PLAYBOOK.md section 4), so these accept one known motivation.
ONE_KNOWN = RUBRIC.with_values({"recommend.min_known_motivations": 0.25})


def tracker(rows: list[dict[str, Any]], *, columns: list[str] | None = None) -> pl.DataFrame:
    """A frame with `row` (2, 3, ...) and the given fields; `columns` adds fields that
    exist in the tracker but are blank for every partner."""
    schema = tracker_schema()
    names = ["row", *dict.fromkeys([k for r in rows for k in r] + (columns or []))]
    data = {
        name: [r.get(name) for r in rows] if name != "row" else list(range(2, len(rows) + 2))
        for name in names
    }
    return pl.DataFrame(data, schema={n: schema[n] for n in names})


def scored(rows: list[dict[str, Any]], rubric=RUBRIC, **kw: Any) -> Scored:
    columns = kw.pop("columns", None)
    return score(tracker(rows, columns=columns), rubric, as_of=AS_OF, **kw)


def partner(result: Scored, name: str) -> dict[str, Any]:
    """One partner's judgment by name."""
    found = result.partners.filter(pl.col("partner") == name).to_dicts()
    assert len(found) == 1, f"{name} not found once in {result.partners['partner'].to_list()}"
    return found[0]


def why(result: Scored, name: str) -> str:
    return "\n".join(partner(result, name)["why"])


def check(result: Scored, code: str, which: str = "designated"):
    checks = getattr(result.portfolio, which)
    return next(c for c in checks if c.code == code)
