{#
  Every published trip record that did not become a trip, with the reason: nothing is dropped
  silently. The record's identity is its file and row (and trip_id, the same hash the facts use).
  Built month by month like the trips (a window's months replaced), so it is never stale after a
  one-month rebuild, and published as its own small per-month parts: the snapshot serves it
  without the intermediate table of every record.
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
