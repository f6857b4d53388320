{#
  The distance rules of the vehicles that report miles (yellow and green taxis, HVFHV), after the
  shared rules: `invalid_distance` (missing, negative or above `max_taxi_miles`) and
  `impossible_speed` (above `max_taxi_mph` over the trip's duration). With `missing_is_valid`, a
  trip without a distance is kept (its distance unknown): the early HVFHV exports publish none.
#}

{% macro taxi_distance_rules(miles='trip_distance_miles', duration_minutes='trip_duration_minutes', missing_is_valid=false) -%}
        when {% if not missing_is_valid %}{{ miles }} is null or {% endif %}{{ miles }} < 0
            or {{ miles }} > {{ var('max_taxi_miles') }} then 'invalid_distance'
        when {{ miles }} / ({{ duration_minutes }} / 60.0) > {{ var('max_taxi_mph') }}
            then 'impossible_speed'
{%- endmacro %}
