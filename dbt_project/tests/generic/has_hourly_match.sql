{#
  Every value of column_name (truncated to the hour) has a row in the hourly model: the
  "weather covers every trip hour" contract. Rows where the column is null are not counted.
#}
{% test has_hourly_match(model, column_name, to, field) %}
select m.{{ column_name }}
from (select * from {{ model }}) as m
left join {{ to }} as h
  on {{ truncate_timestamp('hour', 'm.' ~ column_name) }} = h.{{ field }}
where m.{{ column_name }} is not null
  and h.{{ field }} is null
{% endtest %}
