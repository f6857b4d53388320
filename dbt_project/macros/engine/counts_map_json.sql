{% macro counts_map_json(expr) -%}
    {{ return(adapter.dispatch('counts_map_json', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__counts_map_json(expr) -%}
    cast(to_json(coalesce({{ expr }}, map())) as string)
{%- endmacro %}

{% macro spark__counts_map_json(expr) -%}
    to_json(coalesce({{ expr }}, cast(map() as map<string, bigint>)))
{%- endmacro %}
