{#
  on-run-start: the engine settings the project's SQL relies on are in force, or the invocation stops
  before it builds anything. On Spark: wall-clock timestamps (TIMESTAMP_NTZ, also for timestamps read
  from parquet), UTC as the session zone (every zone conversion is explicit), parquet schema merge,
  backslashes in literals kept as written (regular expressions read as on DuckDB) and ANSI mode off.
  The profile sets them for a local session; a Spark Thrift server ignores the server_side_parameters
  dbt-spark sends, so there they must be the server's own settings (docs/scaling-out.md). Nothing is
  checked on DuckDB (profiles.yml sets its time zone for every connection).
#}
{% macro check_session_settings() -%}
    {{ return(adapter.dispatch('check_session_settings', 'nyc_mobility')()) }}
{%- endmacro %}

{% macro default__check_session_settings() -%}
{%- endmacro %}

{% macro spark_required_settings() -%}
    {{ return({
        'spark.sql.session.timeZone': ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z', '+00:00'],
        'spark.sql.timestampType': ['TIMESTAMP_NTZ'],
        'spark.sql.parquet.inferTimestampNTZ.enabled': ['true'],
        'spark.sql.parquet.mergeSchema': ['true'],
        'spark.sql.parser.escapedStringLiterals': ['true'],
        'spark.sql.ansi.enabled': ['false'],
    }) }}
{%- endmacro %}

{% macro spark__check_session_settings() -%}
    {%- if execute -%}
        {%- set wrong = [] -%}
        {%- for key, accepted in spark_required_settings().items() -%}
            {%- set value = run_query('set ' ~ key).columns[1].values()[0] -%}
            {%- if (value | string | trim | lower) not in (accepted | map('lower') | list) -%}
                {%- do wrong.append(key ~ '=' ~ value ~ ' (needs ' ~ accepted[0] ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if wrong -%}
            {{ exceptions.raise_compiler_error(
                "this Spark session's settings would change the project's numbers: " ~ (wrong | join(', '))
                ~ ". A Spark Thrift server ignores dbt's server_side_parameters: start it with these settings"
                ~ " (--conf or spark-defaults.conf); see docs/scaling-out.md") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
