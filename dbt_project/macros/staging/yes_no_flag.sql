{# A flag published as Y / N (any case, padded): true / false; blank or anything else is unknown (null). #}
{% macro yes_no_flag(column) -%}
    case upper(trim(cast({{ column }} as string))) when 'Y' then true when 'N' then false end
{%- endmacro %}
