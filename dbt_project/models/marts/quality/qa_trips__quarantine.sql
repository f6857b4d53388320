{{ config(materialized='view') }}
{#
  Every published trip record that did not become a trip, with the reason: nothing is dropped
  silently. The record's identity is its file and row (and trip_id, the same hash the facts use).
  A view over the staged records, so it is never stale after a partial (one-month) rebuild.
#}
select
    trip_id,
    mode,
    source_month,
    {{ file_name_of('source_file') }} as source_file_name,
    source_row_number,
    invalid_reason,
    pickup_at,
    dropoff_at
from {{ ref('int_trips__unioned') }}
where not is_valid
