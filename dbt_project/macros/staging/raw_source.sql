{#
  The landed files of a trip source, or no rows when none are landed (a user who ingests only yellow
  taxi and Citi Bike). DuckDB's read_parquet fails on a glob that matches nothing, so at run time the
  source's glob (from its `external_location`) is counted first: a source without files becomes an
  empty one, with a warning in dbt's log (the preflight names it too). `source()` is always called,
  so the lineage is the same either way.
#}
{% macro raw_source(source_name, table_name) -%}
    {{ return(adapter.dispatch('raw_source', 'nyc_mobility')(source_name, table_name)) }}
{%- endmacro %}

{% macro empty_raw_source() -%}
    (select cast(null as string) as filename, cast(null as bigint) as file_row_number,
            cast(null as string) as month where false)
{%- endmacro %}

{% macro default__raw_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set files = 1 -%}
    {#- unit tests replace the source with their fixture (and have no sources in their graph) -#}
    {%- set node = raw_source_node(source_name, table_name) -%}
    {%- if node is not none -%}
        {%- set pattern = raw_source_location(node).pattern -%}
        {%- set files = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] -%}
        {%- if files == 0 -%}
            {{ log("WARNING: no landed files for source " ~ source_name ~ "." ~ table_name ~ " (" ~ pattern ~ "): it is built as an empty source", info=true) }}
        {%- endif -%}
    {%- endif -%}
    {%- if files > 0 -%}
        {{ relation }}
    {%- else -%}
        {{ empty_raw_source() }}
    {%- endif -%}
{%- endmacro %}

{#
  Spark: Spark SQL cannot count a glob's files, so the package says which trip sources have landed
  files (var `landed_sources`, source table names, computed by nyc_mobility before each build); a
  source not in it is built empty, with the same warning. Without the var (a dbt user's own run)
  every source is read, and a source without files fails naming its path.
#}

{% macro spark__raw_source(source_name, table_name) -%}
    {%- set landed = var('landed_sources', none) -%}
    {%- if landed is not none and table_name not in landed -%}
        {%- set relation = source(source_name, table_name) -%}
        {%- if execute -%}
            {{ log("WARNING: no landed files for source " ~ source_name ~ "." ~ table_name ~ ": it is built as an empty source", info=true) }}
        {%- endif -%}
        {{ empty_raw_source() }}
    {%- else -%}
        {{ raw_files(source_name, table_name) }}
    {%- endif -%}
{%- endmacro %}
