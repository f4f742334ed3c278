"""Personal-information leaks on pages (govinspect.analyze.privacy)."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from _docs import URL, bad_check, gov_page, luhn_complete, make_id
from govinspect.analyze.privacy import (
    PrivacyHit,
    is_valid_id_number,
    luhn_valid,
    mask,
    page_privacy,
    text_privacy,
)

AS_OF = date(2024, 6, 15)

ID1 = make_id("430104", "19650312", "021")
ID2 = make_id("430104", "19481107", "013")
ID3 = make_id("430121", "19790925", "044")


def hits(html: str) -> list[PrivacyHit]:
    return page_privacy(html, URL, as_of=AS_OF)


def kinds(found: list[PrivacyHit]) -> list[tuple[str, str]]:
    return [(h.kind, h.masked_value) for h in found]


# --------------------------------------------------------------------------------------------
# number rules
# --------------------------------------------------------------------------------------------


def test_valid_id_numbers_pass_checksum_region_and_date() -> None:
    assert is_valid_id_number(ID1, as_of=AS_OF)
    assert is_valid_id_number("11010519491231002X", as_of=AS_OF)
    assert is_valid_id_number("11010519491231002x", as_of=AS_OF)


@pytest.mark.parametrize(
    "value",
    [
        bad_check(ID1),  # wrong check character
        make_id("990104", "19650312", "021"),  # 99 is no province
        make_id("430104", "19650230", "021"),  # 30 February
        make_id("430104", "18890101", "021"),  # before 1900
        make_id("430104", "20250101", "021"),  # born after the monitoring day
        ID1[:17],
    ],
)
def test_invalid_id_numbers_are_rejected(value: str) -> None:
    assert not is_valid_id_number(value, as_of=AS_OF)


def test_mask_formats_keep_only_the_ends() -> None:
    assert mask("110101199003071233", "id_number") == "1101**********1233"
    assert mask("13812345678", "mobile") == "138****5678"
    assert mask("6222 0212 3456 7890 128", "bank_card") == "6222***********0128"
    with pytest.raises(ValueError):
        mask("123", "passport")


def test_luhn() -> None:
    assert luhn_valid("4539148803436467")
    assert not luhn_valid("4539148803436468")
    assert luhn_valid(luhn_complete("622202", 19))


# --------------------------------------------------------------------------------------------
# 公示 pages
# --------------------------------------------------------------------------------------------

DIBAO_ROWS = [("张三", "男", ID1, "13807311234", "城关镇花园村"), ("李秀英", "女", ID2, "15973112345", "城关镇东门社区"),
              ("王建国", "男", ID3, "18673154321", "青山镇石桥村")]


def dibao_table(rows: list[tuple[str, str, str, str, str]]) -> str:
    trs = "".join(
        f"<tr><td>{i}</td><td>{n}</td><td>{s}</td><td>{idn}</td><td>{tel}</td><td>{addr}</td><td>585</td></tr>"
        for i, (n, s, idn, tel, addr) in enumerate(rows, 1)
    )
    return (
        "<p>根据《社会救助暂行办法》，经本人申请、村（居）评议、乡镇审核，现将2024年第二季度新增城乡低保对象名单公示如下：</p>"
        '<table border="1" cellspacing="0" width="100%"><tbody>'
        '<tr><td colspan="7" align="center"><b>青山县2024年第二季度新增低保对象名单</b></td></tr>'
        "<tr><td>序号</td><td>户主姓名</td><td>性别</td><td>身份证号码</td><td>联系电话</td><td>家庭住址</td><td>月保障金（元）</td></tr>"
        f"{trs}</tbody></table>"
        "<p>公示期：2024年6月12日至6月18日。如有异议，请向县民政局反映。监督电话：0731-88123456</p>"
    )


def test_dibao_table_with_full_ids_and_mobiles_is_a_leak() -> None:
    found = hits(gov_page("青山县2024年第二季度新增城乡低保对象名单公示", dibao_table(DIBAO_ROWS)))
    assert kinds(found) == [
        ("id_number", mask(ID1, "id_number")), ("mobile", "138****1234"),
        ("id_number", mask(ID2, "id_number")), ("mobile", "159****2345"),
        ("id_number", mask(ID3, "id_number")), ("mobile", "186****4321"),
    ]


def test_contexts_never_carry_a_full_number() -> None:
    found = hits(gov_page("低保对象名单公示", dibao_table(DIBAO_ROWS)))
    assert found
    for h in found:
        for full in (ID1, ID2, ID3, "13807311234", "15973112345", "18673154321", ID1[:17]):
            assert full not in h.context
    assert "张三" in found[0].context


def test_the_same_table_correctly_masked_has_no_hit() -> None:
    masked = [(n, s, idn[:6] + "********" + idn[-4:], tel[:3] + "****" + tel[-4:], addr) for n, s, idn, tel, addr in DIBAO_ROWS]
    assert hits(gov_page("低保对象名单公示", dibao_table(masked))) == []
    masked2 = [(n[0] + "*" * (len(n) - 1), s, idn[:10] + "****" + idn[-4:], tel[:3] + "****" + tel[-4:], addr)
               for n, s, idn, tel, addr in DIBAO_ROWS]
    assert hits(gov_page("低保对象名单公示", dibao_table(masked2))) == []


def test_masked_ids_but_full_mobiles_are_still_a_leak() -> None:
    rows = [(n[0] + "*" * (len(n) - 1), s, idn[:4] + "*" * 10 + idn[-4:], tel, addr) for n, s, idn, tel, addr in DIBAO_ROWS]
    found = hits(gov_page("低保对象名单公示", dibao_table(rows)))
    assert kinds(found) == [("mobile", "138****1234"), ("mobile", "159****2345"), ("mobile", "186****4321")]


def test_div_layout_roster_is_read_row_by_row() -> None:
    rows = "".join(
        f'<div class="row"><div class="cell">{i}</div><div class="cell">{n}</div><div class="cell">{idn}</div>'
        f'<div class="cell">{tel}</div></div>'
        for i, (n, _s, idn, tel, _a) in enumerate(DIBAO_ROWS, 1)
    )
    body = (
        "<p>现将2024年度耕地地力保护补贴发放对象公示如下：</p>"
        '<div class="gs-table"><div class="row head"><div class="cell">序号</div><div class="cell">姓名</div>'
        f'<div class="cell">身份证号</div><div class="cell">手机号码</div></div>{rows}</div>'
    )
    found = hits(gov_page("2024年度耕地地力保护补贴发放对象公示", body))
    assert [h.kind for h in found] == ["id_number", "mobile"] * 3


def test_span_rows_without_spaces_still_show_the_name() -> None:
    items = "".join(
        f'<li><span class="xm">{n}</span><span class="dh">{tel}</span><span class="dz">{a}</span></li>'
        for n, _s, _i, tel, a in DIBAO_ROWS
    )
    page = gov_page("2024年临时救助对象名单公示", f"<p>2024年5月临时救助对象名单：</p><ul class='list'>{items}</ul>")
    assert [h.masked_value for h in hits(page)] == ["138****1234", "159****2345", "186****4321"]


def test_paragraph_roster_under_a_list_title_is_a_leak() -> None:
    body = (
        "<p style='text-align:center'><b>青山镇2024年度残疾人两项补贴名单</b></p>"
        "<p>1、张三，青山镇石桥村，13807311234</p><p>2、刘桂花，青山镇石桥村，15973112345</p>"
        "<p>3、周志强，青山镇新屋村，18673154321</p>"
    )
    found = hits(gov_page("青山镇2024年度残疾人两项补贴名单", body))
    assert [h.kind for h in found] == ["mobile"] * 3


def test_office_contact_mobile_on_a_notice_is_not_a_leak() -> None:
    body = (
        "<p>各乡镇（街道）、县直有关单位：</p><p>为做好2024年度城乡居民医疗保险集中征缴工作，现将有关事项通知如下。</p>"
        "<p>一、征缴时间：2024年9月1日至12月31日。</p><p>二、缴费标准：每人每年380元。</p>"
        "<p>联系人：张三　联系电话：13807311234</p>"
        "<p>县医保局办公室　电话：0731-88124567</p>"
        "<p style='text-align:right'>青山县医疗保障局</p><p style='text-align:right'>2024年6月12日</p>"
    )
    assert hits(gov_page("关于做好2024年度城乡居民医疗保险集中征缴工作的通知", body)) == []


def test_cadre_and_doctor_phone_lists_are_published_contacts() -> None:
    body = (
        "<p>为方便群众办事，现将各村（社区）干部联系方式公示如下：</p><table>"
        "<tr><th>村（社区）</th><th>姓名</th><th>职务</th><th>联系电话</th></tr>"
        "<tr><td>花园村</td><td>张三</td><td>党支部书记</td><td>13807311234</td></tr>"
        "<tr><td>花园村</td><td>李秀英</td><td>村委会主任</td><td>15973112345</td></tr>"
        "<tr><td>东门社区</td><td>王建国</td><td>网格员</td><td>18673154321</td></tr></table>"
        "<p>家庭医生签约服务团队：王医生 13973112222；刘医生 13973113333</p>"
    )
    assert hits(gov_page("城关镇村（社区）干部联系方式公示", body)) == []


def test_contact_lines_without_a_roster_context_are_not_leaks() -> None:
    body = "<p>各科室联系方式：</p><p>张三 13807311234</p><p>李秀英 15973112345</p>"
    assert hits(gov_page("关于调整机关内部科室设置的通知", body)) == []


def test_letter_reply_naming_the_writer_and_mobile_is_a_leak() -> None:
    body = (
        "<p>来信人：王小明，联系电话：13907319876</p><p>来信内容：我村道路破损严重，希望尽快维修。</p>"
        "<p>答复内容：您好！您反映的问题已转交青山镇人民政府处理……</p>"
    )
    assert kinds(hits(gov_page("关于村道维修的答复", body))) == [("mobile", "139****9876")]


def test_credit_codes_order_numbers_and_project_codes_are_not_cards_or_ids() -> None:
    order = luhn_complete("6217", 19)  # Luhn-valid and UnionPay-shaped, but an order number
    body = (
        "<p>一、项目编号：QSCG-2024-0612</p><p>二、采购结果：</p><table>"
        "<tr><td>供应商名称</td><td>统一社会信用代码</td><td>成交金额（元）</td></tr>"
        "<tr><td>湖南青山建设工程有限公司</td><td>91430121MA4L8XK23Q</td><td>1280000.00</td></tr>"
        f"<tr><td>长沙市某某科技有限公司</td><td>914301213385612345</td><td>960000.00</td></tr></table>"
        f"<p>电子交易平台订单号：{order}</p><p>交易流水号：{luhn_complete('62', 18)}</p>"
        "<p>采购人：青山县教育局　联系人：周老师　联系电话：0731-88125555</p>"
    )
    assert hits(gov_page("青山县教育局学生课桌椅采购项目成交结果公告", body)) == []


def test_subsidy_card_numbers_in_a_roster_are_leaks() -> None:
    card1, card2 = luhn_complete("6230901", 19), luhn_complete("6217995", 19)
    body = (
        "<table><tr><td>序号</td><td>姓名</td><td>补贴金额</td><td>一卡通账号</td></tr>"
        f"<tr><td>1</td><td>张三</td><td>1200</td><td>{card1}</td></tr>"
        f"<tr><td>2</td><td>李秀英</td><td>800</td><td>{card2}</td></tr></table>"
    )
    found = hits(gov_page("2024年度耕地地力保护补贴发放明细", body))
    assert kinds(found) == [("bank_card", mask(card1, "bank_card")), ("bank_card", mask(card2, "bank_card"))]


def test_grouped_card_number_with_label_is_a_leak() -> None:
    card = luhn_complete("6222021", 19)
    grouped = " ".join(card[i : i + 4] for i in range(0, 19, 4))
    body = f"<p>申请人：王小明</p><p>银行卡号：{grouped}（中国工商银行青山支行）</p>"
    assert kinds(hits(gov_page("临时救助申请审批表", body))) == [("bank_card", mask(card, "bank_card"))]


def test_an_organisations_donation_account_is_not_a_leak() -> None:
    acct = luhn_complete("6228", 19)
    body = f"<p>户名：青山县慈善总会</p><p>开户行：中国农业银行青山支行　账号：{acct}</p><p>捐款热线：0731-88126666</p>"
    assert hits(gov_page("关于开展“慈心一日捐”活动的倡议书", body)) == []


def test_fullwidth_id_number_is_found() -> None:
    fw = ID1.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    found = hits(gov_page("关于张三同志的任职公示", f"<p>张三，男，身份证号：{fw}，现任青山县某单位干部。</p>"))
    assert kinds(found) == [("id_number", mask(ID1, "id_number"))]


def test_fifteen_digit_ids_need_a_label() -> None:
    old = "430104650312021"
    assert kinds(hits(gov_page("公示", f"<p>户主：张三　身份证号：{old}</p>"))) == [("id_number", "4301*******2021")]
    assert hits(gov_page("公示", f"<p>档案编号：{old}</p>")) == []


def test_id_inside_a_longer_digit_run_is_not_an_id() -> None:
    assert hits(gov_page("公示", f"<p>条码：9{ID1}7</p>")) == []


def test_sample_id_in_a_form_guide_is_not_a_leak() -> None:
    body = "<table><tr><td>身份证号码</td><td>填写示例：11010519491231002X</td></tr></table>"
    assert hits(gov_page("居民身份证申领办事指南", body)) == []


def test_footer_record_numbers_and_landlines_alone_return_nothing() -> None:
    assert hits(gov_page("关于开展防汛应急演练的通知", "<p>请各单位按要求做好准备。</p>")) == []


def test_shared_tree_is_used_and_left_unchanged() -> None:
    page = gov_page("低保对象名单公示", dibao_table(DIBAO_ROWS))
    tree = LexborHTMLParser(page)
    before = tree.html
    assert page_privacy(page, URL, tree=tree, as_of=AS_OF) == hits(page)
    assert tree.html == before


def test_nested_layout_tables_of_old_asp_sites() -> None:
    inner = dibao_table(DIBAO_ROWS[:1])
    page = gov_page("低保对象名单公示", f"<table width='980'><tr><td width='200'>栏目导航</td><td>{inner}</td></tr></table>")
    assert [h.kind for h in hits(page)] == ["id_number", "mobile"]


def test_plain_text_rows_from_attachments() -> None:
    text = f"2024年度危房改造补助对象名单\n序号\t户主\t身份证号\t联系电话\n1\t张三\t{ID1}\t13807311234\n"
    assert [h.kind for h in text_privacy(text, as_of=AS_OF)] == ["id_number", "mobile"]
