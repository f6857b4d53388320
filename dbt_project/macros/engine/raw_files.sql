{#
  The landed files of a source as a relation, on every engine. A source's files are declared once,
  as DuckDB reads them (`meta.external_location` in the source's YAML: read_parquet, read_json or
  read_csv of a glob under raw_dir). DuckDB reads that relation (dbt-duckdb's external sources);
  Spark reads the same glob with its own file sources, keeping each record's file name (`filename`,
  a plain path as DuckDB gives it) and, for parquet, its 0-based row in the file
  (`file_row_number`). JSON sources are parsed with the DDL schema in `meta.json_schema`; a CSV
  source's columns are its header's, every value text (as `all_varchar`).
#}
{% macro raw_files(source_name, table_name) -%}
    {{ return(adapter.dispatch('raw_files', 'nyc_mobility')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__raw_files(source_name, table_name) -%}
    {{ return(source(source_name, table_name)) }}
{%- endmacro %}

{% macro spark__raw_files(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set node = raw_source_node(source_name, table_name) -%}
    {%- if node is none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set location = raw_source_location(node) -%}
    {%- set pattern = location.pattern.replace('`', '``') -%}
    {%- set file_name = "regexp_replace(_metadata.file_path, '^file:', '')" -%}
    {%- if location.format == 'parquet' -%}
        {{ return("(select *, " ~ file_name ~ " as filename, _metadata.row_index as file_row_number from parquet.`" ~ pattern ~ "`)") }}
    {%- elif location.format == 'json' -%}
        {%- set schema = node.meta.get('json_schema') or node.config.meta.get('json_schema') -%}
        {{ return("(select filename, parsed.* from (select regexp_replace(path, '^file:', '') as filename, from_json(cast(content as string), '"
            ~ schema ~ "') as parsed from binaryFile.`" ~ pattern ~ "`))") }}
    {%- elif location.format == 'csv' -%}
        {%- set header = run_query("select value from text.`" ~ pattern ~ "` limit 1").columns[0].values()[0] -%}
        {%- if "'" in header or '`' in header -%}
            {{ exceptions.raise_compiler_error("source " ~ source_name ~ "." ~ table_name ~ ": a quote in the CSV header of " ~ pattern ~ ": " ~ header) }}
        {%- endif -%}
        {%- set names = [] -%}
        {%- for name in header.split(',') -%}{%- do names.append(name.strip().strip('"')) -%}{%- endfor -%}
        {%- set schema = [] -%}
        {%- for name in names -%}{%- do schema.append('`' ~ name ~ '` string') -%}{%- endfor -%}
        {{ return("(select row.*, filename from (select from_csv(value, '" ~ schema | join(', ') ~ "') as row, "
            ~ file_name ~ " as filename from text.`" ~ pattern ~ "` where value <> '" ~ header ~ "'))") }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("source " ~ source_name ~ "." ~ table_name ~ ": no Spark reader for " ~ location.format) }}
{%- endmacro %}
