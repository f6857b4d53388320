{# One row per travel mode in the facts, with the labels and groupings used by the metrics. #}
select mode, mode_label, is_taxi, operator
from (
    values
        ('yellow_taxi', 'Yellow taxi', true, 'NYC TLC medallion taxis'),
        ('fhv', 'For-hire vehicle', true, 'NYC TLC for-hire vehicle bases'),
        ('citibike', 'Citi Bike', false, 'Citi Bike (Lyft) bike share')
) as modes(mode, mode_label, is_taxi, operator)
