"""Hostile input and faults at the edges: files, cells, encodings, processes and the disk.

Each test is a mistake or an attack a careless or malicious user could make, and what gridrules
does instead of a silent wrong number, a crash or a lost batch.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import read_csv, run
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr
from gridrules.batch import Layout, run_batch
from gridrules.errors import DataFileError
from gridrules.io import files, xlsx
from gridrules.io.tables import neutral, open_reader

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"
JIANGCHENG = {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2}


# -- Excel cells ------------------------------------------------------------------------------


def test_a_percent_cell_is_read_as_excel_shows_it(tmp_path: Path) -> None:
    # xingji 实有人口采集录入率: at least 9.5% earns the item's 5 points, 9.5 read as 0.095 earns
    # none. 办件 10 collected: the quota met. Total 100 either way but for that item.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["被考核人员", "当月收集办件数", "实有人口采集录入率(%)"])
    sheet.append(["孙丽", 10, 0.095])
    sheet["C2"].number_format = "0.0%"
    sheet.append(["钱进", 10, 9.5])  # a plain number: 9.5 as it is
    source = tmp_path / "in.xlsx"
    book.save(source)
    summary = run_batch(gr.load("xingji"), source, tmp_path / "out.csv")
    assert summary.scored == 2
    rows = read_csv(tmp_path / "out.csv")
    assert [r["total"] for r in rows] == ["100", "100"]
    item = next(i.id for i in gr.load("xingji").items() if "人口" in i.label)
    assert [r[item] for r in rows] == ["5", "5"]
    with open_reader(source) as reader:
        cells = [record.cells["实有人口采集录入率(%)"] for record in reader]
    assert cells == [Decimal("9.5"), 9.5]


def test_a_formula_with_no_saved_value_rejects_its_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()  # written by a program: formulas are never computed
    sheet = book.active
    sheet.append(["被考核人员", "缺签到", "会议缺勤", "违法情况"])
    sheet.append(["王芳", 3, "=B2-2", 0])
    sheet.append(["李强", 1, 0, 0])
    source = tmp_path / "in.xlsx"
    book.save(source)
    out = tmp_path / "out.csv"
    summary = run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG)
    assert (summary.scored, summary.rejected) == (1, 1)
    (error,) = read_csv(tmp_path / "out.errors.csv")
    assert (error["row"], error["field"]) == ("2", "<row>")
    assert "the cell C2 holds the formula =B2-2 with no saved value" in error["reason"]


def test_keep_on_an_evidence_column_keeps_it_and_scores_it(tmp_path: Path) -> None:
    # 考勤 缺签到 3 × 0.5 = 1.5 → 8.5 ("缺一次扣0.5分"); 工作 周报 1 × 0.5 ("缺一次扣0.5分") and
    # 月走访 1 × 1 (params: 1 a time) → 18.5; 会议 1 × 1 ("缺勤一次扣1分") → 9; 信息上报 1 × 1
    # ("上报一次不及时扣1分") → 9: 100 − 1.5 − 1.5 − 1 − 1 = 95
    evidence = {
        "missed_signins": "3",
        "late_reports": "1",
        "missed_meetings": "1",
        "missed_weekly_reports": "1",
        "missed_monthly_visits": "1",
    }
    source = tmp_path / "in.csv"
    source.write_text(
        "assessee," + ",".join(evidence) + "\n王芳," + ",".join(evidence.values()) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = run(
        "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--keep", "missed_signins"
    )
    assert result.exit_code == 0, result.output
    (row,) = read_csv(out)
    assert row["total"] == "95"
    assert row["missed_signins"] == "3"  # kept as well
    assert row["attendance"] == "8.5"


# -- encodings and JSON -----------------------------------------------------------------------


def test_a_file_mixing_utf8_and_gbk_is_refused_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "mixed.csv"
    source.write_bytes(
        "assessee,missed_signins\n王芳,1\n".encode()
        + "李强,2\n".encode("gbk")
        + "赵敏,0\n".encode()
    )
    with pytest.raises(DataFileError, match=r"mixed\.csv, line 3: the file mixes two encodings"):
        run_batch(gr.load("jiangcheng"), source, tmp_path / "out.csv", params=JIANGCHENG)
    assert not (tmp_path / "out.csv").exists()
    result = run("batch", "jiangcheng", source, "-o", tmp_path / "out.csv", "--params", PARAMS)
    assert result.exit_code == 2
    # a file in GBK alone is read as GBK
    source.write_bytes("assessee,missed_signins\n王芳,1\n李强,2\n".encode("gbk"))
    run_batch(gr.load("jiangcheng"), source, tmp_path / "out.csv", params=JIANGCHENG)
    assert [r["assessee"] for r in read_csv(tmp_path / "out.csv")] == ["王芳", "李强"]


def test_a_json_line_naming_a_key_twice_rejects_its_row(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"assessee": "王芳", "missed_signins": 1, "missed_signins": 5}\n'
        '{"assessee": "李强", "missed_signins": 1}\n',
        encoding="utf-8",
    )
    summary = run_batch(gr.load("jiangcheng"), source, tmp_path / "out.csv", params=JIANGCHENG)
    assert (summary.scored, summary.rejected) == (1, 1)
    (error,) = read_csv(tmp_path / "out.errors.csv")
    assert error["row"] == "1"
    assert error["reason"] == "the key 'missed_signins' appears twice in the row"


# -- one bad row is one rejected row ----------------------------------------------------------


@pytest.mark.parametrize("sheets", [False, True])
def test_rows_that_break_the_arithmetic_reject_only_themselves(
    tmp_path: Path, sheets: bool
) -> None:
    lines = [
        json.dumps({"assessee": "大数", "missed_signins": 10**28}),
        json.dumps({"assessee": "长串", "missed_signins": "9" * 2_000_000}),
        '{"assessee": "深", "missed_signins": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"assessee": "王芳", "missed_signins": 3}),
        '{"assessee": "超大", "missed_signins": ' + "9" * 5000 + "}",  # a JSON number
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["batch", "jiangcheng", source, "-o", out, "--params", PARAMS]
    if sheets:
        args += ["--sheets", tmp_path / "sheets"]
    result = run(*args)
    assert result.exit_code == 1, result.output
    errors = read_csv(tmp_path / "out.errors.csv")
    reasons = {e["row"]: e["reason"] for e in errors}
    # a count of 10**28 or of 5,000 digits, or a text of 2 million: numbers gridrules cannot keep
    # exact are refused, each row alone, with its reason, sheets or not; the rest is scored
    assert "digits before the decimal point" in reasons["1"]
    assert "characters is too long to be kept exact" in reasons["2"]
    assert reasons["3"] == "the row is nested too deeply to be read"
    assert "5" in reasons
    assert all(len(reason) < 400 for reason in reasons.values())  # no 2 MB message
    scored = {r["assessee"]: r["total"] for r in read_csv(out)}
    assert "5 rows read = 1 scored + 4 rejected" in result.stderr
    assert scored == {"王芳": "98.5"}
    if sheets:
        assert [p.name for p in (tmp_path / "sheets").iterdir()] == ["000004-王芳.html"]


# -- files that are not files -----------------------------------------------------------------


def test_a_symlink_to_dev_zero_and_a_fifo_are_refused(tmp_path: Path) -> None:
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    with pytest.raises(DataFileError, match="the input file is a character device"):
        run_batch(gr.load("jiangcheng"), zero, tmp_path / "out.csv")
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    with (
        pytest.raises(DataFileError, match=r"a pipe \(FIFO\), not a regular file"),
        files.open_input(fifo),
    ):
        pass
    assert time.monotonic() - started < 5  # refused without waiting for a writer
    evidence = tmp_path / "zero.toml"
    evidence.symlink_to("/dev/zero")
    result = run("score", "jiangcheng", evidence, "--params", PARAMS)
    assert result.exit_code == 2
    assert "the evidence file is a character device" in result.stderr


def test_inputs_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("assessee,missed_signins\n" + "a,1\n" * 1000, encoding="utf-8")
    monkeypatch.setattr(files, "TABLE_LIMIT", 1024)
    with pytest.raises(
        DataFileError, match=r"in\.csv: the input file is 3\.9 KiB, more than the 1 KiB"
    ):
        run_batch(gr.load("jiangcheng"), source, tmp_path / "out.csv")


# -- outputs ----------------------------------------------------------------------------------


def test_score_refuses_to_overwrite_its_evidence_or_parameters(tmp_path: Path) -> None:
    evidence = tmp_path / "zm.json"
    evidence.write_bytes((EXAMPLES / "jiangcheng" / "zhao-min.json").read_bytes())
    params = tmp_path / "params.toml"
    params.write_bytes(PARAMS.read_bytes())
    for target, what in ((evidence, "evidence"), (params, "parameters")):
        before = target.read_bytes()
        result = run("score", "jiangcheng", evidence, "--params", params, "-o", target)
        assert result.exit_code == 2
        assert f"the output would overwrite the {what} file" in result.stderr
        assert target.read_bytes() == before


FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\t=1"]
"""Cells a spreadsheet would run (cells are read stripped: the tab's cell is ``=1``)."""


def test_formula_injection_is_neutralised_in_csv_and_never_a_formula_in_xlsx(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["assessee", "社区", "missed_signins"])
        for text in FORMULAS:
            writer.writerow([text, text, "1"])
            writer.writerow([text, text, text])  # rejected: the value goes to the errors file
    out = tmp_path / "out.csv"
    run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG, layout=Layout(keep=["社区"]))
    rows = read_csv(out)
    assert [r["assessee"] for r in rows] == ["'" + t.strip() for t in FORMULAS]
    assert [r["社区"] for r in rows] == ["'" + t.strip() for t in FORMULAS]
    errors = read_csv(tmp_path / "out.errors.csv")
    assert {e["value"] for e in errors} == {"'" + t.strip() for t in FORMULAS}
    assert {e["assessee"] for e in errors} == {"'" + t.strip() for t in FORMULAS}
    book_path = tmp_path / "out.xlsx"
    run_batch(
        gr.load("jiangcheng"), source, book_path, params=JIANGCHENG, layout=Layout(keep=["社区"])
    )
    for path in (book_path, tmp_path / "out.errors.xlsx"):
        book = openpyxl.load_workbook(path)  # formulas as written, not computed values
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
        texts = {c.value for row in book.worksheets[0].iter_rows(min_row=2) for c in row}
        assert {t.strip() for t in FORMULAS} <= texts  # shown as typed, as text


TEXT_CELLS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)


@given(st.lists(TEXT_CELLS, min_size=1, max_size=5))
def test_any_text_cell_round_trips_through_csv_safely(names: list[str]) -> None:
    # what the office typed is what it reads back, less the one quote put before a formula; and
    # no written cell starts a formula
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutral(n) for n in names])
    (back,) = csv.reader(io.StringIO(buffer.getvalue()))
    for name, written in zip(names, back, strict=True):
        if written[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert written.lstrip("+-").replace(".", "", 1).rstrip("%").isdigit()
        assert written == name or written == "'" + name


NAMES = st.text(
    alphabet=st.sampled_from(["=", "+", "-", "@", "1", "a", "王", " ", '"', ",", "'", "(", "|"]),
    min_size=1,
    max_size=12,
)


@given(st.lists(NAMES, min_size=1, max_size=4))
def test_names_come_back_as_typed_and_never_as_formulas(names: list[str]) -> None:
    # through a whole batch: each name read back is the name as typed (stripped), with one quote
    # before it if a spreadsheet would run it; nothing else is changed, nothing lost
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in.csv"
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["assessee", "missed_signins"])
            writer.writerows([name, "1"] for name in names)
        out = Path(work) / "out.csv"
        run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG)
        rows = read_csv(out)
    typed = [n.strip() for n in names]  # a blank name is no name: an empty cell
    got = [r["assessee"] for r in rows]
    assert len(got) == len(typed)
    for name, back in zip(typed, got, strict=True):
        assert back == neutral(name)
        assert back == name or (back == "'" + name and name[0] in "=+-@")


def test_past_excel_s_row_limit_the_scores_go_on_in_another_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 4)  # three rows of data a sheet
    source = tmp_path / "in.csv"
    source.write_text(
        "assessee,missed_signins\n" + "".join(f"网格员{n},{n}\n" for n in range(8)),
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    summary = run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG, chunk_size=5)
    assert "the scores fill 3 sheets of out.xlsx" in summary.text()
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == [
            "评分结果",
            "等级分布",
            "未计分行",
            "评分结果 (2)",
            "评分结果 (3)",
        ]
        names = []
        for title in ("评分结果", "评分结果 (2)", "评分结果 (3)"):
            rows = list(book[title].iter_rows(values_only=True))
            assert rows[0][:2] == ("行号", "被考核人员")
            assert len(rows) <= 4
            names += [r[1] for r in rows[1:]]
    finally:
        book.close()
    assert names == [f"网格员{n}" for n in range(8)]


def test_file_modes_follow_the_umask_and_a_replaced_file_keeps_its_own(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("assessee,missed_signins\n王芳,1\n", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        out = tmp_path / "out.csv"
        run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG)
        assert (
            out.stat().st_mode & 0o777,
            (tmp_path / "out.errors.csv").stat().st_mode & 0o777,
        ) == (0o644, 0o644)
        os.chmod(out, 0o640)
        run_batch(gr.load("jiangcheng"), source, out, params=JIANGCHENG)
        assert out.stat().st_mode & 0o777 == 0o640
        os.umask(0o077)
        sheet = tmp_path / "sheet.html"
        run(
            "score",
            "jiangcheng",
            EXAMPLES / "jiangcheng" / "wang-fang.toml",
            "--params",
            PARAMS,
            "--format",
            "html",
            "-o",
            sheet,
        )
        assert sheet.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(previous)


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real, nearly full disk: a 64 KiB tmpfs (we run as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_exits_2_and_leaves_no_temporary_file(tmp_path: Path, small_disk: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "assessee,missed_signins\n" + "".join(f"网格员{n},{n % 5}\n" for n in range(20_000)),
        encoding="utf-8",
    )
    for suffix in (".csv", ".xlsx"):
        result = run(
            "batch", "jiangcheng", source, "-o", small_disk / f"out{suffix}", "--params", PARAMS
        )
        assert result.exit_code == 2, result.output
        assert "the disk is full" in result.stderr
        assert "Traceback" not in result.output
        assert list(small_disk.iterdir()) == []


# -- processes --------------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _big_batch(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    source = tmp_path / "big.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        stream.write("assessee,missed_signins,missed_meetings\n")
        for n in range(400_000):
            stream.write(f"网格员{n},{n % 7},{n % 3}\n")
    out = tmp_path / "out.csv"
    process = subprocess.Popen(
        [sys.executable, "-c", "from gridrules.cli import main; main()", "batch", "jiangcheng",
         str(source), "-o", str(out), "--params", str(PARAMS), "--workers", "2",
         "--chunk-size", "500"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 2:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    time.sleep(0.3)
    return process, out


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_batch(tmp_path: Path, how: signal.Signals) -> None:
    process, out = _big_batch(tmp_path)
    workers = _children(process.pid)
    process.send_signal(how)
    code = process.wait(timeout=60)
    assert process.stderr is not None
    with process.stderr:
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [w for w in workers if _alive(w)]
        for worker in survivors:  # leave nothing behind, then fail
            os.kill(worker, signal.SIGKILL)
        assert not survivors, "workers outlived the batch"
        stderr = process.stderr.read()  # every writer is gone: no wait
    if how == signal.SIGTERM:
        assert code == 143
        assert b"terminated; no output was written" in stderr
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
