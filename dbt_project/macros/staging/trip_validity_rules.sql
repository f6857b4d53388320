{#
  The validity rules every trip source shares, as CASE branches (first match wins); each staging
  model adds its own after these. `source_month` is the month of the file the record came from.
#}
{% macro trip_validity_rules(pickup, dropoff, duration_minutes) -%}
        when {{ pickup }} is null or {{ dropoff }} is null then 'missing_timestamp'
        when year({{ pickup }}) < 2001 or year({{ dropoff }}) < 2001 then 'sentinel_timestamp'
        when {{ dropoff }} < {{ pickup }} then 'dropoff_before_pickup'
        when {{ dropoff }} = {{ pickup }} then 'zero_duration'
        when {{ duration_minutes }} > {{ var('max_trip_hours') }} * 60 then 'excessive_duration'
        when strftime({{ pickup }}, '%Y-%m') <> source_month then 'outside_file_month'
{%- endmacro %}
