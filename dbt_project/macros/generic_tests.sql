{# Project generic tests (dbt hub packages are not reachable here). #}

{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and not (
    {%- if min_value is not none %} {{ column_name }} {{ ">=" if inclusive else ">" }} {{ min_value }}{% endif %}
    {%- if min_value is not none and max_value is not none %} and{% endif %}
    {%- if max_value is not none %} {{ column_name }} {{ "<=" if inclusive else "<" }} {{ max_value }}{% endif %}
    {%- if min_value is none and max_value is none %} true{% endif %}
  )
{% endtest %}

{% test expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(", ") }}, count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(", ") }}
having count(*) > 1
{% endtest %}

{#
  Every value of column_name (truncated to the hour) has a row in the hourly model: the
  "weather covers every trip hour" contract. Rows where the column is null are not counted.
#}
{% test has_hourly_match(model, column_name, to, field) %}
select m.{{ column_name }}
from {{ model }} as m
left join {{ to }} as h
  on date_trunc('hour', m.{{ column_name }}) = h.{{ field }}
where m.{{ column_name }} is not null
  and h.{{ field }} is null
{% endtest %}

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

{% test row_count_equals(model, expected) %}
select count(*) as actual_rows
from {{ model }}
having count(*) <> {{ expected }}
{% endtest %}

{# sum(column) in this model equals the row count of another model (conservation of trips). #}
{% test sum_equals_row_count(model, column_name, compare_model) %}
select total, compared
from (select sum({{ column_name }}) as total from {{ model }}),
     (select count(*) as compared from {{ compare_model }})
where total is distinct from compared
{% endtest %}
