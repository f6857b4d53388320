{# The `zone` wall-clock time `hours` after (or before, when negative) the instant `expr` stands for. #}

{% macro local_time_shifted(expr, zone, hours) -%}
    {{ return(adapter.dispatch('local_time_shifted', 'nyc_mobility')(expr, zone, hours)) }}
{%- endmacro %}

{% macro default__local_time_shifted(expr, zone, hours) -%}
    timezone('{{ zone }}', timezone('{{ zone }}', {{ expr }}) {{ '-' if hours < 0 else '+' }} interval {{ hours | abs }} hour)
{%- endmacro %}

{% macro spark__local_time_shifted(expr, zone, hours) -%}
    convert_timezone('UTC', '{{ zone }}', convert_timezone('{{ zone }}', 'UTC', {{ expr }}) {{ '-' if hours < 0 else '+' }} interval {{ hours | abs }} hour)
{%- endmacro %}
