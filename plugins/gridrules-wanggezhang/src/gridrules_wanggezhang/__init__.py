"""gridrules rubric plugin: 社区网格长网格管理员考核办法 (wanggezhang).

One source, two roles, two rubrics: ``wanggezhang-leader`` (网格长, ``rubric-leader.toml``) and
``wanggezhang-member`` (网格管理员, ``rubric-member.toml``). They differ in who casts the A/B/C
ballots, in the ballot weights and in the daily event-report quota; both declare every blank of
the document, so that one parameters file filled by a region serves both. gridrules finds the
rubric files and ``source.txt`` beside this file by convention.
"""
