{#
  Spark: dbt-spark's session connection puts seed values into the SQL without escaping them, so a
  value with an apostrophe ("New Year's Day", seed us_federal_holidays) ends its literal. Values are
  written as literals here: text in single quotes, or double quotes when it holds an apostrophe
  (Spark reads both as strings; the profile keeps backslashes as written).
#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {% set batch_size = get_batch_size() %}
  {% set column_override = model['config'].get('column_types', {}) %}
  {% set statements = [] %}
  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set sql %}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = column_override.get(col_name, inferred_type) -%}
                  {%- set value = row[loop.index0] -%}
                    cast({{ spark_seed_literal(value) }} as {{ type }})
                  {%- if not loop.last %},{%- endif %}
              {%- endfor -%})
              {%- if not loop.last %},{%- endif %}
          {%- endfor %}
      {% endset %}
      {% do adapter.add_query(sql, abridge_sql_log=True) %}
      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}
  {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}null
    {%- else -%}
        {%- set text = value | string -%}
        {%- if "'" in text and '"' in text -%}
            {{ exceptions.raise_compiler_error("a seed value holds both quote characters: " ~ text) }}
        {%- elif "'" in text -%}"{{ text }}"
        {%- else -%}'{{ text }}'
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
