{#
  Pre-hook of the incremental (monthly) models: before a month-window build, forget every row of
  the window's months, so a rebuilt month is exactly what its files hold now, even when a month's
  records (or the whole month) are gone from disk. delete+insert alone only replaces the months
  the new rows carry. Without a window nothing is deleted (every month on disk is rebuilt).
#}
{% macro delete_month_window() -%}
    {%- if is_incremental() and (var('start_month', none) is not none or var('end_month', none) is not none) -%}
        delete from {{ this }} where {{ month_window_filter('source_month') }}
    {%- endif -%}
{%- endmacro %}
