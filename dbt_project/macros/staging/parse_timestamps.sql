{# A timestamp from any of its spellings, each parsed on its own (see parse_timestamp). #}

{% macro parse_timestamps(columns) -%}
    coalesce({% for c in columns %}{{ parse_timestamp(c) }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
