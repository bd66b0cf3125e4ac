"""A small process that starts the measured commands, so their peak RSS is theirs alone.

Linux keeps a process's `ru_maxrss` across exec: a child forked (or vforked) from the benchmark
would report at least the benchmark's own peak, hub pages and all. This process stays small, so
what wait4(2) returns for each child is the child's peak (or this process's ~10 MB, if larger).

Protocol, one JSON object per line: in `{"argv", "env", "stdout", "stderr"}` (the last two are
file paths); out `{"wall", "maxrss_kb", "status"}`.
"""

import json
import os
import subprocess
import sys
import time


def main() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        with open(job["stdout"], "wb") as out, open(job["stderr"], "wb") as err:
            started = time.perf_counter()
            child = subprocess.Popen(job["argv"], env=job["env"], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        sys.stdout.write(json.dumps({"wall": wall, "maxrss_kb": usage.ru_maxrss, "status": child.returncode}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
