"""The package's own SQL quoting round-trips any text through DuckDB unchanged."""

from __future__ import annotations

import duckdb
import pytest

from nyc_mobility.sql_quoting import identifier, literal, literals

HOSTILE = [
    "plain",
    "it's",
    "''",
    'a "quoted" name',
    '"; drop table t; --',
    "'); select 1; --",
    "back\\slash",
    "new\nline",
    "/tmp/O'Brien's data/raw/month=2024-10/",
    "ünïcödé ✓",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_literal_and_an_identifier_read_back_as_the_same_text(text):
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    assert con.execute(f"select {literal(text)}").fetchall() == [(text,)]
    if text:  # an identifier cannot be empty
        con.execute(f"create table {identifier(text)} ({identifier(text + '_c')} integer)")
        names = con.execute(
            "select table_name, column_name from duckdb_columns() where not internal"
        ).fetchall()
        assert names == [(text, text + "_c")]


def test_a_list_of_literals_is_one_list_of_the_same_texts():
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    assert con.execute(f"select [{literals(HOSTILE)}]").fetchall() == [(HOSTILE,)]
