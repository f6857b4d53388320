{# Parse a timestamp as published: ISO (with or without fractional seconds) or US M/D/YYYY. #}
{% macro parse_timestamp(expr) -%}
    coalesce(
        try_cast({{ expr }} as timestamp),
        try_strptime(cast({{ expr }} as varchar), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%Y-%m-%dT%H:%M'])
    )
{%- endmacro %}
