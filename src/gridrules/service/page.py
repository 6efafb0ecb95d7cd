"""The street office's page: pick a rubric, upload the month's table, see and download the
scores, open any worker's printable sheet. Rendered on the server from Jinja2 templates, in
Chinese, with nothing loaded from the network.

A batch is scored by :func:`gridrules.batch.run_batch`, as ``gridrules batch`` scores it: the
table's columns read by the fields' Chinese labels, the scores workbook (评分结果, 等级分布,
未计分行) written by the streaming xlsx writer, each worker's sheet made as the row is scored.
The page reads the workbook back to show it. Each batch is kept in a folder of its own under the
service's work folder (shared by its worker processes), the oldest removed beyond a number.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio
import anyio.to_thread
from fastapi import FastAPI, File, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from ..engine.audit import gridrules_version
from ..engine.rubric import Rubric
from ..errors import DataFileError, GridrulesError, ParameterError
from ..io.batch import Layout, run_batch
from ..io.datafiles import load_params
from ..io.headers import ERROR_HEADERS, FIXED_HEADERS, RESULT_HEADERS, ROLE_NAMES, closest_field
from ..io.reasons import chinese
from ..io.sheets import SheetBook, SheetMaker, find_browser
from ..io.tables import open_reader
from ..io.template import read_parameters, write_template
from ..model.numbers import fmt
from ..sheet.html import sheets_html
from .catalogue import Catalogue
from .limits import Deadline, TimeLimitExceeded
from .settings import Settings

__all__ = ["add_page"]

TABLES = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
"""The tables a batch may be read from, by suffix."""
PARAMETERS = (".toml", ".json")
_BATCH_ID = re.compile(r"[0-9a-f]{16}")
_SHEETS = {"figures": "等级分布"}
"""The sheet of the scores workbook the page shows beside the scores."""


class PageError(Exception):
    """What the page says when a batch cannot be scored (Chinese)."""


def _templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("gridrules.service", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["stars"] = lambda n: "★" * int(n) if n not in (None, "") else ""
    environment.globals["version"] = gridrules_version()
    return environment


def _shown(value: Any) -> str:
    """A cell of the scores workbook as the page shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Batches:
    """The batches scored by the page, each in a folder of its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.workdir is not None:
            self.root = settings.workdir
            self.root.mkdir(parents=True, exist_ok=True)
            self._owned = False
        else:
            self.root = Path(tempfile.mkdtemp(prefix="gridrules-serve-"))
            self._owned = True

    def new(self) -> tuple[str, Path]:
        """A new batch's id and folder; the oldest beyond the number kept are removed."""
        folders = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and _BATCH_ID.fullmatch(p.name)),
            key=lambda p: p.stat().st_mtime,
        )
        for old in folders[: max(0, len(folders) - self.settings.keep_batches + 1)]:
            shutil.rmtree(old, ignore_errors=True)
        batch = secrets.token_hex(8)
        folder = self.root / batch
        folder.mkdir()
        (folder / "sheets").mkdir()
        return batch, folder

    def folder(self, batch: str) -> Path | None:
        """The folder of a finished batch, or ``None``."""
        if not _BATCH_ID.fullmatch(batch):
            return None
        folder = self.root / batch
        return folder if (folder / "batch.json").is_file() else None

    def close(self) -> None:
        if self._owned:
            shutil.rmtree(self.root, ignore_errors=True)


def _keep_columns(rubric: Rubric, columns: list[str]) -> tuple[list[str], list[str]]:
    """The columns to copy to the scores as they are (the office's own: 社区, 备注), and the
    problems of the others: a column whose name is close to a field's is taken for a misspelt
    field, and named with the field it may be."""
    known = set(rubric.fields) | set(rubric.field_labels)
    roles = {name for names in ROLE_NAMES.values() for name in names}
    keep, problems = [], []
    for column in columns:
        if not column or column in known or column in roles:
            continue
        close = closest_field(rubric, column)
        if close is None:
            keep.append(column)
        else:
            problems.append(f"“{column}”不是本细则的字段，是否应为“{close[0]}”？")
    return keep, problems


def _read_table(path: Path, sheet: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of one of the batch's outputs."""
    with open_reader(path, sheet=sheet, header_row=1) as reader:
        columns = [c for c in reader.columns if c]
        rows = [record.cells for record in reader if record.problem is None]
    return columns, rows


def _score_batch(
    rubric: Rubric,
    folder: Path,
    table: Path,
    params_file: Path | None,
    *,
    period: str | None,
    assessor: str | None,
    group: str | None,
    deadline: Deadline,
) -> dict[str, Any]:
    """Score ``table`` into ``folder``: the workbook, each row's sheet, and the batch's facts."""
    params: Mapping[str, Any] | None = None
    try:
        if params_file is not None:
            params = load_params(params_file)
        elif table.suffix == ".xlsx":
            params = read_parameters(table)  # a workbook from the template carries them
        with open_reader(table) as reader:
            columns = [c for c in reader.columns if c]
    except GridrulesError as error:
        raise PageError(f"文件无法读取：{chinese(str(error))}") from None
    keep, problems = _keep_columns(rubric, columns)
    if group and group not in columns:
        problems.append(f"表中没有分组列“{group}”（表中的列：{'、'.join(columns)}）")
    if problems:
        raise PageError("表格的列有问题：" + "；".join(problems))
    if group and group not in keep:
        keep.append(group)
    order: list[tuple[int, str | None, str | None]] = []
    group_at = keep.index(group) if group else None

    def on_sheet(row: Any, section: str) -> None:
        (folder / "sheets" / f"{row.number}.html").write_text(section, encoding="utf-8")
        key = row.extra[group_at] if group_at is not None else None
        order.append((row.number, row.assessee, key))

    def progress(rows: int, done: int, total: int | None) -> None:
        deadline.check()

    layout = Layout(keep=keep, default_period=period, default_assessor=assessor)
    grouped = [group] if group else []
    try:
        # the workbook to download, with every worker's sheet made as the row is scored ...
        summary = run_batch(
            rubric,
            table,
            folder / "scores.xlsx",
            params=params,
            errors=folder / "errors.csv",
            headers="zh",
            layout=layout,
            group_by=grouped,
            rank=True,
            progress=progress,
            sheets=SheetMaker("pdf"),
            on_sheet=on_sheet,
        )
        # ... and the same scores as CSV, for the page to read back at once (a workbook of a
        # thousand rows takes a second to read)
        run_batch(
            rubric,
            table,
            folder / "scores.csv",
            params=params,
            headers="zh",
            layout=layout,
            group_by=grouped,
            rank=True,
            progress=progress,
        )
    except ParameterError as error:
        raise PageError(_parameter_problems(rubric, error)) from None
    except GridrulesError as error:
        raise PageError(f"无法评分：{chinese(str(error))}") from None
    return {
        "rubric": rubric.name,
        "title": rubric.title,
        "version": rubric.version,
        "file": table.name,
        "period": period,
        "group": group,
        "keep": keep,
        "read": summary.read,
        "scored": summary.scored,
        "rejected": summary.rejected,
        "blank": summary.blank,
        "seconds": round(summary.seconds, 2),
        "order": order,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _parameter_problems(rubric: Rubric, error: ParameterError) -> str:
    """The parameters' problems as the clerk reads them: each parameter by what it fills."""
    declared = {p.name: p for p in rubric.parameters}
    lines = []
    for found in error.problems:
        param = declared.get(found.field)
        what = f"“{param.description}”（{found.field}）" if param else f"“{found.field}”"
        if found.kind == "missing":
            lines.append(f"缺少参数{what}")
        elif found.kind == "unknown_field":
            lines.append(f"本细则没有参数{what}")
        else:
            lines.append(f"参数{what}的值有误：{chinese(found.message)}")
    return (
        "参数有问题：" + "；".join(lines) + "。请在“参数文件”中给出（.toml 或 .json），或上传用"
        "空白模板填报、带“参数”表的工作簿。"
    )


def _stored_name(name: str) -> str:
    """An uploaded file's name as a file of ours: its last part only, without characters a
    file system refuses."""
    last = re.split(r"[\\/]", name)[-1]
    return re.sub(r'[\x00-\x1f<>:"|?*]', "_", last).strip(" .")[:120]


def _ascii_name(name: str) -> str:
    """A file name for the clients that read only ASCII in a header."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", name).strip("_")[:80] or "download"


def add_page(app: FastAPI, catalogue: Catalogue, settings: Settings) -> None:
    """Add the page's routes to ``app`` (not in the OpenAPI: they answer HTML and files)."""
    templates = _templates()
    batches = Batches(settings)
    app.state.batches = batches
    app.router.on_shutdown.append(batches.close)

    def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        page = templates.get_template(name).render(**context)
        return HTMLResponse(page, status_code=status)

    def rubric_choices() -> list[dict[str, Any]]:
        return [catalogue.summary(name) for name in sorted(catalogue.infos)]

    def index(error: str | None = None, chosen: str | None = None, status: int = 200) -> Any:
        return render(
            "index.html",
            status,
            rubrics=rubric_choices(),
            error=error,
            chosen=chosen or next(iter(sorted(catalogue.rubrics)), None),
            max_body=settings.max_body,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> Any:
        return index()

    @app.get("/template/{name}.xlsx", include_in_schema=False)
    def template(name: str) -> Response:
        rubric = catalogue.rubric(name)
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "template.xlsx"
            write_template(rubric, path, extra_columns=["社区"])
            data = path.read_bytes()
        return _download(data, f"{rubric.title}-模板.xlsx", _XLSX)

    @app.post("/batches", include_in_schema=False)
    async def upload(
        rubric: Annotated[str, Form()],
        table: Annotated[UploadFile, File()],
        params: Annotated[UploadFile | None, File()] = None,
        period: Annotated[str, Form()] = "",
        assessor: Annotated[str, Form()] = "",
        group: Annotated[str, Form()] = "",
    ) -> Any:
        deadline = Deadline(settings.time_limit)
        chosen = catalogue.rubrics.get(rubric)
        if chosen is None:
            return index("请选择一个可用的考核细则。", rubric, 422)
        suffix = Path(table.filename or "").suffix.lower()
        if suffix not in TABLES:
            return index("请上传 .xlsx、.csv 或 .jsonl 格式的数据表。", rubric, 422)
        params_suffix = Path(params.filename or "").suffix.lower() if params else ""
        if params is not None and params.filename and params_suffix not in PARAMETERS:
            return index("参数文件应为 .toml 或 .json 格式。", rubric, 422)
        batch, folder = batches.new()
        # the clerk's own file name (its last part, no folder), which the errors name
        stored = _stored_name(table.filename or "")
        if not stored.lower().endswith(suffix):
            stored = f"table{suffix}"
        source = folder / "input" / stored
        source.parent.mkdir()
        source.write_bytes(await table.read())
        params_path = None
        if params is not None and params.filename:
            params_path = folder / f"params{params_suffix}"
            params_path.write_bytes(await params.read())

        def work() -> dict[str, Any]:
            return _score_batch(
                chosen,
                folder,
                source,
                params_path,
                period=period.strip() or None,
                assessor=assessor.strip() or None,
                group=group.strip() or None,
                deadline=deadline,
            )

        try:
            with anyio.fail_after(deadline.left() + 1):
                facts = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except PageError as error:
            shutil.rmtree(folder, ignore_errors=True)
            return index(str(error), rubric, 422)
        except (TimeLimitExceeded, TimeoutError):
            shutil.rmtree(folder, ignore_errors=True)
            return index(f"评分超过了 {settings.time_limit:g} 秒的时限，请分批上传。", rubric, 503)
        facts["source"] = stored
        (folder / "batch.json").write_text(json.dumps(facts, ensure_ascii=False), "utf-8")
        return RedirectResponse(f"/batches/{batch}", status_code=303)

    def found(batch: str) -> tuple[Path, dict[str, Any]]:
        folder = batches.folder(batch)
        if folder is None:
            raise _Gone
        return folder, json.loads((folder / "batch.json").read_text("utf-8"))

    @app.get("/batches/{batch}", response_class=HTMLResponse, include_in_schema=False)
    def show(batch: str) -> Any:
        try:
            folder, facts = found(batch)
        except _Gone:
            return index("找不到这批评分结果（可能已被清理），请重新上传。", None, 404)
        columns, rows = _read_table(folder / "scores.csv")
        # the name first (it stays in view as the table scrolls sideways), then the rest but
        # for the columns no row fills (a rubric that grades no one has no 等级)
        name, total = FIXED_HEADERS["assessee"], RESULT_HEADERS["total"]
        columns = sorted(columns, key=lambda c: c != name)
        columns = [c for c in columns if any(_shown(row.get(c)) for row in rows) or c == total]
        figure_columns, figures = _read_table(folder / "scores.xlsx", _SHEETS["figures"])
        rejected_columns, rejected = _read_table(folder / "errors.csv")
        # one file, named above
        rejected_columns = [c for c in rejected_columns if c != ERROR_HEADERS["file"]]
        sheets = {str(number) for number, _, _ in facts["order"]}
        return render(
            "batch.html",
            batch=batch,
            facts=facts,
            columns=columns,
            rows=[{c: _shown(row.get(c)) for c in columns} for row in rows],
            figure_columns=figure_columns,
            figures=[{c: _shown(row.get(c)) for c in figure_columns} for row in figures],
            rejected_columns=rejected_columns,
            rejected=[{c: _shown(row.get(c)) for c in rejected_columns} for row in rejected],
            sheets=sheets,
            headers={**FIXED_HEADERS, **RESULT_HEADERS},
        )

    @app.get("/batches/{batch}/scores.xlsx", include_in_schema=False)
    def scores(batch: str) -> Response:
        try:
            folder, facts = found(batch)
        except _Gone:
            return _missing()
        name = f"{Path(facts['source'] or 'scores').stem}-评分结果.xlsx"
        return FileResponse(folder / "scores.xlsx", media_type=_XLSX, filename=name)

    def sections(folder: Path, facts: dict[str, Any]) -> Iterator[str]:
        for number, _, _ in facts["order"]:
            yield (folder / "sheets" / f"{number}.html").read_text("utf-8")

    @app.get("/batches/{batch}/sheets.html", include_in_schema=False)
    def all_sheets(batch: str) -> Response:
        try:
            folder, facts = found(batch)
        except _Gone:
            return _missing()
        text = "".join(sheets_html(sections(folder, facts), f"{facts['title']} 考核评分表"))
        name = f"{Path(facts['source'] or 'scores').stem}-评分表.html"
        return _download(text.encode("utf-8"), name, "text/html; charset=utf-8")

    @app.get("/batches/{batch}/sheets.pdf", include_in_schema=False)
    async def pdf(batch: str) -> Response:
        try:
            folder, facts = found(batch)
        except _Gone:
            return _missing()
        target = folder / "sheets.pdf"
        name = f"{Path(facts['source'] or 'scores').stem}-评分表.pdf"

        def work() -> None:
            if target.exists():
                return
            with SheetBook(f"{facts['title']} 考核评分表") as book:
                for (_, _, key), section in zip(
                    facts["order"], sections(folder, facts), strict=True
                ):
                    book.add(section, key)
                book.write_pdf(target, grouped=bool(facts["group"]), browser=find_browser())

        try:
            with anyio.fail_after(settings.time_limit):
                await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except DataFileError as error:
            return _message_page(f"无法生成PDF：{chinese(str(error))}", 503)
        except TimeoutError:
            return _message_page("PDF 仍在生成中（页数较多），请稍后再点一次下载。", 503)
        return FileResponse(target, media_type="application/pdf", filename=name)

    @app.get("/batches/{batch}/sheets/{row}", response_class=HTMLResponse, include_in_schema=False)
    def one_sheet(batch: str, row: int) -> Any:
        try:
            folder, facts = found(batch)
        except _Gone:
            return _missing()
        path = folder / "sheets" / f"{row}.html"
        if not path.is_file():
            return _message_page(f"第 {row} 行没有评分表（未计分或不存在）。", 404)
        who = next((name for number, name, _ in facts["order"] if number == row), None)
        title = f"{facts['title']} 考核评分表" + (f"（{who}）" if who else "")
        return HTMLResponse("".join(sheets_html([path.read_text("utf-8")], title)))

    def _message_page(message: str, status: int) -> HTMLResponse:
        return render("message.html", status, message=message)

    def _missing() -> HTMLResponse:
        return _message_page("找不到这批评分结果（可能已被清理），请重新上传。", 404)


class _Gone(Exception):
    pass


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = (
        f"attachment; filename=\"{_ascii_name(filename)}\"; filename*=UTF-8''{quote(filename)}"
    )
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
