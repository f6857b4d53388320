"""The raw layer: where landed files live (:mod:`.layout`), how published files are landed
(:mod:`.landing`) and the check before dbt reads them (:mod:`.preflight`)."""

from nyc_mobility.raw.landing import (
    RawFileError,
    atomic_path,
    land_csv_archive,
    land_csv_as_parquet,
    land_file,
    land_report,
)
from nyc_mobility.raw.layout import (
    is_landed,
    landed_files,
    landed_months,
    missing_sources,
    month_dir,
    month_folders,
    report_copies,
    report_copy_path,
    resolve,
    source_dir,
    static_file,
    stray_folders,
    trip_months,
)

__all__ = [
    "RawFileError",
    "atomic_path",
    "is_landed",
    "land_csv_archive",
    "land_csv_as_parquet",
    "land_file",
    "land_report",
    "landed_files",
    "landed_months",
    "missing_sources",
    "month_dir",
    "month_folders",
    "report_copies",
    "report_copy_path",
    "resolve",
    "source_dir",
    "static_file",
    "stray_folders",
    "trip_months",
]
