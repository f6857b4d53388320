"""The code location: ``dagster dev -m nyc_mobility.definitions``.

Settings come from ``NYC_MOBILITY_*`` environment variables (see ``nyc_mobility.settings``); the
definitions are built lazily, when Dagster loads the location, not at import.
"""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from nyc_mobility.defs.factory import definitions_from_settings
    from nyc_mobility.settings import Settings

    return definitions_from_settings(Settings.from_env())
