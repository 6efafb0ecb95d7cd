"""gridrules rubric plugin: 社区网格员星级评定考评细则 (xingji).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
