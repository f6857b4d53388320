{# Text in `format` (strftime notation) as a timestamp; an error on text that does not match. #}

{% macro parse_timestamp_as(expr, format) -%}
    {{ return(adapter.dispatch('parse_timestamp_as', 'nyc_mobility')(expr, format)) }}
{%- endmacro %}

{% macro default__parse_timestamp_as(expr, format) -%}
    strptime({{ expr }}, '{{ format }}')
{%- endmacro %}

{#- Spark patterns cannot hold a bare `T`: the ISO separator is read as a space. -#}

{% macro spark__parse_timestamp_as(expr, format) -%}
    {%- if 'T' in format -%}
    to_timestamp(replace({{ expr }}, 'T', ' '), '{{ java_datetime_pattern(format.replace('T', ' ')) }}')
    {%- else -%}
    to_timestamp({{ expr }}, '{{ java_datetime_pattern(format) }}')
    {%- endif -%}
{%- endmacro %}
