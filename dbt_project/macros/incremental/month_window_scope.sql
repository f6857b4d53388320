{# `relation` restricted to the window when it is partitioned by month (for a test's other model). #}

{% macro month_window_scope(relation) -%}
    {%- set window = month_window_condition(relation) -%}
    {%- if window -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ window ~ ') month_window_scoped') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
