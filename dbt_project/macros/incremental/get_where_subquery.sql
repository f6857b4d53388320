{#
  Data tests of a month-window build test the window's months only: the cost of testing a month is
  the month's, not the history's. dbt wraps the model of every generic test in get_where_subquery
  (its `where:` config); this override also restricts a model partitioned by month (meta
  month_column, dbt_project.yml) to the start_month/end_month window when one is set. Staging views
  are restricted too (DuckDB then reads only the window's files). Without a window (the weekly
  full-history test job, a plain `dbt build`) every month is tested. Tests comparing two monthly
  models scope the other one with month_window_scope (sum_equals_row_count).
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set window = month_window_condition(relation) -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if window -%}{%- do conditions.append(window) -%}{%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

