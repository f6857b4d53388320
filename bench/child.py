"""``python -m bench.child CMD...``: run a command, then print its peak RSS and wall time as JSON.

Peak RSS is ``RUSAGE_CHILDREN.ru_maxrss``: the largest resident set of any descendant that was
waited for (dbt's subprocess included, since Dagster waits for it).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    started = time.perf_counter()
    done = subprocess.run(
        sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"returncode": done.returncode, "seconds": seconds, "peak_rss_mb": peak_kb / 1024}))
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
