"""The run's progress, read from dbt's log lines (the format dbt 1.10-1.11 prints)."""

from __future__ import annotations

import threading
import time

from nyc_mobility.run.progress import DBT_STEPS, RunProgress, follow

LOG = """\
/site-packages/dagster/_core/decorator_utils.py:232: BetaWarning: Parameter `backfill_policy` ...
\x1b[0m14:01:03  Running with dbt=1.11.16
Found 22 models, 2 seeds, 159 data tests, 7 sources, 116 metrics, 538 macros
1 of 4 START sql table model main.dim_mode ................................... [RUN]
2 of 4 START seed file main.hvfhs_licenses ................................... [RUN]
1 of 4 OK created sql table model main.dim_mode .............................. [\x1b[32mOK\x1b[0m in 0.24s]
2 of 4 OK loaded seed file main.hvfhs_licenses ............................... [INSERT 4 in 0.05s]
3 of 4 START test not_null_dim_mode_mode ...................................... [RUN]
3 of 4 FAIL 1 not_null_dim_mode_mode ......................................... [FAIL 1 in 0.03s]
4 of 4 START sql view model main.stg_tlc__hvfhv_trips ......................... [RUN]
4 of 4 ERROR creating sql view model main.stg_tlc__hvfhv_trips ................ [ERROR in 0.1s]
Finished running 1 seed, 1 table model, 1 data test, 1 view model in 0 hours 0 minutes and 0.93 seconds
Running with dbt=1.11.16
1 of 2 START sql incremental model main.int_trips__unioned ..................... [RUN]
"""


def test_dbt_lines_become_steps_nodes_and_failures():
    progress = RunProgress()
    assert progress.phase.startswith("landing")
    for line in LOG.splitlines():
        progress.feed(line)
    assert progress.step == 2 and progress.finished_steps == 1
    assert progress.phase == DBT_STEPS[1]
    assert (progress.done, progress.total, progress.running) == (0, 2, ["int_trips__unioned"])
    assert progress.models_built == 2 and progress.failures == 2
    assert "step 2/3" in progress.describe() and "2 failed" in progress.describe()
    progress.feed("Finished running 2 incremental models")
    assert progress.phase.startswith("KPI table") and progress.describe().startswith("step 3/3")


def test_follow_reads_a_new_log_and_skips_the_last_runs(tmp_path):
    log = tmp_path / "last_run.log"
    log.write_text("Running with dbt=1.11.16\n" * 5)  # the previous run's log
    progress, stop, seen = RunProgress(), threading.Event(), []
    thread = follow(log, progress, lambda p: seen.append(p.done), stop)
    time.sleep(0.4)
    assert progress.step == 0  # the old file is not this run's
    log.unlink()
    with log.open("w", encoding="utf-8", buffering=1) as handle:
        handle.write("Running with dbt=1.11.16\n1 of 3 START sql table model main.dim_mode\n")
        handle.write("1 of 3 OK created sql table model main.dim_mode\n2 of 3 ST")  # a line half-written
        deadline = time.monotonic() + 5
        while progress.done < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (progress.step, progress.done, progress.running) == (1, 1, [])
        handle.write("ART sql table model main.dim_time\n")
    stop.set()
    thread.join(timeout=5)
    assert progress.running == ["dim_time"] and seen
