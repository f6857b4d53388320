{#
  Engine-specific text and time formats (macros/engine/, one construct per file, duckdb__ / spark__).
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
