"""The dbt-duckdb plugin of the shipped profile's ``serving`` target (``mf``, BI through dbt).

Before the serving snapshot is attached it allows the folder of the snapshot's parquet parts (its
monthly tables are views over them); the target's settings then turn external access off on every
cursor, so nothing else can be read, written, attached or installed. DuckDB only lets the allowed
folders be set while external access is on, hence a plugin: it runs once per connection, before
the attach, where profile settings run on every cursor.
"""

from __future__ import annotations

import os
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

from nyc_mobility.serving.publishing import allowed_folders
from nyc_mobility.sql_quoting import literals

DEFAULT_SNAPSHOT = "data/serving/nyc_mobility.duckdb"


def snapshot_path() -> Path:
    return Path(os.environ.get("NYC_MOBILITY_SERVING_PATH") or DEFAULT_SNAPSHOT).absolute()


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        folders = literals(allowed_folders(snapshot_path()))
        conn.execute(f"set allowed_directories = [{folders}]")
