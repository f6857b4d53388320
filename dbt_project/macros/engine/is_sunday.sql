{# 1 when the timestamp falls on a Sunday (day of week with Sunday = 0 on DuckDB, 1 on Spark). #}

{% macro is_sunday(expr) -%}
    {{ return(adapter.dispatch('is_sunday', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__is_sunday(expr) -%}
    dayofweek({{ expr }}) = 0
{%- endmacro %}

{% macro spark__is_sunday(expr) -%}
    dayofweek({{ expr }}) = 1
{%- endmacro %}
