{#
  The bike-share system of a landed Citi Bike file, from its published name: the Jersey City (and
  Hoboken) system publishes `JC-YYYYMM-citibike-tripdata.csv`, landed as `JC-….parquet` (or
  `<folder>__JC-….parquet` where two members share a name); everything else is the NYC system.
#}
{% macro citibike_system(filename_column) -%}
    {{ return(adapter.dispatch('citibike_system', 'nyc_mobility')(filename_column)) }}
{%- endmacro %}

{% macro default__citibike_system(filename_column) -%}
    case
        when {{ regex_matches(file_name_of(filename_column), "'(^|__)JC-'") }}
            then 'jersey_city'
        else 'nyc'
    end
{%- endmacro %}
