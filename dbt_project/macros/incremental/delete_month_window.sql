{#
  Pre-hook of the incremental (monthly) models: before a month-window build, forget every row of
  the window's months, so a rebuilt month is exactly what its files hold now, even when a month's
  records (or the whole month) are gone from disk. delete+insert alone only replaces the months
  the new rows carry. Without a window nothing is deleted (every month on disk is rebuilt).
  A table built by an earlier version without the month column cannot be rebuilt by month: the
  error says how to rebuild it whole.
#}
{% macro delete_month_window() -%}
    {{ return(adapter.dispatch('delete_month_window', 'nyc_mobility')()) }}
{%- endmacro %}

{% macro default__delete_month_window() -%}
    {%- if is_incremental() and (var('start_month', none) is not none or var('end_month', none) is not none) -%}
        {%- do require_month_column() -%}
        delete from {{ this }} where {{ month_window_filter('source_month') }}
    {%- endif -%}
{%- endmacro %}

{% macro require_month_column() -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'source_month' not in columns -%}
        {{ exceptions.raise_compiler_error(
            this ~ " has no source_month column (built by an earlier version): rebuild it whole with "
            ~ "`nyc-mobility run --rebuild` (or dbt build --full-refresh --select " ~ this.identifier ~ ")") }}
    {%- endif -%}
{%- endmacro %}

{#
  Spark (parquet tables partitioned by source_month, insert_overwrite): the window's months are the
  table's partitions inside the window, dropped in one statement; insert_overwrite then writes the
  months the window's files hold.
#}

{% macro spark__delete_month_window() -%}
    {%- set start, end = var('start_month', none), var('end_month', none) -%}
    {%- if is_incremental() and (start is not none or end is not none) -%}
        {%- do require_month_column() -%}
        {%- set months = [] -%}
        {%- for row in run_query('show partitions ' ~ this).rows -%}
            {%- set month = row[0].split('=', 1)[1] -%}
            {%- if modules.re.fullmatch('[0-9]{4}-[0-9]{2}', month)
                and (start is none or month >= start | string) and (end is none or month <= end | string) -%}
                {%- do months.append(month) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if months -%}
        alter table {{ this }} drop if exists {% for month in months %}partition (source_month = '{{ month }}'){{ ", " if not loop.last }}{% endfor %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
