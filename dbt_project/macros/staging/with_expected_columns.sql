{#
  Published files drift: a column is renamed (`Airport_fee` -> `airport_fee`), re-cased
  (`PUlocationID`), added (`cbd_congestion_fee`, 2025+) or typed differently (DOUBLE vs BIGINT).
  `with_expected_columns` unions a raw relation BY NAME with a zero-row template of every column
  name any published variant uses, so staging can reference each name even when no file on disk
  carries it (it is then NULL). DuckDB matches names case-insensitively, so casing variants fold
  into one column.
#}
{% macro with_expected_columns(relation, columns) -%}
    select * from {{ relation }}
    union all by name
    select
    {%- for name in columns %}
        null as "{{ name }}"{{ "," if not loop.last }}
    {%- endfor %}
    where false
{%- endmacro %}
