{#
  Pre-hook of the incremental (monthly) models: before a month-window build, forget every row of
  the window's months, so a rebuilt month is exactly what its files hold now, even when a month's
  records (or the whole month) are gone from disk. delete+insert alone only replaces the months
  the new rows carry. Without a window nothing is deleted (every month on disk is rebuilt).
  A table built by an earlier version without the month column cannot be rebuilt by month: the
  error says how to rebuild it whole.
#}
{% macro delete_month_window() -%}
    {%- if is_incremental() and (var('start_month', none) is not none or var('end_month', none) is not none) -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if 'source_month' not in columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no source_month column (built by an earlier version): rebuild it whole with "
                ~ "`nyc-mobility run --rebuild` (or dbt build --full-refresh --select " ~ this.identifier ~ ")") }}
        {%- endif -%}
        delete from {{ this }} where {{ month_window_filter('source_month') }}
    {%- endif -%}
{%- endmacro %}
