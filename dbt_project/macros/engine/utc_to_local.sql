{# A UTC wall-clock timestamp as the `zone` wall-clock timestamp of the same instant. #}

{% macro utc_to_local(expr, zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'nyc_mobility')(expr, zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(expr, zone) -%}
    cast(timezone('{{ zone }}', cast({{ expr }} as timestamp) at time zone 'UTC') as timestamp)
{%- endmacro %}

{% macro spark__utc_to_local(expr, zone) -%}
    convert_timezone('UTC', '{{ zone }}', cast({{ expr }} as timestamp_ntz))
{%- endmacro %}
