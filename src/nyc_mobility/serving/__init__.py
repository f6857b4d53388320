"""The served snapshot readers open: the monthly marts catalogued as per-month parquet parts and a
small database of views switched atomically (:mod:`.publishing`), the temporaries a killed publish
leaves (:mod:`.temporaries`), and the reader guard of the ``serving`` dbt profile (:mod:`.guard`)."""
