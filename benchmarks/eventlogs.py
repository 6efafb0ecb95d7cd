"""Event logs to evidence at province scale: DuckDB, a hand-written pass, bare DuckDB, Spark.

Run by ``nox -s bench -- --events`` (or ``python benchmarks/eventlogs.py``); figures go into
benchmarks/README.md. The logs are generated under ``--dir`` (default: a folder in /tmp): N
sign-ins of 50,000 grid workers in October 2026, JSON lines, 90% naive times, 5% with ``+08:00``,
5% in UTC (``Z``), each worker's sign-ins at random days and hours (duplicates included).

Each measured path runs in a process of its own, so that its peak resident memory (``VmHWM``) is
its own; all paths run in turn in one run, because this machine's speed drifts:

- ``handwritten``: a plain Python pass: json.loads, datetime.fromisoformat, a dict of sets of
  (day, half) per worker on the working days; no checks, no bad-row reporting.
- ``bare duckdb``: one DuckDB query over the same file: read_json, the time cast to TIMESTAMPTZ
  in Asia/Shanghai (read_json's own TIMESTAMPTZ would read a naive time as UTC), the working
  days as a list, COUNT(DISTINCT (day, half)) per worker; no checks.
- ``gridrules duckdb``: :func:`gridrules.events.aggregate` with the ``missed_sign_ins`` feed:
  every row checked as the reference checks it, bad rows numbered, the roster joined.
- ``gridrules python``: the pure-Python reference (streams; a smaller log, it is slow).
- ``gridrules spark``: the same aggregate on local Spark (``--spark N`` events).
- ``gridrules batch --events``: the command, from the log and a 50,000-worker roster to scores.

Every path's counts are compared with the hand-written pass's; the run fails if one disagrees.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

WORKERS = 50_000
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def generate(path: Path, n: int, seed: int = 20261009) -> None:
    """``n`` sign-ins of ``WORKERS`` workers in October 2026, as JSON lines."""
    if path.exists() and path.stat().st_size > 0:
        return
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        chunk = []
        for _ in range(n):
            worker = rng.randrange(WORKERS)
            day = rng.randrange(1, 32)
            hour = rng.choice((8, 8, 9, 11, 12, 13, 14, 17))
            minute = rng.randrange(60)
            kind = rng.random()
            if kind < 0.9:
                time_text = f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:00"
            elif kind < 0.95:
                time_text = f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:00+08:00"
            else:  # the same moment in UTC: 8 hours earlier, perhaps the day before
                utc = (day - 1) * 24 + hour - 8
                d, h = divmod(utc, 24)
                month, d = (9, 30) if d < 0 else (10, d + 1)
                time_text = f"2026-{month:02d}-{d:02d}T{h:02d}:{minute:02d}:00Z"
            chunk.append(f'{{"assessee":"w{worker:05d}","type":"sign_in","time":"{time_text}"}}\n')
            if len(chunk) == 100_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


def roster(path: Path) -> None:
    if not path.exists():
        path.write_text(
            "assessee\n" + "".join(f"w{i:05d}\n" for i in range(WORKERS)), encoding="utf-8"
        )


# -- the paths, each run in a child process -----------------------------------------------------

HANDWRITTEN = """
import json, sys
from datetime import datetime, timedelta, timezone
from gridrules.calendars import get_calendar
from gridrules.periods import Period
working = set(get_calendar("CN").working_dates(Period.parse("2026-10")))
shanghai = timezone(timedelta(hours=8))
signed = {}
with open(sys.argv[1], encoding="utf-8") as stream:
    for line in stream:
        record = json.loads(line)
        moment = datetime.fromisoformat(record["time"])
        if moment.tzinfo is not None:
            moment = moment.astimezone(shanghai)
        day = moment.date()
        if record["type"] == "sign_in" and day in working:
            signed.setdefault(record["assessee"], set()).add((day, moment.hour < 12))
result = {a: 2 * len(working) - len(s) for a, s in signed.items()}
"""

BARE = """
import sys, duckdb
from gridrules.calendars import get_calendar
from gridrules.periods import Period
working = get_calendar("CN").working_dates(Period.parse("2026-10"))
con = duckdb.connect()
con.execute("SET TimeZone = 'Asia/Shanghai'")
days = ", ".join(f"DATE '{d.isoformat()}'" for d in working)
# the time read as text and cast in the session's timezone: read_json's own TIMESTAMPTZ reads a
# naive time as UTC
rows = con.execute(f'''
    SELECT assessee, {2 * len(working)} - COUNT(DISTINCT (CAST(t AS DATE), hour(t) < 12))
    FROM (SELECT assessee, type, CAST(time AS TIMESTAMPTZ) AS t FROM read_json(?,
          format = 'newline_delimited',
          columns = {{'assessee': 'VARCHAR', 'type': 'VARCHAR', 'time': 'VARCHAR'}}))
    WHERE type = 'sign_in' AND CAST(t AS DATE) IN ({days}) GROUP BY assessee''',
    [sys.argv[1]]).fetchall()
result = dict(rows)
"""

GRIDRULES = """
import sys
from gridrules.calendars import get_calendar
from gridrules.events import AGGREGATORS, DuckDBEngine, PlannedFeed, aggregate, log_sources
from gridrules.io.evidence import aggregate_python
from gridrules.periods import Period
feed = AGGREGATORS["missed_sign_ins"]
feeds = [PlannedFeed(feed, feed.check_options({}, "bench"), {"missed": "m"})]
sources, period, cn = log_sources([sys.argv[1]]), Period.parse("2026-10"), get_calendar("CN")
engine = sys.argv[2]
if engine == "duckdb":
    found = aggregate(DuckDBEngine(), sources, period, feeds, calendar=cn)
elif engine == "python":
    found = aggregate_python(sources, period, feeds, calendar=cn)
else:
    from pyspark.sql import SparkSession
    from gridrules.spark import SparkEngine
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    import time as clock
    started = clock.perf_counter()
    found = aggregate(SparkEngine(spark), sources, period, feeds, calendar=cn)
    print("SPARK_SECONDS", clock.perf_counter() - started)
assert found.rejected_count == 0, found.rejected[:3]
result = {a: v["m"] for a, v in found.evidence.items()}
"""

FOOTER = """
import json as _json, os as _os
with open(_os.environ["BENCH_OUT"], "w") as _out:
    _json.dump(result, _out)
"""


def run(code: str, *args: str) -> tuple[float, int, dict[str, int], str]:
    """Run ``code`` in a child: seconds (start to exit), peak RSS (bytes), its result, output."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        wrapper = (
            "import runpy, sys, subprocess, time, os\n"
            "start = time.perf_counter()\n"
            "child = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "seconds = time.perf_counter() - start\n"
            "import resource\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
            "print(seconds, peak)\n"
            "sys.stderr.write(child.stdout + child.stderr)\n"
            "sys.exit(child.returncode)\n"
        )
        env = {**os.environ, "BENCH_OUT": out.name}
        done = subprocess.run(
            [sys.executable, "-c", wrapper, sys.executable, "-c", code + FOOTER, *args],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode:
            raise RuntimeError(done.stderr)
        seconds, peak = done.stdout.split()
        result = json.loads(Path(out.name).read_text() or "{}")
    return float(seconds), int(peak), result, done.stderr


def command(*args: str) -> tuple[float, int]:
    """Run the gridrules command: seconds and peak RSS (read in a wrapper, as run.py does)."""
    wrapper = (
        "import subprocess, sys, time, resource\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(time.perf_counter() - start, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, str(Path(sys.executable).with_name("gridrules")), *args],
        capture_output=True,
        text=True,
    )
    seconds, peak, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise RuntimeError(done.stderr)
    return float(seconds), int(peak)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "gridrules-bench")
    parser.add_argument("--sizes", default="1000000,5000000,10000000")
    parser.add_argument("--python", type=int, default=1_000_000, help="events for the reference")
    parser.add_argument("--spark", type=int, default=1_000_000, help="events for Spark (0: skip)")
    parser.add_argument("--no-batch", action="store_true")
    options = parser.parse_args(argv)
    options.dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in options.sizes.split(",")]
    logs = {}
    for n in sorted({*sizes, options.python, options.spark} - {0}):
        logs[n] = options.dir / f"signins-{n}.jsonl"
        generate(logs[n], n)
    table: list[tuple[str, int, float, int]] = []

    def record(name: str, n: int, seconds: float, peak: int) -> None:
        table.append((name, n, seconds, peak))
        print(f"{name:28} {n:>11,} {seconds:8.2f} s {n / seconds:>12,.0f}/s {peak / 2**20:8.0f} MB",
              flush=True)  # fmt: skip

    for n in sizes:
        seconds, peak, expected, _ = run(HANDWRITTEN, str(logs[n]))
        record("handwritten", n, seconds, peak)
        seconds, peak, bare, _ = run(BARE, str(logs[n]))
        record("bare duckdb", n, seconds, peak)
        seconds, peak, ours, _ = run(GRIDRULES, str(logs[n]), "duckdb")
        record("gridrules duckdb", n, seconds, peak)
        for name, found in (("bare duckdb", bare), ("gridrules duckdb", ours)):
            disagree = {a for a in expected if expected[a] != found.get(a)}
            if disagree:
                raise SystemExit(f"{name} disagrees with the hand-written pass on {len(disagree)}")
    if options.python:
        n = options.python
        seconds, peak, found, _ = run(GRIDRULES, str(logs[n]), "python")
        record("gridrules python", n, seconds, peak)
        half = options.dir / f"signins-{n // 5}.jsonl"
        generate(half, n // 5)
        seconds, peak, _, _ = run(GRIDRULES, str(half), "python")
        record("gridrules python", n // 5, seconds, peak)
    if options.spark:
        n = options.spark
        seconds, peak, found, output = run(GRIDRULES, str(logs[n]), "spark")
        _, _, expected, _ = run(HANDWRITTEN, str(logs[n]))
        if any(expected[a] != found.get(a) for a in expected):
            raise SystemExit("spark disagrees with the hand-written pass")
        spark_seconds = float(output.split("SPARK_SECONDS")[1].split()[0])
        record("gridrules spark (aggregate)", n, spark_seconds, peak)
        record("gridrules spark (process)", n, seconds, peak)
    if not options.no_batch:
        n = max(sizes)
        roster(options.dir / "roster.csv")
        params = ROOT / "examples" / "jiangcheng" / "params.toml"
        out = options.dir / "scores.csv"
        seconds, peak = command(
            "batch", "jiangcheng", "--events", str(logs[n]), "--period", "2026-10",
            "--roster", str(options.dir / "roster.csv"), "--params", str(params), "-o", str(out),
        )  # fmt: skip
        record("gridrules batch --events", n, seconds, peak)
    print(json.dumps(table))


if __name__ == "__main__":
    main()
