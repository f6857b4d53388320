{#
  Minutes between a trip's pickup and drop-off, published as New York wall-clock times, measured
  between the instants they stand for (so daylight-saving transitions do not add or remove an hour).

  * Spring forward: 01:58 -> 03:02 is 4 minutes, not 64.
  * Fall back: wall-clock 01:00-01:59 happens twice. A time in that hour may be either instant, and
    of the readings the smallest duration that is not negative is taken: 01:50 -> 01:10 is 20 minutes
    (the drop-off in the second 01:xx), 01:10 -> 01:50 is 40 (both in the same one). When no reading
    is non-negative, the trip really ends before it starts.

  Only trips touching a Sunday of March, April, October or November (every US transition day since
  1967) pay for the time-zone arithmetic; every other trip is a plain difference.
#}
{% macro trip_duration_minutes(pickup, dropoff, unit='second') -%}
    case
        when {{ pickup }} is null or {{ dropoff }} is null then null
        when (month({{ pickup }}) in (3, 4, 10, 11) and dayofweek({{ pickup }}) = 0)
            or (month({{ dropoff }}) in (3, 4, 10, 11) and dayofweek({{ dropoff }}) = 0)
            then {{ local_instants_duration_minutes(pickup, dropoff) }}
        else date_diff('{{ unit }}', {{ pickup }}, {{ dropoff }}) / {{ 60.0 if unit == 'second' else 60000.0 }}
    end
{%- endmacro %}

{# Epoch milliseconds of the earliest and latest instant a New York wall-clock time can be. #}
{% macro _local_instant_ms(ts, which) -%}
    {%- set zone = var('local_timezone') -%}
    {%- set first = "epoch_ms(timezone('" ~ zone ~ "', " ~ ts ~ "))" -%}
    {%- if which == 'earliest' -%}
        case when timezone('{{ zone }}', timezone('{{ zone }}', {{ ts }}) - interval 1 hour) = {{ ts }}
             then {{ first }} - 3600000 else {{ first }} end
    {%- else -%}
        case when timezone('{{ zone }}', timezone('{{ zone }}', {{ ts }}) + interval 1 hour) = {{ ts }}
             then {{ first }} + 3600000 else {{ first }} end
    {%- endif -%}
{%- endmacro %}

{% macro local_instants_duration_minutes(pickup, dropoff) -%}
    (
        select coalesce(min(d) filter (where d >= 0), max(d)) / 60000.0
        from (
            select unnest([
                ({{ _local_instant_ms(dropoff, 'earliest') }}) - ({{ _local_instant_ms(pickup, 'latest') }}),
                ({{ _local_instant_ms(dropoff, 'earliest') }}) - ({{ _local_instant_ms(pickup, 'earliest') }}),
                ({{ _local_instant_ms(dropoff, 'latest') }}) - ({{ _local_instant_ms(pickup, 'latest') }}),
                ({{ _local_instant_ms(dropoff, 'latest') }}) - ({{ _local_instant_ms(pickup, 'earliest') }})
            ]) as d
        )
    )
{%- endmacro %}
