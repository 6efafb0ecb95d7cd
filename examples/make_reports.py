"""Score each example workbook, make its district report, and picture the report for the docs.

    python examples/make_reports.py [--browser chromium]

For every scheme: ``gridrules batch`` the month's workbook (ranked by 社区), ``gridrules report``
the scores to HTML, and a screenshot of the report's first screen by headless Chromium into
docs/_static/reports/<slug>.png, the picture docs/street-office.md shows.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PICTURES = HERE.parent / "docs" / "_static" / "reports"

# slug, rubric, workbook, street office
REPORTS = [
    ("jiangcheng", "jiangcheng", "2026-10.xlsx", "江城街道"),
    ("liujiaoting", "liujiaoting", "2026-H1.xlsx", "六角亭街道"),
    ("xingji", "xingji", "2026-11.xlsx", "幸福街道"),
    ("xiaofang", "xiaofang", "2026-Q3.xlsx", "沙溪镇"),
    ("wanggezhang", "wanggezhang-member", "2026-Q3-member.xlsx", "城关街道"),
]


def gridrules(*args: object) -> None:
    command = [sys.executable, "-c", "from gridrules.cli import main; main()", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--browser", default=shutil.which("chromium") or "chromium")
    options = parser.parse_args()
    PICTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        for slug, rubric, workbook, street in REPORTS:
            scores = work / f"{slug}.xlsx"
            gridrules("batch", rubric, HERE / slug / workbook, "-o", scores, "--group-by", "社区")
            page = work / f"{slug}.html"
            gridrules("report", scores, "-o", page, "--group-by", "社区", "--title",
                      f"{street}网格员考核情况")  # fmt: skip
            picture = PICTURES / f"{slug}.png"
            subprocess.run(
                [options.browser, "--headless", "--no-sandbox", "--disable-gpu",
                 "--hide-scrollbars", f"--user-data-dir={work / 'profile'}",
                 "--window-size=820,1160", f"--screenshot={picture}", page.as_uri()],
                capture_output=True, check=True, timeout=120,
            )  # fmt: skip
            print(f"{picture.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
