{#
  Engine-specific relation shapes, one dispatch macro each (duckdb__ / spark__): number series,
  star-minus-columns, ordered text aggregation and per-key counts as JSON.
#}

{#
  A relation of one column `range`: start, start + step, ... while below stop (DuckDB's range()).
  start/stop are dates, timestamps or integers; step an interval (or an integer).
#}
{% macro series(start, stop, step) -%}
    {{ return(adapter.dispatch('series', 'nyc_mobility')(start, stop, step)) }}
{%- endmacro %}

{% macro default__series(start, stop, step) -%}
    range({{ start }}, {{ stop }}, {{ step }})
{%- endmacro %}

{#- sequence() includes its end and refuses an end before the start: the last value below stop. -#}
{% macro spark__series(start, stop, step) -%}
    (select explode(sequence(first_value, last_value, {{ step }})) as range
     from (select {{ start }} as first_value, {{ stop }} - {{ step }} as last_value)
     where last_value >= first_value)
{%- endmacro %}

{# Every column of `relation_alias` (or of the FROM clause) but `columns`. #}
{% macro star_except(columns, relation_alias=none) -%}
    {{ return(adapter.dispatch('star_except', 'nyc_mobility')(columns, relation_alias)) }}
{%- endmacro %}

{% macro default__star_except(columns, relation_alias) -%}
    {{ relation_alias ~ '.' if relation_alias }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, relation_alias) -%}
    {{ relation_alias ~ '.' if relation_alias }}* except ({{ columns | join(', ') }})
{%- endmacro %}

{# The group's values of `expr` joined by `separator`, in the order of `order_by`. #}
{% macro ordered_string_agg(expr, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'nyc_mobility')(expr, separator, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, '{{ separator }}'
            order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expr, separator, order_by) -%}
    array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ expr }} as v))), e -> e.v), '{{ separator }}')
{%- endmacro %}

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

{% macro counts_map_json(expr) -%}
    {{ return(adapter.dispatch('counts_map_json', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__counts_map_json(expr) -%}
    cast(to_json(coalesce({{ expr }}, map())) as string)
{%- endmacro %}

{% macro spark__counts_map_json(expr) -%}
    to_json(coalesce({{ expr }}, cast(map() as map<string, bigint>)))
{%- endmacro %}
