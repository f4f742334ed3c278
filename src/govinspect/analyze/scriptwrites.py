"""What inline scripts write into a page, without running them.

Spam kits write their links with `document.write`/`innerHTML`, hidden behind string
concatenation, `\\x`/`\\u` escapes, `unescape('%3Ca…')`/`%uXXXX`, `String.fromCharCode(…)` or
`atob(…)`. `written_by_scripts` decodes the string pieces of each writing script in source
order and reads the `<a>`/`<iframe>` tags and the text they form; `script_links(html)` is the
public view (URLs only). Work is bounded by `max_script_chars` of data/spam_terms.yaml.
"""

from __future__ import annotations

import base64
import binascii
import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from govinspect.analyze.nodes import collapse
from govinspect.analyze.spamwords import SpamLexicon, load_spam_lexicon

__all__ = ["WrittenLink", "script_links", "written_by_scripts"]

MAX_TEXT = 60  # characters of written anchor text kept


_SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
# JavaScript names are case-sensitive (document.Write is no call), and a case-blind search
# costs two and a half times as much over the long inline scripts of real pages.
_WRITER_RE = re.compile(r"document\s*\.\s*write|\.innerHTML|\.outerHTML|insertAdjacentHTML|\.html\s*\(|\.append\s*\(")
_JOIN_RE = re.compile(r"""(['"])\s*\+\s*\1""")
_ESC_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|.)", re.S)
_PCT_U_RE = re.compile(r"%u([0-9a-fA-F]{4})")
_WRITTEN_LINK_RE = re.compile(
    r"""<(a|area|iframe|frame)\b([^>]*?)\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>'"]+))([^>]*)>(.*?)(?:</\1\s*>|(?=<(?:a|area|iframe|frame)\b)|$)""",
    re.I | re.S,
)
_TAG_RE = re.compile(r"<[^>]*>")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}


# A run of \uHHHH escapes (JSON-encoded text) decoded by one call; any other escape alone.
_ESC_RUN_RE = re.compile(r"(?:\\u[0-9a-fA-F]{4})+|\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|.)", re.S)


def _js_unescape_literal(body: str) -> str:
    """The value of a JS string literal's body (\\xHH, \\uHHHH, \\u{…}, \\n …)."""

    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc is None:  # a run of \uHHHH: each one character, as below (no pairing)
            run = m.group()
            return "".join([chr(int(run[k + 2 : k + 6], 16)) for k in range(0, len(run), 6)])
        if esc[0] == "x" and len(esc) > 1:  # (a bare \x, like a bare \u, is read as the letter)
            return chr(int(esc[1:], 16))
        if esc[0] == "u" and len(esc) > 1:
            digits = esc[2:-1] if esc[1] == "{" else esc[1:]
            try:
                return chr(int(digits, 16))
            except (ValueError, OverflowError):
                return ""
        return _SIMPLE_ESCAPES.get(esc, esc)

    return _ESC_RUN_RE.sub(repl, body) if "\\" in body else body


def _percent_decode(text: str) -> str:
    """JS `unescape`/`decodeURIComponent`: %uXXXX, then %XX as UTF-8 (Latin-1 if that fails)."""
    if "%" not in text:
        return text
    text = _PCT_U_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return unquote(text, encoding="latin-1")


_PIECE_RE = re.compile(
    r"""fromCharCode\s*\(\s*(?P<codes>[\d\s,xXa-fA-F]{1,60000})\)"""
    r"""|atob\s*\(\s*['"](?P<b64>[A-Za-z0-9+/=\s]{8,40000})['"]\s*\)"""
    r"""|'(?P<sq>(?:[^'\\\n]|\\.){0,20000})'|"(?P<dq>(?:[^"\\\n]|\\.){0,20000})"|`(?P<bq>(?:[^`\\]|\\.){0,20000})`"""
)


# The same pieces with the string literals written as unrolled loops, which CPython's regular
# expressions run about five times as fast over long scripts. The two differ only on a literal
# of more than 20,000 characters (the bound of the original), when the original is used.
_PIECE_FAST_RE = re.compile(
    r"""fromCharCode\s*\(\s*(?P<codes>[\d\s,xXa-fA-F]{1,60000})\)"""
    r"""|atob\s*\(\s*['"](?P<b64>[A-Za-z0-9+/=\s]{8,40000})['"]\s*\)"""
    r"""|'(?P<sq>[^'\\\n]*(?:\\.[^'\\\n]*)*)'|"(?P<dq>[^"\\\n]*(?:\\.[^"\\\n]*)*)"|`(?P<bq>[^`\\]*(?:\\.[^`\\]*)*)`"""
)
_LITERAL_BOUND = 20000


def _pieces(joined: str) -> list[re.Match[str]]:
    """`_PIECE_RE.finditer(joined)`, by the fast expression when no piece is that long."""
    found = list(_PIECE_FAST_RE.finditer(joined))
    if any(m.end() - m.start() > _LITERAL_BOUND for m in found):
        return list(_PIECE_RE.finditer(joined))
    return found


_SELECTOR_ARG_RE = re.compile(
    r"(?:getElementById|querySelector(?:All)?|getElementsBy\w+|\$|jQuery|\.attr|\.css|\.(?:add|remove)Class)\s*\(\s*$"
)


def _from_char_codes(args: str) -> str:
    codes: list[str] = []
    for part in args.split(","):
        part = part.strip()
        try:
            codes.append(chr(int(part, 16) if part[:2].lower() == "0x" else int(part)))
        except (ValueError, OverflowError):
            continue
    return "".join(codes)


def _written_html(script: str, budget: int) -> str:
    """What an inline script writes, approximately: its string pieces decoded and joined.

    Joining every string literal, `String.fromCharCode(…)` and `atob('…')` in source order
    reconstructs `document.write('<a hr' + 'ef="…">' + …)` and the usual variable
    concatenation tricks without running any JavaScript.
    """
    pieces: list[str] = []
    joined = _JOIN_RE.sub("", script[:budget])
    for m in _pieces(joined):
        start = m.start()
        # getElementById('box') names the target element, it is not written (the regular
        # expression only where an opening parenthesis comes just before: most literals don't).
        if "(" in joined[max(0, start - 4) : start] and _SELECTOR_ARG_RE.search(joined, max(0, start - 40), start):
            continue
        if m.group("codes") is not None:
            pieces.append(_from_char_codes(m.group("codes")))
        elif m.group("b64") is not None:
            try:
                raw = base64.b64decode("".join(m.group("b64").split()), validate=True)
            except (binascii.Error, ValueError):
                continue
            pieces.append(raw.decode("utf-8", errors="replace"))
        else:
            body = m.group("sq") if m.group("sq") is not None else m.group("dq")
            if body is None:
                body = m.group("bq") or ""
            value = _js_unescape_literal(body) if "\\" in body else body
            pieces.append(_percent_decode(value) if "%" in value else value)
    written = "".join(pieces)
    # One more round for unescape(unescape(…)) and escapes inside decoded text.
    lowered = written.lower()
    if "%3c" in lowered or "%u003c" in lowered:
        written = _percent_decode(written)
    return written


@dataclass(frozen=True, slots=True)
class WrittenLink:
    """A link an inline script writes: URL as written, anchor text, tag (a, area, iframe, frame)."""

    url: str
    text: str
    tag: str


_WRITES_SOMETHING_RE = re.compile(r"<a[\s>]|<i?frame|href|src\s*=|%3c|\\x3c|\\u|%u|fromcharcode|atob|&#", re.I)


def written_by_scripts(
    scripts: Iterable[str], budget: int, lexicon: SpamLexicon | None = None
) -> tuple[list[WrittenLink], list[str]]:
    """Links and text that inline `scripts` write into the page (bounded by `budget` chars).

    A writing script is decoded when it carries a link or an escape (<a, href, %3C, \\x3c, \\u,
    fromCharCode …) or, given `lexicon`, a spam term in clear; date widgets are skipped.
    """
    links: list[WrittenLink] = []
    texts: list[str] = []
    for script in scripts:
        if budget <= 0:
            break
        if not _WRITER_RE.search(script):
            continue
        if not _WRITES_SOMETHING_RE.search(script) and (lexicon is None or not lexicon.hits(script.lower())):
            continue
        budget -= len(script)
        written = _written_html(script, max(budget + len(script), 0))
        if "<" not in written:
            continue
        for m in _WRITTEN_LINK_RE.finditer(written):
            url = html_lib.unescape(next(g for g in (m.group(4), m.group(5), m.group(6), "") if g is not None)).strip()
            if not url or url.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            text = collapse(html_lib.unescape(_TAG_RE.sub(" ", m.group(8) or "")))
            links.append(WrittenLink(url, text[:MAX_TEXT], m.group(1).lower()))
        texts.append(collapse(html_lib.unescape(_TAG_RE.sub(" ", written))))
    return links, texts


def script_links(html: str) -> list[str]:
    """URLs (as written, de-duplicated, in order) that inline scripts write into the page.

    Covers `document.write`/`writeln`, `innerHTML`/`outerHTML`/`insertAdjacentHTML` and jQuery
    `.html()`/`.append()` with string literals, concatenation, `\\x`/`\\u` escapes,
    `unescape`/`decodeURIComponent` (`%XX`, `%uXXXX`), `String.fromCharCode` and `atob`. Only
    `<a>`/`<area>` hrefs and `<iframe>`/`<frame>` srcs are returned (statistics loaders write
    `<script src>` everywhere). Scripts with a `src` are not fetched; at most 300,000 characters
    of inline script are decoded.
    """
    scripts = [m.group(2) for m in _SCRIPT_RE.finditer(html) if not re.search(r"\bsrc\s*=", m.group(1), re.I)]
    links, _ = written_by_scripts(scripts, load_spam_lexicon().thresholds["max_script_chars"])
    seen: dict[str, None] = {}
    for link in links:
        seen.setdefault(link.url, None)
    return list(seen)
