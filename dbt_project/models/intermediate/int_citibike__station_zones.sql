{#
  The TLC taxi zone of every distinct Citi Bike start and end coordinate of the months being built,
  keyed on the 4-decimal lattice (coordinate_key, about 10 m) and placed by the zone grid the package
  wrote from the official shapes (stg_zones__taxi_zone_grid). Coordinates in no zone (Jersey City,
  Hoboken) get 265, "Outside of NYC" in the TLC lookup; null, 0 and non-finite coordinates are no
  place and get no row (their trips are quarantined as missing_location).

  A working table of the months being built (tag month_window: rebuilt in the monthly dbt step), so a
  month's build places only that month's stations; int_trips__unioned keeps the zones.
#}
{{ config(materialized='table', tags=['month_window']) }}

with ends as (
    {%- for end in ['start', 'end'] %}
    select
        source_month,
        {{ coordinate_key(end ~ '_lat') }} as lat_key,
        {{ coordinate_key(end ~ '_lng') }} as lng_key
    from {{ ref('stg_citibike__trips') }}
    where {{ month_window_filter('source_month') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

points as (
    select distinct source_month, lat_key, lng_key
    from ends
    where lat_key is not null and lng_key is not null and lat_key <> 0 and lng_key <> 0
),

located as (
    {{ zone_of_points('points', ['source_month']) }}
)

select
    source_month,
    lat_key,
    lng_key,
    coalesce(zone_id, 265) as location_id
from located
