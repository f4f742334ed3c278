"""State-secret classification marks (govinspect.analyze.secrets)."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from _docs import URL, gov_page
from govinspect.analyze.secrets import SecretMark, find_secret_marks, page_secret_marks

DOC_HEAD = "000023\n秘密★1年\n特急\n青山县人民政府办公室文件\n青政办发〔2024〕12号\n关于加强防汛应急值守工作的通知\n各乡镇人民政府："


def marks(text: str, **kw: bool) -> list[tuple[str, str, str]]:
    return [(m.mark, m.level, m.kind) for m in find_secret_marks(text, **kw)]


def test_document_header_mark_with_copy_number_and_urgency() -> None:
    found = find_secret_marks(DOC_HEAD)
    assert found == [SecretMark("秘密★1年", "秘密★1年 特急", "秘密", "classified")]


@pytest.mark.parametrize(
    ("text", "mark", "level"),
    [
        ("机密★10年\n青山县公安局文件", "机密★10年", "机密"),
        ("绝密★长期\n关于…的请示", "绝密★长期", "绝密"),
        ("★秘密\n关于调整部分干部职务的通知", "★秘密", "秘密"),
        ("秘密★★\n会议纪要", "秘密★★", "秘密"),
        ("  秘密 ★ 1 年  加急\n正文", "秘密 ★ 1 年", "秘密"),
        ("密级：机密\n保密期限：5年", "密级：机密", "机密"),
        ("机密☆5年\n通知", "机密☆5年", "机密"),
        ("秘密★一年\n通知", "秘密★一年", "秘密"),
    ],
)
def test_mark_variants(text: str, mark: str, level: str) -> None:
    assert marks(text) == [(mark, level, "classified")]


@pytest.mark.parametrize(
    "text",
    [
        "各单位要严格遵守保密纪律，保守国家秘密，确保不发生失泄密事件。",
        "企业的商业秘密受法律保护，行政机关工作人员不得泄露。",
        "《青山县机密文件管理办法》已经县政府常务会议审议通过。",
        "国家秘密的密级分为“绝密”“机密”“秘密”三级，标志为“秘密★”。",
        "秘密★1年：表示该文件为秘密级，保密期限一年。",
        "★秘密花园主题灯会今晚开幕",
        "密级：无\n保密期限：",
        "★★★★★ 服务好评率98%",
        "涉密人员要做到不该说的秘密不说，机密★事项按规定报告。",
    ],
)
def test_prose_about_secrets_is_not_a_mark(text: str) -> None:
    assert find_secret_marks(text) == []


def test_internal_markers_only_when_asked_and_never_classified() -> None:
    text = "内部资料 注意保密\n青山县2024年上半年经济运行分析"
    assert find_secret_marks(text) == []
    assert marks(text, include_internal=True) == [("内部资料 注意保密", "", "internal")]
    assert find_secret_marks("请注意保密工作的重要性，内部资料不得外传。", include_internal=True) == []


def test_page_with_a_published_classified_document() -> None:
    body = (
        "<p>000023</p><p style='text-align:left'>秘密<span>★</span>1年</p><p>特急</p>"
        "<p style='text-align:center;color:red'>青山县人民政府办公室文件</p>"
        "<p>各乡镇人民政府，县直各单位：</p><p>现将有关事项通知如下……</p>"
    )
    page = gov_page("关于加强防汛应急值守工作的通知", body)
    found = page_secret_marks(page, URL)
    assert [(m.mark, m.level) for m in found] == [("秘密★1年", "秘密")]


def test_page_with_star_entity_and_table_layout() -> None:
    body = "<table><tr><td>秘密&#9733;5年</td><td>特急</td></tr></table><p>青山县应急管理局文件</p>"
    assert [m.mark for m in page_secret_marks(gov_page("通知", body), URL)] == ["秘密★5年"]


def test_ordinary_page_about_secrecy_has_no_mark_and_stays_unparsed_cheaply() -> None:
    body = "<p>4月15日，县保密局开展全民国家安全教育日宣传活动，讲解国家秘密、商业秘密与工作秘密的区别。</p>"
    assert page_secret_marks(gov_page("县保密局开展国家安全教育日宣传", body), URL) == []


def test_shared_tree_is_not_changed() -> None:
    page = gov_page("通知", "<p>★秘密</p><p>关于调整部分干部职务的通知</p>")
    tree = LexborHTMLParser(page)
    before = tree.html
    assert [m.mark for m in page_secret_marks(page, URL, tree=tree)] == ["★秘密"]
    assert tree.html == before
