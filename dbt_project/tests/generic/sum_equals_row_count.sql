{#
  sum(column) in this model equals the row count of another model (conservation of trips); in a
  month-window build both are compared over the window's months.
#}
{% test sum_equals_row_count(model, column_name, compare_model) %}
select total, compared
from (select coalesce(sum({{ column_name }}), 0) as total from {{ model }}),
     (select count(*) as compared from {{ month_window_scope(compare_model) }})
where total is distinct from compared
{% endtest %}
