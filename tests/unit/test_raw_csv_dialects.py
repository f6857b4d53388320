"""Every published CSV dialect lands with every record and nothing else (issue 32): CRLF and LF,
blank lines (after the header, as the TLC's 2014-2016 green files have, between rows, at the end),
more trailing commas than header fields, header names with spaces; a truncated last line is reported
at its own line, and a file without line ends is refused without reading it whole. Each landed file
is compared with the records Python's csv module reads from the same bytes."""

from __future__ import annotations

import csv
import io
import itertools

import pyarrow.parquet as pq
import pytest

from nyc_mobility import raw
from nyc_mobility.raw.landing import MAX_LINE_CHARS

HEADER = ["VendorID", "lpep_pickup_datetime", "Lpep_dropoff_datetime", "Trip_type "]
ROWS = [
    ["2", "2015-06-01 00:00:01", "2015-06-01 00:10:01", "1"],
    ["1", "2015-06-02 08:30:00", "2015-06-02 08:41:00", "2"],
    ["2", "2015-06-03 17:05:00", "2015-06-03 17:35:10", ""],
]


def dialect(
    ending: str, blank_after_header: bool, blank_between: bool, blank_at_end: bool, trailing: int
) -> str:
    lines = [" " + ",".join(HEADER)]  # a header name with a leading space, one with a trailing one
    if blank_after_header:
        lines.append("")
    for i, row in enumerate(ROWS):
        lines.append(",".join(row) + "," * trailing)
        if blank_between and i == 0:
            lines.append("")
    text = ending.join(lines) + ending
    return text + ending if blank_at_end else text


def expected(text: str) -> list[list[str]]:
    """The records an independent reader sees: non-blank rows, cut to the header's width."""
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r][1:]
    return [r[: len(HEADER)] for r in rows]


@pytest.mark.parametrize(
    ("ending", "after", "between", "end", "trailing"),
    list(itertools.product(["\r\n", "\n"], [True, False], [True, False], [True, False], [0, 3])),
)
def test_every_dialect_lands_every_record(tmp_path, ending, after, between, end, trailing):
    text = dialect(ending, after, between, end, trailing)
    src = tmp_path / "green_tripdata_2015-06.csv"
    src.write_bytes(text.encode())
    landed = raw.land_csv_as_parquet(src, tmp_path / "raw", "green", "2015-06")
    table = pq.read_table(landed)
    assert table.column_names == [h.strip() for h in HEADER]
    # an empty field is text '' or NULL depending on which reader landed it: staging reads both as null
    got = [[v or None for v in r.values()] for r in table.to_pylist()]
    assert got == [[v or None for v in r] for r in expected(text)] == [[v or None for v in r] for r in ROWS]


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_a_truncated_last_line_is_reported_at_its_own_line(tmp_path, ending):
    lines = [",".join(HEADER), "", *(",".join(r) for r in ROWS), "2,2015-06-04 09:00:00"]
    src = tmp_path / "green_tripdata_2015-06.csv"
    src.write_bytes(ending.join(lines).encode())
    with pytest.raises(raw.RawFileError, match=r"line 6: 2 fields, header has 4"):
        raw.land_csv_as_parquet(src, tmp_path / "raw", "green", "2015-06")
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize("where", ["header", "row"])
def test_a_file_without_line_ends_is_refused_without_reading_it_whole(tmp_path, where):
    src = tmp_path / "yellow_tripdata_2024-10.csv"
    endless = "x" * (3 * MAX_LINE_CHARS)
    src.write_text(endless if where == "header" else ",".join(HEADER) + "\n" + endless, encoding="utf-8")
    with pytest.raises(raw.RawFileError, match=r"runs past 1,048,576 characters without an end"):
        raw.land_csv_as_parquet(src, tmp_path / "raw", "yellow", "2024-10")
