{#
  The TLC's monthly report, one row per month and licence class, from the latest landed copy (the
  download date in its folder name); numbers without their separators, `-` as null, percentages as
  shares. No copy landed: no rows (a reconciliation then says the report is missing).
#}
with published as (
    {{ with_expected_columns(raw_source('tlc_reports', 'data_reports_monthly'), [
        'Month/Year', 'License Class', 'Trips Per Day', 'Farebox Per Day', 'Unique Drivers',
        'Unique Vehicles', 'Vehicles Per Day', 'Avg Days Vehicles on Road',
        'Avg Hours Per Day Per Vehicle', 'Avg Days Drivers on Road', 'Avg Hours Per Day Per Driver',
        'Avg Minutes Per Trip', 'Percent of Trips Paid with Credit Card', 'Trips Per Day Shared'
    ]) }}
),

copies as (
    select
        *,
        regexp_extract(filename, 'copy=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) as copy_date_text
    from published
    where nullif(trim({{ col('Month/Year') }}), '') is not null
)

select
    trim({{ col('Month/Year') }}) as report_month,
    trim({{ col('License Class') }}) as license_class,
    {{ report_number(col('Trips Per Day')) }} as trips_per_day,
    {{ report_number(col('Farebox Per Day')) }} as farebox_per_day,
    {{ report_number(col('Unique Drivers')) }} as unique_drivers,
    {{ report_number(col('Unique Vehicles')) }} as unique_vehicles,
    {{ report_number(col('Vehicles Per Day')) }} as vehicles_per_day,
    {{ report_number(col('Avg Minutes Per Trip')) }} as avg_minutes_per_trip,
    {{ report_number(col('Percent of Trips Paid with Credit Card'), percent=true) }} as credit_card_share,
    {{ report_number(col('Trips Per Day Shared')) }} as shared_trips_per_day,
    cast(copy_date_text as date) as report_copy_date,
    filename as source_file
from copies
where copy_date_text = (select max(copy_date_text) from copies)
