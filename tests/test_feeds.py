"""Feeds: rubrics declare which aggregator fills which field; bad feeds files fail clearly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gridrules import plugins
from gridrules.events import FeedError, Feeds, load_feeds
from gridrules.io.feeds import parse_feeds, side_fields

JIANGCHENG = plugins.load("jiangcheng")


def feeds_of(*entries: dict[str, Any], rubric: Any = JIANGCHENG) -> Feeds:
    return parse_feeds({"format": "gridrules-feeds/1", "feeds": list(entries)}, rubric, "f.toml")


def test_bundled_plugins_declare_their_feeds() -> None:
    assert plugins.feeds("jiangcheng").fields == (
        "missed_signins",
        "missed_weekly_reports",
        "late_arrivals",
        "ignored_disputes",
    )
    assert plugins.feeds("xiaofang").fields == ("missed_xun",)
    assert plugins.feeds("wanggezhang-leader").fields == ("events_reported",)
    assert plugins.feeds("wanggezhang-member").fields == ("events_reported",)
    assert plugins.feeds("xingji").fields == ("website_missed_updates",)
    assert plugins.feeds("liujiaoting").feeds == ()  # assessor points only: nothing to count


def test_a_parameter_feeds_an_option() -> None:
    xiaofang = plugins.load("xiaofang")
    (planned,) = plugins.feeds("xiaofang").plan({"xun_start_mmdd": Decimal(101)})
    assert planned.options["start_mmdd"] == 101
    assert planned.fields == {"missed": "missed_xun"}
    with pytest.raises(FeedError, match="takes parameter 'xun_start_mmdd', which is not set"):
        plugins.feeds("xiaofang", xiaofang).plan({})


def test_side_fields_are_the_fields_no_feed_fills() -> None:
    side = side_fields(JIANGCHENG, plugins.feeds("jiangcheng"))
    assert "missed_signins" not in side
    assert {"inaccurate_records", "missed_meetings", "no_patrol_records"} <= set(side)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"aggregator": "missed_signins", "fields": {"missed": "missed_signins"}},
         "unknown aggregator 'missed_signins'; did you mean 'missed_sign_ins'?"),
        ({"aggregator": "missed_sign_ins", "fields": {"mised": "missed_signins"}},
         "has no output 'mised'; did you mean 'missed'?"),
        ({"aggregator": "missed_sign_ins", "fields": {"missed": "missed_sign_ins"}},
         "rubric 'jiangcheng' has no evidence field 'missed_sign_ins'; did you mean "
         "'missed_signins'?"),
        ({"aggregator": "missed_sign_ins", "fields": {"missed": "no_patrol_records"}},
         "field 'no_patrol_records' of rubric 'jiangcheng' is a flag; an aggregator fills counts"),
        ({"aggregator": "missed_sign_ins", "fields": {"missed": "missed_signins"},
          "options": {"event_typ": "x"}},
         "has no option 'event_typ'; did you mean 'event_type'?"),
        ({"aggregator": "visit_shortfall", "fields": {"days": "missed_signins"},
          "options": {"quota": 0}},
         "option 'quota' must be a whole number of at least 1, got 0"),
        ({"aggregator": "late_arrivals", "fields": {"late": "late_arrivals"},
          "options": {"limit_minutes": {"param": "nothing"}}},
         "takes parameter 'nothing', which rubric 'jiangcheng' does not declare"),
        ({"aggregator": "missed_sign_ins", "fields": {"missed": "missed_signins"},
          "optons": {}},
         "unknown key 'optons'; did you mean 'options'?"),
        ({"aggregator": "missed_sign_ins"}, "fields must be a table of the aggregator's outputs"),
        ({"aggregator": "visit_shortfall", "fields": {"days": "late_arrivals"},
          "options": {"distinct_by": "house hold"}},
         "option 'distinct_by' must be a field name of letters, digits and _"),
    ],
)  # fmt: skip
def test_a_bad_feed_names_the_file_the_entry_and_why(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(FeedError) as info:
        feeds_of(entry)
    assert str(info.value).startswith("f.toml, feed 1")
    assert message in str(info.value)


def test_a_field_fed_twice_is_refused() -> None:
    entry = {"aggregator": "missed_sign_ins", "fields": {"missed": "missed_signins"}}
    with pytest.raises(
        FeedError, match=r"feed 2 .*'missed_signins' is already fed by f\.toml, feed 1"
    ):
        feeds_of(entry, entry)


def test_entries_for_other_rubrics_are_skipped_and_the_format_is_checked(tmp_path: Path) -> None:
    entry = {"aggregator": "missed_sign_ins", "fields": {"missed": "missed_signins"}}
    assert feeds_of({**entry, "rubric": "other"}).feeds == ()
    assert feeds_of({**entry, "rubric": ["other", "jiangcheng"]}).fields == ("missed_signins",)
    with pytest.raises(FeedError, match="format must be 'gridrules-feeds/1'"):
        parse_feeds({"feeds": []}, JIANGCHENG, "f.toml")
    path = tmp_path / "feeds.toml"
    path.write_text('format = "gridrules-feeds/1"\n[[feeds]\n', encoding="utf-8")
    with pytest.raises(FeedError, match=r"feeds\.toml: not valid TOML"):
        load_feeds(path, JIANGCHENG)


def test_a_rubric_file_takes_the_feeds_beside_it(tmp_path: Path) -> None:
    source = Path(plugins.registry().rubric_path("jiangcheng") or "")
    rubric_file = tmp_path / "rubric.toml"
    rubric_file.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert plugins.feeds(rubric_file).feeds == ()
    (tmp_path / "feeds.toml").write_text(
        'format = "gridrules-feeds/1"\n[[feeds]]\naggregator = "late_arrivals"\n'
        'fields = { late = "late_arrivals" }\noptions = { limit_minutes = 10.5 }\n',
        encoding="utf-8",
    )
    (planned,) = plugins.feeds(rubric_file).plan()
    assert planned.options["limit_minutes"] == Decimal("10.5")  # TOML decimals read exactly
