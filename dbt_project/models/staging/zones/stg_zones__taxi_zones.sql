{#
  One row per TLC LocationID. Both published lookups (2017-2023 and current) label 264/265
  differently; both are kept as published, the borough is normalised for grouping
  (265 is "Outside NYC", 264 and anything unlabelled "Unknown").
#}
select
    filename as source_file,
    cast("LocationID" as integer) as location_id,
    nullif(trim("Borough"), '') as borough_published,
    case
        when trim("Borough") in ('Manhattan', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island', 'EWR')
            then trim("Borough")
        when cast("LocationID" as integer) = 265 then 'Outside NYC'
        else 'Unknown'
    end as borough,
    nullif(trim("Zone"), '') as zone_name,
    nullif(trim(service_zone), '') as service_zone
from {{ source('zones', 'taxi_zone_lookup') }}
