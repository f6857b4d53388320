{# The group's (key, count) pairs as a map ordered by key; counts_map_json writes one as JSON text. #}

{% macro counts_map(key, count) -%}
    {{ return(adapter.dispatch('counts_map', 'nyc_mobility')(key, count)) }}
{%- endmacro %}

{% macro default__counts_map(key, count) -%}
    map_from_entries(list(struct_pack(k := {{ key }}, v := {{ count }}) order by {{ key }}))
{%- endmacro %}

{% macro spark__counts_map(key, count) -%}
    map_from_entries(array_sort(collect_list(struct({{ key }} as k, {{ count }} as v))))
{%- endmacro %}
