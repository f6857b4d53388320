{#
  Rows without a month (the quality summary's "no files landed" rows) are recomputed by every build:
  forget them first.
#}

{% macro delete_rows_without_month() -%}
    {{ return(adapter.dispatch('delete_rows_without_month', 'nyc_mobility')()) }}
{%- endmacro %}

{% macro default__delete_rows_without_month() -%}
    delete from {{ this }} where source_month is null
{%- endmacro %}

{#- Spark writes a NULL partition value as Hive's default partition. -#}

{% macro spark__delete_rows_without_month() -%}
    {%- for row in run_query('show partitions ' ~ this).rows if row[0] == 'source_month=__HIVE_DEFAULT_PARTITION__' -%}
        alter table {{ this }} drop if exists partition (source_month = '__HIVE_DEFAULT_PARTITION__')
    {%- endfor -%}
{%- endmacro %}
