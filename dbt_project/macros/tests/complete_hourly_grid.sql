{# The model has exactly one row per (hour, key...) across a complete hourly grid. #}
{% test complete_hourly_grid(model, hour_column, partition_columns) %}
with bounds as (
    select min({{ hour_column }}) as lo, max({{ hour_column }}) as hi from {{ model }}
),
expected as (
    select count(*) as n
    from bounds, range(lo, hi + interval 1 hour, interval 1 hour)
),
keys as (
    select count(*) as k from (select distinct {{ partition_columns | join(", ") }} from {{ model }})
),
actual as (select count(*) as n from {{ model }})
select expected.n * keys.k as expected_rows, actual.n as actual_rows
from expected, keys, actual
where expected.n * keys.k <> actual.n
{% endtest %}
