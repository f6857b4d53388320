{#
  on-run-end: on Spark, with the var export_dir (the Python package passes one per dbt step), the
  relations this invocation built are written as parquet, one folder per relation, for the DuckDB
  warehouse the semantic layer is served from (nyc_mobility.dbt.spark.load_exports): a model
  built month by month (meta month_column) writes the window's months and its rows without a month
  only (the whole table without a window), any other table or seed the whole relation. Views are not
  written (they read the raw files), nor the staging and intermediate models: the snapshot serves
  the marts, seeds and KPI table only (nyc_mobility.dbt.layers, assets/serving.internal_relations), so
  int_trips__unioned, a month's every record, stays on Spark. Nothing is done on DuckDB, or without
  export_dir.
#}
{% macro export_for_serving(results) -%}
    {{ return(adapter.dispatch('export_for_serving', 'nyc_mobility')(results)) }}
{%- endmacro %}

{% macro default__export_for_serving(results) -%}
{%- endmacro %}

{% macro spark__export_for_serving(results) -%}
    {%- set export_dir = var('export_dir', none) -%}
    {%- if execute and export_dir is not none -%}
        {%- if '"' in export_dir or "'" in export_dir or '\\' in export_dir -%}
            {{ exceptions.raise_compiler_error("export_dir must not hold quotes or backslashes: " ~ export_dir) }}
        {%- endif -%}
        {%- for result in results
            if result.status in ('success', 'pass')
            and result.node.resource_type in ('model', 'seed')
            and result.node.config.materialized not in ('view', 'ephemeral')
            and result.node.fqn[1] not in ('staging', 'intermediate') -%}
            {%- set node = result.node -%}
            {%- set relation = api.Relation.create(schema=node.schema, identifier=node.alias) -%}
            {%- set month_column = (node.config.meta or {}).get('month_column') -%}
            {%- set where = '' -%}
            {%- if month_column and node.config.materialized == 'incremental' -%}
                {%- set where = ' where (' ~ month_window_filter(month_column) ~ ') or ' ~ month_column ~ ' is null' -%}
            {%- endif -%}
            {%- do run_query('insert overwrite directory "' ~ export_dir ~ '/' ~ node.alias ~ '" using parquet select * from ' ~ relation ~ where) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
