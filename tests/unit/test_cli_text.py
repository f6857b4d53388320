"""Data and server text on the console (nyc_mobility.cli.text and the commands that print it): never
read as Rich markup, no terminal control, no spreadsheet formula in CSV output. Generated texts."""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console

from nyc_mobility.cli.text import clean, csv_cell, shown

HOSTILE = [
    "[/x]",
    "[bold red]Queens[/]",
    "Zone [/] with [/link]",
    "\x1b[31mred\x1b[0m\x1b]8;;http://evil\x07click\x1b]8;;\x07",
    "tab\there\r\nline",
    "[link=file:///etc/passwd]x[/link]",
    "\x9b31m C1 CSI",
    "\\[escaped\\]",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_data_text_is_shown_as_it_is_without_control_characters(text):
    console = Console(file=io.StringIO(), color_system=None, width=500)
    console.print(f"[red]failed[/] {shown(text)}")  # never a MarkupError
    out = console.file.getvalue()
    assert not any(c in out for c in ("\x1b", "\x07", "\x9b", "\r"))
    assert clean(text).expandtabs(8) in out.expandtabs(8) or "\t" in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'=1"),
        ("Queens", "Queens"),
        ("a=b", "a=b"),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_metrics_query_prints_hostile_group_values_in_every_format(monkeypatch):
    from typer.testing import CliRunner

    from nyc_mobility import metrics
    from nyc_mobility.cli import app

    class Result:
        def __init__(self):
            self.columns = ["trip__pickup_borough", "trips"]
            self.rows = [(text, i) for i, text in enumerate(['=HYPERLINK("x")', *HOSTILE])]

    class Service:
        def __init__(self, *_args, **_kwargs):
            pass

        def query(self, *_args, **_kwargs):
            return Result()

        def close(self):
            pass

    monkeypatch.setattr(metrics, "MetricsService", Service)
    for fmt in ("table", "csv", "json"):
        result = CliRunner().invoke(
            app,
            [
                "metrics",
                "query",
                "--metrics",
                "trips",
                "--group-by",
                "trip__pickup_borough",
                "--format",
                fmt,
                "--database",
                "x.duckdb",
            ],
        )
        assert result.exit_code == 0, (fmt, result.output)
        assert "\x1b]8" not in result.output and "\x07" not in result.output
        if fmt == "csv":
            cells = [row[0] for row in csv.reader(io.StringIO(result.output))][1:]
            assert not any(c[:1] in "=+-@" for c in cells) and cells[0] == '\'=HYPERLINK("x")'
        if fmt == "table":
            assert "[/x]" in result.output and "[bold red]Queens[/]" in result.output


@pytest.mark.parametrize("header", ["[/x],b,c", "\x1b[2J[bold]clear[/bold],b", "=cmd|' /C calc'!A0,b"])
def test_land_refuses_a_file_naming_its_hostile_header_in_one_line(tmp_path, header):
    from typer.testing import CliRunner

    from nyc_mobility.cli import app

    bad = tmp_path / "yellow_tripdata_2024-10.csv"
    bad.write_text(header + "\n1,2,3\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["land", str(bad), "--source", "yellow", "--month", "2024-10", "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 1, result.output
    assert "refused" in result.output and "nothing was landed" in result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output
