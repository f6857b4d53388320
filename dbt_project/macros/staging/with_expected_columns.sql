{#
  Published files drift: a column is renamed (`Airport_fee` -> `airport_fee`), re-cased
  (`PUlocationID`), added (`cbd_congestion_fee`, 2025+) or typed differently (DOUBLE vs BIGINT).
  `with_expected_columns` unions a raw relation BY NAME with a zero-row template of every column
  name any published variant uses, so staging can reference each name even when no file on disk
  carries it (it is then NULL). DuckDB matches names case-insensitively, so casing variants fold
  into one column.
#}
{% macro with_expected_columns(relation, columns) -%}
    {{ return(adapter.dispatch('with_expected_columns', 'nyc_mobility')(relation, columns)) }}
{%- endmacro %}

{% macro default__with_expected_columns(relation, columns) -%}
    select * from {{ relation }}
    union all by name
    select
    {%- for name in columns %}
        null as "{{ name }}"{{ "," if not loop.last }}
    {%- endfor %}
    where false
{%- endmacro %}

{#
  Spark has no UNION BY NAME: the relation's columns are described (names compare case-insensitively,
  as Spark resolves them) and every expected column it lacks is added as NULL text.
#}
{% macro spark__with_expected_columns(relation, columns) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for row in run_query('describe query select * from ' ~ relation).rows -%}
            {%- do present.append(row[0] | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    select *
    {%- for name in columns if name | lower not in present %},
        cast(null as string) as `{{ name }}`
    {%- endfor %}
    from {{ relation }}
{%- endmacro %}
