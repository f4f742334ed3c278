"""Dates on Chinese government pages: forms, year inference, URLs, article publish dates."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.analyze.dates import (
    date_from_url,
    find_dates,
    infer_years,
    month_from_url,
    parse_date,
    published_date,
)

T = date(2024, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-12", date(2024, 6, 12)),
        ("2024/6/12", date(2024, 6, 12)),
        ("2024.06.12", date(2024, 6, 12)),
        ("2024年6月12日", date(2024, 6, 12)),
        ("2024年06月12日 10:30", date(2024, 6, 12)),
        ("2024-06-12 10:30:15", date(2024, 6, 12)),
        ("2024 年 6 月 12 日", date(2024, 6, 12)),
        ("24-06-12", date(2024, 6, 12)),
        ("[06-12]", date(2024, 6, 12)),
        ("06-12", date(2024, 6, 12)),
        ("06/12", date(2024, 6, 12)),
        ("6月12日", date(2024, 6, 12)),
        ("２０２４－０６－１２", date(2024, 6, 12)),
        ("２０２４／６／１２", date(2024, 6, 12)),
        ("２０２４．０６．１２", date(2024, 6, 12)),
        ("［０６－１２］", date(2024, 6, 12)),
    ],
)
def test_parse_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, as_of=T) == expected


@pytest.mark.parametrize(
    "text",
    ["2024-02-30", "2024-13-01", "2023-02-29", "1989-12-31", "2026-01-01", "13-01", "02-30", "发布时间：", ""],
)
def test_parse_date_rejects_invalid_and_implausible(text: str) -> None:
    assert parse_date(text, as_of=T) is None


def test_leap_day_is_a_real_day() -> None:
    assert parse_date("2024-02-29", as_of=T) == date(2024, 2, 29)


def test_two_digit_years() -> None:
    assert parse_date("24-06-12", as_of=T) == date(2024, 6, 12)
    assert parse_date("25-01-02", as_of=T) == date(2025, 1, 2)  # up to next year: 20xx
    assert parse_date("98-06-12", as_of=T) == date(1998, 6, 12)  # beyond: last century
    assert parse_date("26-06-12", as_of=T) is None  # 1926: before any website


def test_month_day_year_from_hint_or_as_of() -> None:
    assert parse_date("06-12", as_of=T, year_hint=2021) == date(2021, 6, 12)
    # the latest such day not after T + 1 day
    assert parse_date("06-16", as_of=T) == date(2024, 6, 16)
    assert parse_date("06-17", as_of=T) == date(2023, 6, 17)
    assert parse_date("12-28", as_of=date(2024, 1, 10)) == date(2023, 12, 28)
    assert parse_date("02-29", as_of=date(2025, 3, 1)) == date(2024, 2, 29)


def test_find_dates_in_list_rows_with_positions() -> None:
    rows = (
        '<li><a href="./202406/t20240612_123.html" title="青山县2024年防汛工作会议召开">'
        "青山县2024年防汛工作会议召开</a><span>2024-06-12</span></li>"
        '<li><a href="./202406/t20240603_118.html">关于开展安全生产检查的通知</a><span>[06-03]</span></li>'
        "<tr><td>1</td><td>青政办发〔2024〕12号</td><td>2024年05月30日</td></tr>"
    )
    found = find_dates(rows, as_of=T)
    assert [(m.date, m.has_year) for m in found] == [
        (date(2024, 6, 12), True),
        (date(2024, 6, 3), False),
        (date(2024, 5, 30), True),
    ]
    for m in found:
        assert rows[m.start:m.end] == m.raw
    assert found[1].raw == "[06-03]"


def test_find_dates_keeps_times_and_skips_numbers() -> None:
    text = "发布时间：2024-06-12 10:30 浏览次数：1234 电话：0791-86231234 文号：2024-001"
    found = find_dates(text, as_of=T)
    assert [m.raw for m in found] == ["2024-06-12 10:30"]


def test_infer_years_across_year_boundary() -> None:
    as_of = date(2024, 1, 10)
    # newest first, as most columns list them
    assert infer_years([(1, 3), (12, 28)], as_of) == [date(2024, 1, 3), date(2023, 12, 28)]
    # the brief's order 12-28, 01-03: read oldest first, it is the compact reading
    assert infer_years([(12, 28), (1, 3)], as_of) == [date(2023, 12, 28), date(2024, 1, 3)]
    assert infer_years([(1, 8), (1, 3), (12, 28), (12, 20), (11, 30)], as_of) == [
        date(2024, 1, 8), date(2024, 1, 3), date(2023, 12, 28), date(2023, 12, 20), date(2023, 11, 30),
    ]
    assert infer_years([(11, 30), (12, 20), (12, 28), (1, 3), (1, 8)], as_of) == [
        date(2023, 11, 30), date(2023, 12, 20), date(2023, 12, 28), date(2024, 1, 3), date(2024, 1, 8),
    ]


def test_infer_years_plain_and_invalid() -> None:
    assert infer_years([(6, 12), (6, 10), (5, 30)], T) == [date(2024, 6, 12), date(2024, 6, 10), date(2024, 5, 30)]
    assert infer_years([], T) == []
    assert infer_years([(2, 30)], T) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.qingshan.gov.cn/zwgk/tzgg/202406/t20240612_123456.html", date(2024, 6, 12)),
        ("http://www.qingshan.gov.cn/news/2024/06/12/content_1.html", date(2024, 6, 12)),
        ("http://www.xinhuanet.com/local/2024-06/12/c_1125597921.htm", date(2024, 6, 12)),
        ("http://www.qingshan.gov.cn/art/2024/6/12/art_1229_456789.html", date(2024, 6, 12)),
        ("http://www.gov.cn/zhengce/content_2024-06/12/content_123.htm", date(2024, 6, 12)),
        ("http://www.qingshan.gov.cn/xxgk/20240612093000123.html", None),  # 17 digits: an id
        ("http://www.qingshan.gov.cn/jmcs/detail/20240612/1000200033.html", date(2024, 6, 12)),
        ("http://www.qingshan.gov.cn/upload/news_20240612.html", date(2024, 6, 12)),
        (
            "https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/content_1.htm",
            date(2012, 6, 4),
        ),
        ("http://www.qingshan.gov.cn/zwgk/202406/index.html", None),
        ("http://www.qingshan.gov.cn/art/2024/2/30/art_1_2.html", None),
        ("http://www.qingshan.gov.cn/zwgk/t20240620_1.html", None),  # after T + 1 day
        ("http://www.qingshan.gov.cn/zwgk/t19890612_1.html", None),
        ("http://20240612.qingshan.gov.cn/index.html", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url, as_of=T) == expected


def test_month_from_url() -> None:
    assert month_from_url("http://www.qingshan.gov.cn/zwgk/202406/index.html") == (2024, 6)
    assert month_from_url("http://www.qingshan.gov.cn/zwgk/2024-06/index.html") == (2024, 6)
    assert month_from_url("http://www.qingshan.gov.cn/zwgk/tzgg/") is None
    assert month_from_url("http://www.qingshan.gov.cn/zwgk/202413/index.html") is None


def _article(head: str = "", header: str = "", body: str = "<p>正文内容。</p>", title: str = "关于做好防汛工作的通知") -> str:
    return (
        f"<html><head><title>{title}_青山县人民政府</title>{head}</head><body>"
        '<div class="top">今天是2024年6月15日 星期六</div>'
        f'<div class="article"><h1>{title}</h1>{header}<div class="content">{body}</div></div>'
        '<div class="footer">版权所有 2005-2024 青山县人民政府办公室 Copyright © 2024.06.01 All rights reserved</div>'
        "</body></html>"
    )


URL = "http://www.qingshan.gov.cn/zwgk/tzgg/index.html"


def test_published_meta_first() -> None:
    html = _article(
        head='<meta name="PubDate" content="2024-06-12 10:30"><meta name="ColumnName" content="通知公告">',
        header='<div class="info">发布时间：2024-06-11 来源：青山县人民政府办公室</div>',
    )
    assert published_date(html, URL, as_of=T) == (date(2024, 6, 12), "meta:PubDate")


@pytest.mark.parametrize(
    ("meta", "how"),
    [
        ('<meta property="article:published_time" content="2024-06-12T10:30:00+08:00">', "meta:article:published_time"),
        ('<meta name="publishdate" content="2024-06-12">', "meta:publishdate"),
        ('<meta property="og:release_date" content="2024-06-12 10:30"/>', "meta:og:release_date"),
        ('<meta name="DC.Date.Created" content="2024/06/12">', "meta:DC.Date.Created"),
        ('<meta name="ArticleDate" content="2024年06月12日">', "meta:ArticleDate"),
    ],
)
def test_published_meta_names(meta: str, how: str) -> None:
    assert published_date(_article(head=meta), URL, as_of=T) == (date(2024, 6, 12), how)


def test_published_label_line_trs() -> None:
    header = '<div class="info">发布时间：2024-06-12 10:30 来源：青山县人民政府办公室 浏览次数：<span id="c">12</span></div>'
    assert published_date(_article(header=header), URL, as_of=T) == (date(2024, 6, 12), "label:发布时间")


def test_published_label_hanweb_fullwidth() -> None:
    header = '<div class="xxxq_info"><span>日期：２０２４－０６－１２</span><span>来源：县应急管理局</span></div>'
    assert published_date(_article(header=header), URL, as_of=T) == (date(2024, 6, 12), "label:日期")


def test_published_policy_table_prefers_fabu_over_chengwen() -> None:
    header = (
        '<table class="xxgk_table"><tr><td>索引号：</td><td>11360000MB1234567X/2024-00123</td>'
        "<td>发文机关：</td><td>青山县人民政府办公室</td></tr>"
        "<tr><td>成文日期：</td><td>2024年06月05日</td><td>发布日期：</td><td>2024年06月12日</td></tr>"
        "<tr><td>文号：</td><td>青府办发〔2024〕8号</td><td>主题分类：</td><td>其他</td></tr></table>"
    )
    assert published_date(_article(header=header), URL, as_of=T) == (date(2024, 6, 12), "label:发布日期")


def test_published_chengwen_only() -> None:
    header = "<table><tr><td>成文日期：</td><td>2024年06月05日</td></tr></table>"
    assert published_date(_article(header=header), URL, as_of=T) == (date(2024, 6, 5), "label:成文日期")


def test_published_label_not_inside_word() -> None:
    # 引用日期 / 截止日期 are not the article's 日期; the URL is used instead
    body = "<p>报名截止日期2024年06月30日。</p><p>[引用日期2024-06-01]</p>"
    url = "http://www.qingshan.gov.cn/art/2024/6/12/art_1229_456789.html"
    assert published_date(_article(body=body), url, as_of=T) == (date(2024, 6, 12), "url")


def test_published_header_text_skips_title_widget_copyright() -> None:
    title = "关于2024年6月20日停电的通知"
    header = '<div class="source">2024-06-12 10:30:15 来源：县供电公司</div>'
    assert published_date(_article(title=title, header=header), URL, as_of=T) == (date(2024, 6, 12), "text:header")


def test_published_rejects_widget_copyright_and_title_dates() -> None:
    # nothing but the today widget, the copyright line and an event date in the title: no date
    html = _article(title="关于2024年6月20日停电的通知")
    assert published_date(html, URL, as_of=T) == (None, "none")


def test_published_today_widget_label_rejected() -> None:
    header = '<div>日期：2024年6月15日 星期六</div>'
    assert published_date(_article(header=header), URL, as_of=T) == (None, "none")


def test_published_future_date_is_flagged() -> None:
    header = '<div class="info">发布时间：2024-07-01 来源：县政府办</div>'
    assert published_date(_article(header=header), URL, as_of=T) == (date(2024, 7, 1), "label:发布时间:future")
    meta = '<meta name="PubDate" content="2024-06-16 08:00">'  # T + 1 day: slack, not future
    assert published_date(_article(head=meta), URL, as_of=T) == (date(2024, 6, 16), "meta:PubDate")


def test_published_url_then_script() -> None:
    url = "http://www.qingshan.gov.cn/zwgk/tzgg/202406/t20240612_123.html"
    assert published_date(_article(), url, as_of=T) == (date(2024, 6, 12), "url")
    html = _article(header='<div><script>showDate("2024/06/11 09:15:00")</script></div>')
    assert published_date(html, URL, as_of=T) == (date(2024, 6, 11), "script")


def test_published_meta_modified_is_a_fallback() -> None:
    meta = '<meta itemprop="dateModified" content="2024-06-10">'
    header = '<div class="info">发布日期：2024-06-08</div>'
    assert published_date(_article(head=meta, header=header), URL, as_of=T) == (date(2024, 6, 8), "label:发布日期")
    assert published_date(_article(head=meta), URL, as_of=T) == (date(2024, 6, 10), "meta:dateModified")


def test_extract_fills_published(tmp_path) -> None:
    from datetime import datetime

    from govinspect.extract import analyse_page

    html = _article(header='<div class="info">发布时间：2024-06-12 10:30</div>').encode("utf-8")
    out = analyse_page("a.html", html, "text/html; charset=utf-8", URL, datetime(2024, 6, 15, 12, 0))
    assert out["published"] == "2024-06-12"
