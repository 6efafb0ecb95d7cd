"""gridrules rubric plugin: 网格员考核细则, the network-governance grid worker's scheme (wangluo).

The rubric is ``rubric.toml`` and the source text it quotes ``source.txt``, both beside this file:
gridrules finds them by convention, through the entry point in the group ``gridrules``.
"""
