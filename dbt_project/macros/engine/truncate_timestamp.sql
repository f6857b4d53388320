{# A timestamp truncated to the hour or the month (a timestamp, never a zoned value). #}

{% macro truncate_timestamp(part, expr) -%}
    {{ return(adapter.dispatch('truncate_timestamp', 'nyc_mobility')(part, expr)) }}
{%- endmacro %}

{% macro default__truncate_timestamp(part, expr) -%}
    date_trunc('{{ part }}', {{ expr }})
{%- endmacro %}

{# Spark's date_trunc returns a zoned TIMESTAMP: back to wall-clock time (the session zone is UTC). #}

{% macro spark__truncate_timestamp(part, expr) -%}
    cast(date_trunc('{{ part | upper }}', {{ expr }}) as timestamp_ntz)
{%- endmacro %}
