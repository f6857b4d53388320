{# sum(column) in this model equals the row count of another model (conservation of trips). #}
{% test sum_equals_row_count(model, column_name, compare_model) %}
select total, compared
from (select sum({{ column_name }}) as total from {{ model }}),
     (select count(*) as compared from {{ compare_model }})
where total is distinct from compared
{% endtest %}
