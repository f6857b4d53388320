"""US federal holidays, with the observed weekday when a holiday falls on a weekend.

Built with the `holidays` library rather than hand-written rules: Juneteenth (2021+), Monday
holidays and Saturday/Sunday observance (including New Year's Day observed on 31 December)
all come from there. A holiday and its observed date are both listed; `is_observed_date` tells
them apart.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import holidays
    import pyarrow as pa

    calendar_start = dbt.config.meta_get("calendar_start")
    calendar_end = dbt.config.meta_get("calendar_end")
    start, end = int(str(calendar_start)[:4]), int(str(calendar_end)[:4])
    calendar = holidays.country_holidays("US", years=range(start - 1, end + 2), observed=True)
    rows = []
    for day, label in sorted(calendar.items()):
        for name in label.split("; "):
            is_observed = name.lower().endswith("(observed)")
            rows.append((day, name.removesuffix(" (observed)").removesuffix(" (Observed)"), is_observed))
    return pa.table(
        {
            "holiday_date": pa.array([r[0] for r in rows], type=pa.date32()),
            "holiday_name": pa.array([r[1] for r in rows], type=pa.string()),
            "is_observed_date": pa.array([r[2] for r in rows], type=pa.bool_()),
        }
    )
