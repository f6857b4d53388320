{#
  The `picked` rows of stg_weather__hourly: one row per published hour of each response (a CTE
  `responses` with utc_offset_seconds, hourly_units and hourly), with each variable's value and unit
  (`variables`: name -> the keys it was published under). Emits the CTEs `arrays` and `picked`.
#}
{% macro open_meteo_hourly_values(responses, variables) -%}
    {{ return(adapter.dispatch('open_meteo_hourly_values', 'nyc_mobility')(responses, variables)) }}
{%- endmacro %}

{% macro default__open_meteo_hourly_values(responses, variables) -%}
{#- Each variable array is cast once per response, then all arrays are unnested side by side. #}
arrays as (
    select
        source_file,
        source_month,
        utc_offset_seconds,
        cast(hourly -> '$.time' as varchar[]) as time_list,
        {%- for name, keys in variables.items() %}
        coalesce(
            {%- for key in keys %}
            try_cast(hourly -> '$.{{ key }}' as double[]),
            {%- endfor %}
            cast([] as double[])
        ) as {{ name }}_list,
        coalesce(
            {%- for key in keys %}
            hourly_units ->> '$.{{ key }}'{{ "," if not loop.last }}
            {%- endfor %}
        ) as {{ name }}_unit{{ "," if not loop.last }}
        {%- endfor %}
    from {{ responses }}
),

picked as (
    select
        source_file,
        source_month,
        utc_offset_seconds,
        {%- for name in variables %}
        {{ name }}_unit,
        {%- endfor %}
        unnest(time_list) as published_time,
        {%- for name in variables %}
        unnest({{ name }}_list) as {{ name }}_value{{ "," if not loop.last }}
        {%- endfor %}
    from arrays
)
{%- endmacro %}

{#
  Spark reads each response as a map of arrays of text (sources: json_schema); the arrays are
  walked by the position of each hour in `time`.
#}
{% macro spark__open_meteo_hourly_values(responses, variables) -%}
arrays as (
    select
        source_file,
        source_month,
        utc_offset_seconds,
        try_element_at(hourly, 'time') as time_list,
        {%- for name, keys in variables.items() %}
        coalesce(
            {%- for key in keys %}
            transform(try_element_at(hourly, '{{ key }}'), v -> try_cast(v as double)),
            {%- endfor %}
            cast(array() as array<double>)
        ) as {{ name }}_list,
        coalesce(
            {%- for key in keys %}
            try_element_at(hourly_units, '{{ key }}'){{ "," if not loop.last }}
            {%- endfor %}
        ) as {{ name }}_unit{{ "," if not loop.last }}
        {%- endfor %}
    from {{ responses }}
),

picked as (
    select
        source_file,
        source_month,
        utc_offset_seconds,
        {%- for name in variables %}
        {{ name }}_unit,
        {%- endfor %}
        published_time,
        {%- for name in variables %}
        try_element_at({{ name }}_list, hour_index + 1) as {{ name }}_value{{ "," if not loop.last }}
        {%- endfor %}
    from arrays
    lateral view posexplode(time_list) hours as hour_index, published_time
)
{%- endmacro %}
