{# The window's condition on the relation's month column, or '' (no window, or not monthly). #}

{% macro month_window_condition(relation) -%}
    {%- if var('start_month', none) is none and var('end_month', none) is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set found = namespace(column=none) -%}
    {%- if execute and relation is not string and relation.identifier -%}
        {%- for node in (graph.get('nodes') or {}).values() -%}
            {%- if node.resource_type == 'model'
                and (node.alias or node.name) | lower == relation.identifier | lower
                and node.schema | lower == (relation.schema or node.schema) | lower -%}
                {%- set found.column = node.config.meta.get('month_column') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found.column is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- do return(month_window_filter(adapter.quote(found.column))) -%}
{%- endmacro %}
