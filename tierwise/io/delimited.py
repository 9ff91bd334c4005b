"""The book of delimited text (CSV, TSV): one sheet, named after the file, whose grid is
the text split at its separator (sniffed, or given by Excel's "sep=" line)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from tierwise.errors import TierwiseError
from tierwise.io.book import Sheet

if TYPE_CHECKING:
    import polars as pl

    from tierwise.io.safety import FileCheck
    from tierwise.io.tracker import TrackerWarning


class DelimitedBook:
    def __init__(self, path: Path, check: FileCheck) -> None:
        self.path = path
        self.names = [path.stem or "Sheet1"]
        self.grid = _read_csv(path, check.format)

    def load(self, index: int) -> Sheet:
        return Sheet(self.names[0], 0, True, self.grid)

    def setup(self, warnings: list[TrackerWarning]) -> dict:
        return {}

    def strategy(self) -> dict:
        return {}

    def with_errors(self, sheet: Sheet, body: pl.DataFrame, offset: int) -> pl.DataFrame:
        return body  # a CSV holds error values as the text they are


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if b"\x00" in data[:4096]:
        even_nuls = data[0:4096:2].count(0)
        return data.decode(
            "utf-16-be" if even_nuls > data[1:4096:2].count(0) else "utf-16-le", "replace"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the ANSI code page; latin-1 covers its holes.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff(text: str, default: str) -> str:
    lines = [ln for ln in text.split("\n", 50)[:50] if ln.strip()]
    best, best_score = default, 0.0
    for sep in (",", ";", "\t", "|"):
        counts = [ln.count(sep) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) / len(counts) * (mode > 0) + 0.01 * mode
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, fmt: str) -> pl.DataFrame:
    import polars as pl  # here, so the format table (and `tierwise --help`) loads without it

    text = _decode(path.read_bytes())
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    sep = None
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        sep, text = first.strip()[4], rest  # Excel's "sep=;" hint line
    if not text.strip():
        raise TierwiseError(f"{path} is empty: there is nothing to read")
    sep = sep or _sniff(text, "\t" if fmt == "tsv" else ",")
    lines = pl.Series(text.split("\n"), dtype=pl.String)
    most = lines.str.count_matches(sep, literal=True).max()
    width = (most if isinstance(most, int) else 0) + 1
    names = sep.join(str(i) for i in range(1, width + 1))
    try:
        return pl.read_csv(
            io.BytesIO((names + "\n" + text).encode("utf-8")),
            has_header=True,
            infer_schema=False,
            separator=sep,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except Exception as err:  # polars' parse errors
        raise TierwiseError(f"{path} could not be read as CSV ({err}); check the file") from None
