{#
  Published files drift: a column is renamed (`Airport_fee` -> `airport_fee`), re-cased
  (`PUlocationID`), added (`cbd_congestion_fee`, 2025+) or typed differently (DOUBLE vs BIGINT).
  `with_expected_columns` unions a raw relation BY NAME with a zero-row template of every column
  name any published variant uses, so staging can reference each name even when no file on disk
  carries it (it is then NULL). DuckDB matches names case-insensitively, so casing variants fold
  into one column.
#}
{% macro with_expected_columns(relation, columns) -%}
    select * from {{ relation }}
    union all by name
    select
    {%- for name in columns %}
        null as "{{ name }}"{{ "," if not loop.last }}
    {%- endfor %}
    where false
{%- endmacro %}

{# The month a landed file belongs to, from its hive partition folder `month=YYYY-MM`. #}
{% macro source_month_of(filename_column) -%}
    regexp_extract({{ filename_column }}, 'month=(\d{4}-\d{2})', 1)
{%- endmacro %}

{# Parse a timestamp as published: ISO (with or without fractional seconds) or US M/D/YYYY. #}
{% macro parse_timestamp(expr) -%}
    coalesce(
        try_cast({{ expr }} as timestamp),
        try_strptime(cast({{ expr }} as varchar), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%Y-%m-%dT%H:%M'])
    )
{%- endmacro %}

{# Great-circle distance in kilometres between two WGS84 points. #}
{% macro haversine_km(lat1, lon1, lat2, lon2) -%}
    (2 * 6371.0088 * asin(sqrt(
        pow(sin(radians({{ lat2 }} - {{ lat1 }}) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
        * pow(sin(radians({{ lon2 }} - {{ lon1 }}) / 2), 2)
    )))
{%- endmacro %}

{#
  Restrict a model to the incremental month window passed as vars (YYYY-MM, inclusive).
  Months are validated by the Python side before they reach dbt; here they are re-checked so a
  dbt user passing `--vars` gets the same protection.
#}
{% macro month_window_filter(month_column) -%}
    {%- set start = var('start_month', none) -%}
    {%- set end = var('end_month', none) -%}
    {%- for m in [start, end] -%}
        {%- if m is not none and not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])', m | string) -%}
            {{ exceptions.raise_compiler_error("start_month/end_month must look like YYYY-MM, got: " ~ m) }}
        {%- endif -%}
    {%- endfor -%}
    true
    {%- if start is not none %} and {{ month_column }} >= '{{ start }}'{% endif %}
    {%- if end is not none %} and {{ month_column }} <= '{{ end }}'{% endif %}
{%- endmacro %}

{#
  The validity rules every trip source shares, as CASE branches (first match wins); each staging
  model adds its own after these. `source_month` is the month of the file the record came from.
#}
{% macro trip_validity_rules(pickup, dropoff, duration_minutes) -%}
        when {{ pickup }} is null or {{ dropoff }} is null then 'missing_timestamp'
        when year({{ pickup }}) < 2001 or year({{ dropoff }}) < 2001 then 'sentinel_timestamp'
        when {{ dropoff }} < {{ pickup }} then 'dropoff_before_pickup'
        when {{ dropoff }} = {{ pickup }} then 'zero_duration'
        when {{ duration_minutes }} > {{ var('max_trip_hours') }} * 60 then 'excessive_duration'
        when strftime({{ pickup }}, '%Y-%m') <> source_month then 'outside_file_month'
{%- endmacro %}

{#
  Pre-hook of the incremental (monthly) models: before a month-window build, forget every row of
  the window's months, so a rebuilt month is exactly what its files hold now, even when a month's
  records (or the whole month) are gone from disk. delete+insert alone only replaces the months
  the new rows carry. Without a window nothing is deleted (every month on disk is rebuilt).
#}
{% macro delete_month_window() -%}
    {%- if is_incremental() and (var('start_month', none) is not none or var('end_month', none) is not none) -%}
        delete from {{ this }} where {{ month_window_filter('source_month') }}
    {%- endif -%}
{%- endmacro %}

{#
  The last validity rule of every trip source: a record identical (on the columns that identify a
  trip) to an earlier record of the same month, in the same file or in another file landed for that
  month, is a `duplicate_record`. The first copy (by file name, then row) stays valid. NULLs compare
  equal here, as PARTITION BY groups them.
#}
{% macro duplicate_record_rule(columns) -%}
        when row_number() over (
            partition by source_month, {{ columns | join(', ') }}
            order by source_file, source_row_number
        ) > 1 then 'duplicate_record'
{%- endmacro %}

{#
  A sum of doubles that does not depend on the order rows arrive in (parallel aggregation merges
  partial sums in any order, which changes the last bits of a double sum): summed exactly as
  DECIMAL(38, 9) (a nanounit per row at most), then returned as DOUBLE. Rebuilding a month gives
  byte-identical aggregates.
#}
{% macro exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 9))) as double)
{%- endmacro %}
