{#
  The taxi zone of every distinct pickup and drop-off coordinate of each month's yellow and green
  records that publish coordinates instead of zone ids (2009 to 2016-06), for the months being built.
  Coordinates are keyed on the 4-decimal lattice (coordinate_key) and placed by the zone grid the
  package wrote from the official shapes (stg_zones__taxi_zone_grid); then classified as
  nyc_mobility.zones.geo.ZoneIndex.classify does: null or 0 is missing, latitude and longitude exchanged is
  swapped, outside the box about 200 km around New York implausible (all 264, never a zone); a
  plausible point in no zone is outside the zones (265).

  A working table of the months being built (tag month_window: rebuilt in the monthly dbt step),
  so a month's build places only that month's coordinates; int_trips__unioned keeps the zones.
#}
{{ config(materialized='table', tags=['month_window']) }}

{%- set lat_box, lng_box = (385000, 425000), (-765000, -715000) %}

with ends as (
    {%- for staging in ['stg_tlc__yellow_taxi', 'stg_tlc__green_taxi'] %}
    {%- for end in ['pickup', 'dropoff'] %}
    select
        source_month,
        {{ coordinate_key(end ~ '_latitude') }} as lat_key,
        {{ coordinate_key(end ~ '_longitude') }} as lng_key
    from {{ ref(staging) }}
    where {{ end }}_location_id is null and {{ month_window_filter('source_month') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

points as (
    select distinct
        source_month,
        lat_key,
        lng_key,
        lat_key <> 0 and lng_key <> 0
            and lat_key between {{ lat_box[0] }} and {{ lat_box[1] }}
            and lng_key between {{ lng_box[0] }} and {{ lng_box[1] }} as is_plausible,
        lat_key <> 0 and lng_key <> 0
            and lng_key between {{ lat_box[0] }} and {{ lat_box[1] }}
            and lat_key between {{ lng_box[0] }} and {{ lng_box[1] }} as is_swapped
    from ends
    where lat_key is not null and lng_key is not null
),

plausible as (
    select * from points where is_plausible
),

located as (
    {{ zone_of_points('plausible', ['source_month']) }}
)

select
    p.source_month,
    p.lat_key,
    p.lng_key,
    case when p.is_plausible then coalesce(l.zone_id, 265) else 264 end as location_id,
    case
        when p.lat_key = 0 or p.lng_key = 0 then 'missing_coordinates'
        when p.is_swapped then 'swapped_coordinates'
        when not p.is_plausible then 'implausible_coordinates'
        when l.zone_id is null then 'outside_zones'
        else 'coordinates'
    end as location_basis
from points as p
left join located as l
    on l.source_month = p.source_month and l.lat_key = p.lat_key and l.lng_key = p.lng_key
