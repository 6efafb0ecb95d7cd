"""The sheet: a score sheet's content and lines, built from a scoring's trace, and shown as
text, Markdown, HTML (a printable A4 page) and JSON. Rubrics are shown here too, as the
考核细则 table. Its public faces are :mod:`gridrules` and :mod:`gridrules.render`."""

__all__: list[str] = []
