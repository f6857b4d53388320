"""The taxi zones: the official shapes as a point index (:mod:`.geo`), their 4-decimal grid that every
engine joins coordinates to (:mod:`.grid`) and the Congestion Relief Zone (:mod:`.congestion`)."""
