"""gridrules rubric plugin: 社区网格员考核细则2017 (社区网格化管理考核细则) (xize2017).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
