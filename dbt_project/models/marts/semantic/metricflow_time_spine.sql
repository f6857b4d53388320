{# Day-grain time spine for MetricFlow (configured in YAML with `time_spine:`). #}
select cast(range as date) as date_day
from {{ series(
    "cast('" ~ var('calendar_start') ~ "' as date)",
    "cast('" ~ var('calendar_end') ~ "' as date) + interval 1 day",
    "interval 1 day"
) }}
