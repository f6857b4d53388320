{# The month a landed file belongs to, from its hive partition folder `month=YYYY-MM`. #}
{% macro source_month_of(filename_column) -%}
    regexp_extract({{ filename_column }}, 'month=(\d{4}-\d{2})', 1)
{%- endmacro %}
