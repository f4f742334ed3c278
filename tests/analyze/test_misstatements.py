"""Serious misstatements (严重表述错误) on article pages (govinspect.analyze.misstatements)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.misstatements import (
    TextError,
    find_misstatements,
    load_critical_terms,
    _default_terms,
    page_misstatements,
)
from govinspect.analyze.visible_text import visible_text

URL = "http://www.qingshan.gov.cn/art/2024/6/12/art_1229_4811.html"

# A county portal article in the shape TRS and Hanweb templates produce: header, navigation,
# breadcrumb, article with meta line, sharing widget, related links, footer with the required
# registration lines.
PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_青山县人民政府</title>
<meta name="ArticleTitle" content="{title}">
<meta name="ColumnName" content="工作动态">
<script>var _hmt = _hmt || []; var s = "习近凭中华人名共和国";</script>
<style>.article p {{ text-indent: 2em; }} /* 全国人民代表大汇 */</style>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="青山县人民政府"></div>
<div class="top-links"><a href="/">首页</a> | <a href="/wza/">无障碍</a> | <a href="/en/">English</a></div>
</div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/col/col1229/">新闻中心</a></li>
<li><a href="/col/col1230/">政务公开</a></li><li><a href="/col/col1231/">政务服务</a></li>
<li><a href="/col/col1232/">互动交流</a></li><li><a href="/col/col1233/">走进青山</a></li>
</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1229/">新闻中心</a> &gt;
<a href="/col/col1229/index.html">工作动态</a></div>
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间：2024-06-12 16:35 来源：县委宣传部 浏览次数：<span id="hits">1024</span>
字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>
<div class="content" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="related">上一篇：<a href="/art/2024/6/11/art_1229_4810.html">青山县开展防汛应急演练</a><br>
下一篇：<a href="/art/2024/6/13/art_1229_4812.html">青山县召开乡村振兴推进会</a></div>
</div>
<div class="links">友情链接：<a href="http://www.gov.cn/">中国政府网</a>
<a href="http://www.zj.gov.cn/">浙江省人民政府</a> <a href="http://www.lishui.gov.cn/">丽水市人民政府</a></div>
<div class="footer">
<p>主办单位：青山县人民政府办公室 承办单位：青山县大数据发展管理局</p>
<p>地址：浙江省丽水市青山县人民路1号 邮编：323000 联系电话：0578-1234567</p>
<p>网站标识码：3311230001 <a href="https://beian.miit.gov.cn/">浙ICP备05012345号-1</a>
<img src="/images/ga.png" alt="">浙公网安备 33112302000123号</p>
{footer}
</div>
</body></html>"""

CORRECT_BODY = """
<p>　　6月12日上午，县委理论学习中心组召开专题学习会，深入学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神，
认真学习习近平总书记关于党的建设的重要思想。县委书记主持会议并讲话。</p>
<p>　　会议指出，要深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”，
坚持以人民为中心的发展思想，完整、准确、全面贯彻新发展理念，推动高质量发展，以中国式现代化全面推进中华民族伟大复兴。</p>
<p>　　会议强调，要认真贯彻《中华人民共和国宪法》和全国人民代表大会常务委员会有关决定，支持人大代表依法履职，
发挥中国人民政治协商会议专门协商机构作用，践行社会主义核心价值观，全面从严治党，铸牢中华民族共同体意识。</p>
<p>　　2019年3月，时任国务院总理李克强在政府工作报告中提出……。2023年3月，李强总理在十四届全国人大一次会议记者会上表示……。
国务院副总理丁薛祥、何立峰出席活动；赵乐际委员长、王沪宁主席分别讲话。国家副主席韩正会见外宾。
中共中央政治局常委、中央书记处书记蔡奇陪同考察。</p>
<p>　　会议传达了国务院办公厅、中共中央办公厅和国家发展和改革委员会有关文件精神，以及浙江省、江苏省、上海市、
安徽省、福建省、广西壮族自治区、新疆维吾尔自治区、香港特别行政区的经验做法。国家发展改革委、住房城乡建设部、
人力资源社会保障部负责同志参加会议。党的十二大以来，我国改革开放不断深入。</p>
<p>　　区长何立锋主持分组讨论；县人大常委会副主任张国庆同志作交流发言。全县要推动学习进平台、进社区、进企业，
推动东北经市场化改革经验在我县落地，国家全部承担的项目资金及时拨付到位，坚决防止公安不作为、乱作为。</p>
"""


def page(body: str, footer: str = "", title: str = "县委理论学习中心组召开专题学习会") -> str:
    return PAGE.format(body=body, footer=footer, title=title)


def found(errors: list[TextError]) -> list[tuple[str, str, str]]:
    return [(e.found, e.expected, e.kind) for e in errors]


# --------------------------------------------------------------------------------------------
# each kind of wrong form
# --------------------------------------------------------------------------------------------


def test_homophone_in_the_guiding_thought_is_a_formulation_error() -> None:
    html = page("<p>　　会议要求，全县党员干部要深入学习贯彻习近平新时代中国特色社会主意思想，切实把思想和行动统一起来。</p>")
    errors = page_misstatements(html, URL)
    assert found(errors) == [
        ("习近平新时代中国特色社会主意思想", "习近平新时代中国特色社会主义思想", "formulation")
    ]
    # About 15 characters either side, the wrong form marked.
    assert errors[0].context == "求，全县党员干部要深入学习贯彻【习近平新时代中国特色社会主意思想】，切实把思想和行动统一起来。"


def test_homophone_in_the_leaders_name_inside_the_thought_is_a_leader_name_error() -> None:
    html = page("<p>　　深入学习贯彻习近凭新时代中国特色社会主义思想，坚定不移推动高质量发展。</p>")
    assert found(page_misstatements(html, URL)) == [
        ("习近凭新时代中国特色社会主义思想", "习近平新时代中国特色社会主义思想", "leader_name")
    ]


def test_dropped_character_in_the_state_name() -> None:
    html = page("<p>　　根据《中华人民共国宪法》和有关法律的规定，县人民政府制定本办法。</p>")
    assert found(page_misstatements(html, URL)) == [("中华人民共国", "中华人民共和国", "formulation")]


def test_swapped_characters_in_the_cppcc() -> None:
    html = page("<p>　　县政协委员列席了全国人民代表大会和中国人民政治商协会议全国委员会有关会议。</p>")
    assert found(page_misstatements(html, URL)) == [("中国人民政治商协会议", "中国人民政治协商会议", "formulation")]


def test_look_alike_character_in_an_autonomous_region() -> None:
    html = page("<p>　　我县与广西壮族白治区百色市签订对口协作协议。</p>")
    assert found(page_misstatements(html, URL)) == [("广西壮族白治区", "广西壮族自治区", "formulation")]


@pytest.mark.parametrize(
    ("sentence", "wrong", "expected"),
    [
        ("国务院总理丁薛祥出席开幕式并致辞。", "总理丁薛祥", "丁薛祥副总理"),
        ("丁薛祥总理在调研时强调，要抓好安全生产。", "丁薛祥总理", "丁薛祥副总理"),
        ("李强副总理主持召开国务院常务会议。", "李强副总理", "李强总理"),
        ("习近平总理在会上发表重要讲话。", "习近平总理", "习近平总书记"),
        ("王沪宁委员长出席全国政协双周协商座谈会。", "王沪宁委员长", "王沪宁（全国政协主席）"),
    ],
)
def test_leader_with_a_title_they_never_held(sentence: str, wrong: str, expected: str) -> None:
    errors = page_misstatements(page(f"<p>　　{sentence}</p>"), URL)
    assert found(errors) == [(wrong, expected, "leader_name")]


def test_misspelt_leader_name_next_to_a_national_title() -> None:
    html = page("<p>　　习近凭总书记在视察时强调……。国务院副总理何立锋出席会议并讲话。</p>")
    assert found(page_misstatements(html, URL)) == [
        ("习近凭总书记", "习近平总书记", "leader_name"),
        ("何立锋", "何立峰", "leader_name"),
    ]


# --------------------------------------------------------------------------------------------
# correct text, and what legitimately looks wrong
# --------------------------------------------------------------------------------------------


def test_correct_article_produces_nothing() -> None:
    # Correct formulations, leaders with their current and former titles, places, organs and
    # official short forms; a namesake of a leader; strings that contain a wrong form across
    # two words (学习 + 进平台, 东北 + 经 + 市场化, 国家 + 全部, 公安 + 不作为).
    assert page_misstatements(page(CORRECT_BODY), URL) == []


def test_namesake_sharing_a_character_with_a_leader_is_not_reported() -> None:
    html = page("<p>　　区长何立锋主持会议，县政协主席张国庆出席。何立锋要求各部门抓好落实。</p>")
    assert page_misstatements(html, URL) == []


def test_wrong_form_in_the_footer_is_not_reported() -> None:
    footer = "<p>黑公网安备 23010202000456号 主办：嘿龙江省青山县人民政府</p>"
    html = page("<p>　　青山县召开安全生产工作会议。</p>", footer=footer)
    assert page_misstatements(html, URL) == []
    # The same wrong form in the article is reported.
    html = page("<p>　　我县与嘿龙江省青山县签订合作协议。</p>")
    assert found(page_misstatements(html, URL)) == [("嘿龙江省", "黑龙江省", "formulation")]


def test_correction_notice_quoting_the_wrong_form_is_not_reported() -> None:
    body = (
        "<p>　　更正声明</p><p>　　本网6月10日发布的《关于开展宪法宣传周活动的通知》中，"
        "“中华人名共和国宪法”误写为“中华人民共和国宪法”之误，现更正为“中华人民共和国宪法”。特此更正。</p>"
    )
    assert page_misstatements(page(body), URL) == []


def test_hidden_and_script_text_is_ignored() -> None:
    body = (
        '<p>　　县委召开常委会会议。</p><div style="display:none">深入学习习近凭新时代中国特色社会主义思想</div>'
        '<p hidden>中华人名共和国</p><span style="font-size:0px">全国人民代表大汇</span>'
    )
    html = page(body)
    assert page_misstatements(html, URL) == []
    # The <script> in the head also spells wrong forms; it is not visible text either.
    assert "习近凭" not in visible_text(html, URL)


def test_offsets_index_the_visible_text_and_the_shared_tree_is_untouched() -> None:
    html = page("<p>　　根据《中华人民共国宪法》规定。</p><p>　　丁薛祥总理出席。</p>")
    tree = LexborHTMLParser(html)
    before = tree.html
    errors = page_misstatements(html, URL, tree=tree)
    text = visible_text(html, URL, tree=tree)
    assert len(errors) == 2
    for e in errors:
        assert text[e.offset : e.offset + len(e.found)] == e.found
        assert f"【{e.found}】" in e.context
    assert tree.html == before


def test_neighbouring_headlines_are_not_read_as_one_phrase() -> None:
    # Two links in a headline list: 中华人民 + 共国… must not join across the link boundary.
    body = '<div class="list"><a href="/a1.html">中华人民</a><a href="/a2.html">共国防教育讲座举行</a></div>'
    assert page_misstatements(page(body), URL) == []


# --------------------------------------------------------------------------------------------
# the data
# --------------------------------------------------------------------------------------------


def test_an_inspector_can_add_a_term(tmp_path: Path) -> None:
    data = tmp_path / "terms.yaml"
    data.write_text(
        "version: 1\nleaders: {titles_checked: [总理], people: []}\n"
        "formulations: {terms: [粤港澳大湾区]}\n",
        "utf-8",
    )
    terms = load_critical_terms(data)
    text = "推进粤港澳大弯区建设，粤港澳大湾区发展规划纲要。"
    assert found(find_misstatements(text, terms=terms)) == [("粤港澳大弯区", "粤港澳大湾区", "formulation")]
    assert find_misstatements(text) == []  # not in the packaged list


def test_unknown_title_for_a_leader_is_a_data_error(tmp_path: Path) -> None:
    data = tmp_path / "terms.yaml"
    data.write_text(
        "leaders: {titles_checked: [总理], people: [{name: 李强, post: 国务院总理, titles: [首相]}]}\n", "utf-8"
    )
    with pytest.raises(ValueError, match="首相"):
        load_critical_terms(data)


def test_packaged_automaton_holds_thousands_of_wrong_forms() -> None:
    terms = load_critical_terms()
    assert terms.variant_count > 5000
    assert "陕西省" not in [p for p, e in zip(terms.patterns, terms.entries) if e.role == 1]


def test_first_look_passes_wrong_titles_and_lets_correct_news_of_leaders_through() -> None:
    # The cheap look over the page's whole text decides whether the visible text is built at
    # all: a name with its right title must not cost the walk, a wrong title must get it.
    terms = _default_terms()
    assert not terms.may_match("习近平总书记在视察时强调，李强总理主持召开国务院常务会议。")
    assert terms.may_match("李强副总理主持召开国务院常务会议。")
    assert terms.may_match("根据《中华人民共国宪法》制定本办法。")
    assert not terms.may_match("县人民政府召开常务会议，研究部署安全生产工作。")
