"""gridrules rubric plugin: 二女桥社区网格化管理考核制度, 二女桥社区 (ernvqiao).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
