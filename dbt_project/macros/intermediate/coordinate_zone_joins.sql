{#
  The FROM clause of a taxi branch of int_trips__unioned: its staging model (as `t`) with the zones
  of its published pickup (`pz`) and drop-off (`dz`) coordinates, looked up in
  int_tlc__coordinate_zones by month and 4-decimal coordinates, only for records without a zone id.
#}
{% macro coordinate_zone_joins(staging) -%}
    from {{ ref(staging) }} as t
    left join {{ ref('int_tlc__coordinate_zones') }} as pz
        on t.pickup_location_id is null and pz.source_month = t.source_month
        and pz.lat_key = round(t.pickup_latitude, 4) and pz.lng_key = round(t.pickup_longitude, 4)
    left join {{ ref('int_tlc__coordinate_zones') }} as dz
        on t.dropoff_location_id is null and dz.source_month = t.source_month
        and dz.lat_key = round(t.dropoff_latitude, 4) and dz.lng_key = round(t.dropoff_longitude, 4)
    where {{ month_window_filter('t.source_month') }}
{%- endmacro %}
