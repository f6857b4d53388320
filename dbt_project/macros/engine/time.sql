{#
  Engine-specific date and time arithmetic, one dispatch macro each (duckdb__ / spark__).
  Timestamps are wall-clock values without a zone on both engines (DuckDB TIMESTAMP, Spark
  TIMESTAMP_NTZ: profiles.yml sets spark.sql.timestampType); instants are reached only through an
  explicit zone, so no result depends on a session's or the host's time zone.
#}

{# Whole `unit`s (second, millisecond, hour) from `start` to `end`, both timestamps. #}
{% macro diff_in(unit, start, end) -%}
    {{ return(adapter.dispatch('diff_in', 'nyc_mobility')(unit, start, end)) }}
{%- endmacro %}

{% macro default__diff_in(unit, start, end) -%}
    date_diff('{{ unit }}', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__diff_in(unit, start, end) -%}
    timestampdiff({{ unit | upper }}, {{ start }}, {{ end }})
{%- endmacro %}

{# A timestamp truncated to the hour or the month (a timestamp, never a zoned value). #}
{% macro truncate_timestamp(part, expr) -%}
    {{ return(adapter.dispatch('truncate_timestamp', 'nyc_mobility')(part, expr)) }}
{%- endmacro %}

{% macro default__truncate_timestamp(part, expr) -%}
    date_trunc('{{ part }}', {{ expr }})
{%- endmacro %}

{# Spark's date_trunc returns a zoned TIMESTAMP: back to wall-clock time (the session zone is UTC). #}
{% macro spark__truncate_timestamp(part, expr) -%}
    cast(date_trunc('{{ part | upper }}', {{ expr }}) as timestamp_ntz)
{%- endmacro %}

{# The first day of the date's month or ISO week (Monday), as a date. #}
{% macro first_day_of(part, expr) -%}
    {{ return(adapter.dispatch('first_day_of', 'nyc_mobility')(part, expr)) }}
{%- endmacro %}

{% macro default__first_day_of(part, expr) -%}
    cast(date_trunc('{{ part }}', {{ expr }}) as date)
{%- endmacro %}

{% macro spark__first_day_of(part, expr) -%}
    cast(date_trunc('{{ part | upper }}', {{ expr }}) as date)
{%- endmacro %}

{# 1 when the timestamp falls on a Sunday (day of week with Sunday = 0 on DuckDB, 1 on Spark). #}
{% macro is_sunday(expr) -%}
    {{ return(adapter.dispatch('is_sunday', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__is_sunday(expr) -%}
    dayofweek({{ expr }}) = 0
{%- endmacro %}

{% macro spark__is_sunday(expr) -%}
    dayofweek({{ expr }}) = 1
{%- endmacro %}

{#
  Calendar attributes of a date: month_name, day_name (English), iso_year, iso_week, iso_day_of_week
  (Monday 1 .. Sunday 7), quarter, day_of_year.
#}
{% macro date_attribute(attribute, expr) -%}
    {{ return(adapter.dispatch('date_attribute', 'nyc_mobility')(attribute, expr)) }}
{%- endmacro %}

{% macro default__date_attribute(attribute, expr) -%}
    {%- set functions = {
        'month_name': 'monthname', 'day_name': 'dayname', 'iso_year': 'isoyear', 'iso_week': 'weekofyear',
        'iso_day_of_week': 'isodow', 'quarter': 'quarter', 'day_of_year': 'dayofyear'
    } -%}
    {{ functions[attribute] }}({{ expr }})
{%- endmacro %}

{% macro spark__date_attribute(attribute, expr) -%}
    {%- set expressions = {
        'month_name': "date_format(" ~ expr ~ ", 'MMMM')",
        'day_name': "date_format(" ~ expr ~ ", 'EEEE')",
        'iso_year': "extract(YEAROFWEEK from " ~ expr ~ ")",
        'iso_week': "weekofyear(" ~ expr ~ ")",
        'iso_day_of_week': "extract(DAYOFWEEK_ISO from " ~ expr ~ ")",
        'quarter': "quarter(" ~ expr ~ ")",
        'day_of_year': "dayofyear(" ~ expr ~ ")"
    } -%}
    {{ expressions[attribute] }}
{%- endmacro %}

{#
  Epoch milliseconds of the instant a `zone` wall-clock time stands for. Where the wall-clock time
  is ambiguous or skipped the engine picks one reading; trip_duration_minutes looks at both.
#}
{% macro local_epoch_ms(expr, zone) -%}
    {{ return(adapter.dispatch('local_epoch_ms', 'nyc_mobility')(expr, zone)) }}
{%- endmacro %}

{% macro default__local_epoch_ms(expr, zone) -%}
    epoch_ms(timezone('{{ zone }}', {{ expr }}))
{%- endmacro %}

{% macro spark__local_epoch_ms(expr, zone) -%}
    timestampdiff(MILLISECOND, timestamp_ntz'1970-01-01 00:00:00', convert_timezone('{{ zone }}', 'UTC', {{ expr }}))
{%- endmacro %}

{# The `zone` wall-clock time `hours` after (or before, when negative) the instant `expr` stands for. #}
{% macro local_time_shifted(expr, zone, hours) -%}
    {{ return(adapter.dispatch('local_time_shifted', 'nyc_mobility')(expr, zone, hours)) }}
{%- endmacro %}

{% macro default__local_time_shifted(expr, zone, hours) -%}
    timezone('{{ zone }}', timezone('{{ zone }}', {{ expr }}) {{ '-' if hours < 0 else '+' }} interval {{ hours | abs }} hour)
{%- endmacro %}

{% macro spark__local_time_shifted(expr, zone, hours) -%}
    convert_timezone('UTC', '{{ zone }}', convert_timezone('{{ zone }}', 'UTC', {{ expr }}) {{ '-' if hours < 0 else '+' }} interval {{ hours | abs }} hour)
{%- endmacro %}

{# A UTC wall-clock timestamp as the `zone` wall-clock timestamp of the same instant. #}
{% macro utc_to_local(expr, zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'nyc_mobility')(expr, zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(expr, zone) -%}
    cast(timezone('{{ zone }}', cast({{ expr }} as timestamp) at time zone 'UTC') as timestamp)
{%- endmacro %}

{% macro spark__utc_to_local(expr, zone) -%}
    convert_timezone('UTC', '{{ zone }}', cast({{ expr }} as timestamp_ntz))
{%- endmacro %}

{# An interval of `expr` (an integer) seconds. #}
{% macro seconds_interval(expr) -%}
    {{ return(adapter.dispatch('seconds_interval', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__seconds_interval(expr) -%}
    to_seconds({{ expr }})
{%- endmacro %}

{% macro spark__seconds_interval(expr) -%}
    make_dt_interval(0, 0, 0, {{ expr }})
{%- endmacro %}
