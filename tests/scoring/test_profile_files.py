"""Profile files: the shipped ones validate, bad ones fail with one line naming file, indicator, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.profiles.loader import ProfileError, available_profiles, load_profile

CONTRACT_VETOES = [
    "veto.security.serious_misstatement", "veto.security.illegal_content", "veto.security.incident_unhandled",
    "veto.security.fraud", "veto.site_unreachable", "veto.homepage_not_updated",
    "veto.columns_not_updated.key", "veto.columns_not_updated.long_stale", "veto.columns_not_updated.blank",
    "veto.interaction.no_channel", "veto.interaction.unanswered_3m", "veto.service.none",
    "veto.service.guide_elements",
]


def test_every_shipped_profile_validates():
    assert {"gov2019", "census2015"} <= set(available_profiles())
    for name in available_profiles():
        profile = load_profile(name)
        assert profile.indicators, name


def test_gov2019_lists_every_veto_of_the_contract_with_its_source():
    profile = load_profile("gov2019")
    for veto in CONTRACT_VETOES:
        settings = profile.indicator(veto)
        assert settings is not None, veto
        assert settings["kind"] == "veto"
        assert settings["source"].startswith("indicators.md")
    assert profile.scoring.pass_line == 60 and profile.scoring.bonus_gate == 80 and profile.scoring.bonus_cap == 30
    assert profile.scoring.no_service_base == 75


def test_unconfirmed_values_are_null_and_marked():
    profile = load_profile("gov2019")
    footer = profile.indicator("deduct.design.footer_marks")
    assert footer["unconfirmed"] is True and footer["per_item"] is None
    assert load_profile("census2015").scoring.unconfirmed == ("pass_line",)


GOOD_INDICATOR = """\
  deduct.design.links_other_dead:
    name: 其他页面链接可用性
    kind: deduct
    section: design
    measure: dead_links
    rule: per_item
    per_item: 0.1
    message: 非首页死链接{count}条，扣{points}分
    source: test
    confidence: Medium
"""
HEAD = """\
id: test
name: 测试指标
scoring: {base: 100, pass_line: 60}
sections:
  design: {name: 功能设计, cap: null}
indicators:
"""


def _write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_minimal_file_loads(tmp_path: Path):
    profile = load_profile(_write(tmp_path, HEAD + GOOD_INDICATOR, "ok.yaml"))
    assert profile.indicator("deduct.design.links_other_dead")["per_item"] == 0.1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    source: test\n", ""), "broken.yaml: indicator deduct.design.links_other_dead: field 'source' is required"),
        (("kind: deduct", "kind: penalty"), "field 'kind' must be one of veto, deduct, bonus, got 'penalty'"),
        (("kind: deduct", "kind: veto"), "field 'kind' is 'veto' but the id says 'deduct'"),
        (("per_item: 0.1", "per_iten: 0.1"), "unknown field 'per_iten' (did you mean 'per_item'?)"),
        (("per_item: 0.1", "per_item: abc"), "field 'per_item' must be a number ≥ 0 or null, got 'abc'"),
        (("per_item: 0.1", "per_item: null"), "field 'message' says {points} but the value (per_item) is null"),
        (("section: design", "section: publish"), "field 'section': unknown section 'publish'"),
        (("measure: dead_links", "measure: dead_link"), "unknown measure 'dead_link' (did you mean 'dead_links'?)"),
        (("rule: per_item", "rule: per_page"), "field 'rule' must be one of per_item, per_percent, fixed for a deduct"),
        (("confidence: Medium", "confidence: Certain"), "field 'confidence' must be one of High, Medium, Low"),
        (("{count}条", "{count条"), "field 'message' is not a valid template"),
    ],
)
def test_a_bad_indicator_fails_naming_file_indicator_and_field(tmp_path: Path, change, expected):
    text = HEAD + GOOD_INDICATOR.replace(*change)
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    message = str(err.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith("broken.yaml")


def test_a_null_value_must_be_marked_unconfirmed(tmp_path: Path):
    text = HEAD + GOOD_INDICATOR.replace("per_item: 0.1", "per_item: null").replace("，扣{points}分", "")
    with pytest.raises(ProfileError, match="per_item is null: mark the indicator 'unconfirmed: true'"):
        load_profile(_write(tmp_path, text))
    assert load_profile(_write(tmp_path, text.replace("    source: test", "    unconfirmed: true\n    source: test"),
                               "ok.yaml")).indicator("deduct.design.links_other_dead")["unconfirmed"] is True


def test_an_indicator_given_twice_is_refused(tmp_path: Path):
    # What a careless merge of two branches' entries leaves behind: the later one would win silently.
    with pytest.raises(ProfileError, match=r"broken.yaml: line 17: 'deduct.design.links_other_dead' is given twice"):
        load_profile(_write(tmp_path, HEAD + GOOD_INDICATOR + GOOD_INDICATOR))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\nname: [unclosed\n", "broken.yaml: does not parse at line"),
        ("- just\n- a list\n", "broken.yaml: a profile is a mapping"),
        (HEAD.replace("pass_line: 60", "pass_line: 120") + GOOD_INDICATOR, "scoring: pass_line 120 is above base 100"),
        (HEAD.replace("pass_line: 60", "pass_lien: 60") + GOOD_INDICATOR, "unknown field 'pass_lien' (did you mean 'pass_line'?)"),
        (HEAD, "field 'indicators' is required"),
    ],
)
def test_a_bad_file_fails_with_one_line(tmp_path: Path, text, expected):
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_profile_names_the_choices():
    with pytest.raises(ProfileError, match="unknown profile 'gov2020' \\(available: census2015, gov2019"):
        load_profile("gov2020")
    with pytest.raises(ProfileError, match="profile file nowhere/henan.yaml not found"):
        load_profile("nowhere/henan.yaml")


def test_a_provincial_file_inherits_and_overrides(tmp_path: Path):
    path = _write(tmp_path, """\
extends: gov2019
id: henan2024
name: 河南省政府网站检查指标（2024）
scoring:
  pass_line: 80
indicators:
  deduct.design.links_home_dead:
    per_item: 2
    cap: 10
    confidence: Medium
  deduct.design.ipv6: null
""", "henan.yaml")
    profile = load_profile(str(path))
    base = load_profile("gov2019")
    assert (profile.id, profile.name) == ("henan2024", "河南省政府网站检查指标（2024）")
    assert profile.scoring.pass_line == 80
    assert profile.scoring.bonus_gate == base.scoring.bonus_gate == 80
    home = profile.indicator("deduct.design.links_home_dead")
    assert (home["per_item"], home["cap"], home["message"]) == (2, 10, "首页死链接{count}条，扣{points}分")
    assert profile.indicator("deduct.design.ipv6") is None
    assert len(profile.indicators) == len(base.indicators) - 1
    assert profile.files[0].endswith("henan.yaml") and profile.files[1].endswith("gov2019.yaml")


def test_a_chain_of_provincial_files_resolves_relative_paths(tmp_path: Path):
    (tmp_path / "provinces").mkdir()
    _write(tmp_path, "extends: gov2019\nid: hubei\nname: 湖北\nscoring: {pass_line: 80}\n", "provinces/hubei.yaml")
    child = _write(tmp_path, "extends: hubei.yaml\nid: wuhan\nname: 武汉\nscoring: {bonus_cap: 20}\n", "provinces/wuhan.yaml")
    profile = load_profile(child)
    assert (profile.scoring.pass_line, profile.scoring.bonus_cap) == (80, 20)


def test_an_extends_loop_is_refused(tmp_path: Path):
    _write(tmp_path, "extends: b.yaml\nid: a\nname: a\n", "a.yaml")
    _write(tmp_path, "extends: a.yaml\nid: b\nname: b\n", "b.yaml")
    with pytest.raises(ProfileError, match="'extends' loops back to itself"):
        load_profile(tmp_path / "a.yaml")


def test_an_override_is_validated_after_merging(tmp_path: Path):
    path = _write(tmp_path, "extends: gov2019\nid: x\nname: x\nindicators:\n  deduct.design.links_home_dead: {cap: -1}\n",
                  "bad-province.yaml")
    with pytest.raises(ProfileError, match="bad-province.yaml: indicator deduct.design.links_home_dead: field 'cap'"):
        load_profile(path)
