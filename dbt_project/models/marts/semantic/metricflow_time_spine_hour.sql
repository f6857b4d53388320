{# Hour-grain time spine for MetricFlow (configured in YAML with `time_spine:`). #}
select range as date_hour
from {{ series(
    "cast('" ~ var('calendar_start') ~ "' as timestamp)",
    "cast('" ~ var('calendar_end') ~ "' as timestamp) + interval 1 day",
    "interval 1 hour"
) }}
