{#
  Completeness against the publisher: each month and TLC mode's records in the landed files (valid +
  quarantined: every record the files hold) beside the TLC's own monthly report (trips per day x
  days in the month; FHV against the sum of the Black Car, Livery and Lux Limo classes, which count
  bases differently from the FHV files: approximate), the ratio and whether it is inside the
  tolerance (vars publisher_tolerance, publisher_fhv_tolerance; settings of the package). For the
  high-volume services also the average minutes per trip and the shared trips, for the taxis the
  farebox (the report's farebox per day beside our total minus tips: approximate, the report does
  not define it). Every month is compared with the latest landed report copy in every build (a
  small table: the month's own figures are the source-month summary's, built with the month); the
  copy's date is in the row. Citi Bike is not in the report.
#}
with ours as (
    select
        mode,
        source_month,
        raw_rows as our_trips,
        avg_trip_minutes as our_avg_minutes_per_trip,
        shared_match_trips as our_shared_trips,
        fares_without_tips as our_farebox
    from {{ ref('qa_trips__source_month_summary') }}
    where source_month is not null and mode <> 'citibike'
),

report as (
    select
        c.mode,
        report_month as source_month,
        day(last_day(cast(report_month || '-01' as date))) as days_in_month,
        sum(trips_per_day) as trips_per_day,
        sum(farebox_per_day) as farebox_per_day,
        max(avg_minutes_per_trip) as avg_minutes_per_trip,
        sum(shared_trips_per_day) as shared_trips_per_day,
        max(report_copy_date) as report_copy_date
    from {{ ref('stg_tlc_reports__monthly') }} as s
    inner join {{ ref('tlc_report_license_classes') }} as c on c.license_class = s.license_class
    group by 1, 2, 3
),

compared as (
    select
        o.mode,
        o.source_month,
        r.report_copy_date,
        o.our_trips,
        cast(round(r.trips_per_day * r.days_in_month) as bigint) as publisher_trips,
        case
            when o.mode = 'fhv' then {{ var('publisher_fhv_tolerance', 0.10) }}
            else {{ var('publisher_tolerance', 0.01) }}
        end as tolerance,
        o.our_avg_minutes_per_trip,
        case when o.mode = 'hvfhv' then r.avg_minutes_per_trip end as publisher_avg_minutes_per_trip,
        case when o.mode = 'hvfhv' then o.our_shared_trips end as our_shared_trips,
        case when o.mode = 'hvfhv' then cast(round(r.shared_trips_per_day * r.days_in_month) as bigint) end
            as publisher_shared_trips,
        case when o.mode in ('yellow_taxi', 'green_taxi') then o.our_farebox end as our_farebox,
        case when o.mode in ('yellow_taxi', 'green_taxi') then r.farebox_per_day * r.days_in_month end
            as publisher_farebox
    from ours as o
    left join report as r on r.mode = o.mode and r.source_month = o.source_month
)

select
    mode || '|' || source_month as reconciliation_id,
    mode,
    source_month,
    cast(source_month || '-01' as date) as month_start,
    report_copy_date,
    our_trips,
    publisher_trips,
    our_trips / nullif(cast(publisher_trips as double), 0) as trip_ratio,
    tolerance,
    abs(our_trips / nullif(cast(publisher_trips as double), 0) - 1) <= tolerance + 1e-12 as is_within_tolerance,
    our_avg_minutes_per_trip,
    publisher_avg_minutes_per_trip,
    our_shared_trips,
    publisher_shared_trips,
    our_farebox,
    publisher_farebox,
    our_farebox / nullif(publisher_farebox, 0) as farebox_ratio,
    case
        when publisher_trips is null
            then 'no publisher figure: the TLC report is not landed or does not cover the month'
        when mode = 'fhv' then 'approximate: the FHV files and the report count bases differently'
    end as note
from compared
