{# Every hour of each month of `months` (a relation with source_month, YYYY-MM): source_month, pickup_hour. #}
{% macro month_hours(months) -%}
    {{ return(adapter.dispatch('month_hours', 'nyc_mobility')(months)) }}
{%- endmacro %}

{% macro default__month_hours(months) -%}
    select source_month, range as pickup_hour
    from {{ months }},
        range(
            strptime(source_month, '%Y-%m'),
            strptime(source_month, '%Y-%m') + interval 1 month,
            interval 1 hour
        )
{%- endmacro %}

{% macro spark__month_hours(months) -%}
    select source_month, pickup_hour
    from {{ months }}
    lateral view explode(sequence(
        to_timestamp(source_month, 'yyyy-MM'),
        to_timestamp(source_month, 'yyyy-MM') + interval 1 month - interval 1 hour,
        interval 1 hour
    )) month_hours as pickup_hour
{%- endmacro %}
