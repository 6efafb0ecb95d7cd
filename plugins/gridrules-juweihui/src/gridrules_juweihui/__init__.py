"""gridrules rubric plugin: 居委会网格员考核办法 (juweihui).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
