"""``nyc-mobility run`` in-process: the guards around a build (:mod:`.runner`), the Dagster runs it
makes (:mod:`.materialize`), which months it builds (:mod:`.plan`), the data directory's lock
(:mod:`.lock`), what it reports (:mod:`.summary`) and its progress on the console (:mod:`.progress`)."""
