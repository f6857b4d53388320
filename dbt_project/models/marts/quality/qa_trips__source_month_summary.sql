{#- a monthly model (dbt_project.yml); its rows without a month are recomputed every time -#}
{{ config(pre_hook="{% if is_incremental() %}{{ delete_rows_without_month() }}{% endif %}") }}
{#
  Data quality per source and month: published records, valid trips, quarantined records (in
  total and per reason) and the rejection rate. raw = valid + quarantined must hold exactly.
  A mode with no landed file at all gets one row (no month, zero rows) saying so: a missing source
  is an empty source, never a silent one. Built month by month like fct_trips; the rows of modes
  without files are recomputed every time (a mode is missing when neither the window nor the
  months kept from earlier builds have it).
#}
with published as (
    select mode, source_month, count(*) as raw_rows
    from {{ ref('int_trips__unioned') }}
    where {{ month_window_filter('source_month') }}
    group by 1, 2
),

valid as (
    select
        mode,
        source_month,
        count(*) as valid_rows,
        -- exact sums: the same figures on every engine and in every row order
        {{ exact_sum('trip_duration_minutes') }} / nullif(count(trip_duration_minutes), 0) as avg_trip_minutes,
        sum(case when is_shared_match then 1 else 0 end) as shared_match_trips,
        {{ exact_sum('total_amount - coalesce(tip_amount, 0)') }} as fares_without_tips
    from {{ ref('fct_trips') }}
    where {{ month_window_filter('source_month') }}
    group by 1, 2
),

quarantined as (
    select
        mode,
        source_month,
        cast(sum(n) as bigint) as quarantined_rows,
        {{ counts_map('invalid_reason', 'n') }} as rows_by_reason
    from (
        select mode, source_month, invalid_reason, count(*) as n
        from {{ ref('int_trips__unioned') }}
        where not is_valid and {{ month_window_filter('source_month') }}
        group by 1, 2, 3
    )
    group by 1, 2
),

summary as (
select
    p.mode || '|' || p.source_month as summary_id,
    p.mode,
    p.source_month,
    p.raw_rows,
    coalesce(v.valid_rows, 0) as valid_rows,
    coalesce(q.quarantined_rows, 0) as quarantined_rows,
    coalesce(q.quarantined_rows, 0) / p.raw_rows as rejection_rate,
    {{ counts_map_json('q.rows_by_reason') }} as rows_by_reason,
    v.avg_trip_minutes,
    v.shared_match_trips,
    v.fares_without_tips,
    cast(null as string) as note
from published as p
left join valid as v using (mode, source_month)
left join quarantined as q using (mode, source_month)
)

select * from summary
union all
select
    m.mode || '|none' as summary_id,
    m.mode,
    cast(null as string) as source_month,
    0 as raw_rows,
    0 as valid_rows,
    0 as quarantined_rows,
    cast(null as double) as rejection_rate,
    '{}' as rows_by_reason,
    cast(null as double) as avg_trip_minutes,
    cast(null as bigint) as shared_match_trips,
    cast(null as double) as fares_without_tips,
    'no files landed for this source: built as an empty source' as note
from {{ ref('dim_mode') }} as m
where m.mode not in (select mode from published)
{%- if is_incremental() %}
  and m.mode not in (select mode from {{ this }} where source_month is not null)
{%- endif %}
