"""The score sheet as users hold it: its content (:mod:`.content`) with the ways to show it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Self

import attrs

from ..errors import DataFileError
from .content import CombinedContent, SheetContent
from .convert import converter, problems_of, structure_sheet_as, unstructure_sheet
from .html import sheet_html
from .markdown import sheet_markdown
from .text import combined_text, sheet_text

__all__ = ["CombinedSheet", "ScoreSheet"]


@attrs.frozen(repr=False, getstate_setstate=False)  # the content's own: lines written out
class ScoreSheet(SheetContent):
    """The explained result of scoring one assessee for one period.

    ``total = base - penalty + bonus`` (then the rubric's floor and rounding); ``maximum`` is what
    the base can reach. Every item has a line; every change to an item has a reason with the rule,
    the evidence value, the arithmetic and the clause it quotes. The sheet also carries the
    assumptions and parameters the score depended on, and the fields that took their default.
    """

    def to_text(self) -> str:
        """The sheet as plain text, in Chinese, the way an assessor reads it."""
        return sheet_text(self)

    def to_markdown(self) -> str:
        """The sheet as Markdown: the header, the 考核内容 table, the results and the notes."""
        return sheet_markdown(self)

    def to_html(self) -> str:
        """The sheet as one printable A4 page (HTML), laid out like the paper form."""
        return sheet_html(self)

    def to_dict(self) -> dict[str, Any]:
        """The sheet as plain data: Decimals as text in one form (``"93.5"``), flags sorted.

        The same document the command line's ``--format json`` and the service give.
        """
        return unstructure_sheet(self)

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, Chinese kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The sheet :meth:`to_dict` wrote (:class:`~gridrules.DataFileError` if it is not one)."""
        return structure_sheet_as(data, cls)

    def __str__(self) -> str:
        return self.to_text()


@attrs.frozen
class CombinedSheet(CombinedContent):
    """The result of a combination (半年考核占40%, 年终考核占60%; 季度的平均): the total, its grade,
    and each part's contribution."""

    def to_text(self) -> str:
        """The combined result as plain text, in Chinese."""
        return combined_text(self)

    def to_dict(self) -> dict[str, Any]:
        """The combined result as plain data, Decimals as text in one form: the document
        :meth:`to_json` writes (pairs and triples as lists), the service's answer."""
        data: dict[str, Any] = converter.unstructure(self)
        for key in ("parts", "periods"):
            if key in data:
                data[key] = [list(entry) for entry in data[key]]
        return data

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The combined result :meth:`to_dict` wrote (:class:`~gridrules.DataFileError` if it is
        not one, with every problem found)."""
        if not isinstance(data, Mapping):
            raise DataFileError(
                f"not a valid combined result: expected a table, got {type(data).__name__}"
            )
        try:
            result: Self = converter.structure(dict(data), cls)
        except Exception as error:  # cattrs reports nested problems as exception groups
            raise DataFileError(
                "not a valid combined result:\n" + "\n".join(problems_of(error))
            ) from None
        return result

    def __str__(self) -> str:
        return self.to_text()
