"""The README's five-item example runs and prints what the README says it prints."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_the_readme_example_scores_as_documented(capsys) -> None:  # type: ignore[no-untyped-def]
    (block,) = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)  # the project's own example code
    sheet = namespace["sheet"]
    # 考勤 3 × 0.5 = 1.5 → 8.5; 办件 2 short × 1 → 8; 整改率 85.5% < 90% → 9; 会议 6 × 2 = 12
    # → 0 (扣完为止); 巡查 10: 8.5 + 8 + 9 + 0 + 10 = 35.5, 合格 (30 and above)
    assert sheet.total == Decimal("35.5")  # type: ignore[attr-defined]
    assert sheet.grade == "合格"  # type: ignore[attr-defined]
    printed = capsys.readouterr().out
    assert printed.startswith("35.5 合格\n")
    assert "考勤情况 | 10 | 1.5 | 8.5" in printed
