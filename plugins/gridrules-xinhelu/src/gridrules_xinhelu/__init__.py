"""gridrules rubric plugin: 社区网格化管理督查考核办法, 新河路街道 (xinhelu).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
