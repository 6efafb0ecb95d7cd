"""gridrules events and gridrules batch --events, used as a street office would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from gridrules.cli import main

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "examples" / "jiangcheng" / "params.toml"

LOG = [
    {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30:00"},
    {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T06:00:00Z"},  # 14:00: 下午
    {"assessee": "w2", "type": "sign_in", "time": "2026-10-09T08:30:00"},
    {"assessee": "w2", "type": "dispatch", "time": "2026-10-12T09:00",
     "arrived": "2026-10-12T09:20"},
    {"assessee": "w1", "type": "weekly_report", "time": "2026-10-13T17:00"},
    {"assessee": "w1", "type": "sign_in"},
]  # fmt: skip


def write_inputs(folder: Path) -> None:
    (folder / "log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in LOG), encoding="utf-8")
    (folder / "roster.csv").write_text("assessee,name\nw1,王芳\nw2,李强\nw3,赵敏\n", "utf-8")
    # the side file from Chinese Excel: GBK
    (folder / "side.csv").write_bytes(
        "assessee,inaccurate_records,missed_meetings,no_patrol_records\n"
        "w1,1,0,否\nw2,0,2,否\nw3,,,\n".encode("gbk")
    )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_events_writes_batch_ready_evidence_with_every_worker(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    runner = CliRunner()
    args = [
        *("events", "jiangcheng", str(tmp_path / "log.jsonl"), "--period", "2026-10"),
        *("--roster", str(tmp_path / "roster.csv"), "--side", str(tmp_path / "side.csv")),
    ]
    result = runner.invoke(main, [*args, "-o", str(tmp_path / "evidence.csv")])
    assert result.exit_code == 1, result.output  # one log row was rejected
    assert "3 assessees, period 2026-10" in result.output
    rows = read(tmp_path / "evidence.csv")
    # October 2026 has 18 working days: 36 sign-ins. w1 signed the 9th am and pm: 34 missed;
    # w2 the 9th am: 35; w3, on the roster with no record: 36. Weekly reports: 5 weeks assessed,
    # w1 reported in one. w2's dispatch took 20 minutes: late.
    assert [(r["assessee"], r["missed_signins"], r["missed_weekly_reports"], r["late_arrivals"],
             r["missed_meetings"]) for r in rows] == [
        ("w1", "34", "4", "0", "0"),
        ("w2", "35", "5", "1", "2"),
        ("w3", "36", "5", "0", ""),
    ]  # fmt: skip
    assert {r["period"] for r in rows} == {"2026-10"}
    (rejected,) = read(tmp_path / "evidence.errors.csv")
    assert (rejected["unit"], rejected["number"], rejected["reason"]) == (
        "line",
        "6",
        "missing time",
    )
    # the pure-Python reference writes the very same file
    python = runner.invoke(main, [*args, "--engine", "python", "-o", str(tmp_path / "py.csv")])
    assert python.exit_code == 1, python.output
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "evidence.csv").read_bytes()


def test_batch_goes_from_logs_to_scores_in_one_command(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    output = tmp_path / "scores.csv"
    result = CliRunner().invoke(
        main,
        ["batch", "jiangcheng", "--events", str(tmp_path / "*.jsonl"), "--period", "2026-10",
         "--roster", str(tmp_path / "roster.csv"), "--side", str(tmp_path / "side.csv"),
         "--params", str(PARAMS), "-o", str(output)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # the log row without a time
    assert "3 rows read = 3 scored + 0 rejected" in result.output
    scores = {r["assessee"]: r for r in read(output)}
    # w2: attendance 10 - 35 × 0.5 → 0; disputes 20 - 1 late = 19; meetings 10 - 2 = 8;
    # work 20 - 5 weekly reports × 0.5 = 17.5; patrol 20, law 10, reporting 10: 84.5
    assert (scores["w2"]["disputes"], scores["w2"]["meetings"], scores["w2"]["total"]) == (
        "19",
        "8",
        "84.5",
    )
    assert read(tmp_path / "scores.event-errors.csv")[0]["reason"] == "missing time"


def test_events_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    runner = CliRunner()
    log, out = str(tmp_path / "log.jsonl"), str(tmp_path / "e.csv")
    no_period = runner.invoke(main, ["events", "jiangcheng", log, "-o", out])
    assert no_period.exit_code == 2
    assert "give --period" in no_period.output
    no_feeds = runner.invoke(main, ["events", "liujiaoting", log, "--period", "2026", "-o", out])
    assert no_feeds.exit_code == 2
    assert "declares no feeds" in no_feeds.output
    (tmp_path / "bad-side.csv").write_text("assessee,missed_signins\nw1,3\n", encoding="utf-8")
    fed = runner.invoke(
        main,
        ["events", "jiangcheng", log, "--period", "2026-10", "--side",
         str(tmp_path / "bad-side.csv"), "-o", out],
    )  # fmt: skip
    assert fed.exit_code == 2
    assert "column 'missed_signins' is filled from the event logs" in fed.output
    missing = runner.invoke(
        main, ["events", "jiangcheng", str(tmp_path / "none-*.jsonl"), "--period", "2026-10",
               "-o", out]
    )  # fmt: skip
    assert missing.exit_code == 2
    assert "no event log matches this pattern" in missing.output
