{# A column name as the engine quotes it ("Name" on DuckDB, `Name` on Spark): published names with capitals or spaces. #}

{% macro col(name) -%}
    {{- adapter.quote(name) -}}
{%- endmacro %}
