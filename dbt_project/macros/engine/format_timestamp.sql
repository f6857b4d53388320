
{# A timestamp or date as text in `format` (strftime notation). #}

{% macro format_timestamp(expr, format) -%}
    {{ return(adapter.dispatch('format_timestamp', 'nyc_mobility')(expr, format)) }}
{%- endmacro %}

{% macro default__format_timestamp(expr, format) -%}
    strftime({{ expr }}, '{{ format }}')
{%- endmacro %}

{% macro spark__format_timestamp(expr, format) -%}
    date_format({{ expr }}, '{{ java_datetime_pattern(format) }}')
{%- endmacro %}
