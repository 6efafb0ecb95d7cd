"""Load on gridrules serve, on 127.0.0.1: /score latency and requests per second, /results
records per second beside ``Scorer.results`` in the same machine's process.

Run by ``nox -s bench -- service [options]`` (or ``python benchmarks/service.py``); the figures
go into benchmarks/README.md by hand.

- The service is started as ``gridrules serve`` would be (one uvicorn worker, then two), on a
  free port of 127.0.0.1, and stopped after; nothing is sent anywhere else.
- ``/score``: one jiangcheng record at a time (the benchmark's records, a different one each
  request), first from one client in turn (the latency of a request: p50, p90, p99), then from
  ``--clients`` clients at once (requests per second). Each answer is checked: 200, a sheet.
- ``/results``: ``--batch`` records a request, ``--batches`` requests, the body sent as bytes
  written before timing and the answer read whole (JSON lines, as a large body is answered),
  each request timed beside ``Scorer.results`` on the same records in this process (the
  machine's speed drifts: a pair is timed in the same moment); the medians of records per
  second. Every figure of the service's first answer must equal ``Scorer.results``'.
- Bounded: every loop stops at its count or at ``--seconds`` seconds, whichever comes first.

Options: ``--requests N`` (2,000 /score requests), ``--clients C`` (8), ``--batch N`` (20,000),
``--batches N`` (7), ``--seconds S`` (60 each), ``--workers 1,2``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import records  # noqa: E402
import rubrics  # noqa: E402

import gridrules as gr  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Service:
    """``gridrules serve`` in a process of its own, on 127.0.0.1."""

    def __init__(self, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-c",
            "from gridrules.cli import main; main()",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--time-limit",
            "600",
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the service did not come up")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def score_bodies(count: int) -> list[bytes]:
    params = {k: str(v) for k, v in rubrics.JIANGCHENG_PARAMS.items()}
    return [
        json.dumps({"evidence": record, "params": params, "period": "2026-10"}).encode()
        for record in records.jiangcheng(count, seed=records.SEED + 1)
    ]


def latency(url: str, bodies: list[bytes], seconds: float) -> dict[str, float]:
    """One client, one request at a time: each request's time, in ms."""
    times: list[float] = []
    headers = {"content-type": "application/json"}
    with httpx.Client(base_url=url, timeout=60) as client:
        for body in bodies[:50]:  # warm up: connections, the scorer prepared with the params
            client.post("/rubrics/jiangcheng/score", content=body, headers=headers)
        stop = time.monotonic() + seconds
        for body in bodies:
            started = time.perf_counter()
            answer = client.post("/rubrics/jiangcheng/score", content=body, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200 or '"total"' not in answer.text:
                raise RuntimeError(f"/score answered {answer.status_code}: {answer.text[:300]}")
            if time.monotonic() > stop:
                break
    times.sort()
    return {
        "n": len(times),
        "p50": times[len(times) // 2],
        "p90": times[int(len(times) * 0.9)],
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        "mean": statistics.fmean(times),
    }


def throughput(url: str, bodies: list[bytes], clients: int, seconds: float) -> float:
    """``clients`` clients at once, each sending its share of ``bodies``: requests per second."""
    headers = {"content-type": "application/json"}
    done = [0] * clients
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def run(at: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            for body in bodies[at::clients]:
                answer = client.post("/rubrics/jiangcheng/score", content=body, headers=headers)
                if answer.status_code != 200:
                    failures.append(answer.text[:300])
                    return
                done[at] += 1
                if time.monotonic() > stop:
                    return

    threads = [threading.Thread(target=run, args=(at,)) for at in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"/score failed under load: {failures[0]}")
    return sum(done) / elapsed


def results_rates(
    url: str, batch: list[dict[str, Any]], batches: int, seconds: float
) -> tuple[float, float, list[str]]:
    """``batches`` requests of ``batch`` records, each beside ``Scorer.results`` on the same
    records in this process, in turn (the machine's speed drifts: each pair is timed in the
    same moment): the medians of the records per second of each, and the first answer's
    lines."""
    params = {k: str(v) for k, v in rubrics.JIANGCHENG_PARAMS.items()}
    body = json.dumps({"records": batch, "params": params}).encode()
    headers = {"content-type": "application/json", "accept": "application/x-ndjson"}
    scorer = gr.load("jiangcheng").prepare(rubrics.JIANGCHENG_PARAMS)
    list(scorer.results(batch))  # warm: the tables of values met
    first: list[str] = []
    served, local = [], []
    with httpx.Client(base_url=url, timeout=600) as client:
        client.post("/rubrics/jiangcheng/results", content=body, headers=headers)  # warm
        stop = time.monotonic() + seconds
        for _ in range(batches):
            started = time.perf_counter()
            answer = client.post("/rubrics/jiangcheng/results", content=body, headers=headers)
            served.append(len(batch) / (time.perf_counter() - started))
            if answer.status_code != 200:
                raise RuntimeError(f"/results answered {answer.status_code}: {answer.text[:300]}")
            first = first or answer.text.splitlines()
            started = time.perf_counter()
            list(scorer.results(batch))
            local.append(len(batch) / (time.perf_counter() - started))
            if time.monotonic() > stop:
                break
    return statistics.median(served), statistics.median(local), first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", default="1,2")
    options = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.platform()}")
    bodies = score_bodies(options.requests)
    batch = records.jiangcheng(options.batch)
    expected = list(gr.load("jiangcheng").prepare(rubrics.JIANGCHENG_PARAMS).results(batch))
    rows = []
    for workers in (int(w) for w in options.workers.split(",")):
        service = Service(workers)
        try:
            single = latency(service.url, bodies, options.seconds)
            rate = throughput(service.url, bodies, options.clients, options.seconds)
            served, local, lines = results_rates(
                service.url, batch, options.batches, options.seconds
            )
        finally:
            service.stop()
        results = [json.loads(line) for line in lines[1:-1]]
        assert len(results) == len(expected)
        for line, result in zip(results, expected, strict=True):
            assert line["result"] == result.to_dict(), (line, result.to_dict())
        rows.append((workers, single, rate, served, local))
    print()
    print(
        "| workers | /score p50 ms | p90 ms | p99 ms | /score req/s "
        f"({options.clients} clients) | /results records/s | Scorer.results records/s | "
        "in-process ÷ service |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers, single, rate, served, local in rows:
        print(
            f"| {workers} | {single['p50']:.2f} | {single['p90']:.2f} | {single['p99']:.2f} | "
            f"{rate:,.0f} | {served:,.0f} | {local:,.0f} | {local / served:.2f} |"
        )
    print(
        f"\n/score latency from {rows[0][1]['n']:,} requests one at a time; /results: "
        f"{options.batch:,} jiangcheng records a request, JSON lines, each request timed beside "
        "Scorer.results on the same records (medians); targets: p50 < 5 ms, in-process ÷ "
        "service ≤ 2"
    )


if __name__ == "__main__":
    main()
