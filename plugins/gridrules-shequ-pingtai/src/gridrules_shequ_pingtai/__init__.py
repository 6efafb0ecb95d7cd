"""gridrules rubric plugin: 社区网格化工作管理工作考核办法整理版 (shequ-pingtai).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point ``shequ-pingtai`` in the group
``gridrules``.
"""
