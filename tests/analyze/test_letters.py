"""Letters: table and div lists, GBK detail pages, statuses, submission forms and excluded channels."""

from datetime import date
from pathlib import Path

from govinspect.analyze.letters import normalize_status, page_letters
from govinspect.net.decoding import decode_body

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
T = date(2024, 6, 15)


def _page(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), None)
    return text


def test_table_list_reads_asked_answered_and_status_by_header():
    lp = page_letters(_page("letters_ldxx_list.html"), "http://www.qs.gov.cn/hdjl/ldxx/list.jsp", as_of=T)
    assert lp is not None and lp.kind == "list" and lp.channel and lp.shows_answers
    first, second = lp.letters[:2]
    assert (first.asked, first.answered, first.status) == ("2024-06-13", None, "pending")
    assert (second.title, second.asked, second.answered, second.status) == (
        "青山中学附近道路何时修复", "2024-06-10", "2024-06-12", "answered")
    assert len(lp.letters) == 5
    assert lp.write_links == ("http://www.qs.gov.cn/hdjl/ldxx/write.jsp",)


def test_div_rows_read_labelled_dates_and_a_withdrawn_letter_is_invalid():
    lp = page_letters(_page("letters_div_rows_withdrawn.html"), "http://www.lj.gov.cn/hdjl/zxts/", as_of=T)
    assert lp is not None and lp.kind == "list"
    rows = {letter.title: letter for letter in lp.letters}
    assert rows["反映城东菜市场占道经营"].status == "pending"
    assert rows["反映城东菜市场占道经营"].answered is None
    assert rows["重复提交：小区停车收费问题"].status == "invalid"
    assert (rows["公交12路调整线路的建议"].asked, rows["公交12路调整线路的建议"].answered) == ("2023-12-10", "2024-04-01")
    assert rows["临江大道路灯不亮问题"].url == "http://www.lj.gov.cn/hdjl/zxts/detail?id=20240611003"


def test_gbk_detail_page_with_empty_reply_is_pending():
    lp = page_letters(_page("letter_detail_gbk_pending.html"), "http://www.cf.gov.cn/xzxx/show.asp?id=21", as_of=T)
    assert lp is not None and lp.kind == "detail"
    (letter,) = lp.letters
    assert (letter.title, letter.asked, letter.answered, letter.status) == ("村道硬化工程何时开工", "2024-03-15", None, "pending")


def test_a_mailbox_form_is_a_channel_and_a_petition_form_is_not():
    mail = page_letters(_page("letters_write_form.html"), "http://jyj.qs.gov.cn/xx/write.html", as_of=T)
    assert mail is not None and (mail.kind, mail.channel, mail.excluded) == ("form", True, False)
    petition = page_letters(_page("xinfang_write_form.html"), "http://www.qs.gov.cn/xf/write.html", as_of=T)
    assert petition is not None and (petition.kind, petition.channel, petition.excluded) == ("form", False, True)


def test_a_news_list_is_not_a_letters_list():
    assert page_letters(_page("trs_tzgg_notice_list.html"), "http://www.x.gov.cn/tzgg/", as_of=T) is None


def test_status_words_normalise_without_confusing_unanswered_for_answered():
    assert normalize_status("【未回复】") == "unanswered"
    assert normalize_status("已回复") == "answered"
    assert normalize_status(" 未办结 ") == "unanswered"
    assert normalize_status("不予受理") == "invalid"
    assert normalize_status("正在办理") == "pending"
    assert normalize_status("其他") is None
