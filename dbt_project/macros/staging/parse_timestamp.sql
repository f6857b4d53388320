{#
  Parse a timestamp as published, to New York wall-clock time (what the TLC and Citi Bike publish):
  ISO (with or without fractional seconds) or US M/D/YYYY text, a TIMESTAMP, or a time-zone-aware
  value (a TIMESTAMP WITH TIME ZONE column, or text ending in `Z` / `+00:00`), which is converted to
  the local zone explicitly. A plain cast of a zoned value would use the session's zone, i.e. the
  host's: results would depend on the machine. For TIMESTAMP columns the first branch folds away.
#}
{% macro parse_timestamp(expr) -%}
    coalesce(
        case
            when typeof({{ expr }}) <> 'TIMESTAMP'
                and regexp_matches(
                    cast({{ expr }} as varchar),
                    '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$'
                )
            then timezone('{{ var("local_timezone") }}', try_cast(cast({{ expr }} as varchar) as timestamptz))
        end,
        try_cast({{ expr }} as timestamp),
        try_strptime(cast({{ expr }} as varchar), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%Y-%m-%dT%H:%M'])
    )
{%- endmacro %}
