"""The optional typo detector (govinspect.analyze.typos)."""

from __future__ import annotations

from pathlib import Path

from test_misstatements import URL, page

from govinspect.analyze.misstatements import page_misstatements
from govinspect.analyze.typos import find_typos, load_typos, page_typos, typos_enabled_by_default


def found(errors: list) -> list[tuple[str, str, str]]:
    return [(e.found, e.expected, e.kind) for e in errors]


REPORT = """
<p>　　6月12日，县政府召开常务会议，传达学习省、市有关会议精神，研究布署下半年重点工作。</p>
<p>　　会议要求，各部门要认真贯切落实县委决策部署，扎实推近重点项目建设，再接再励完成全年目标任务。
要按排专人负责，已经按装完成的监控设备要及时投入使用。</p>
"""

CLEAN = """
<p>　　6月12日，县政府召开常务会议，传达学习省、市有关会议精神，研究部署下半年重点工作。</p>
<p>　　会议要求，各部门要认真贯彻落实县委决策部署，扎实推进重点项目建设，再接再厉完成全年目标任务。
要安排专人负责，已经安装完成的监控设备要及时投入使用。工作人员靠近一步察看现场，以经核实的数据为准。</p>
"""


def test_frequent_wrong_words_in_a_work_report_are_found() -> None:
    errors = page_typos(page(REPORT, title="县政府召开常务会议"), URL)
    assert found(errors) == [
        ("布署", "部署", "typo"),
        ("贯切", "贯彻", "typo"),
        ("扎实推近", "扎实推进", "typo"),
        ("再接再励", "再接再厉", "typo"),
        ("按排", "安排", "typo"),
        ("按装", "安装", "typo"),
    ]
    assert all(f"【{e.found}】" in e.context for e in errors)


def test_the_corrected_report_has_no_typo() -> None:
    # 靠近 + 一步 spells 近一步 (a listed slip for 进一步) across two words.
    assert page_typos(page(CLEAN, title="县政府召开常务会议"), URL) == []


def test_typos_are_not_serious_misstatements() -> None:
    assert page_misstatements(page(REPORT, title="县政府召开常务会议"), URL) == []


def test_quoted_correction_and_hidden_text_are_ignored() -> None:
    body = (
        "<p>　　更正：本网昨日发布的信息中“布署”应为“部署”，特此更正。</p>"
        '<div style="display:none">贯切落实</div><p>　　会议研究部署相关工作。</p>'
    )
    assert page_typos(page(body), URL) == []


def test_a_longer_wrong_form_wins_over_the_one_inside_it() -> None:
    assert found(find_typos("要建立建全长效机制。")) == [("建立建全", "建立健全", "typo")]


def test_an_inspector_can_extend_the_list(tmp_path: Path) -> None:
    data = tmp_path / "typos.yaml"
    data.write_text("enabled_by_default: false\nwords:\n  健设: 建设\n", "utf-8")
    custom = load_typos(data)
    assert found(find_typos("加快新区健设步伐。", typos=custom)) == [("健设", "建设", "typo")]
    assert find_typos("加快新区健设步伐。") == []


def test_detector_is_off_by_default_until_the_benchmark_allows_it() -> None:
    # bench/RESULTS-textcheck.md: precision on ecspell odw must reach 0.9 first.
    assert typos_enabled_by_default() is False
