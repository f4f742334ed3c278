"""Turn a fetched body into text: find the encoding the page really uses, never raise.

Chinese government sites are a hard case for charset handling: GBK/GB2312 is still common,
declarations are often wrong (a page declares ``gb2312`` but was re-saved as UTF-8 by a newer
CMS; Tomcat answers ``charset=ISO-8859-1`` for everything; a UTF-8 declaration sits on a GBK
template), and the body may have been cut at the size cap in the middle of a character.

The order of evidence is:

1. a byte-order mark;
2. the ``charset`` parameter of the HTTP ``Content-Type`` header;
3. ``<meta charset>`` / ``<meta http-equiv="Content-Type" content="...; charset=...">`` or an
   XML declaration in the first few KB (a bytes-level regex, no parsing);
4. detection: strict UTF-8, then strict GB18030 with a GB2312-shape check, then
   charset-normalizer on a bounded prefix.

A declaration is checked against the bytes where that is cheap and telling: a legacy CJK
declaration on bytes that are valid UTF-8 (with real multibyte content) is overridden by UTF-8,
and a UTF-8 declaration on bytes that are not UTF-8 falls back to whichever candidate decodes
with fewer errors. This runs on every page, so the common case (declared and valid) costs one
``bytes.decode`` and a couple of tiny regex searches.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

__all__ = ["decode_body", "normalise_charset"]

# How much of the body the <meta> prescan looks at. The HTML spec says 1024 bytes; real
# government templates often put long comment banners and inline CSS first, so look further.
META_SCAN_BYTES = 8192
# How much of the body charset-normalizer sees (it is slow; a prefix is plenty for a verdict).
DETECT_SCAN_BYTES = 16384

_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x"> and
# the odd <meta content="...charset=x" http-equiv=...>: any charset= inside a <meta> tag.
_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")

# Canonical names returned by normalise_charset (Python codec names, WHATWG-flavoured choices).
_UTF8 = "utf-8"
_GB = "gb18030"
_WESTERN = "cp1252"

# Aliases seen in the wild, resolved without a codecs.lookup. GB2312 and GBK are subsets of
# GB18030, and pages declaring them routinely use characters outside GB2312 (人名/地名 rare
# hanzi), so the whole family decodes as gb18030, exactly as browsers do.
_ALIASES: dict[str, str] = {
    "utf-8": _UTF8,
    "utf8": _UTF8,
    "unicode-1-1-utf-8": _UTF8,
    "x-unicode20utf8": _UTF8,
    "gb2312": _GB,
    "gb_2312": _GB,
    "gb_2312-80": _GB,
    "gb2312-80": _GB,
    "gbk": _GB,
    "x-gbk": _GB,
    "cp936": _GB,
    "ms936": _GB,
    "windows-936": _GB,
    "gb18030": _GB,
    "gb-18030": _GB,
    "chinese": _GB,
    "csgb2312": _GB,
    "csiso58gb231280": _GB,
    "iso-ir-58": _GB,
    "euc-cn": _GB,
    "euccn": _GB,
    "x-euc-cn": _GB,
    # Browsers read latin-1 and ascii labels as windows-1252.
    "iso-8859-1": _WESTERN,
    "iso8859-1": _WESTERN,
    "latin1": _WESTERN,
    "latin-1": _WESTERN,
    "l1": _WESTERN,
    "ascii": _WESTERN,
    "us-ascii": _WESTERN,
    "ansi_x3.4-1968": _WESTERN,
    "windows-1252": _WESTERN,
    "cp1252": _WESTERN,
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-jp": "euc_jp",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf-16": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
}
# Codec names after codecs.lookup() that belong to a family above.
_LOOKUP_FAMILY = {
    "gb2312": _GB,
    "gbk": _GB,
    "gb18030": _GB,
    "iso8859-1": _WESTERN,
    "ascii": _WESTERN,
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "utf-16": "utf-16-le",
}
# Codecs that exist in Python but are not page encodings (or are unsafe to honour: UTF-7 is
# an XSS vector and is forbidden by the HTML spec).
_REJECTED_CODECS = frozenset(
    {
        "undefined",
        "idna",
        "punycode",
        "unicode-escape",
        "raw-unicode-escape",
        "utf-7",
        "mbcs",
        "oem",
        "charmap",
    }
)
# Multibyte legacy encodings whose strict decode can succeed on UTF-8 bytes by accident, so a
# declaration of one of them does not prove the bytes are not UTF-8.
_LEGACY_CJK = frozenset({_GB, "big5hkscs", "cp932", "euc_jp", "cp949", "hz"})
_UTF16_32 = frozenset({"utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
# Declarations that say nothing useful about a Chinese page (Tomcat's default, lazy templates).
_WEAK = frozenset({_WESTERN})

# bytes.translate deletion tables used to count byte classes at C speed.
_BELOW_C2 = bytes(range(0xC2))  # delete these → UTF-8 lead bytes of multibyte sequences remain
_ASCII_BYTES = bytes(range(0x80))
# A GB2312-region pair: 0xA1-0xF7 lead (punctuation, kana, hanzi), 0xA1-0xFE trail.
_GB2312_PAIR_RE = re.compile(rb"[\xa1-\xf7][\xa1-\xfe]")
# Non-ASCII characters that real Chinese UTF-8 pages contain; text mis-decoded from GBK shows
# Hebrew/Arabic/Cyrillic/Latin-extended letters instead.
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_IMPLAUSIBLE_RE = re.compile(
    "[^\x00-\x7f\u00a0-\u00ff\u2000-\u206f\u2100-\u27ff\u3000-\u303f\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
# Past this many multibyte sequences, valid UTF-8 cannot be GBK by accident (each GBK hanzi
# forms a valid UTF-8 piece with p≈0.14, so p^16 ≈ 1e-14).
_SURE_UTF8_SEQUENCES = 16

_TRUNCATION_REASONS = frozenset({"unexpected end of data", "incomplete multibyte sequence"})


@lru_cache(maxsize=512)
def normalise_charset(name: str | None) -> str | None:
    """Map a declared charset label to a Python codec name, or None when unknown/bogus.

    The whole GB family (gb2312, gbk, x-gbk, cp936, gb_2312-80, euc-cn, ...) becomes
    ``gb18030``; latin-1/ascii labels become ``cp1252`` as in browsers; bytes-to-bytes codecs
    (base64, zlib, ...) and unsafe ones (utf-7) are rejected.
    """
    if not name:
        return None
    label = name.strip().strip("\"'").strip().lower()
    if not label:
        return None
    hit = _ALIASES.get(label)
    if hit is not None:
        return hit
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # bytes→bytes codecs (base64, zlib, rot13...) cannot decode a page.
    if not getattr(info, "_is_text_encoding", True):
        return None
    canonical = info.name.replace("_", "-")
    if canonical in _REJECTED_CODECS or info.name in _REJECTED_CODECS:
        return None
    return _LOOKUP_FAMILY.get(info.name, info.name)


def _charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET_RE.search(content_type)
    return normalise_charset(m.group(1)) if m else None


def _charset_from_meta(body: bytes) -> str | None:
    head = body[:META_SCAN_BYTES]
    m = _META_CHARSET_RE.search(head) or _XML_DECL_RE.search(head)
    if not m:
        return None
    found = normalise_charset(m.group(1).decode("ascii", "replace"))
    # A UTF-16/32 declaration readable as ASCII is a lie (HTML spec: treat as UTF-8).
    if found in _UTF16_32:
        return _UTF8
    return found


def _strict(body: bytes, encoding: str) -> str | None:
    """Decode strictly, tolerating only an incomplete character at the very end.

    The tail tolerance matters: bodies cut at the size cap routinely end mid-character, and
    that alone must not make a UTF-8 page look like something else.
    """
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end == len(body) and exc.reason in _TRUNCATION_REASONS:
            try:
                return body[: exc.start].decode(encoding) + "\ufffd"
            except UnicodeDecodeError:
                return None
        return None
    except LookupError:
        return None


def _is_real_utf8(body: bytes, text: str) -> bool:
    """Given bytes that decode as UTF-8, decide whether they are UTF-8 rather than GBK & co.

    Called only when a legacy CJK charset was declared, so cost matters little; the common
    GBK page fails the strict UTF-8 decode at its first hanzi and never gets here.
    """
    sequences = len(body.translate(None, _BELOW_C2))
    if sequences >= _SURE_UTF8_SEQUENCES:
        return True
    if sequences == 0:
        return False
    # Few multibyte characters: look at what they decode to.
    non_ascii = len(_NON_ASCII_RE.findall(text))
    implausible = len(_IMPLAUSIBLE_RE.findall(text))
    return implausible * 2 < non_ascii


def _looks_gb(body: bytes) -> bool:
    """True when the high bytes of `body` are mostly GB2312-region pairs (hanzi/punctuation)."""
    high = len(body.translate(None, _ASCII_BYTES))
    if high == 0:
        return False
    pairs = _GB2312_PAIR_RE.subn(b"", body)[1]
    return 2 * pairs >= 0.8 * high


def _least_bad(body: bytes, candidates: tuple[str, ...]) -> tuple[str, str]:
    """Decode with each candidate (errors="replace") and keep the one with fewest U+FFFD.

    Ties go to the first candidate, so list the declared one first.
    """
    best_text = ""
    best_enc = candidates[0]
    best_bad = -1
    for enc in candidates:
        try:
            text = body.decode(enc, "replace")
        except LookupError:
            continue
        bad = text.count("\ufffd")
        if best_bad < 0 or bad < best_bad:
            best_text, best_enc, best_bad = text, enc, bad
            if bad == 0:
                break
    return best_text, best_enc


def _detect(body: bytes) -> tuple[str, str]:
    """No usable declaration: UTF-8, then GB18030, then charset-normalizer on a prefix."""
    text = _strict(body, _UTF8)
    if text is not None:
        return text, _UTF8
    text = _strict(body, _GB)
    if text is not None and _looks_gb(body[:DETECT_SCAN_BYTES]):
        return text, _GB
    guess = _charset_normalizer_guess(body)
    if guess is not None:
        text = _strict(body, guess)
        if text is not None:
            return text, guess
        return _least_bad(body, (guess, _GB, _UTF8))
    return _least_bad(body, (_GB, _UTF8))


def _charset_normalizer_guess(body: bytes) -> str | None:
    # Imported lazily: it costs tens of milliseconds to import and is rarely needed.
    from charset_normalizer import from_bytes

    prefix = body[:DETECT_SCAN_BYTES]
    if len(body) > DETECT_SCAN_BYTES:
        # Cut after an ASCII byte so the prefix does not end inside a multibyte character.
        cut = max(prefix.rfind(b"\n"), prefix.rfind(b">"), prefix.rfind(b" "))
        if cut > DETECT_SCAN_BYTES // 2:
            prefix = prefix[: cut + 1]
    try:
        best = from_bytes(prefix).best()
    except Exception:  # noqa: BLE001 - the detector must never take a page down with it
        return None
    if best is None:
        return None
    return normalise_charset(best.encoding)


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a response body to text; return ``(text, encoding_name)``.

    `content_type` is the raw ``Content-Type`` header (or None). The encoding name is a Python
    codec name such as ``utf-8`` or ``gb18030`` (the whole GB2312/GBK family reports as
    ``gb18030``). Never raises: undecodable bytes become U+FFFD.
    """
    if not body:
        return "", _charset_from_header(content_type) or _UTF8

    # 1. BOM: overrides everything (as in browsers).
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode(_UTF8, "replace"), _UTF8
    if body.startswith(codecs.BOM_UTF16_LE):
        return body[2:].decode("utf-16-le", "replace"), "utf-16-le"
    if body.startswith(codecs.BOM_UTF16_BE):
        return body[2:].decode("utf-16-be", "replace"), "utf-16-be"

    # 2./3. Declarations. A weak header (ISO-8859-1 from a server default) yields to <meta>.
    declared = _charset_from_header(content_type)
    if declared is None or declared in _WEAK:
        meta = _charset_from_meta(body)
        if meta is not None:
            declared = meta

    if body.isascii():
        # Every ASCII-compatible declaration reads ASCII the same way; keep the declared name.
        if declared is None or declared in _UTF16_32:
            return body.decode("ascii"), "ascii"
        return body.decode("ascii"), declared

    if declared == _UTF8:
        text = _strict(body, _UTF8)
        if text is not None:
            return text, _UTF8
        # Declared UTF-8 but it is not: a GBK template under a UTF-8 header is common.
        # Stray bad bytes in a real UTF-8 page keep UTF-8 (fewest replacement characters).
        text = _strict(body, _GB)
        if text is not None and _looks_gb(body[:DETECT_SCAN_BYTES]):
            return text, _GB
        return _least_bad(body, (_UTF8, _GB))

    if declared in _LEGACY_CJK:
        # A gb2312/GBK declaration over UTF-8 bytes (CMS migrated, meta tag kept) is the
        # classic case; GBK text is almost never valid UTF-8, so valid UTF-8 wins.
        text = _strict(body, _UTF8)
        if text is not None and _is_real_utf8(body, text):
            return text, _UTF8
        text = _strict(body, declared)
        if text is not None:
            return text, declared
        return _least_bad(body, (declared, _UTF8) if declared == _GB else (declared, _GB, _UTF8))

    if declared is None or declared in _WEAK:
        text, enc = _detect(body)
        if declared is not None and enc != _UTF8 and enc != _GB:
            # Nothing convincing found: honour the (weak) declaration.
            return body.decode(declared, "replace"), declared
        return text, enc

    # Any other declaration (big5 is in _LEGACY_CJK; this is e.g. koi8-r, utf-16 header).
    text = _strict(body, declared)
    if text is not None:
        return text, declared
    text = _strict(body, _UTF8)
    if text is not None:
        return text, _UTF8
    return _least_bad(body, (declared, _GB, _UTF8))
