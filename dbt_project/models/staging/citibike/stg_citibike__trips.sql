{#
  One row per published Citi Bike trip, whichever of the three historical schemas its file uses:
    * v3 (2021-02 onwards): ride_id, rideable_type, started_at, ended_at, ..., member_casual
    * legacy lower case (2013-2021): tripduration, starttime, stoptime, ..., usertype, birth year, gender
    * legacy Title Case (some 2015-2017 files): Trip Duration, Start Time, ..., User Type, ...
  DuckDB folds the case of names, so `Start Station ID` and `start station id` are one column;
  only the Title Case names spelled differently (`Trip Duration`, `Bike ID`, ...) need their own.
  Legacy `Subscriber` maps to member and `Customer` to casual. Station ids stay text
  (`JC105`, `4953.04`). `system` is `jersey_city` for the Jersey City system's own files (`JC-…`),
  `nyc` otherwise.
#}
with raw as (
    {{ with_expected_columns(raw_source('citibike', 'tripdata'), [
        'ride_id', 'rideable_type', 'started_at', 'ended_at', 'start_station_name',
        'start_station_id', 'end_station_name', 'end_station_id', 'start_lat', 'start_lng',
        'end_lat', 'end_lng', 'member_casual',
        'tripduration', 'starttime', 'stoptime', 'start station id', 'start station name',
        'start station latitude', 'start station longitude', 'end station id', 'end station name',
        'end station latitude', 'end station longitude', 'bikeid', 'usertype', 'birth year',
        'gender',
        'Trip Duration', 'Start Time', 'Stop Time', 'Bike ID', 'User Type'
    ]) }}
),

typed as (
    select
        filename as source_file,
        file_row_number as source_row_number,
        {{ source_month_of('filename') }} as source_month,
        {{ citibike_system('filename') }} as system,
        case when ride_id is not null then 'v3' else 'legacy' end as source_schema,
        cast(ride_id as string) as ride_id,
        {{ parse_timestamps(['started_at', 'starttime', col('Start Time')]) }} as started_at,
        {{ parse_timestamps(['ended_at', 'stoptime', col('Stop Time')]) }} as ended_at,
        {{ coalesce_as(['tripduration', col('Trip Duration')], 'double') }} as published_duration_seconds,
        nullif(trim({{ coalesce_as(['start_station_id', col('start station id')], 'string') }}), '') as start_station_id,
        nullif(trim({{ coalesce_as(['start_station_name', col('start station name')], 'string') }}), '') as start_station_name,
        nullif(trim({{ coalesce_as(['end_station_id', col('end station id')], 'string') }}), '') as end_station_id,
        nullif(trim({{ coalesce_as(['end_station_name', col('end station name')], 'string') }}), '') as end_station_name,
        {{ coalesce_as(['start_lat', col('start station latitude')], 'double') }} as start_lat,
        {{ coalesce_as(['start_lng', col('start station longitude')], 'double') }} as start_lng,
        {{ coalesce_as(['end_lat', col('end station latitude')], 'double') }} as end_lat,
        {{ coalesce_as(['end_lng', col('end station longitude')], 'double') }} as end_lng,
        case
            when rideable_type is not null then lower(cast(rideable_type as string))
            else 'classic_bike'
        end as bike_type,
        nullif(trim({{ coalesce_as(['bikeid', col('Bike ID')], 'string') }}), '') as bike_id,
        case lower(trim({{ coalesce_as(['member_casual', 'usertype', col('User Type')], 'string') }}))
            when 'member' then 'member'
            when 'subscriber' then 'member'
            when 'casual' then 'casual'
            when 'customer' then 'casual'
        end as member_type,
        try_cast(try_cast("birth year" as double) as integer) as rider_birth_year,
        try_cast(try_cast(gender as double) as integer) as rider_gender_code
    from raw
),

measured as (
    select
        *,
        {{ trip_duration_minutes('started_at', 'ended_at', unit='millisecond') }} as trip_duration_minutes,
        {{ haversine_km('start_lat', 'start_lng', 'end_lat', 'end_lng') }} as trip_distance_km
    from typed
)

select
    *,
    case
        {{ trip_validity_rules('started_at', 'ended_at', 'trip_duration_minutes') }}
        when start_lat is null or start_lng is null or start_lat = 0 or start_lng = 0
            then 'missing_location'
        when trip_distance_km > {{ var('max_bike_km') }} then 'invalid_distance'
        {#- straight-line distance over the duration: a ride is at least this fast -#}
        when trip_distance_km / (trip_duration_minutes / cast(60 as double)) > {{ var('max_bike_kmh') }}
            then 'impossible_speed'
        when member_type is null then 'unknown_member_type'
        {{ duplicate_record_rule([
            'ride_id', 'bike_id', 'started_at', 'ended_at', 'start_station_id', 'end_station_id',
            'start_lat', 'start_lng', 'end_lat', 'end_lng'
        ]) }}
    end as invalid_reason,
    invalid_reason is null as is_valid
from measured
