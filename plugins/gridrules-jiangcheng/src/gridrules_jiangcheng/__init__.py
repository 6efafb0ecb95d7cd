"""gridrules rubric plugin: 网格员考核奖惩制度 (jiangcheng).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
