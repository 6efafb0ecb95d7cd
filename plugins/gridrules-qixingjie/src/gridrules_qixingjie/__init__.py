"""gridrules rubric plugin: 社区网格化服务管理人员工作考核细则 of 七星街社区 (qixingjie).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
