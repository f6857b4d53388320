{# An interval of `expr` (an integer) seconds. #}

{% macro seconds_interval(expr) -%}
    {{ return(adapter.dispatch('seconds_interval', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__seconds_interval(expr) -%}
    to_seconds({{ expr }})
{%- endmacro %}

{% macro spark__seconds_interval(expr) -%}
    make_dt_interval(0, 0, 0, {{ expr }})
{%- endmacro %}
