"""decode_body: declared, mis-declared and undeclared encodings of real-looking gov pages."""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable

import pytest

from govinspect.net import decoding
from govinspect.net.decoding import decode_body, normalise_charset


@pytest.fixture
def no_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if the slow charset-normalizer path runs where a cheap answer exists."""

    def boom(body: bytes) -> str | None:
        raise AssertionError("charset-normalizer must not run for this page")

    monkeypatch.setattr(decoding, "_charset_normalizer_guess", boom)


# --------------------------------------------------------------------------- GBK pages


def test_gbk_page_with_charset_in_header_decodes_as_gb18030(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset=None)
    text, encoding = decode_body(page.encode("gb18030"), "text/html; charset=GB2312")
    assert encoding == "gb18030"
    assert text == page
    assert "通知公告_示例市人民政府" in text


def test_gbk_page_with_only_http_equiv_meta_decodes_as_gb18030(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset="gb2312", style="http-equiv")
    text, encoding = decode_body(page.encode("gb18030"), "text/html")
    assert (text, encoding) == (page, "gb18030")


def test_gbk_page_with_html5_meta_charset_decodes_as_gb18030(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset="GBK", style="html5")
    text, encoding = decode_body(page.encode("gb18030"), None)
    assert (text, encoding) == (page, "gb18030")


def test_gb2312_declaration_still_reads_gbk_only_hanzi(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    # 镕 and 喆 are GBK but not GB2312: a strict gb2312 codec would mangle 朱镕基-style names.
    page = notice_list(charset="gb2312")
    text, _ = decode_body(page.encode("gbk"), "text/html; charset=gb2312")
    assert "镕城工业园区" in text and "喆山区" in text


def test_undeclared_gbk_page_is_detected_without_charset_normalizer(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset=None)
    text, encoding = decode_body(page.encode("gb18030"), "text/html")
    assert (text, encoding) == (page, "gb18030")


def test_gb18030_four_byte_characters_decode(no_detector: None) -> None:
    # CJK extension characters are four-byte sequences in GB18030.
    page = '<html><head><meta charset="gbk"><title>姓名：王䶮</title></head><body>𠀾</body></html>'
    text, encoding = decode_body(page.encode("gb18030"), None)
    assert (text, encoding) == (page, "gb18030")


# --------------------------------------------------------------------------- mis-declared


def test_page_declaring_gb2312_in_header_but_utf8_reads_as_utf8(
    article: Callable[..., str], no_detector: None
) -> None:
    page = article(charset="gb2312")
    text, encoding = decode_body(page.encode("utf-8"), "text/html; charset=gb2312")
    assert (text, encoding) == (page, "utf-8")


def test_page_declaring_gbk_in_meta_but_utf8_reads_as_utf8(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset="gbk")
    text, encoding = decode_body(page.encode("utf-8"), "text/html")
    assert (text, encoding) == (page, "utf-8")


def test_short_utf8_text_under_gb_declaration_reads_as_utf8(no_detector: None) -> None:
    page = '<html><head><meta charset="gb2312"><title>首页</title></head><body>Copyright © 2024</body></html>'
    text, encoding = decode_body(page.encode("utf-8"), None)
    assert (text, encoding) == (page, "utf-8")


def test_single_gbk_hanzi_that_is_accidentally_valid_utf8_stays_gbk(no_detector: None) -> None:
    # 通知 is CD A8 D6 AA in GBK, which is also valid UTF-8 (Greek/Armenian letters): the
    # declaration must win over a coincidence.
    page = '<html><head><meta charset="gbk"><title>通知</title></head></html>'
    body = page.encode("gbk")
    body.decode("utf-8")  # precondition: really valid UTF-8
    assert decode_body(body, None) == (page, "gb18030")


def test_page_declaring_utf8_but_gbk_reads_as_gb18030(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset="utf-8", style="html5")
    text, encoding = decode_body(page.encode("gb18030"), "text/html; charset=utf-8")
    assert (text, encoding) == (page, "gb18030")


def test_tomcat_default_iso_8859_1_header_yields_to_gbk_meta(
    notice_list: Callable[..., str], no_detector: None
) -> None:
    page = notice_list(charset="gb2312")
    text, encoding = decode_body(page.encode("gb18030"), "text/html;charset=ISO-8859-1")
    assert (text, encoding) == (page, "gb18030")


def test_iso_8859_1_header_without_meta_on_utf8_page_reads_utf8(
    article: Callable[..., str], no_detector: None
) -> None:
    page = article(charset=None)
    text, encoding = decode_body(page.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert (text, encoding) == (page, "utf-8")


def test_xml_declaration_encoding_is_honoured(no_detector: None) -> None:
    doc = '<?xml version="1.0" encoding="GB2312"?>\n<rss><channel><title>示例市政府信息公开</title></channel></rss>'
    assert decode_body(doc.encode("gb18030"), "application/xml") == (doc, "gb18030")


# --------------------------------------------------------------------------- BOM


def test_utf8_bom_overrides_a_gbk_header(article: Callable[..., str], no_detector: None) -> None:
    page = article(charset=None)
    text, encoding = decode_body(codecs.BOM_UTF8 + page.encode("utf-8"), "text/html; charset=gbk")
    assert (text, encoding) == (page, "utf-8")


def test_utf16_bom_is_decoded(article: Callable[..., str], no_detector: None) -> None:
    page = article(charset=None)
    text, encoding = decode_body(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), None)
    assert (text, encoding) == (page, "utf-16-le")


# --------------------------------------------------------------------------- invalid bytes


def test_utf8_page_with_stray_invalid_bytes_keeps_utf8_with_replacements(
    article: Callable[..., str],
) -> None:
    body = article(charset="utf-8").encode("utf-8")
    cut = body.index("工作要求".encode())
    body = body[:cut] + b"\xff\xfe" + body[cut:]
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    assert encoding == "utf-8"
    assert "\ufffd" in text and "工作要求" in text and "政府网站发展指引" in text


def test_page_cut_mid_character_at_size_cap_keeps_its_encoding(
    article: Callable[..., str], notice_list: Callable[..., str], no_detector: None
) -> None:
    utf8 = article(charset="utf-8").encode("utf-8")
    cut = utf8.index("政务新媒体检查".encode()) + 1  # inside the first character
    text, encoding = decode_body(utf8[:cut], "text/html; charset=utf-8")
    assert encoding == "utf-8" and text.endswith("\ufffd")

    gbk = notice_list(charset=None).encode("gb18030")
    cut = gbk.index("通知公告_".encode("gb18030")) + 1
    text, encoding = decode_body(gbk[:cut], None)
    assert encoding == "gb18030" and text.endswith("\ufffd")


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=gbk",
        "text/html; charset=bogus-xx",
        "text/html; charset=base64",
        "text/html; charset=utf-7",
    ],
)
def test_random_bytes_never_raise(content_type: str | None) -> None:
    rng = random.Random(20240611)
    for size in (1, 2, 3, 17, 500, 5000):
        blob = bytes(rng.getrandbits(8) for _ in range(size))
        text, encoding = decode_body(blob, content_type)
        assert isinstance(text, str) and encoding
        assert encoding != "utf-7"


def test_empty_body_decodes_to_empty_text() -> None:
    assert decode_body(b"", "text/html; charset=gbk") == ("", "gb18030")
    assert decode_body(b"", None) == ("", "utf-8")


def test_bogus_declared_charset_falls_back_to_detection(
    notice_list: Callable[..., str],
) -> None:
    page = notice_list(charset="x-user-defined-gov")
    text, encoding = decode_body(page.encode("gb18030"), "text/html; charset=none")
    assert (text, encoding) == (page, "gb18030")


# --------------------------------------------------------------------------- normalise_charset


@pytest.mark.parametrize(
    "label",
    ["GB2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "GB18030", '"gb2312"', " GBK ", "euc-cn"],
)
def test_gb_family_labels_normalise_to_gb18030(label: str) -> None:
    assert normalise_charset(label) == "gb18030"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("Big5", "big5hkscs"),
        ("Shift_JIS", "cp932"),
        ("koi8-r", "koi8-r"),
    ],
)
def test_common_labels_normalise(label: str, expected: str) -> None:
    assert normalise_charset(label) == expected


@pytest.mark.parametrize(
    "label", [None, "", "bogus", "base64", "zlib", "rot13", "utf-7", "undefined"]
)
def test_unknown_or_unsafe_labels_normalise_to_none(label: str | None) -> None:
    assert normalise_charset(label) is None
