"""NYC Mobility & Weather Analytics: a dbt (DuckDB) project orchestrated by Dagster."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nyc_mobility.__about__ import __version__

if TYPE_CHECKING:
    from nyc_mobility.defs.factory import build_definitions

__all__ = ["__version__", "build_definitions"]


def __getattr__(name: str) -> Any:
    # Keep `import nyc_mobility` cheap: Dagster and dbt load only when the factory is used.
    if name == "build_definitions":
        from nyc_mobility.defs.factory import build_definitions

        return build_definitions
    raise AttributeError(f"module 'nyc_mobility' has no attribute {name!r}")
