{#
  A number of the TLC's monthly report as published: thousands separators ("662,479", quoted in the
  CSV), `-` for not applicable (null), a `%` suffix (a share: divided by 100 with `percent`).
#}
{% macro report_number(column, percent=false) -%}
    try_cast(nullif(replace(replace(trim({{ column }}), ',', ''), '%', ''), '-') as double)
    {%- if percent %} / 100{% endif %}
{%- endmacro %}
