"""Looking at pages and PDFs as a person would: headless Chromium, pdfinfo, pdftotext, pdftoppm.

The ``chromium`` fixture (tests/conftest.py) installs the browser, poppler and a Chinese font
when missing; these helpers drive them.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium_run(
    chromium: str, page: Path, work: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on the page at ``page`` with ``args`` (a profile of its own)."""
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def pdf_info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields of ``pdf``."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in info.stdout.splitlines())
    }


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The text of ``pdf`` (or of one page), all white space removed."""
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(text.split())


def is_a4(fields: dict[str, str]) -> bool:
    """Whether pdfinfo's page size is A4 (595 × 842 points)."""
    size = re.match(r"([\d.]+) x ([\d.]+) pts", fields["Page size"])
    assert size is not None, fields["Page size"]
    return (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary PPM image (what ``pdftoppm`` writes)."""
    data = path.read_bytes()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P6", fields[0]
    width, height, top = int(fields[1]), int(fields[2]), int(fields[3])
    assert top == 255
    return width, height, fields[4][-width * height * 3 :]


def page_colours(pdf: Path, work: Path, page: int = 1) -> set[tuple[int, int, int]]:
    """The colours of page ``page`` of ``pdf``, drawn at 40 dpi by ``pdftoppm`` into ``work``."""
    stem = work / f"colours-{page}"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), str(pdf), str(stem)], check=True
    )
    (image,) = work.glob(f"{stem.name}*.ppm")
    _, _, pixels = read_ppm(image)
    return {(pixels[i], pixels[i + 1], pixels[i + 2]) for i in range(0, len(pixels), 3)}


def holds_colour(colours: set[tuple[int, int, int]], rgb: int, tolerance: int = 12) -> bool:
    """Whether ``colours`` hold one within ``tolerance`` of ``rgb`` (``0x2E7D32``) in each part."""
    want = (rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF)
    return any(
        all(abs(c - w) < tolerance for c, w in zip(colour, want, strict=True)) for colour in colours
    )


OVERFLOW_SCRIPT = """
<script>
window.addEventListener("load", () => {
  const over = [];
  for (const cell of document.querySelectorAll("td, th, h1, h2, h3, p, li")) {
    if (cell.scrollWidth > cell.clientWidth + 1) over.push(cell.textContent.trim().slice(0, 40));
  }
  const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  document.body.setAttribute("data-overflow", JSON.stringify({cells: over, page: wide}));
});
</script>
"""


def overflowing(chromium: str, page: Path, work: Path) -> dict[str, object]:
    """The cells whose text overflows them, and whether the page is wider than the window, as
    Chromium lays the page out at A4's width (794 px)."""
    probe = page.with_name(f"{page.stem}.probe.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", OVERFLOW_SCRIPT + "</body>"),
        encoding="utf-8",
    )
    done = chromium_run(chromium, probe, work, "--window-size=794,1123", "--dump-dom")
    found = re.search(r'data-overflow="([^"]*)"', done.stdout)
    assert found is not None, done.stderr[-2000:]
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]
