{#
  The model has exactly one row per (hour, key...) over every hour of each month it covers (months
  need not be contiguous: a history may have gaps), for every key combination that month holds
  (a company first seen in a later month is gridded from that month on: the grid is built month
  by month).
#}
{% test complete_hourly_grid(model, hour_column, partition_columns) %}
with rows_per_month as (
    select
        {{ truncate_timestamp('month', hour_column) }} as month_start,
        count(*) as actual_rows,
        count(distinct {{ hour_column }}) as hours,
        count(distinct ({{ partition_columns | join(", ") }})) as keys,
        count(distinct ({{ hour_column }}, {{ partition_columns | join(", ") }})) as distinct_rows
    from {{ model }}
    group by 1
)
select
    month_start,
    hours,
    keys,
    {{ diff_in('hour', 'month_start', 'month_start + interval 1 month') }} * keys as expected_rows,
    distinct_rows,
    actual_rows
from rows_per_month
where distinct_rows <> actual_rows
   or actual_rows <> {{ diff_in('hour', 'month_start', 'month_start + interval 1 month') }} * keys
{% endtest %}
