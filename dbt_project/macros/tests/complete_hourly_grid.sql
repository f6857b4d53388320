{#
  The model has exactly one row per (hour, key...) over every hour of each month it covers (months
  need not be contiguous: a history may have gaps), for every key combination it holds.
#}
{% test complete_hourly_grid(model, hour_column, partition_columns) %}
with months as (
    select distinct date_trunc('month', {{ hour_column }}) as month_start from {{ model }}
),
expected as (
    select count(*) as n
    from months, range(month_start, month_start + interval 1 month, interval 1 hour)
),
keys as (
    select count(*) as k from (select distinct {{ partition_columns | join(", ") }} from {{ model }})
),
actual as (
    select count(*) as n from (select distinct {{ hour_column }}, {{ partition_columns | join(", ") }} from {{ model }})
),
total as (select count(*) as n from {{ model }})
select expected.n * keys.k as expected_rows, actual.n as distinct_rows, total.n as actual_rows
from expected, keys, actual, total
where expected.n * keys.k <> actual.n or actual.n <> total.n
{% endtest %}
