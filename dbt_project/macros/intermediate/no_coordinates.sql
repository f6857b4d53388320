{# A point that is no place: a coordinate null or 0 (published when a position is unknown). #}
{% macro no_coordinates(lat, lng) -%}
    ({{ lat }} is null or {{ lng }} is null or {{ lat }} = 0 or {{ lng }} = 0)
{%- endmacro %}
