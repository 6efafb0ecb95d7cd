"""gridrules rubric plugin: 网格考核评分标准(试行) (shixing).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
