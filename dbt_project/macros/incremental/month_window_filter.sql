{#
  Restrict a model to the incremental month window passed as vars (YYYY-MM, inclusive).
  Months are validated by the Python side before they reach dbt; here they are re-checked so a
  dbt user passing `--vars` gets the same protection.
#}
{% macro month_window_filter(month_column) -%}
    {%- set start = var('start_month', none) -%}
    {%- set end = var('end_month', none) -%}
    {%- for m in [start, end] -%}
        {%- if m is not none and not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])', m | string) -%}
            {{ exceptions.raise_compiler_error("start_month/end_month must look like YYYY-MM, got: " ~ m) }}
        {%- endif -%}
    {%- endfor -%}
    true
    {%- if start is not none %} and {{ month_column }} >= '{{ start }}'{% endif %}
    {%- if end is not none %} and {{ month_column }} <= '{{ end }}'{% endif %}
{%- endmacro %}
