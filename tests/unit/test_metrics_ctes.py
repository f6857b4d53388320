"""MetricFlow's table-read CTEs are inlined; everything else in its SQL is left as written."""

from __future__ import annotations

import duckdb
import pytest

from nyc_mobility.metrics.ctes import inline_table_reads

READ = (
    "with r_cte as (\n  -- Read Elements From Semantic Model 'trips'\n  select mode, 1 as __trips from t\n)\n"
)
USES = "select a.mode, sum(a.__trips) from r_cte a join r_cte b using (mode) group by 1 order by 1"


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute("create table t as select * from (values ('a', 1), ('b', 2), ('a', 3)) v(mode, x)")
    return con


def test_a_cte_that_reads_one_table_is_not_materialized_and_the_result_is_the_same():
    sql = READ + USES
    out = inline_table_reads(sql)
    assert out == sql.replace("r_cte as (", "r_cte as NOT MATERIALIZED (", 1)
    assert "-- Read Elements From Semantic Model 'trips'" in out  # the text is otherwise MetricFlow's
    con = _con()
    assert con.execute(out).fetchall() == con.execute(sql).fetchall() == [("a", 4), ("b", 1)]


@pytest.mark.parametrize(
    "body",
    [
        "select mode, sum(x) as s from t group by mode",  # an aggregate: consumers would repeat it
        "select mode, count(*) over (partition by mode) as n from t",  # a window
        "select distinct mode from t",
        "select t.mode from t join t as u using (mode)",  # a join
        "select mode from t limit 2",
        "select mode from (select mode from t) as s",  # a subquery
        "select mode from t where x > (select avg(x) from t)",
    ],
)
def test_a_cte_that_computes_something_is_left_to_duckdb(body):
    sql = f"with r_cte as ({body}) select count(*) from r_cte a, r_cte b"
    assert inline_table_reads(sql) == sql


def test_a_string_that_looks_like_a_cte_is_not_touched():
    sql = READ + "select 'r_cte as (' as label, count(*) from r_cte a, r_cte b where a.mode = 'r_cte AS ('"
    out = inline_table_reads(sql)
    assert out.count("NOT MATERIALIZED") == 1
    assert "'r_cte as (' as label" in out and "a.mode = 'r_cte AS ('" in out
    assert _con().execute(out).fetchall() == [("r_cte as (", 0)]


def test_an_explicit_choice_and_sql_sqlglot_cannot_parse_are_left_as_written():
    chosen = "with r_cte as materialized (select mode from t) select count(*) from r_cte a, r_cte b"
    assert inline_table_reads(chosen) == chosen
    broken = "with r_cte as (select mode from t select"
    assert inline_table_reads(broken) == broken
