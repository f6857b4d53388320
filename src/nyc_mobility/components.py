"""The pipeline as a Dagster Component, registered under ``dagster_dg_cli.registry_modules``.

Another project mounts it with a ``defs.yaml`` of a few lines::

    type: nyc_mobility.components.NycMobilityPipeline
    attributes:
      data_dir: data/nyc_mobility        # relative paths resolve against the project root
      target: prod
      cron: "0 5 * * *"

Its attributes are the fields of :class:`~nyc_mobility.settings.Settings` (derived from it, with
the same descriptions; paths are strings resolved against the project root), each optional: an
attribute left out keeps the setting's default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import dagster as dg
from pydantic import Field, create_model

from nyc_mobility.settings import DEPRECATED_NAMES, Settings


class _Pipeline(dg.Component, dg.Model, dg.Resolvable):
    """NYC taxi, FHV, Citi Bike and weather: raw files, every dbt model, checks and schedules."""

    source: Literal["sample", "official"] | None = Field(
        default=None, description=f"Deprecated: use {DEPRECATED_NAMES['source']}."
    )

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        from nyc_mobility.defs.factory import build_definitions

        root = Path(context.project_root)
        values = {name: getattr(self, name) for name in type(self).model_fields}
        for name in PATH_FIELDS:
            if values.get(name) is not None:
                path = Path(values[name]).expanduser()
                values[name] = path if path.is_absolute() else root / path
        values["data_dir"] = values.get("data_dir") or root / "data" / "nyc_mobility"
        return build_definitions(**values)


PATH_FIELDS = tuple(name for name, field in Settings.model_fields.items() if "Path" in str(field.annotation))


def _fields() -> dict[str, Any]:
    """Every Settings field as an optional attribute (``None``: the setting's default)."""
    fields: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        annotation = str if name in PATH_FIELDS else field.annotation
        fields[name] = (annotation | None, Field(default=None, description=field.description))
    return fields


NycMobilityPipeline = create_model(  # type: ignore[call-overload]
    "NycMobilityPipeline",
    __base__=_Pipeline,
    __module__=__name__,
    __doc__=_Pipeline.__doc__,
    **_fields(),
)

__all__ = ["NycMobilityPipeline"]
