{#
  Minutes between a trip's pickup and drop-off, published as New York wall-clock times, measured
  between the instants they stand for (so daylight-saving transitions do not add or remove an hour).

  * Spring forward: 01:58 -> 03:02 is 4 minutes, not 64.
  * Fall back: wall-clock 01:00-01:59 happens twice. A time in that hour may be either instant, and
    of the readings the smallest duration that is not negative is taken: 01:50 -> 01:10 is 20 minutes
    (the drop-off in the second 01:xx), 01:10 -> 01:50 is 40 (both in the same one). When no reading
    is non-negative, the trip really ends before it starts.

  Only trips touching a Sunday a transition can fall on pay for the time-zone arithmetic: the second
  Sunday of March and the first of November (US rules since 2007), the first Sunday of April and the
  last of October (2001-2006; earlier records are sentinels), and the last Sundays of March and
  October (the European rules, for another `local_timezone`). Every other trip is a plain
  difference, and the arithmetic itself is plain expressions (no subquery per row): at 20 M trips a
  month a staging view is read by each of its tests.
#}
{% macro _transition_sunday(ts) -%}
    ({{ is_sunday(ts) }} and (
        (month({{ ts }}) = 3 and (day({{ ts }}) between 8 and 14 or day({{ ts }}) >= 25))
        or (month({{ ts }}) in (4, 11) and day({{ ts }}) <= 7)
        or (month({{ ts }}) = 10 and day({{ ts }}) >= 25)
    ))
{%- endmacro %}

{% macro trip_duration_minutes(pickup, dropoff, unit='second') -%}
    case
        when {{ pickup }} is null or {{ dropoff }} is null then null
        when {{ _transition_sunday(pickup) }} or {{ _transition_sunday(dropoff) }}
            then {{ local_instants_duration_minutes(pickup, dropoff) }}
        else {{ diff_in(unit, pickup, dropoff) }} / cast({{ 60 if unit == 'second' else 60000 }} as double)
    end
{%- endmacro %}

{# Epoch milliseconds of the earliest and latest instant a New York wall-clock time can be. #}

{% macro _local_instant_ms(ts, which) -%}
    {%- set zone = var('local_timezone') -%}
    {%- set first = local_epoch_ms(ts, zone) -%}
    {%- if which == 'earliest' -%}
        case when {{ local_time_shifted(ts, zone, -1) }} = {{ ts }}
             then {{ first }} - 3600000 else {{ first }} end
    {%- else -%}
        case when {{ local_time_shifted(ts, zone, 1) }} = {{ ts }}
             then {{ first }} + 3600000 else {{ first }} end
    {%- endif -%}
{%- endmacro %}

{#
  The smallest non-negative of the four readings (either instant of each end), else the largest (a
  trip that really ends before it starts), as plain expressions: least/greatest skip NULLs.
#}

{% macro local_instants_duration_minutes(pickup, dropoff) -%}
    {%- set readings = [
        "(" ~ _local_instant_ms(dropoff, 'earliest') ~ ") - (" ~ _local_instant_ms(pickup, 'latest') ~ ")",
        "(" ~ _local_instant_ms(dropoff, 'earliest') ~ ") - (" ~ _local_instant_ms(pickup, 'earliest') ~ ")",
        "(" ~ _local_instant_ms(dropoff, 'latest') ~ ") - (" ~ _local_instant_ms(pickup, 'latest') ~ ")",
        "(" ~ _local_instant_ms(dropoff, 'latest') ~ ") - (" ~ _local_instant_ms(pickup, 'earliest') ~ ")"
    ] -%}
    (coalesce(
        least({% for r in readings %}case when {{ r }} >= 0 then {{ r }} end{{ ", " if not loop.last }}{% endfor %}),
        greatest({{ readings | join(", ") }})
    ) / cast(60000 as double))
{%- endmacro %}
