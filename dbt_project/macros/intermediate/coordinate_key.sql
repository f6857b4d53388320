{#
  The key of a coordinate on the zone grid: round(coordinate × 10^4) as an integer (4 decimals, about
  10 m), halves away from zero; null for null, NaN and infinite values; a value beyond ±1000 degrees
  (no place, but published) gets a key of its own beyond the lattice (±10000001), so it stays
  implausible rather than missing. The same arithmetic on every engine (nyc_mobility.zones.grid.key):
  not round(x, 4), which differs between engines at ties (DuckDB 2 rounds the double's exact value,
  40.75465 -> 40.7546; Spark, by its source, rounds the shortest decimal string: 40.7547).
  A null is no place and has no key: without the first branch every comparison is null and the
  `else` gave it the key beyond the lattice (a bike without an end station landed in zone 265).
#}
{% macro coordinate_key(column) -%}
    case
        when {{ column }} is null then null
        when isnan({{ column }}) or abs({{ column }}) = cast('Infinity' as double) then null
        when {{ column }} between -1000 and 1000 then cast(round({{ column }} * 10000) as integer)
        when {{ column }} < 0 then -10000001
        else 10000001
    end
{%- endmacro %}
