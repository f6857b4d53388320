{#
  A relation of one column `range`: start, start + step, ... while below stop (DuckDB's range()).
  start/stop are dates, timestamps or integers; step an interval (or an integer).
#}
{% macro series(start, stop, step) -%}
    {{ return(adapter.dispatch('series', 'nyc_mobility')(start, stop, step)) }}
{%- endmacro %}

{% macro default__series(start, stop, step) -%}
    range({{ start }}, {{ stop }}, {{ step }})
{%- endmacro %}

{#- sequence() includes its end and refuses an end before the start: the last value below stop. -#}

{% macro spark__series(start, stop, step) -%}
    (select explode(sequence(first_value, last_value, {{ step }})) as range
     from (select {{ start }} as first_value, {{ stop }} - {{ step }} as last_value)
     where last_value >= first_value)
{%- endmacro %}
