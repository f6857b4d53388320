{#
  One row per travel mode in the facts, with the labels and groupings used by the metrics.
  `is_taxi`: a TLC-licensed vehicle (yellow and green taxis, FHV bases and the high-volume for-hire
  services); `is_metered`: a taxi meter records the fare (yellow and green).
#}
select mode, mode_label, is_taxi, is_metered, operator
from (
    values
        ('yellow_taxi', 'Yellow taxi', true, true, 'NYC TLC medallion taxis'),
        ('green_taxi', 'Green taxi', true, true, 'NYC TLC street-hail liveries (boro taxis)'),
        ('fhv', 'For-hire vehicle', true, false, 'NYC TLC for-hire vehicle bases'),
        ('hvfhv', 'High-volume for-hire', true, false, 'Uber, Lyft, Via and Juno (TLC high-volume licences)'),
        ('citibike', 'Citi Bike', false, false, 'Citi Bike (Lyft) bike share')
) as modes(mode, mode_label, is_taxi, is_metered, operator)
