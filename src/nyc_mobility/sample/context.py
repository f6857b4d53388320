"""What a source's sample writer is given for one month (the registry names each writer)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nyc_mobility.sample.demand import MonthHours


@dataclass(frozen=True)
class SampleMonth:
    """One month of the sample: its hours (with the month's weather), size and random stream.

    A writer ``write(folder, sample) -> Path`` writes the source's published file for
    ``sample.month`` into ``folder`` and returns its path.
    """

    month: str
    hours: MonthHours
    weather_response: dict
    scale: float
    rng: np.random.Generator
    max_rows_per_csv: int = 1_000_000
