{# The source's node (meta), or none while dbt parses or inside a unit test. #}

{% macro raw_source_node(source_name, table_name) -%}
    {%- set node = (graph.get('sources') or {}).get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {{ return(node if execute else none) }}
{%- endmacro %}
