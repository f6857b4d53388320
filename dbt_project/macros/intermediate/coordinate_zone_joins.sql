{#
  The FROM clause of a taxi branch of int_trips__unioned: its staging model (as `t`) with the zones
  of its published pickup (`pz`) and drop-off (`dz`) coordinates, looked up in
  int_tlc__coordinate_zones by month and 4-decimal coordinate keys (coordinate_key), only for records without a zone id.
#}
{% macro coordinate_zone_joins(staging) -%}
    from {{ ref(staging) }} as t
    left join {{ ref('int_tlc__coordinate_zones') }} as pz
        on t.pickup_location_id is null and pz.source_month = t.source_month
        and pz.lat_key = {{ coordinate_key('t.pickup_latitude') }} and pz.lng_key = {{ coordinate_key('t.pickup_longitude') }}
    left join {{ ref('int_tlc__coordinate_zones') }} as dz
        on t.dropoff_location_id is null and dz.source_month = t.source_month
        and dz.lat_key = {{ coordinate_key('t.dropoff_latitude') }} and dz.lng_key = {{ coordinate_key('t.dropoff_longitude') }}
    where {{ month_window_filter('t.source_month') }}
{%- endmacro %}
