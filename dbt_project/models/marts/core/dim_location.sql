{# One row per TLC taxi zone. #}
select
    location_id,
    borough,
    borough_published,
    zone_name,
    service_zone,
    coalesce(service_zone in ('Airports', 'EWR') or zone_name ilike '%airport%', false) as is_airport,
    coalesce(service_zone = 'Yellow Zone', false) as is_yellow_zone
from {{ ref('stg_zones__taxi_zones') }}
