{# An integer code published as 1, 1.0 or '1': every spelling through DOUBLE, then INTEGER. #}

{% macro coalesce_integer(columns) -%}
    try_cast({{ coalesce_as(columns, 'double') }} as integer)
{%- endmacro %}
