"""The street office's outputs: a workbook against CSV, and a whole street printed to one PDF.

Run by ``nox -s bench`` after run.py (or ``python benchmarks/street.py``); figures go into
benchmarks/README.md.

- Workbook: N rows (300,000 by default) of jiangcheng from a CSV file through ``gridrules batch``
  to ``.csv`` and to ``.xlsx`` (the three-sheet workbook, Chinese headers), in one process and
  with 2 workers; wall time from process start to exit, the median of ``--repeat`` runs taken in
  turn; the ratio xlsx / csv. The workbook's scores are checked against the CSV's, row for row.
- PDF: M rows (1,000 by default) through ``gridrules batch --sheets DIR --sheets-format pdf``:
  each sheet made where its row is scored, then one document printed by one run of headless
  Chromium; the time of the same batch without sheets, and of the print alone, beside it; the
  PDF's page count checked (one A4 page a sheet).

Options: ``--rows N``, ``--sheets M``, ``--repeat R`` (3), ``--browser PATH``.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine, write_csv  # noqa: E402

PARAMS = HERE.parent / "examples" / "jiangcheng" / "params.toml"
CLI = [sys.executable, "-c", "from gridrules.cli import main; main()"]


def timed(*args: object) -> float:
    started = time.perf_counter()
    done = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"gridrules {' '.join(map(str, args))} failed:\n{done.stderr}")
    return seconds


def workbook_against_csv(work: Path, rows: int, repeat: int) -> None:
    source = work / "in.csv"
    write_csv(source, rows)
    print(f"\n{rows:,} jiangcheng rows, CSV and xlsx out (median of {repeat}):")
    print("| output | workers | seconds | rows / s | xlsx / csv |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for workers in (1, 2):
        times: dict[str, list[float]] = {".csv": [], ".xlsx": []}
        for _ in range(repeat):
            for suffix in times:
                out = work / f"out{suffix}"
                args = ["batch", "jiangcheng", source, "-o", out, "--params", PARAMS]
                times[suffix].append(timed(*args, "--workers", workers))
        csv_s, xlsx_s = (statistics.median(times[s]) for s in (".csv", ".xlsx"))
        print(f"| csv | {workers} | {csv_s:.1f} | {rows / csv_s:,.0f} | |")
        print(f"| xlsx | {workers} | {xlsx_s:.1f} | {rows / xlsx_s:,.0f} | {xlsx_s / csv_s:.2f} |")
    check_same(work / "out.csv", work / "out.xlsx")


def check_same(csv_path: Path, xlsx_path: Path) -> None:
    import openpyxl

    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        expected = [(r["assessee"], r["total"]) for r in csv.DictReader(stream)]
    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
        got = [(r[1], r[4]) for r in rows]
    finally:
        book.close()
    assert len(got) == len(expected), (len(got), len(expected))
    for (name, total), (name_x, total_x) in zip(expected, got, strict=True):
        assert name == name_x, (name, name_x)
        assert float(total) == total_x, (name, total, total_x)
    print(f"the workbook's {len(got):,} totals match the CSV's")


def street_to_pdf(work: Path, sheets: int, repeat: int, browser: str | None) -> None:
    source = work / "street.csv"
    write_csv(source, sheets)
    print(f"\n{sheets:,} sheets to one PDF (median of {repeat}):")
    plain, printed = [], []
    for run in range(repeat):
        plain.append(timed("batch", "jiangcheng", source, "-o", work / "s.csv", "--params", PARAMS))
        folder = work / f"pdf{run}"
        args = ["batch", "jiangcheng", source, "-o", work / "s.csv", "--params", PARAMS,
                "--sheets", folder, "--sheets-format", "pdf"]  # fmt: skip
        if browser:
            args += ["--browser", browser]
        printed.append(timed(*args))
    pages = subprocess.run(
        ["pdfinfo", str(work / "pdf0" / "s.pdf")], capture_output=True, text=True, check=True
    ).stdout
    count = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))
    assert int(count) == sheets, count
    with_pdf, without = statistics.median(printed), statistics.median(plain)
    print("| run | seconds | per sheet |")
    print("| --- | ---: | ---: |")
    print(f"| batch, no sheets | {without:.1f} | |")
    per_sheet = with_pdf / sheets * 1000
    print(f"| batch + one PDF of every sheet | {with_pdf:.1f} | {per_sheet:.0f} ms |")
    alone = with_pdf - without
    print(f"| the sheets and the print alone | {alone:.1f} | {alone / sheets * 1000:.0f} ms |")
    print(f"{count} pages, one A4 sheet each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--sheets", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser", default=None)
    options = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        workbook_against_csv(work, options.rows, options.repeat)
        if options.browser or shutil.which("chromium"):
            street_to_pdf(work, options.sheets, options.repeat, options.browser)
        else:
            print("\nno Chromium: the PDF figures are not taken (apt-get install chromium)")


if __name__ == "__main__":
    main()
