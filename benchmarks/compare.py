"""What-if on a district's month: jiangcheng against its draft (examples/compare), N records.

Run by ``nox -s bench`` after street.py (or ``python benchmarks/compare.py``); figures go into
benchmarks/README.md.

- In one process: ``gridrules.compare`` on N records (10,000 by default: a district's month),
  against the floor it builds on, ``Scorer.results`` run once for each rubric on the same records;
  the median of ``--repeat`` runs taken in turn, and what the comparison adds to the two
  scorings.
- The command: ``gridrules compare`` from a CSV file of the N records to ``.csv``, ``.xlsx`` and
  ``.html``, wall time from process start to exit, the median of ``--repeat`` runs.

Options: ``--records N``, ``--repeat R`` (3).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import records  # noqa: E402
from run import machine, write_csv  # noqa: E402

import gridrules as gr  # noqa: E402

EXAMPLES = HERE.parent / "examples"
DRAFT = EXAMPLES / "compare" / "jiangcheng-draft.toml"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"
CLI = [sys.executable, "-c", "from gridrules.cli import main; main()"]


def in_process(count: int, repeat: int) -> None:
    params = tomllib.loads(PARAMS.read_text(encoding="utf-8"))
    old, new = gr.load("jiangcheng"), gr.load(DRAFT)
    data = records.jiangcheng(count)
    times: dict[str, list[float]] = {"scorings": [], "compare": []}
    for _ in range(repeat):
        started = time.perf_counter()
        for rubric in (old, new):
            list(rubric.prepare(params).results(data, return_errors=True))
        times["scorings"].append(time.perf_counter() - started)
        started = time.perf_counter()
        comparison = gr.compare(old, new, data, params=params)
        times["compare"].append(time.perf_counter() - started)
    assert len(comparison.compared) == count, comparison
    floor, whole = (statistics.median(times[k]) for k in ("scorings", "compare"))
    print(f"\n{count:,} jiangcheng records, in one process (median of {repeat}):")
    print("| path | seconds | records / s |")
    print("| --- | ---: | ---: |")
    print(f"| `Scorer.results`, once per rubric | {floor:.2f} | {count / floor:,.0f} |")
    print(f"| `gridrules.compare` | {whole:.2f} | {count / whole:,.0f} |")
    print(f"the comparison adds {whole - floor:.2f} s ({whole / floor:.2f}× the two scorings)")


def command(work: Path, count: int, repeat: int) -> None:
    source = work / "in.csv"
    write_csv(source, count)
    print(f"\n{count:,} rows, `gridrules compare jiangcheng DRAFT` (median of {repeat}):")
    print("| output | seconds |")
    print("| --- | ---: |")
    for suffix in (".csv", ".xlsx", ".html"):
        samples = []
        for _ in range(repeat):
            out = work / f"out{suffix}"
            started = time.perf_counter()
            done = subprocess.run(
                [*CLI, "compare", "jiangcheng", str(DRAFT), str(source), "--params", str(PARAMS),
                 "-o", str(out)],
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
            samples.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                raise SystemExit(f"gridrules compare failed:\n{done.stderr}")
        print(f"| `{suffix}` | {statistics.median(samples):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print(f"Machine: {machine()}")
    in_process(options.records, options.repeat)
    with tempfile.TemporaryDirectory() as work:
        command(Path(work), options.records, options.repeat)


if __name__ == "__main__":
    main()
