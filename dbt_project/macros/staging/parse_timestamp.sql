{#
  Parse a timestamp as published, to New York wall-clock time (what the TLC and Citi Bike publish):
  ISO (with or without fractional seconds) or US M/D/YYYY text, a TIMESTAMP, or a time-zone-aware
  value (a TIMESTAMP WITH TIME ZONE column, or text ending in `Z` / `+00:00`), which is converted to
  the local zone explicitly. A plain cast of a zoned value would use the session's zone, i.e. the
  host's: results would depend on the machine. For TIMESTAMP columns the first branch folds away.
#}
{% macro parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'nyc_mobility')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
    coalesce(
        case
            when typeof({{ expr }}) <> 'TIMESTAMP'
                and regexp_matches(
                    cast({{ expr }} as string),
                    '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$'
                )
            then timezone('{{ var("local_timezone") }}', try_cast(cast({{ expr }} as string) as timestamptz))
        end,
        try_cast({{ expr }} as timestamp),
        try_strptime(cast({{ expr }} as string), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%Y-%m-%dT%H:%M'])
    )
{%- endmacro %}

{#
  Spark: a zoned value (TIMESTAMP, i.e. with local time zone, or text with a zone) is read as an
  instant in UTC (the session zone) and converted to New York wall-clock time; then plain timestamps
  (ISO, with or without fractional seconds or `T`), then the US M/D/YYYY forms.
#}
{% macro spark__parse_timestamp(expr) -%}
    coalesce(
        case
            when typeof({{ expr }}) = 'timestamp'
                or regexp_like(
                    cast({{ expr }} as string),
                    '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$'
                )
            then convert_timezone('UTC', '{{ var("local_timezone") }}',
                                  cast(try_cast(cast({{ expr }} as string) as timestamp_ltz) as timestamp_ntz))
        end,
        try_cast(cast({{ expr }} as string) as timestamp_ntz),
        try_to_timestamp(cast({{ expr }} as string), 'M/d/yyyy H:mm:ss'),
        try_to_timestamp(cast({{ expr }} as string), 'M/d/yyyy H:mm')
    )
{%- endmacro %}
