{#
  Engine-specific date and time arithmetic (macros/engine/, one construct per file, duckdb__ / spark__).
  Timestamps are wall-clock values without a zone on both engines (DuckDB TIMESTAMP, Spark
  TIMESTAMP_NTZ: profiles.yml sets spark.sql.timestampType); instants are reached only through an
  explicit zone, so no result depends on a session's or the host's time zone.
#}

{# Whole `unit`s (second, millisecond, hour) from `start` to `end`, both timestamps. #}
{% macro diff_in(unit, start, end) -%}
    {{ return(adapter.dispatch('diff_in', 'nyc_mobility')(unit, start, end)) }}
{%- endmacro %}

{% macro default__diff_in(unit, start, end) -%}
    date_diff('{{ unit }}', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__diff_in(unit, start, end) -%}
    timestampdiff({{ unit | upper }}, {{ start }}, {{ end }})
{%- endmacro %}
