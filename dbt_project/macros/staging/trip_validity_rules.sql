{#
  The validity rules every trip source shares, as CASE branches (first match wins); each staging
  model adds its own after these. `source_month` is the month of the file the record came from.
  Order in time is judged on the duration between the instants (trip_duration_minutes), not on the
  wall-clock values: a trip through the repeated fall-back hour may end at an earlier wall-clock time.
  With `dropoff_optional`, a trip without a drop-off time is kept (its end and duration unknown):
  the FHV files of 2015-2016 publish none.
#}
{% macro trip_validity_rules(pickup, dropoff, duration_minutes, dropoff_optional=false) -%}
        when {{ pickup }} is null{% if not dropoff_optional %} or {{ dropoff }} is null{% endif %} then 'missing_timestamp'
        when year({{ pickup }}) < 2001 or year({{ dropoff }}) < 2001 then 'sentinel_timestamp'
        when {{ duration_minutes }} < 0 then 'dropoff_before_pickup'
        when {{ duration_minutes }} = 0 then 'zero_duration'
        when {{ duration_minutes }} > {{ var('max_trip_hours') }} * 60 then 'excessive_duration'
        when {{ format_timestamp(pickup, '%Y-%m') }} <> source_month then 'outside_file_month'
{%- endmacro %}
