"""gridrules rubric plugin: 曾都区社区网格管理员考核细则表格 (zengdu).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
