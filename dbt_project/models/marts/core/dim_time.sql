{# One row per hour of the day, with the day parts used across the marts and metrics. #}
select
    hour_of_day,
    lpad(cast(hour_of_day as string), 2, '0') || ':00' as hour_label,
    case
        when hour_of_day between 7 and 9 then 'morning_rush'
        when hour_of_day between 10 and 15 then 'midday'
        when hour_of_day between 16 and 19 then 'evening_rush'
        when hour_of_day between 20 and 23 then 'evening'
        else 'late_night'
    end as day_part,
    hour_of_day between 7 and 9 or hour_of_day between 16 and 19 as is_rush_hour,
    hour_of_day between 6 and 19 as is_daytime
from (select cast(range as integer) as hour_of_day from {{ series(0, 24, 1) }})
