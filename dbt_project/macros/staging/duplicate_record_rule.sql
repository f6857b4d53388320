{#
  The last validity rule of every trip source: a record identical (on the columns that identify a
  trip) to an earlier record of the same month, in the same file or in another file landed for that
  month, is a `duplicate_record`. The first copy (by file name, then row) stays valid. NULLs compare
  equal here, as PARTITION BY groups them.
#}
{% macro duplicate_record_rule(columns) -%}
        when row_number() over (
            partition by source_month, {{ columns | join(', ') }}
            order by source_file, source_row_number
        ) > 1 then 'duplicate_record'
{%- endmacro %}
