{#
  One row per TLC LocationID. Both published lookups (2017-2023 and current) label 264/265
  differently; both are kept as published, the borough is normalised for grouping
  (265 is "Outside NYC", 264 and anything unlabelled "Unknown").
#}
select
    filename as source_file,
    cast({{ col('LocationID') }} as integer) as location_id,
    nullif(trim({{ col('Borough') }}), '') as borough_published,
    case
        when trim({{ col('Borough') }}) in ('Manhattan', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island', 'EWR')
            then trim({{ col('Borough') }})
        when cast({{ col('LocationID') }} as integer) = 265 then 'Outside NYC'
        else 'Unknown'
    end as borough,
    nullif(trim({{ col('Zone') }}), '') as zone_name,
    nullif(trim(service_zone), '') as service_zone
from {{ raw_files('zones', 'taxi_zone_lookup') }}
