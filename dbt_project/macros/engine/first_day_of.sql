{# The first day of the date's month or ISO week (Monday), as a date. #}

{% macro first_day_of(part, expr) -%}
    {{ return(adapter.dispatch('first_day_of', 'nyc_mobility')(part, expr)) }}
{%- endmacro %}

{% macro default__first_day_of(part, expr) -%}
    cast(date_trunc('{{ part }}', {{ expr }}) as date)
{%- endmacro %}

{% macro spark__first_day_of(part, expr) -%}
    cast(date_trunc('{{ part | upper }}', {{ expr }}) as date)
{%- endmacro %}
