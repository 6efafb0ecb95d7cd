"""Plugin discovery with fake distributions: nothing is installed for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import Dist, EntryPoint, one_item, plugin_rubric

import gridrules as gr
from gridrules.plugins import Registry
from gridrules.serialization import dump_rubric


def test_a_plugin_provides_a_rubric(fake_modules: Any) -> None:
    fake_modules("fake_ok", [plugin_rubric("ok")])
    registry = Registry([Dist("gridrules-ok", EntryPoint("ok", "fake_ok"))])
    (info,) = registry.available()
    assert (info.name, info.title, info.distribution, info.status) == (
        "ok",
        "ok 细则",
        "gridrules-ok",
        "ok",
    )
    assert registry.get("ok") == plugin_rubric("ok")


def test_a_plugin_can_ship_a_data_file(fake_modules: Any, tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(dump_rubric(plugin_rubric("filed")), encoding="utf-8")
    fake_modules("fake_file", [path])
    registry = Registry([Dist("gridrules-filed", EntryPoint("filed", "fake_file"))])
    assert registry.get("filed") == plugin_rubric("filed")


def test_a_broken_import_does_not_break_the_others(fake_modules: Any) -> None:
    fake_modules("fake_good", [plugin_rubric("good")])
    registry = Registry(
        [
            Dist("gridrules-bad", EntryPoint("bad", "no_such_module_here")),
            Dist("gridrules-good", EntryPoint("good", "fake_good")),
        ]
    )
    statuses = {i.name: i.status for i in registry.available()}
    assert statuses == {"bad": "broken", "good": "ok"}
    assert registry.get("good").name == "good"
    with pytest.raises(gr.PluginError, match="failed to import 'no_such_module_here'"):
        registry.get("bad")


def test_a_hook_that_raises_is_broken(fake_modules: Any) -> None:
    def explode() -> Any:
        raise RuntimeError("boom")

    fake_modules("fake_raises", explode)
    registry = Registry([Dist("gridrules-raises", EntryPoint("raises", "fake_raises"))])
    (info,) = registry.available()
    assert info.status == "broken"
    assert "RuntimeError: boom" in str(info.error)


def test_an_invalid_rubric_file_is_broken(fake_modules: Any, tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text('name = "invalid"\n', encoding="utf-8")
    fake_modules("fake_invalid", [path])
    registry = Registry([Dist("gridrules-invalid", EntryPoint("invalid", "fake_invalid"))])
    with pytest.raises(gr.PluginError, match="registers an invalid rubric"):
        registry.get("invalid")


def test_a_rubric_must_carry_the_plugin_name(fake_modules: Any) -> None:
    fake_modules("fake_misnamed", [plugin_rubric("other")])
    registry = Registry([Dist("gridrules-misnamed", EntryPoint("misnamed", "fake_misnamed"))])
    # the culprit is reported under its own entry point, not under the name it claims
    assert registry.names() == ["misnamed"]
    with pytest.raises(gr.PluginError, match="must be named 'misnamed'"):
        registry.get("misnamed")


def test_a_plugin_claiming_another_plugins_name_leaves_the_owner_working(fake_modules: Any) -> None:
    fake_modules("fake_xingji", [plugin_rubric("xingji")])
    fake_modules("fake_evil", [plugin_rubric("xingji")])
    registry = Registry(
        [
            Dist("gridrules-evil", EntryPoint("evil", "fake_evil")),
            Dist("gridrules-xingji", EntryPoint("xingji", "fake_xingji")),
        ]
    )
    assert registry.get("xingji").name == "xingji"
    assert registry.info("xingji").distribution == "gridrules-xingji"
    (evil,) = [info for info in registry.available() if info.name == "evil"]
    assert evil.status == "broken"
    assert "registers rubric 'xingji', outside its own names" in (evil.error or "")


def test_variants_share_the_plugin_name(fake_modules: Any) -> None:
    fake_modules("fake_roles", [plugin_rubric("roles-leader"), plugin_rubric("roles-member")])
    registry = Registry([Dist("gridrules-roles", EntryPoint("roles", "fake_roles"))])
    assert registry.names() == ["roles-leader", "roles-member"]


def test_two_distributions_with_one_name_are_both_named(fake_modules: Any) -> None:
    # pluggy's own loader would skip the second silently; here both are reported
    fake_modules("fake_twice_a", [plugin_rubric("twice")])
    fake_modules("fake_twice_b", [plugin_rubric("twice")])
    registry = Registry(
        [
            Dist("gridrules-twice-a", EntryPoint("twice", "fake_twice_a")),
            Dist("gridrules-twice-b", EntryPoint("twice", "fake_twice_b")),
        ]
    )
    (info,) = registry.available()
    assert info.status == "broken"
    with pytest.raises(gr.PluginError, match="gridrules-twice-a, gridrules-twice-b"):
        registry.get("twice")


def test_unknown_name_suggests_the_closest(fake_modules: Any) -> None:
    fake_modules("fake_jc", [plugin_rubric("jiangcheng")])
    registry = Registry([Dist("gridrules-jiangcheng", EntryPoint("jiangcheng", "fake_jc"))])
    with pytest.raises(gr.PluginError, match=r"did you mean 'jiangcheng'.*installed: jiangcheng"):
        registry.get("jiangchen")


def test_load_binds_and_checks_parameters(tmp_path: Path) -> None:
    rubric_with_param = one_item(
        [gr.PerOccurrence("n", gr.Param("p"))], parameters=[gr.Parameter("p", "扣分", "缺一次扣分")]
    )
    path = tmp_path / "r.toml"
    path.write_text(dump_rubric(rubric_with_param), encoding="utf-8")
    ready = gr.load(path, params={"p": 2})
    assert ready.score({"n": 1}).total == 8
    with pytest.raises(gr.ParameterError, match="missing required parameter"):
        gr.load(path, params={})


def test_installed_rubrics_are_listed() -> None:
    names = {info.name for info in gr.available()}
    assert "jiangcheng" in names
