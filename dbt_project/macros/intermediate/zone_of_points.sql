{#
  The zone of each point of `points` (a relation or CTE with integer lat_key, lng_key and the
  `keys` columns): the lowest LocationID whose grid run holds the point, null in none.
#}

{% macro zone_of_points(points, keys) -%}
    select {% for k in keys %}p.{{ k }}, {% endfor %}p.lat_key, p.lng_key, min(g.location_id) as zone_id
    from {{ points }} as p
    left join {{ ref('stg_zones__taxi_zone_grid') }} as g
        on g.lat_key = p.lat_key and p.lng_key between g.lng_from and g.lng_to
    group by {% for k in keys %}p.{{ k }}, {% endfor %}p.lat_key, p.lng_key
{%- endmacro %}
