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
