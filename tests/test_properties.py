"""Property tests: random workbooks go read -> score -> annotate -> read without error,
every original cell (value and formula, cached values too) is unchanged, and re-reading
the annotated workbook scores every partner the same.

Bounded (25 examples, no deadline) so `make test` stays fast.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.outputs import write_annotated
from tierwise.pipeline import evaluate

AS_OF = date(2026, 10, 31)
SHEET = "xl/worksheets/sheet1.xml"
KNOWN = ["Tier", "Type", "Pipeline", "Closed Revenue", "Deals Won", "Last Activity", "Notes"]
# Headers no alias names (checked below), in the shapes real trackers have.
ODD = [
    "Ünïcødé ✓ Spalte",
    "数据",
    "x" * 120,
    "Q3 / FY26 (k€)",
    "  padded  ",
    "#",
    "1234",
    "Owner\nsecond line",
]
TEXT = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00\r", max_codepoint=0x1F9FF
    ),
    max_size=40,
)
LONG = st.text(alphabet="abc déf ", min_size=200, max_size=600)
NAME = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=24).map(
    lambda s: "Co " + s
)
VALUE = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    st.datetimes(datetime(1990, 1, 1), datetime(2030, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    TEXT,
    LONG,
    st.sampled_from(["n/a", "-", "TBD", "$1.2M", "45%", "12 days", "Yes", "x", "Strategic"]),
    st.just("formula"),
)
# Formulas and the cached value Excel would have stored with them.
FORMULAS = [("1+1", "2", None), ('"a"&"b"', "ab", "str"), ("TODAY()", "46326", None)]


@st.composite
def workbooks(draw: st.DrawFn) -> dict:
    headers = ["Partner", *draw(st.lists(st.sampled_from(KNOWN + ODD), max_size=6))]
    order = draw(st.permutations(range(len(headers))))
    headers = [headers[i] for i in order]
    n_rows = draw(st.integers(1, 12))
    rows = []
    for _ in range(n_rows):
        row = [draw(VALUE) for _ in headers]
        row[headers.index("Partner")] = draw(st.one_of(NAME, st.none()))
        rows.append(row)
    if all(r[headers.index("Partner")] is None for r in rows):
        rows[0][headers.index("Partner")] = "Co first"
    title = draw(st.sampled_from([[], ["Partner tracker FY26 ✓"], ["Owner: Ana", None]]))
    merges = draw(st.lists(st.tuples(st.integers(0, n_rows), st.integers(0, 5)), max_size=3))
    return {"headers": headers, "rows": rows, "title": title, "merges": merges}


def build(spec: dict, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    top = 1
    if spec["title"]:
        ws.append(spec["title"])
        ws.append([])
        top = 3
    ws.append(spec["headers"])
    formulas: dict[str, tuple[str, str | None]] = {}
    for r, row in enumerate(spec["rows"], start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if value == "formula":
                expr, cached, kind = FORMULAS[(r + c) % len(FORMULAS)]
                cell.value = "=" + expr
                formulas[cell.coordinate] = (cached, kind)
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text as typed, even "=..."
    width = len(spec["headers"])
    for r0, c0 in spec["merges"]:
        # Merge a small block of the body, clear of the partner column.
        r = top + 1 + min(r0, len(spec["rows"]) - 1)
        c = min(c0 + 1, width)
        if c == spec["headers"].index("Partner") + 1 or c + 1 > width:
            continue
        if c + 1 == spec["headers"].index("Partner") + 1:
            continue
        ref = f"{ws.cell(r, c).coordinate}:{ws.cell(r, c + 1).coordinate}"
        if not any(ref_overlaps(ref, str(m)) for m in ws.merged_cells.ranges):
            ws.merge_cells(ref)
    wb.save(path)
    if formulas:
        _cache_values(path, formulas)


def ref_overlaps(a: str, b: str) -> bool:
    from openpyxl.worksheet.cell_range import CellRange

    return not CellRange(a).isdisjoint(CellRange(b))


def _cache_values(path: Path, formulas: dict[str, tuple[str, str | None]]) -> None:
    """Give openpyxl's formula cells the cached <v> Excel would have written."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}

    def fill(m: re.Match) -> bytes:
        ref = m.group(1).decode()
        if ref not in formulas:
            return m.group(0)
        cached, kind = formulas[ref]
        t = f' t="{kind}"'.encode() if kind else b""
        return b'<c r="%s"%s%s<v>%s</v></c>' % (
            m.group(1),
            t,
            m.group(2),
            cached.encode(),
        )

    parts[SHEET] = re.sub(
        rb'<c r="([A-Z]+[0-9]+)"((?:\s[^>]*)?><f>[^<]*</f>)<v\s*/?>(?:</v>)?</c>',
        fill,
        parts[SHEET],
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def cells(path: Path, data_only: bool) -> tuple[dict[str, object], set[str]]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    ws = wb["Partners"]
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
    merged = {str(m) for m in ws.merged_cells.ranges}
    wb.close()
    return values, merged


def test_odd_headers_name_no_field() -> None:
    from tierwise.io.headers import alias_index, field_of
    from tierwise.scoring.rubric import load_rubric

    index = alias_index(load_rubric().aliases)
    assert [h for h in ODD if field_of(h, index)] == []


RESULT = ["row", "partner", "score", "recommended_tier", "action", "flags"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(workbooks())
def test_random_workbooks_round_trip(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        src, out = Path(folder) / "in.xlsx", Path(folder) / "out.xlsx"
        build(spec, src)
        before = src.read_bytes()
        ev = evaluate(src, as_of=AS_OF)
        write_annotated(ev, out)
        assert src.read_bytes() == before

        for data_only in (False, True):  # formulas, then their cached values
            old, old_merged = cells(src, data_only)
            new, new_merged = cells(out, data_only)
            changed = {k: (v, new.get(k)) for k, v in old.items() if new.get(k) != v}
            assert changed == {}
            assert old_merged <= new_merged

        again = evaluate(out, as_of=AS_OF)
        first = ev.scored.partners.select(RESULT).sort("row")
        second = again.scored.partners.select(RESULT).sort("row")
        assert first.to_dicts() == second.to_dicts()
        assert again.tracker.source.header_row == ev.tracker.source.header_row
