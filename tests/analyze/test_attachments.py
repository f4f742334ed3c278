"""Bounded text extraction from attachments (govinspect.analyze.attachments)."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import openpyxl

from _docs import make_doc, make_id, make_ole, make_pdf
from govinspect.analyze.attachments import (
    attachment_privacy,
    attachment_secret_marks,
    attachment_text,
    detect_kind,
)
from govinspect.analyze.privacy import mask

BASE = "http://www.qingshan.gov.cn/zwgk/tzgg/202406/"
ID1 = make_id("430104", "19650312", "021")
ID2 = make_id("430121", "19790925", "044")
PEOPLE = [("张三", "男", ID1, "13807311234", "城关镇花园村"), ("刘桂花", "女", ID2, "15973112345", "青山镇石桥村")]


def roster_docx(people: list[tuple[str, str, str, str, str]], *, mark: str | None = None) -> bytes:
    d = docx.Document()
    if mark:
        d.add_paragraph(mark)
    d.add_paragraph("青山县2024年度农村危房改造补助对象名单")
    t = d.add_table(rows=1, cols=5)
    for cell, text in zip(t.rows[0].cells, ["户主姓名", "性别", "身份证号码", "联系电话", "住址"]):
        cell.text = text
    for row in people:
        cells = t.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    d.add_paragraph("公示期7天，如有异议请向县住建局反映。监督电话：0731-88127777")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def roster_xlsx(mobile_as_number: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "低保名单"
    ws.append(["2024年6月城乡低保资金发放明细"])
    ws.append(["序号", "姓名", "身份证号", "联系电话", "发放金额"])
    for i, (name, _sex, idn, tel, _addr) in enumerate(PEOPLE, 1):
        ws.append([i, name, idn, int(tel) if mobile_as_number else tel, 585])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# formats
# --------------------------------------------------------------------------------------------


def test_docx_roster_rows_come_out_as_rows_and_leak() -> None:
    body = roster_docx(PEOPLE)
    got = attachment_text(body, content_type=None, url=BASE + "P020240612.docx")
    assert got.kind == "docx" and got.error is None
    assert f"张三\t男\t{ID1}\t13807311234\t城关镇花园村" in got.text
    hits = attachment_privacy(body, None, BASE + "P020240612.docx")
    assert [(h.kind, h.masked_value) for h in hits] == [
        ("id_number", mask(ID1, "id_number")), ("mobile", "138****1234"),
        ("id_number", mask(ID2, "id_number")), ("mobile", "159****2345"),
    ]


def test_masked_docx_roster_has_no_hit() -> None:
    masked = [(n, s, i[:6] + "********" + i[-4:], t[:3] + "****" + t[-4:], a) for n, s, i, t, a in PEOPLE]
    assert attachment_privacy(roster_docx(masked), None, BASE + "a.docx") == []


def test_docx_classification_mark() -> None:
    body = roster_docx(PEOPLE[:1], mark="秘密★1年")
    assert [m.mark for m in attachment_secret_marks(body, None, BASE + "a.docx")] == ["秘密★1年"]
    assert attachment_secret_marks(roster_docx(PEOPLE[:1]), None, BASE + "a.docx") == []


def test_xlsx_numbers_read_as_typed_and_rows_kept() -> None:
    body = roster_xlsx()
    got = attachment_text(body, content_type=None, url=BASE + "mx.xlsx")
    assert got.kind == "xlsx" and got.error is None
    assert f"1\t张三\t{ID1}\t13807311234\t585" in got.text
    kinds = [h.kind for h in attachment_privacy(body, None, BASE + "mx.xlsx")]
    assert kinds == ["id_number", "mobile", "id_number", "mobile"]


def test_pdf_with_cjk_font_and_id_list() -> None:
    lines = ["秘密★1年", "青山县2024年度临时救助对象名单", "序号 姓名 身份证号码 救助金额",
             f"1 张三 {ID1} 1000", f"2 刘桂花 {ID2} 800"]
    body = make_pdf([lines])
    got = attachment_text(body, content_type="application/pdf", url=BASE + "jzmd.pdf")
    assert got.kind == "pdf" and got.error is None
    assert "青山县2024年度临时救助对象名单" in got.text and ID1 in got.text
    assert [h.kind for h in attachment_privacy(body, "application/pdf", BASE + "jzmd.pdf")] == ["id_number"] * 2
    assert [m.level for m in attachment_secret_marks(body, "application/pdf", BASE + "jzmd.pdf")] == ["秘密"]


def test_legacy_doc_piece_table_text() -> None:
    text = "关于2024年度残疾人补贴对象的公示\r姓名\x07身份证号\x07\x07张三\x07" + ID1 + "\x07\x07"
    body = make_doc(text)
    got = attachment_text(body, content_type="application/msword", url=BASE + "gs.doc")
    assert got.kind == "doc" and got.error is None
    assert f"张三\t{ID1}" in got.text
    assert [h.kind for h in attachment_privacy(body, None, BASE + "gs.doc")] == ["id_number"]


def test_wps_by_extension_reads_as_word() -> None:
    got = attachment_text(make_doc("★秘密\r通知\r"), content_type=None, url=BASE + "tz.wps")
    assert got.kind == "wps" and "★秘密" in got.text


def test_legacy_xls_strings_are_scanned() -> None:
    # BIFF8 keeps ASCII-only strings as 8-bit text and Chinese as UTF-16: both are found.
    stream = b"\x09\x08\x10\x00" + b"\x00" * 16 + "张三".encode("utf-16-le") + b"\x00\x01" + ID1.encode()
    got = attachment_text(make_ole({"Workbook": stream}), content_type=None, url=BASE + "mx.xls")
    assert got.kind == "xls" and ID1 in got.text and "张三" in got.text


def test_magic_bytes_beat_the_extension() -> None:
    pdf = make_pdf([["通知"]])
    assert detect_kind(pdf, "application/msword", BASE + "tz.doc") == "pdf"
    html = "<html><head><meta charset=utf-8></head><body><table><tr><td>姓名</td></tr></table></body></html>"
    assert detect_kind(html.encode(), None, BASE + "mx.xls") == "html"
    assert detect_kind(roster_docx(PEOPLE), None, BASE + "download.jsp?id=12") == "docx"


def test_html_saved_as_doc_is_read() -> None:
    html = (f"<html><body><p>低保名单</p><table><tr><td>姓名</td><td>身份证号</td></tr>"
            f"<tr><td>张三</td><td>{ID1}</td></tr></table></body></html>").encode("gbk")
    got = attachment_text(html, content_type="application/msword", url=BASE + "md.doc")
    assert got.kind == "html" and ID1 in got.text


def test_rtf_with_gbk_escapes() -> None:
    rtf = (b"{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 \\'cb\\'ce\\'cc\\'e5;}}\\f0 "
           + "".join(f"\\'{b:02x}" for b in "户主：张三".encode("gbk")).encode()
           + b" " + ID1.encode() + b"\\par }")
    got = attachment_text(rtf, content_type=None, url=BASE + "a.rtf")
    assert got.kind == "rtf" and got.error is None
    assert f"户主：张三 {ID1}" in got.text and "宋体" not in got.text


# --------------------------------------------------------------------------------------------
# hostile and broken files
# --------------------------------------------------------------------------------------------


def test_corrupt_pdf_returns_an_error_not_an_exception() -> None:
    body = make_pdf([["通知"]])[:200]
    got = attachment_text(body, content_type="application/pdf", url=BASE + "a.pdf")
    assert got.kind == "pdf" and got.error is not None and got.error.startswith("corrupt")


def test_truncated_docx_is_corrupt() -> None:
    body = roster_docx(PEOPLE)[:3000]
    got = attachment_text(body, content_type=None, url=BASE + "a.docx")
    assert got.error is not None and got.error.startswith("corrupt")


def test_random_bytes_are_unsupported_or_corrupt() -> None:
    noise = bytes(range(256)) * 16
    assert attachment_text(noise, content_type=None, url=BASE + "a.bin").error == "unsupported"
    got = attachment_text(noise, content_type=None, url=BASE + "a.pdf")
    assert got.error is not None and got.error.startswith("corrupt")


def test_zip_bomb_docx_is_bounded() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            fh.write(b"<w:document><w:body><w:p><w:r><w:t>")
            block = b"A" * (1 << 20)
            for _ in range(80):  # 80 MB of text, ~80 KB compressed
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    body = buf.getvalue()
    assert len(body) < 1_000_000
    t0 = time.monotonic()
    got = attachment_text(body, content_type=None, url=BASE + "bomb.docx")
    assert time.monotonic() - t0 < 5
    assert got.kind == "docx" and got.error is not None and got.error.startswith("too large")


def test_zip_bomb_with_lying_sizes_is_bounded() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:t>" + b"B" * (40 << 20) + b"</w:t>")
    raw = bytearray(buf.getvalue())
    # Rewrite the declared uncompressed size (local header and central directory) to 1 KB.
    local = raw.find(b"PK\x03\x04")
    raw[local + 22 : local + 26] = (1024).to_bytes(4, "little")
    central = raw.find(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    got = attachment_text(bytes(raw), content_type=None, url=BASE + "bomb.docx")
    assert got.error is not None
    assert len(got.text) <= 2048


def test_encrypted_ooxml_is_reported() -> None:
    body = make_ole({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64})
    got = attachment_text(body, content_type=None, url=BASE + "mx.xlsx")
    assert got.error == "encrypted"


def test_max_chars_truncates_without_error() -> None:
    lines = [f"{i} 张三 {ID1} 1000" for i in range(60)]
    got = attachment_text(make_pdf([lines, lines]), content_type=None, url=BASE + "a.pdf", max_chars=500)
    assert got.truncated and got.error is None and len(got.text) == 500


def test_time_limit_gives_timeout() -> None:
    got = attachment_text(roster_xlsx(), content_type=None, url=BASE + "a.xlsx", max_seconds=0.0)
    assert got.error == "timeout"


def test_too_large_body_is_not_opened() -> None:
    got = attachment_text(b"%PDF-1.4\n" + b"0" * (51 << 20), content_type=None, url=BASE + "scan.pdf")
    assert got.error is not None and got.error.startswith("too large") and got.text == ""
