{#
  One row per TLC taxi zone. `is_congestion_relief_zone`: inside the congestion pricing zone
  (Manhattan at or below 60th Street, tolled from 2025-01-05), from the seed derived from the
  official shapes (seeds/congestion_relief_zones.csv; edge zones are listed there too).
#}
select
    z.location_id,
    z.borough,
    z.borough_published,
    z.zone_name,
    z.service_zone,
    coalesce(z.service_zone in ('Airports', 'EWR') or z.zone_name ilike '%airport%', false) as is_airport,
    coalesce(z.service_zone = 'Yellow Zone', false) as is_yellow_zone,
    coalesce(c.in_congestion_relief_zone, false) as is_congestion_relief_zone
from {{ ref('stg_zones__taxi_zones') }} as z
left join {{ ref('congestion_relief_zones') }} as c on c.location_id = z.location_id
