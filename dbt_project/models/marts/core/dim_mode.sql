{#
  One row per travel mode in the facts, with the labels and groupings used by the metrics: the seed
  `trip_modes`, which the package generates from its source registry (nyc_mobility.sources), so the
  metrics, the report and the docs show one label per mode.
  `is_taxi`: a TLC-licensed vehicle (yellow and green taxis, FHV bases and the high-volume for-hire
  services); `is_metered`: a taxi meter records the fare (yellow and green).
#}
select mode, mode_label, is_taxi, is_metered, operator
from {{ ref('trip_modes') }}
