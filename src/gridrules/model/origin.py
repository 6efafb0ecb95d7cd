"""Where a rubric came from: the installed distribution (plugin) that registered it."""

from __future__ import annotations

import attrs

__all__ = ["Origin"]


@attrs.frozen
class Origin:
    """The distribution that registered a rubric (``gridrules-jiangcheng``) and its version, as
    installed; stamped on every sheet scored with the rubric (see
    :class:`~gridrules.sheet.audit.Audit`)."""

    distribution: str
    version: str
