{# A strftime format as a Spark datetime pattern (the specifiers the project uses). #}

{% macro java_datetime_pattern(format) -%}
    {{- format.replace('%Y', 'yyyy').replace('%m', 'MM').replace('%d', 'dd')
        .replace('%H', 'HH').replace('%M', 'mm').replace('%S', 'ss') -}}
{%- endmacro %}
