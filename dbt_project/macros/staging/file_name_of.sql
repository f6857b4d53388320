{# The file name of a landed file's path (after the last / or \). #}

{% macro file_name_of(path_column) -%}
    regexp_extract({{ path_column }}, '[^/\\]+$', 0)
{%- endmacro %}
