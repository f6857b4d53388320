{#
  Engine-specific text and time-format functions, one dispatch macro each (duckdb__ / spark__).
  Formats are written once, in strftime notation (%Y %m %d %H %M %S); Spark's implementations
  translate them to its datetime patterns. Spark sessions run with escapedStringLiterals (profiles.yml),
  so a regular expression is written the same way for both engines.
#}

{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'nyc_mobility')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    regexp_like({{ expr }}, {{ pattern }})
{%- endmacro %}

{# A strftime format as a Spark datetime pattern (the specifiers the project uses). #}
{% macro java_datetime_pattern(format) -%}
    {{- format.replace('%Y', 'yyyy').replace('%m', 'MM').replace('%d', 'dd')
        .replace('%H', 'HH').replace('%M', 'mm').replace('%S', 'ss') -}}
{%- endmacro %}

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

{# A column name as the engine quotes it ("Name" on DuckDB, `Name` on Spark): published names with capitals or spaces. #}
{% macro col(name) -%}
    {{- adapter.quote(name) -}}
{%- endmacro %}
