{# One row per calendar day over the configured calendar range. #}
with days as (
    select cast(range as date) as date_day
    from range(
        cast('{{ var("calendar_start") }}' as date),
        cast('{{ var("calendar_end") }}' as date) + interval 1 day,
        interval 1 day
    )
),

holidays as (
    select
        holiday_date,
        string_agg(holiday_name || case when is_observed_date then ' (observed)' else '' end, '; '
            order by holiday_name) as holiday_name
    from {{ ref('int_calendar__us_federal_holidays') }}
    group by holiday_date
)

select
    d.date_day,
    cast(strftime(d.date_day, '%Y%m%d') as integer) as date_key,
    year(d.date_day) as year,
    quarter(d.date_day) as quarter,
    'Q' || quarter(d.date_day) as quarter_name,
    month(d.date_day) as month,
    monthname(d.date_day) as month_name,
    strftime(d.date_day, '%Y-%m') as year_month,
    cast(date_trunc('month', d.date_day) as date) as first_day_of_month,
    isoyear(d.date_day) as iso_year,
    weekofyear(d.date_day) as iso_week,
    cast(date_trunc('week', d.date_day) as date) as week_start_date,
    day(d.date_day) as day_of_month,
    isodow(d.date_day) as day_of_week,
    dayname(d.date_day) as day_name,
    dayofyear(d.date_day) as day_of_year,
    isodow(d.date_day) >= 6 as is_weekend,
    h.holiday_date is not null as is_holiday,
    h.holiday_name,
    isodow(d.date_day) < 6 and h.holiday_date is null as is_business_day,
    case
        when month(d.date_day) in (12, 1, 2) then 'winter'
        when month(d.date_day) in (3, 4, 5) then 'spring'
        when month(d.date_day) in (6, 7, 8) then 'summer'
        else 'autumn'
    end as season
from days as d
left join holidays as h on h.holiday_date = d.date_day
