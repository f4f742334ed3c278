"""Small, valid-looking files with the right Content-Type: attachments, pictures, CSS/JS, robots.

Bodies are derived from the path (sizes vary a little) so they are deterministic and cheap.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import struct
import zipfile
import zlib

CTYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "rar": "application/x-rar-compressed",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "ico": "image/x-icon",
    "css": "text/css",
    "js": "application/javascript",
    "txt": "text/plain",
}
DOC_EXTS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "zip", "rar", "wps", "et", "ppt", "pptx", "txt", "7z"})
IMAGE_EXTS = frozenset({"jpg", "jpeg", "png", "gif", "bmp", "webp", "ico", "svg"})

_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)
_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
_JS = """/* common.js */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0, html = [];
  if (nCurrIndex > 0) {
    html.push('<a href="' + _sPageName + '.' + _sPageExt + '">首页</a>');
    html.push('<a href="' + _sPageName + (nCurrIndex > 1 ? '_' + (nCurrIndex - 1) : '') + '.' + _sPageExt + '">上一页</a>');
  }
  if (nCurrIndex < _nPageCount - 1) {
    html.push('<a href="' + _sPageName + '_' + (nCurrIndex + 1) + '.' + _sPageExt + '">下一页</a>');
    html.push('<a href="' + _sPageName + '_' + (_nPageCount - 1) + '.' + _sPageExt + '">尾页</a>');
  }
  document.write(html.join(' '));
}
function SetHome(obj, url) { try { obj.style.behavior = 'url(#default#homepage)'; obj.setHomePage(url); } catch (e) {} }
function AddFavorite(title, url) { try { window.external.addFavorite(url, title); } catch (e) {} }
function doZoom(size) { document.getElementById('zoom').style.fontSize = size + 'px'; }
"""
_CSS = "body{margin:0}a{text-decoration:none}img{border:0}.clear{clear:both}\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b"")


_PNG = _png()


def _pad(path: str, lo: int = 1024, hi: int = 6144) -> bytes:
    digest = hashlib.sha256(path.encode()).digest()
    n = lo + int.from_bytes(digest[:4], "big") % (hi - lo)
    return (digest * (n // len(digest) + 1))[:n]


@functools.lru_cache(maxsize=8)
def _zip(kind: str) -> bytes:
    members = {
        "docx": {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"},
        "xlsx": {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"},
    }.get(kind, {"说明.txt": "附件"})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            zf.writestr(info, text)
    return buf.getvalue()


def file_body(ext: str, path: str) -> bytes:
    """Bytes of a file with extension `ext` served at `path`."""
    ext = ext.lower()
    if ext == "pdf":
        return (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% "
            + _pad(path).hex().encode()[:2048]
            + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        )
    if ext in ("doc", "xls"):
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + _pad(path)
    if ext in ("docx", "xlsx", "zip"):
        return _zip(ext)
    if ext == "rar":
        return b"Rar!\x1a\x07\x00" + _pad(path)
    if ext in ("jpg", "jpeg"):
        return _JPEG
    if ext == "png":
        return _PNG
    if ext == "gif":
        return _GIF
    if ext == "ico":
        return b"\x00\x00\x01\x00\x01\x00\x01\x01\x00\x00\x01\x00\x20\x00" + struct.pack("<II", len(_PNG), 22) + _PNG
    if ext == "css":
        return _CSS.encode()
    if ext == "js":
        return _JS.encode("utf-8")
    return _pad(path)


def content_type(ext: str) -> str:
    """Content-Type for an extension."""
    return CTYPES.get(ext.lower(), "application/octet-stream")


def robots_txt(disallow: tuple[str, ...]) -> bytes:
    """robots.txt allowing everything but `disallow`."""
    lines = ["User-agent: *"] + ([f"Disallow: {p}" for p in disallow] or ["Disallow:"])
    return ("\n".join(lines) + "\n").encode()
