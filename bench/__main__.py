"""Run every benchmark in turn (``make bench`` / ``python -m bench``), each in its own process
so that peak-memory figures are its own. Pass ``--full`` for the long versions. With
``FIELDSVC_BENCH_DATABASE_URL`` set (a PostGIS database), the national-size PostGIS benchmark
runs too."""

from __future__ import annotations

import os
import subprocess
import sys

QUICK = [
    ["bench.coverage_bench"],
    ["bench.allocation_bench", "--quick"],
    ["bench.map_bench"],
    ["bench.intake_bench"],
    ["bench.buildings_bench"],
    [
        "bench.coverage_history_bench",
        "--bins",
        "20000",
        "--inspections",
        "400000",
        "--households",
        "60000",
        "--villages",
        "400",
    ],
    ["bench.national_bench", "--scale", "0.002"],
]
FULL = [
    ["bench.coverage_bench", "--baseline-full"],
    ["bench.allocation_bench"],
    ["bench.map_bench"],
    ["bench.intake_bench"],
    ["bench.buildings_bench"],
    ["bench.coverage_history_bench"],
    ["bench.national_bench", "--scale", "1"],
]


def main() -> int:
    runs = FULL if "--full" in sys.argv[1:] else QUICK
    if os.environ.get("FIELDSVC_BENCH_DATABASE_URL"):
        # PostGIS at national size needs a database of its own (about 7 GB at full size).
        scale = "1.0" if runs is FULL else "0.1"
        runs = [*runs, ["bench.postgis_national_bench", "--scale", scale]]
    failed = 0
    for module, *args in runs:
        print(f"\n=== {module} {' '.join(args)}", flush=True)
        failed += subprocess.call([sys.executable, "-m", module, *args]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
