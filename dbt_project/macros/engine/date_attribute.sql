{#
  Calendar attributes of a date: month_name, day_name (English), iso_year, iso_week, iso_day_of_week
  (Monday 1 .. Sunday 7), quarter, day_of_year.
#}

{% macro date_attribute(attribute, expr) -%}
    {{ return(adapter.dispatch('date_attribute', 'nyc_mobility')(attribute, expr)) }}
{%- endmacro %}

{% macro default__date_attribute(attribute, expr) -%}
    {%- set functions = {
        'month_name': 'monthname', 'day_name': 'dayname', 'iso_year': 'isoyear', 'iso_week': 'weekofyear',
        'iso_day_of_week': 'isodow', 'quarter': 'quarter', 'day_of_year': 'dayofyear'
    } -%}
    {{ functions[attribute] }}({{ expr }})
{%- endmacro %}

{% macro spark__date_attribute(attribute, expr) -%}
    {%- set expressions = {
        'month_name': "date_format(" ~ expr ~ ", 'MMMM')",
        'day_name': "date_format(" ~ expr ~ ", 'EEEE')",
        'iso_year': "extract(YEAROFWEEK from " ~ expr ~ ")",
        'iso_week': "weekofyear(" ~ expr ~ ")",
        'iso_day_of_week': "extract(DAYOFWEEK_ISO from " ~ expr ~ ")",
        'quarter': "quarter(" ~ expr ~ ")",
        'day_of_year': "dayofyear(" ~ expr ~ ")"
    } -%}
    {{ expressions[attribute] }}
{%- endmacro %}
