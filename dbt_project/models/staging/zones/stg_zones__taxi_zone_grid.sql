{# The zone grid as landed (nyc_mobility.zones.grid), typed. #}
select
    cast(lat_key as integer) as lat_key,
    cast(lng_from as integer) as lng_from,
    cast(lng_to as integer) as lng_to,
    cast(location_id as integer) as location_id
from {{ raw_files('zones', 'taxi_zone_shapes') }}
