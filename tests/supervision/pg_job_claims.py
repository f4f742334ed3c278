"""A helper process for test_job_lanes: the job runner's claims on a real PostgreSQL.

    python -m tests.supervision.pg_job_claims prepare N   migrate, queue N "probe" jobs
    python -m tests.supervision.pg_job_claims run AT      at time AT (epoch seconds), two runner
                                                           threads take jobs until none is left;
                                                           prints {"ran": [n, …]} as JSON

The database is DATABASE_URL (PGOPTIONS may set a private search_path); the data directory is
GOVINSPECT_DATA. Not a test module itself (pytest collects test_*.py only).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any


def main(argv: list[str]) -> int:
    from govinspect.platform.bootstrap import migrate, setup

    setup()
    from django.db import connections

    from govinspect.platform import jobs
    from govinspect.platform.orders.models import Job

    if argv[:1] == ["prepare"]:
        migrate()
        Job.objects.bulk_create([Job(kind="probe", params={"n": n}) for n in range(int(argv[1]))])
        return 0
    if argv[:1] != ["run"] or len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2

    ran: list[int] = []
    lock = threading.Lock()

    @jobs.handler("probe")
    def probe(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.05)  # long enough for the other runners to be claiming meanwhile
        with lock:
            ran.append(params["n"])
        return {}

    # Both processes start claiming at the same moment, so their runners really race.
    start_at = float(argv[1])

    def runner() -> None:
        try:
            time.sleep(max(0.0, min(30.0, start_at - time.time())))
            jobs.run_pending(limit=1000, lane=jobs.SHORT)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"ran": ran}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
