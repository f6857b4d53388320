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

{# `relation` restricted to the window when it is partitioned by month (for a test's other model). #}
{% macro month_window_scope(relation) -%}
    {%- set window = month_window_condition(relation) -%}
    {%- if window -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ window ~ ') month_window_scoped') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# The window's condition on the relation's month column, or '' (no window, or not monthly). #}
{% macro month_window_condition(relation) -%}
    {%- if var('start_month', none) is none and var('end_month', none) is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set found = namespace(column=none) -%}
    {%- if execute and relation is not string and relation.identifier -%}
        {%- for node in (graph.get('nodes') or {}).values() -%}
            {%- if node.resource_type == 'model'
                and (node.alias or node.name) | lower == relation.identifier | lower
                and node.schema | lower == (relation.schema or node.schema) | lower -%}
                {%- set found.column = node.config.meta.get('month_column') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found.column is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- do return(month_window_filter(adapter.quote(found.column))) -%}
{%- endmacro %}
