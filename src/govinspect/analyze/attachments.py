"""Text of downloaded attachments (PDF, DOCX, XLSX, PPTX, OFD, DOC/WPS, XLS/ET, RTF, HTML, TXT),
bounded in size and time, for the privacy and secret-mark checks.

`attachment_text` never raises: a file that cannot be read gives an `AttachmentText` with an
`error` ("encrypted", "too large", "timeout", "unsupported", "corrupt: …") and whatever text was
read before the problem. Text longer than `max_chars` is cut and marked `truncated` (not an
error: the checks read the beginning, where headers and list tables are).

Type detection: magic bytes first (%PDF, PK zip → the part names say docx/xlsx/pptx/ofd, OLE2 →
its stream names say doc/xls or an encrypted OOXML, {\\rtf, HTML), the URL's extension and the
Content-Type second. Government sites serve HTML saved as ".doc" and error pages as ".pdf";
the magic wins.

Bounds (`data/attachments.yaml`): the body size; every zip member is decompressed in steps and
cut at a cap whatever size the zip declares (zip bombs); the number of zip entries; PDF pages;
OLE stream sizes. The time limit is cooperative — checked between PDF pages and decompression
and parsing steps — so one step (one PDF page) can overrun it, never by the whole file.

Row structure is kept where the format has it: table rows of DOCX/DOC and sheet rows of XLSX
come out as tab-separated lines, which `privacy.text_units` reads like HTML table rows.

Legacy formats are best effort: .doc/.wps text comes from the Word 97 piece table (falling back
to a scan of printable UTF-16/ASCII runs); .xls/.et from a scan of the workbook stream's strings
(ID numbers stored as text are found; numbers stored as numbers are not).
"""

from __future__ import annotations

import html as html_lib
import io
import re
import struct
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit


from govinspect.analyze.privacy import PrivacyHit, text_privacy
from govinspect.analyze.secrets import SecretMark, find_secret_marks
from govinspect.yamlfiles import load_yaml

__all__ = [
    "AttachmentText",
    "attachment_privacy",
    "attachment_secret_marks",
    "attachment_text",
    "detect_kind",
]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class AttachmentText:
    """What could be read of an attachment.

    `kind`: pdf, docx, xlsx, pptx, ofd, doc, wps, xls, et, rtf, html, txt or unknown.
    `error`: None, or why the text is missing or partial. `truncated`: the text was cut at
    max_chars.
    """

    kind: str
    text: str
    error: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class _Limits:
    max_body_bytes: int
    max_member_bytes: int
    max_unzipped_bytes: int
    max_zip_entries: int
    max_pdf_pages: int
    max_ole_stream_bytes: int
    read_chunk_bytes: int


@lru_cache(maxsize=1)
def _limits() -> _Limits:
    text = resources.files("govinspect.data").joinpath("attachments.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return _Limits(**{k: int(data[k]) for k in _Limits.__dataclass_fields__})


class _Stop(Exception):
    """Extraction ends early; `reason` is the error (None when the text is merely full)."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason)
        self.reason = reason


class _Out:
    """Collected text with the char and time budget; `add` raises _Stop when one runs out."""

    def __init__(self, max_chars: int, deadline: float) -> None:
        self.parts: list[str] = []
        self.chars = 0
        self.max_chars = max_chars
        self.deadline = deadline
        self.truncated = False

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Stop("timeout")

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.max_chars - self.chars
        if len(text) >= room:
            self.parts.append(text[:room])
            self.chars = self.max_chars
            self.truncated = True
            raise _Stop(None)
        self.parts.append(text)
        self.chars += len(text)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------------------
# type detection
# --------------------------------------------------------------------------------------------

_EXT_KINDS = {
    "pdf": "pdf", "docx": "docx", "docm": "docx", "wpsx": "docx", "xlsx": "xlsx", "xlsm": "xlsx",
    "pptx": "pptx", "ofd": "ofd", "doc": "doc", "wps": "wps", "dot": "doc", "xls": "xls", "et": "et",
    "rtf": "rtf", "htm": "html", "html": "html", "mht": "html", "txt": "txt", "csv": "txt",
}
_CTYPE_KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/rtf": "rtf", "text/rtf": "rtf", "text/html": "html", "text/plain": "txt", "text/csv": "txt",
    "application/ofd": "ofd",
}
_HTML_START_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|meta|table|div|\?xml[^>]*>\s*<html)", re.I)


def _ext_kind(url: str) -> str | None:
    path = urlsplit(url).path if "://" in url else url
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    return _EXT_KINDS.get(name.rsplit(".", 1)[-1].lower())


def _ctype_kind(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return _CTYPE_KINDS.get(content_type.split(";", 1)[0].strip().lower())


def _zip_kind(body: bytes, hint: str | None) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            names = set(zf.namelist()[: _limits().max_zip_entries])
    except (zipfile.BadZipFile, ValueError, OSError):
        return hint if hint in ("docx", "xlsx", "pptx", "ofd") else "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    return "zip"


def _ole_kind(body: bytes, hint: str | None) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(body))
    except Exception:  # noqa: BLE001 - any parse failure means "not a readable OLE file"
        return hint if hint in ("doc", "wps", "xls", "et") else "unknown"
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            return "encrypted-ooxml"
        if ole.exists("WordDocument"):
            return "wps" if hint == "wps" else "doc"
        if ole.exists("Workbook") or ole.exists("Book"):
            return "et" if hint == "et" else "xls"
        return "ole"
    finally:
        ole.close()


def detect_kind(body: bytes, content_type: str | None, url: str) -> str:
    """The attachment's type: magic bytes first, then the URL extension, then the Content-Type.

    Returns one of the `AttachmentText.kind` values, "encrypted-ooxml" (a password-protected
    docx/xlsx, stored as OLE2), "zip"/"ole" (containers of no known document type) or "unknown".
    """
    hint = _ext_kind(url) or _ctype_kind(content_type)
    head = body[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(body, hint)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(body, hint)
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START_RE.match(head) or head.lstrip()[:12].lower().startswith(b"mime-version"):
        return "html"
    if hint in ("txt", "html"):
        return hint
    return "unknown" if hint is None else f"unknown:{hint}"


# --------------------------------------------------------------------------------------------
# zip-based formats
# --------------------------------------------------------------------------------------------


class _Zip:
    """A zip read with caps on entries and on bytes actually decompressed."""

    def __init__(self, body: bytes, out: _Out) -> None:
        lim = _limits()
        self.zf = zipfile.ZipFile(io.BytesIO(body))
        infos = self.zf.infolist()
        if len(infos) > lim.max_zip_entries:
            raise _Stop("too large: too many zip entries")
        self.names = [i.filename for i in infos]
        self.out = out
        self.total = 0

    def read(self, name: str) -> bytes:
        """Member `name`, decompressed in steps; _Stop("too large") past the caps."""
        lim = _limits()
        info = self.zf.getinfo(name)
        if info.flag_bits & 0x1:
            raise _Stop("encrypted")
        if info.file_size > lim.max_member_bytes:
            raise _Stop(f"too large: {name} declares {info.file_size} bytes")
        chunks: list[bytes] = []
        size = 0
        with self.zf.open(info) as fh:  # declared sizes can lie: count what comes out
            while True:
                self.out.check()
                chunk = fh.read(lim.read_chunk_bytes)
                if not chunk:
                    break
                size += len(chunk)
                self.total += len(chunk)
                if size > lim.max_member_bytes or self.total > lim.max_unzipped_bytes:
                    raise _Stop(f"too large: {name} expands beyond {lim.max_member_bytes} bytes")
                chunks.append(chunk)
        return b"".join(chunks)

    def numbered(self, pattern: str) -> list[str]:
        """Member names matching `pattern` (one number group), in numeric order."""
        rx = re.compile(pattern)
        found = [(int(m.group(1)), n) for n in self.names if (m := rx.fullmatch(n))]
        return [n for _, n in sorted(found)]


def _xml_slices(xml: str, size: int = 1 << 20) -> list[str]:
    """`xml` cut at tag boundaries into ~1 MB slices, so the time limit is checked between them."""
    slices = []
    start = 0
    while start < len(xml):
        end = min(len(xml), start + size)
        if end < len(xml):
            cut = xml.rfind(">", start, end)
            end = cut + 1 if cut > start else end
        slices.append(xml[start:end])
        start = end
    return slices


def _unescape(text: str) -> str:
    return html_lib.unescape(text) if "&" in text else text


_DOCX_RE = re.compile(
    r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:(tab|br|cr)\b[^>]*/>|<(/?)w:(p|tc|tr)\b[^>]*?(/?)>"
)


def _docx_part(xml: str, out: _Out) -> None:
    """Text of one WordprocessingML part: paragraphs as lines, table rows as tab-separated cells."""
    depth = 0  # table cells open
    buf: list[str] = []
    for piece in _xml_slices(xml):
        out.check()
        for m in _DOCX_RE.finditer(piece):
            text, empty, closing, tag, selfclose = m.groups()
            if text is not None:
                buf.append(_unescape(text))
            elif empty is not None:
                if depth:  # inside a table cell: keep the row on one line
                    buf.append(" ")
                else:
                    buf.append("\t" if empty == "tab" else "\n")
            elif tag == "tc":
                if closing:
                    depth = max(0, depth - 1)
                    if buf and buf[-1] == " ":  # the cell's last paragraph end
                        buf[-1] = "\t"
                    else:
                        buf.append("\t")
                elif not selfclose:
                    depth += 1
            elif tag == "tr" and closing:
                if buf and buf[-1] == "\t":
                    buf[-1] = "\n"
                else:
                    buf.append("\n")
            elif tag == "p" and (closing or selfclose):
                buf.append(" " if depth else "\n")
        out.add("".join(buf))
        buf.clear()


def _docx(body: bytes, out: _Out) -> None:
    z = _Zip(body, out)
    # Headers first: a classification mark may sit in the page header.
    for name in z.numbered(r"word/header(\d+)\.xml") + ["word/document.xml"]:
        _docx_part(z.read(name).decode("utf-8", errors="replace"), out)
        out.add("\n")


_SI_RE = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_T_RE = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_RPH_RE = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ROW_RE = re.compile(r"<row\b[^>]*?(?:/>|>(.*?)</row>)", re.S)
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_T_RE = re.compile(r'\bt="(\w+)"')
_ATTR_R_RE = re.compile(r'\br="([A-Z]{1,3})\d+"')
_V_RE = re.compile(r"<v>([^<]*)</v>")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _number_text(v: str) -> str:
    """An XLSX number as a person typed it: 13812345678, not 1.3812345678E10."""
    if re.fullmatch(r"-?\d+", v):
        return v
    try:
        f = float(v)
    except ValueError:
        return v
    if f.is_integer() and abs(f) < 1e16:
        return str(int(f))
    return v


def _xlsx(body: bytes, out: _Out) -> None:
    z = _Zip(body, out)
    shared: list[str] = []
    if "xl/sharedStrings.xml" in z.names:
        xml = z.read("xl/sharedStrings.xml").decode("utf-8", errors="replace")
        for m in _SI_RE.finditer(xml):
            inner = _RPH_RE.sub("", m.group(1) or "")
            shared.append(_unescape("".join(_T_RE.findall(inner))))
        out.check()
    for name in z.numbered(r"xl/worksheets/sheet(\d+)\.xml"):
        xml = z.read(name).decode("utf-8", errors="replace")
        for i, row in enumerate(_ROW_RE.finditer(xml)):
            if i % 256 == 0:
                out.check()
            cells: dict[int, str] = {}
            for c in _CELL_RE.finditer(row.group(1) or ""):
                attrs, inner = c.group(1), c.group(2) or ""
                t = _ATTR_T_RE.search(attrs)
                kind = t.group(1) if t else "n"
                if kind == "inlineStr":
                    value = _unescape("".join(_T_RE.findall(inner)))
                else:
                    v = _V_RE.search(inner)
                    if v is None:
                        continue
                    raw = v.group(1)
                    if kind == "s":
                        k = int(raw) if raw.isdigit() else -1
                        value = shared[k] if 0 <= k < len(shared) else ""
                    elif kind == "n":
                        value = _number_text(raw)
                    else:
                        value = _unescape(raw)
                r = _ATTR_R_RE.search(attrs)
                col = _col_index(r.group(1)) if r else (max(cells) + 1 if cells else 0)
                cells[col] = " ".join(value.split())
            if cells:
                width = min(max(cells) + 1, 256)
                out.add("\t".join(cells.get(k, "") for k in range(width)).rstrip("\t") + "\n")
        out.add("\n")


_A_RE = re.compile(r"<a:t>([^<]*)</a:t>|</a:p>")


def _pptx(body: bytes, out: _Out) -> None:
    z = _Zip(body, out)
    for name in z.numbered(r"ppt/slides/slide(\d+)\.xml"):
        xml = z.read(name).decode("utf-8", errors="replace")
        out.check()
        out.add("".join(_unescape(m.group(1)) if m.group(1) is not None else "\n" for m in _A_RE.finditer(xml)))
        out.add("\n")


_OFD_RE = re.compile(r"<(?:\w+:)?TextCode\b[^>]*>([^<]*)</(?:\w+:)?TextCode>|</(?:\w+:)?TextObject>")


def _ofd(body: bytes, out: _Out) -> None:
    z = _Zip(body, out)
    pages = z.numbered(r"Doc_\d+/Pages/Page_(\d+)/Content\.xml")
    for name in pages:
        xml = z.read(name).decode("utf-8", errors="replace")
        out.check()
        out.add("".join(_unescape(m.group(1)) if m.group(1) is not None else "\n" for m in _OFD_RE.finditer(xml)))
        out.add("\n")


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _pdf(body: bytes, out: _Out) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    lim = _limits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns on every sloppy PDF; the text is what counts
        try:
            reader = PdfReader(io.BytesIO(body), strict=False)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):  # owner-password-only PDFs open with an empty password
                        raise _Stop("encrypted")
                except _Stop:
                    raise
                except Exception as exc:  # noqa: BLE001 - e.g. AES without a crypto backend
                    raise _Stop("encrypted") from exc
            n = len(reader.pages)
        except PdfReadError as exc:
            raise _Stop(f"corrupt: {exc}"[:200]) from exc
        for i in range(n):
            out.check()
            if i >= lim.max_pdf_pages:
                out.truncated = True
                return
            out.add((reader.pages[i].extract_text() or "") + "\n")


# --------------------------------------------------------------------------------------------
# OLE2: .doc/.wps (piece table) and .xls/.et (string scan)
# --------------------------------------------------------------------------------------------


def _ole_stream(ole: Any, name: str) -> bytes:
    size = ole.get_size(name)
    if size > _limits().max_ole_stream_bytes:
        raise _Stop(f"too large: stream {name} has {size} bytes")
    return ole.openstream(name).read()


_FIELD_RE = re.compile(r"\x13[^\x13\x14\x15]*\x14?|\x15")  # field instructions (HYPERLINK …)


def _clean_word_text(text: str) -> str:
    """Word's special characters: \\r paragraphs, \\x07 cell/row marks, \\x0b breaks, fields."""
    for _ in range(3):  # nested fields
        text = _FIELD_RE.sub("", text)
    text = text.replace("\x07\r\x07", "\x07\x07")
    text = text.replace("\x07\x07", "\x07\n").replace("\x07", "\t")
    text = text.replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return re.sub(r"[\x00-\x08\x0e-\x1f]", "", text)


def _word_piece_text(wd: bytes, table: bytes) -> str:
    """Text of a Word 97+ document from its piece table (the CLX in the table stream)."""
    csw = struct.unpack_from("<H", wd, 32)[0]
    base = 34 + 2 * csw
    cslw = struct.unpack_from("<H", wd, base)[0]
    base += 2 + 4 * cslw + 2  # FibRgLw97, then cbRgFcLcb
    fc_clx, lcb_clx = struct.unpack_from("<II", wd, base + 8 * 33)
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not clx:
        raise ValueError("CLX outside the table stream")
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc entries (formatting), skipped
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i >= len(clx) or clx[i] != 0x02:
        raise ValueError("no piece table")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5 : i + 5 + lcb]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    for k in range(n):
        count = cps[k + 1] - cps[k]
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        if fc & 0x40000000:  # compressed: one byte per character (cp1252)
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(wd[start : start + count].decode("cp1252", errors="replace"))
        else:
            parts.append(wd[fc : fc + 2 * count].decode("utf-16-le", errors="replace"))
    return "".join(parts)


# Chinese runs of 2+ characters (a name is two), other printable runs of 4+.
_PRINTABLE_RUN_RE = re.compile(
    r"[\t\r\n\u0020-\u007e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{4,}|[\u4e00-\u9fff]{2,}"
)
_ASCII_RUN_RE = re.compile(rb"[\x20-\x7e]{8,}")


def _scan_strings(data: bytes) -> str:
    """Printable UTF-16LE runs (Chinese text) and ASCII runs (numbers stored as 8-bit text)."""
    lines = [m.group(0) for m in _PRINTABLE_RUN_RE.finditer(data[: len(data) & ~1].decode("utf-16-le", "replace"))]
    lines += [m.group(0).decode("ascii") for m in _ASCII_RUN_RE.finditer(data)]
    return "\n".join(line.strip() for line in lines if line.strip())


def _doc(body: bytes, out: _Out) -> None:
    import olefile

    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        wd = _ole_stream(ole, "WordDocument")
        if len(wd) < 0x200:
            raise _Stop("corrupt: WordDocument stream too short")
        ident, _nfib = struct.unpack_from("<HH", wd, 0)
        flags = struct.unpack_from("<H", wd, 0x0A)[0]
        if flags & 0x0100:
            raise _Stop("encrypted")
        out.check()
        table_name = "1Table" if flags & 0x0200 else "0Table"
        text = None
        if ident == 0xA5EC and ole.exists(table_name):
            try:
                text = _word_piece_text(wd, _ole_stream(ole, table_name))
            except (ValueError, struct.error):
                text = None
        out.check()
        out.add(_clean_word_text(text) if text is not None else _scan_strings(wd))


def _xls(body: bytes, out: _Out) -> None:
    import olefile

    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        if ole.exists("EncryptionInfo") or ole.exists("FilePass"):
            raise _Stop("encrypted")
        name = "Workbook" if ole.exists("Workbook") else "Book"
        data = _ole_stream(ole, name)
        out.check()
        out.add(_scan_strings(data))


# --------------------------------------------------------------------------------------------
# RTF, HTML, text
# --------------------------------------------------------------------------------------------

_RTF_TOKEN_RE = re.compile(rb"\\'([0-9a-fA-F]{2})|\\u(-?\d+)\??|\\(par|line|row|cell|tab)\b ?|\\[a-zA-Z]+-?\d* ?|\\[{}\\]|[{}]|[^\\{}]+")


def _rtf(body: bytes, out: _Out) -> None:
    """RTF text: \\'hh bytes in the document code page (GBK for Chinese), \\uN characters."""
    cp = re.search(rb"\\ansicpg(\d+)", body[:4096])
    codepage = f"cp{cp.group(1).decode()}" if cp else "cp936"
    try:
        "".encode(codepage)
    except LookupError:
        codepage = "cp936"
    parts: list[str] = []
    pending = bytearray()
    skip_depth = 0
    depth = 0
    for i, m in enumerate(_RTF_TOKEN_RE.finditer(body)):
        if i % 4096 == 0:
            out.check()
        tok = m.group(0)
        if m.group(1) is not None:
            if not skip_depth:
                pending.append(int(m.group(1), 16))
            continue
        if pending:
            parts.append(pending.decode(codepage, errors="replace"))
            pending.clear()
        if tok == b"{":
            depth += 1
        elif tok == b"}":
            if skip_depth and depth <= skip_depth:
                skip_depth = 0
            depth -= 1
        elif skip_depth:
            continue
        elif m.group(2) is not None:
            parts.append(chr(int(m.group(2)) % 65536))
        elif m.group(3) is not None:
            parts.append({b"par": "\n", b"line": "\n", b"row": "\n", b"cell": "\t", b"tab": "\t"}[m.group(3)])
        elif tok.startswith((b"\\fonttbl", b"\\colortbl", b"\\stylesheet", b"\\info", b"\\*", b"\\pict")):
            skip_depth = depth
        elif tok.startswith(b"\\"):
            if tok in (b"\\{", b"\\}", b"\\\\"):
                parts.append(tok[1:].decode())
        else:
            parts.append(tok.replace(b"\r", b"").replace(b"\n", b"").decode(codepage, errors="replace"))
    if pending:
        parts.append(pending.decode(codepage, errors="replace"))
    out.add("".join(parts))


def _html(body: bytes, out: _Out) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from govinspect.analyze.privacy import page_units
    from govinspect.net.decoding import decode_body

    text, _enc = decode_body(body, None)
    out.check()
    out.add("\n".join("\t".join(u.cells) if u.is_row else u.text for u in page_units(LexborHTMLParser(text))))


def _txt(body: bytes, out: _Out) -> None:
    from govinspect.net.decoding import decode_body

    text, _enc = decode_body(body, "text/plain")
    out.add(text)


_EXTRACTORS: dict[str, Callable[[bytes, _Out], None]] = {
    "pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "pptx": _pptx, "ofd": _ofd, "doc": _doc, "wps": _doc,
    "xls": _xls, "et": _xls, "rtf": _rtf, "html": _html, "txt": _txt,
}


def attachment_text(
    body: bytes,
    *,
    content_type: str | None,
    url: str,
    max_chars: int = 200_000,
    max_seconds: float = 5.0,
) -> AttachmentText:
    """The text of an attachment, at most `max_chars` characters, read in about `max_seconds`.

    Never raises: problems come back as `error` with the text read so far (see the module
    docstring for the kinds, bounds and error strings).
    """
    deadline = time.monotonic() + max_seconds
    if len(body) > _limits().max_body_bytes:
        return AttachmentText(_ext_kind(url) or "unknown", "", f"too large: {len(body)} bytes")
    try:
        kind = detect_kind(body, content_type, url)
    except Exception as exc:  # noqa: BLE001 - detection must not crash an inspection
        return AttachmentText("unknown", "", f"corrupt: {type(exc).__name__}")
    if kind == "encrypted-ooxml":
        return AttachmentText(_ext_kind(url) or "docx", "", "encrypted")
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        if kind.startswith("unknown:"):  # the extension promised a document the bytes are not
            return AttachmentText(kind.split(":", 1)[1], "", "corrupt: not a valid file of its type")
        return AttachmentText(kind, "", "unsupported")
    out = _Out(max_chars, deadline)
    error: str | None = None
    try:
        extractor(body, out)
    except _Stop as stop:
        error = stop.reason
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        error = f"corrupt: {exc}"[:200]
    except KeyError as exc:  # a zip without its main part
        error = f"corrupt: missing {exc}"[:200]
    except RecursionError:
        error = "corrupt: nesting too deep"
    except MemoryError:
        error = "too large: out of memory"
    except Exception as exc:  # noqa: BLE001 - a hostile file must never stop the inspection
        error = f"corrupt: {type(exc).__name__}: {exc}"[:200]
    return AttachmentText(kind, out.text(), error, out.truncated)


def attachment_privacy(body: bytes, content_type: str | None, url: str, **limits: Any) -> list[PrivacyHit]:
    """Unmasked personal numbers in an attachment's text (`privacy.text_privacy` rules).

    `limits` are passed to `attachment_text` (max_chars, max_seconds). An unreadable file gives [].
    """
    got = attachment_text(body, content_type=content_type, url=url, **limits)
    return text_privacy(got.text) if got.text else []


def attachment_secret_marks(
    body: bytes, content_type: str | None, url: str, *, include_internal: bool = False, **limits: Any
) -> list[SecretMark]:
    """Classification marks heading a line of an attachment's text (`secrets.find_secret_marks`)."""
    got = attachment_text(body, content_type=content_type, url=url, **limits)
    return find_secret_marks(got.text, include_internal=include_internal) if got.text else []
