"""Throughput and memory of gridrules, beside a hand-written floor and the engines it replaces.

Run by ``nox -s bench`` (or ``python benchmarks/run.py``); figures go into benchmarks/README.md.

- Per record, one core: the jiangcheng rubric scored by a hand-written Decimal function (the
  floor), by ``Scorer.result`` (scores only), by ``Scorer.score`` (the explained sheet) and by
  zen-engine and rule-engine; the 30-item rubric by ``Scorer.result`` and ``Scorer.score``.
  ``Scorer.results`` (many records at once, scores only) scores both rubrics too, and must give
  ``Scorer.result``'s very Results on every record.
  Every path is timed on the same records in turn, repetition after repetition, in one process;
  each figure is the median of the repetitions, and a ratio to the hand-written function.
- Agreement: every peer gives the same totals, grades, stars and item points as gridrules on the
  first 1,000 records (zen-engine to 2 decimal places: it works in floats).
- Peak memory of each gridrules path: tracemalloc's peak while scoring 5,000 records (one at a
  time, or through ``results``), results dropped.
- Batch: N rows (1,000,000 by default) from a CSV file to a CSV file through
  ``gridrules.batch.run_batch`` and the ``gridrules batch`` command, in one process and on every
  core; wall time (process start to exit), peak resident memory of the parent and of the largest
  worker, each run measured from a small wrapper process so that no other peak is counted; the
  outputs of one and of several workers compared byte for byte.

Options: ``--records N`` per-record sample (20,000), ``--repeat R`` (7), ``--rows N`` batch
rows, ``--no-batch``, ``--no-peers``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import handwritten  # noqa: E402
import records  # noqa: E402
import rubrics  # noqa: E402

import gridrules as gr  # noqa: E402
from gridrules.model.numbers import fmt  # noqa: E402

AGREE_ON = 1000


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def per_record(
    paths: dict[str, tuple[Callable[[Any], Any], list[Any], bool]], repeat: int
) -> dict[str, list[float]]:
    """Seconds per record of each path, one sample per repetition, paths taken in turn.

    A path marked as a batch is called once with the whole list.
    """
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeat):
        for name, (function, data, whole) in paths.items():
            gc.collect()
            started = time.perf_counter()
            if whole:
                function(data)
            else:
                for record in data:
                    function(record)
            samples[name].append((time.perf_counter() - started) / len(data))
    return samples


def peak_memory(function: Callable[[Any], Any], data: list[Any], whole: bool) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    if whole:
        function(data)
    else:
        for record in data:
            function(record)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def drain(results: Callable[[list[Any]], Iterable[Any]]) -> Callable[[list[Any]], None]:
    """A batch path: all the records through ``results``, each result dropped as it comes."""

    def run(records: list[Any]) -> None:
        for _ in results(records):
            pass

    return run


def exactly(result: gr.Result) -> tuple[Any, ...]:
    """Everything a Result holds, Decimals as text, so that exponents count too."""
    return (
        str(result.total),
        str(result.base),
        str(result.bonus),
        str(result.penalty),
        result.grade,
        result.stars,
        result.flags,
        [(k, str(v)) for k, v in result.items.items()],
    )


def scores_of(result: Any) -> tuple[Any, str | None, int | None, dict[str, Any]]:
    if isinstance(result, gr.ScoreSheet):
        return result.total, result.grade, result.stars, result.points
    return result.total, result.grade, result.stars, result.items


def write_csv(path: Path, rows: int) -> None:
    fields = list(records.jiangcheng(1)[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assessee", *fields])
        for number, record in enumerate(records.iter_jiangcheng(rows), 1):
            writer.writerow(
                [
                    f"W{number:07d}",
                    *(
                        ("是" if value else "否") if isinstance(value, bool) else value
                        for value in record.values()
                    ),
                ]
            )


BATCH_API = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
import rubrics
from gridrules.batch import run_batch
from pathlib import Path
if __name__ == "__main__":
    started = time.perf_counter()
    summary = run_batch(rubrics.jiangcheng(), Path({input!r}), Path({output!r}),
                        params=rubrics.JIANGCHENG_PARAMS, workers={workers})
    seconds = time.perf_counter() - started
    # VmHWM: this process's own peak; ru_maxrss of RUSAGE_SELF would carry the peak of whatever
    # process started this one (Linux keeps it across exec)
    status = Path("/proc/self/status")
    hwm = [int(line.split()[1]) for line in status.read_text().splitlines()
           if line.startswith("VmHWM:")] if status.exists() else []
    print(json.dumps({{"seconds": seconds, "scored": summary.scored,
        "rejected": summary.rejected,
        "parent_kb": hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""

# Each run goes through this small wrapper, so that the peaks measured are the run's own: a child
# of this benchmark (a large process by then) would report the benchmark's peak as its own, since
# Linux carries ru_maxrss across exec; the wrapper's children inherit only the wrapper's few MB.
# RUSAGE_CHILDREN is the largest of the processes it waited for (the run, or one of its workers).
WRAPPER = (
    "import resource, subprocess, sys, time; s = time.perf_counter(); "
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(time.perf_counter() - s, r.returncode, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.stdout, end='')"
)


def wrapped(command: list[str]) -> tuple[float, int, int, str]:
    """Wall seconds, exit code, peak RSS (kB) of the largest process, and the run's stdout."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True
    )
    first, _, rest = done.stdout.partition("\n")
    seconds, code, peak = first.split()
    return float(seconds), int(code), int(peak), rest


def batch(rows: int, workers: int) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": rows, "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "evidence.csv"
        started = time.perf_counter()
        write_csv(source, rows)
        out["write_input_s"] = time.perf_counter() - started
        out["input_mb"] = source.stat().st_size / 1e6
        outputs = []
        for one in (1, workers) if workers > 1 else (1,):
            output = folder / f"api{one}.csv"
            code = BATCH_API.format(
                here=str(HERE), input=str(source), output=str(output), workers=one
            )
            seconds, _, peak, text = wrapped([sys.executable, "-c", code])
            out[f"api_{one}"] = {
                **json.loads(text.strip().splitlines()[-1]),
                "wall_s": seconds,
                "peak_kb_any": peak,
            }
            outputs.append(output)
        params = folder / "params.json"
        params.write_text(json.dumps(rubrics.JIANGCHENG_PARAMS))
        for one in (1, workers) if workers > 1 else (1,):
            output = folder / f"cli{one}.csv"
            command = [
                sys.executable,
                "-c",
                "from gridrules.cli import main; main()",
                "batch",
                "jiangcheng",
                str(source),
                "-o",
                str(output),
                "--params",
                str(params),
                "--workers",
                str(one),
            ]
            seconds, code, peak, _ = wrapped(command)
            out[f"cli_{one}"] = {"seconds": seconds, "exit": code, "peak_kb_any": peak}
        # every batch path writes the same bytes (the CLI without the benchmark's grades)...
        first = outputs[0].read_bytes()
        out["api_outputs_identical"] = all(o.read_bytes() == first for o in outputs[1:])
        cli = [
            (folder / f"cli{one}.csv").read_bytes()
            for one in ((1, workers) if workers > 1 else (1,))
        ]
        out["cli_outputs_identical"] = all(c == cli[0] for c in cli[1:])
        # ...and what one-record scoring gives, row for row (first 1,000 rows)
        scorer = gr.Scorer(rubrics.jiangcheng(), rubrics.JIANGCHENG_PARAMS)
        items = [i.id for i in scorer.rubric.items()]
        with outputs[-1].open(encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            mismatches = 0
            for row, record in zip(reader, records.iter_jiangcheng(AGREE_ON), strict=False):
                result = scorer.result(record)
                expect = [fmt(result.total), result.grade or "", str(result.stars)] + [
                    fmt(result.items[i]) for i in items
                ]
                got = [row["total"], row["grade"], row["stars"]] + [row[i] for i in items]
                mismatches += expect != got
            out["mismatches_first_1000"] = mismatches
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()

    params = rubrics.JIANGCHENG_PARAMS
    monthly, quarterly = params["monthly_visit_deduction"], params["quarterly_visit_deduction"]
    jiangcheng = gr.Scorer(rubrics.jiangcheng(), params)
    bench30 = gr.Scorer(rubrics.rubric30(), {})
    data = records.jiangcheng(args.records)
    data30 = rubrics.records30(args.records, records.SEED)
    hand = handwritten.make(Decimal(monthly), Decimal(quarterly))

    paths: dict[str, tuple[Callable[[Any], Any], list[Any], bool]] = {
        "hand-written (jiangcheng)": (hand, data, False),
        "gridrules result (jiangcheng)": (jiangcheng.result, data, False),
        "gridrules score (jiangcheng)": (jiangcheng.score, data, False),
        "gridrules score + to_text (jiangcheng)": (
            lambda r: jiangcheng.score(r).to_text(),
            data,
            False,
        ),
        "gridrules results (jiangcheng)": (drain(jiangcheng.results), data, True),
        "gridrules result (30 items)": (bench30.result, data30, False),
        "gridrules results (30 items)": (drain(bench30.results), data30, True),
        "gridrules score (30 items)": (bench30.score, data30, False),
    }
    problems = []
    for record in data[:AGREE_ON]:
        if scores_of(jiangcheng.result(record)) != hand(record) or scores_of(
            jiangcheng.score(record)
        ) != hand(record):
            problems.append(("gridrules", record))
    for record in data30[:AGREE_ON]:
        if scores_of(bench30.result(record)) != scores_of(bench30.score(record)):
            problems.append(("gridrules 30", record))
    # results() gives result()'s very Results, on every record (the test suite checks more)
    for name, scorer, sample in (("jiangcheng", jiangcheng, data), ("30", bench30, data30)):
        for record, many in zip(sample, scorer.results(sample), strict=True):
            if exactly(scorer.result(record)) != exactly(many):
                problems.append((f"gridrules results {name}", record))
    if not args.no_peers:
        import peers

        few = data[: max(AGREE_ON, args.records // 10)]
        paths["zen-engine ZenEngine.evaluate"] = (
            peers.zen_evaluate(monthly, quarterly),
            data,
            False,
        )
        paths["zen-engine evaluate_batch (all cores)"] = (
            peers.zen_batch(monthly, quarterly),
            data,
            True,
        )
        paths["zen-engine compile_expression"] = (
            peers.zen_expressions(monthly, quarterly),
            data,
            False,
        )
        paths["rule-engine"] = (peers.rule_engine_rules(monthly, quarterly), few, False)
        for name in (
            "zen-engine ZenEngine.evaluate",
            "zen-engine compile_expression",
            "rule-engine",
        ):
            function = paths[name][0]
            for record in data[:AGREE_ON]:
                if not peers.agree(hand(record), function(record)):
                    problems.append((name, record))
        batch_answers = paths["zen-engine evaluate_batch (all cores)"][0](data[:AGREE_ON])
        for record, answer in zip(data[:AGREE_ON], batch_answers, strict=True):
            if not peers.agree(hand(record), answer):
                problems.append(("zen-engine evaluate_batch", record))

    samples = per_record(paths, args.repeat)
    floor = statistics.median(samples["hand-written (jiangcheng)"])
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip())
    few = len(paths["rule-engine"][1]) if "rule-engine" in paths else 0
    print(
        f"records: {args.records} per path (rule-engine: {few}), {args.repeat} repetitions, medians"
    )
    print(
        f"agreement on the first {AGREE_ON} records: "
        + ("all agree" if not problems else f"{len(problems)} DISAGREE: {problems[:3]}")
    )
    print()
    print("| path | µs / record | × hand-written | records / s | peak memory |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (function, sample, whole) in paths.items():
        seconds = statistics.median(samples[name])
        ours = name.startswith(("gridrules", "hand-written"))
        memory = f"{peak_memory(function, sample[:5000], whole) / 1024:.0f} KiB" if ours else ""
        print(
            f"| {name} | {seconds * 1e6:.2f} | {seconds / floor:.2f} | {1 / seconds:,.0f} |"
            f" {memory} |"
        )
    result_time = statistics.median(samples["gridrules result (jiangcheng)"])
    score_time = statistics.median(samples["gridrules score (jiangcheng)"])
    print()
    score30 = statistics.median(samples["gridrules score (30 items)"])
    result30 = statistics.median(samples["gridrules result (30 items)"])
    print(
        f"explained / scores only (jiangcheng): {score_time / result_time:.2f}×;"
        f" (30 items): {score30 / result30:.2f}×"
    )
    if not args.no_batch:
        figures = batch(args.rows, args.workers)
        print()
        print(f"batch, {figures['rows']:,} CSV rows ({figures['input_mb']:.0f} MB) → CSV:")
        for key in sorted(k for k in figures if k.startswith("api_") and k[4:].isdigit()):
            api = figures[key]
            print(
                f"  run_batch workers={key[4:]}: {api['wall_s']:.1f} s wall "
                f"({figures['rows'] / api['wall_s']:,.0f} rows/s; run_batch itself "
                f"{api['seconds']:.1f} s), {api['scored']:,} scored, {api['rejected']} "
                f"rejected, peak RSS parent {api['parent_kb'] / 1024:.0f} MB"
                + (f", largest worker {api['worker_kb'] / 1024:.0f} MB" if key != "api_1" else "")
            )
        for key in sorted(k for k in figures if k.startswith("cli_") and k[4:].isdigit()):
            cli = figures[key]
            print(
                f"  gridrules batch --workers {key[4:]}: {cli['seconds']:.1f} s wall "
                f"({figures['rows'] / cli['seconds']:,.0f} rows/s), exit {cli['exit']}, peak "
                f"RSS of the largest process {cli['peak_kb_any'] / 1024:.0f} MB"
            )
        print(
            f"  outputs identical across workers: run_batch "
            f"{figures['api_outputs_identical']}, gridrules batch "
            f"{figures['cli_outputs_identical']}"
        )
        print(
            f"  output rows differing from one-record scoring (first {AGREE_ON}): "
            f"{figures['mismatches_first_1000']}"
        )
        if not (
            figures["api_outputs_identical"]
            and figures["cli_outputs_identical"]
            and figures["mismatches_first_1000"] == 0
        ):
            problems.append(("batch", figures))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
