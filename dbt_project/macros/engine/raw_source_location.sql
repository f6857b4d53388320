{# The glob and the DuckDB reader (parquet, json, csv) of a source's external_location. #}

{% macro raw_source_location(node) -%}
    {%- set location = node.meta.get('external_location') or node.config.meta.get('external_location') -%}
    {{ return({
        'pattern': modules.re.search("'([^']*)'", location).group(1),
        'format': modules.re.search("read_([a-z]+)\\(", location).group(1)
    }) }}
{%- endmacro %}
