"""Everything Dagster loads, assembled by :mod:`.factory`: the assets (:mod:`.assets`), the monthly
partitions and the warehouse pool, the jobs, the schedules, the sensors, the failure alerts, the
freshness checks, retention and the instance ``nyc-mobility init`` writes."""
