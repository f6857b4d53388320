{#
  The first non-null of a column's published spellings, each cast to one type first: eras and
  formats type the same column differently (`VendorID` BIGINT in 2025 parquet, text in a landed CSV;
  `tpep_pickup_datetime` TIMESTAMP, TIMESTAMPTZ or text), and DuckDB cannot COALESCE INTEGER with
  VARCHAR. Cast failures are NULL (try_cast), so a bad value falls through to the next spelling.
#}
{% macro coalesce_as(columns, type) -%}
    coalesce({% for c in columns %}try_cast({{ c }} as {{ type }}){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
