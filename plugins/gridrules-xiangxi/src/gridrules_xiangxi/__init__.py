"""gridrules rubric plugin: 象溪镇便民服务平台网格员工作绩效考核细则 (xiangxi).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
