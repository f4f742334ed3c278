"""URL canonicalisation, joining, scope and crawler-trap heuristics.

Everything the crawler does with a URL goes through this module, so the same string is used to
fetch a page, to de-duplicate it in the frontier and to report it as evidence.

Canonical form (`normalize_url`)
--------------------------------
Only ``http``/``https``. Browser-like clean-up first (surrounding whitespace stripped, embedded
TAB/CR/LF removed, backslashes read as slashes), then RFC 3986 syntax normalisation: lowercase
scheme and host, IDNA (UTS #46) for non-ASCII hosts, default port dropped, fragment dropped,
empty path → ``/``, dot segments resolved (clamped at the root), percent-encoding normalised
(uppercase hex, unreserved characters decoded, spaces / non-ASCII / characters that are illegal in
a URI encoded as UTF-8 escapes, a stray ``%`` → ``%25``, reserved characters kept as given), an
empty ``?`` dropped and session ids removed (``;jsessionid=`` path parameters and the query
parameters listed in `SESSION_PARAMS`). Query parameter order is kept: servers may care.

Joining (`join_url`) is on the crawler's hot path (~25,000 calls/s), so it resolves the common
href shapes with plain string operations against a pre-parsed, cached base and memoises results in
a bounded dict keyed by the part of the base the result actually depends on (the origin for
``/abs`` hrefs, the directory for ``rel`` hrefs, nothing for absolute URLs) — so navigation links
repeated on every page of a site are resolved once.

Trap heuristics (`TrapGuard`)
-----------------------------
A URL's *pattern* is the URL with every run of digits replaced by ``#`` and the values of
date-like query parameters replaced by ``{date}``; the guard counts distinct admitted URLs per
pattern. Lists and calendars are also counted per *list* (per calendar): the same URL with only
the page number (only the dates) abstracted, so that a site with 100 columns paginated through
``?columnid=N&page=M`` gives each column its own budget. Reasons, checked in this order:

``too_long``            the URL is longer than ``max_length`` (1024) characters.
``too_many_params``     more than ``max_params`` (12) query parameters.
``too_deep_path``       more than ``max_depth`` (15) path segments.
``repeating_segments``  one path segment 3+ times (4+ for all-digit segments, because dates such
                        as ``/art/2011/11/11/`` are real), or the same run of ≥ 2 segments twice in
                        a row (``/a/b/a/b/``): the shape of relative-link loops.
``calendar``            a *calendar* URL — dates alone as query values (``?date=2024-06-15``,
                        ``?year=2024&month=7``, ``?d=20240615``) or as the last path segments
                        (``/calendar/2031/05/``, ``/news/20240612.html``) — whose date is more than
                        ``future_years`` (2) after ``today``, or beyond ``calendar_limit`` (30)
                        distinct URLs of one calendar. A bare year segment (``/2024/``) counts as
                        a date only on calendar-ish paths (calendar, rili, archive, date, year...):
                        elsewhere it is as often an id.
``pagination``          more than ``pagination_limit`` (500) pages of one list (``index_#.html``,
                        ``list_#.htm``, ``node_1234_#.htm``, ``/page/#/``, ``?page=#``,
                        ``?pageNo=#``, Hanweb ``startrecord=#``...).
``pattern_flood``       more than ``flood_limit`` (2,000) distinct URLs of one pattern (calendars
                        of all columns together included), or more than ``article_limit``
                        (50,000) for list pages and id-only article sets (below).

Article URLs are not calendars even though they carry dates: when a path date is *followed by an
id* (TRS ``/202406/t20240612_123456.html``, Hanweb ``/art/2024/6/12/art_1229_5678.html``,
``/content/2024-06/12/content_98765.htm``) the date parts are kept literally in the pattern and
only the other digit runs become ``#``. Every day (or month) of articles is then its own pattern,
so the flood limit applies per day, which real sites never reach, and no date cut-off applies
(back-dated and mistyped article dates are real content). Likewise a pattern whose only varying
part is one trailing id (``/gkmlpt/content/3/3456/post_3456789.html``, ``detail.jsp?id=123``) is
an article set and is held to ``article_limit`` instead of the flood limit: big sites publish
more than 2,000 documents under one URL shape.

Memory is bounded: at most ``max_patterns`` counters and ``max_tracked_urls`` hashes of admitted
URLs are kept (beyond that the counters seen once, then the older half, are forgotten; the hash
set is cleared — the frontier de-duplicates anyway, the hashes only make repeated `check` calls
for one URL consistent). URLs without any digit and without date parameters are never counted:
they cannot form a numbered series.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from collections.abc import Iterable
from itertools import islice
from typing import Literal
from urllib.parse import unquote

import idna

__all__ = [
    "MAX_URL_LENGTH",
    "SESSION_PARAMS",
    "Scope",
    "TrapGuard",
    "host_of",
    "is_probably_html",
    "join_url",
    "link_kind_by_extension",
    "normalize_url",
    "site_key",
]

MAX_URL_LENGTH = 2048
# Refuse absurd inputs before doing any work on them (a normalised URL can only grow by escaping).
_MAX_INPUT = 4 * MAX_URL_LENGTH

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that carry a session, compared lowercased. `aspsessionid*` is a prefix
# (IIS appends random letters: ASPSESSIONIDQQGGQRST). `sid` is special-cased, see _is_session_param.
SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "sid", "sessionid", "jsession"})

# WHATWG strips "C0 control or space" from both ends of a URL.
_C0_SPACE = "".join(chr(i) for i in range(0x21))

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_AUTH_END_RE = re.compile(r"[/\\?]")
_HOST_RE = re.compile(r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\Z")
_IPV4_LIKE_RE = re.compile(r"[0-9.]+\Z")
_JSESSIONID_RE = re.compile(r";jsessionid=[^/;]*", re.IGNORECASE)

# Characters that may stay literal: unreserved + reserved (gen-delims minus '#', sub-delims).
# Anything else (and every '%') sends the component through the slow escaping routine.
_PATH_OK = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/\[\]]*\Z").match
_QUERY_OK = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]*\Z").match
_PATH_ESC_RE = re.compile(r"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/\[\]]")
_QUERY_ESC_RE = re.compile(r"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]")
_USERINFO_ESC_RE = re.compile(r"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:]")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# "%xx" (either hex case) → its normalised replacement: the character when unreserved, else "%XX".
_HEX_DECODE: dict[str, str] = {}
for _hi in "0123456789abcdefABCDEF":
    for _lo in "0123456789abcdefABCDEF":
        _c = chr(int(_hi + _lo, 16))
        _HEX_DECODE[_hi + _lo] = _c if _c in _UNRESERVED else f"%{ord(_c):02X}"
del _hi, _lo, _c


def _escape_match(m: re.Match[str]) -> str:
    hexpair = m.group(1)
    if hexpair is not None:
        return _HEX_DECODE[hexpair]
    ch = m.group(0)
    if ch == "%":
        return "%25"  # stray percent: not followed by two hex digits
    # Non-ASCII, space, controls and URI-illegal ASCII ("<>{}|^` and backslash in a query).
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _escape_query(query: str) -> str:
    return query if _QUERY_OK(query) else _QUERY_ESC_RE.sub(_escape_match, query)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 on an absolute path; `..` above the root is dropped (browsers do too)."""
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")  # "/a/b/.." → "/a/": a trailing dot segment leaves a directory
    if not out or out[0] != "":
        out.insert(0, "")
    result = "/".join(out)
    return result if result else "/"


def _normalize_path(path: str) -> str:
    """Normalise an absolute path (starting with '/'); backslashes already count as slashes."""
    if "\\" in path:
        path = path.replace("\\", "/")
    if not _PATH_OK(path):
        # Escaping first: "%2E%2E" must become ".." before dot segments are resolved.
        path = _PATH_ESC_RE.sub(_escape_match, path)
    if ";" in path and "sessionid" in path.lower():
        path = _JSESSIONID_RE.sub("", path)
    if "/." in path:
        path = _remove_dot_segments(path)
    return path or "/"


def _is_session_param(param: str) -> bool:
    eq = param.find("=")
    name = (param if eq < 0 else param[:eq]).lower()
    if name == "sid":
        # Chinese CMSs also use `sid` for a site/section id (?sid=12). Dropping that would fetch a
        # different page, so only values that look like a session token are stripped.
        value = "" if eq < 0 else param[eq + 1 :]
        return not (value.isdigit() and len(value) <= 10)
    return name in SESSION_PARAMS or name.startswith("aspsessionid")


def _normalize_query(query: str) -> str:
    """Normalise a query string (without '?'); returns '' when nothing is left."""
    if not query:
        return ""
    query = _escape_query(query)
    lowered = query.lower()
    # Cheap pre-filter: every session parameter name contains "sess" or "sid".
    if "sess" in lowered or "sid" in lowered:
        query = "&".join(p for p in query.split("&") if not _is_session_param(p))
    return query


def _encode_host(host: str) -> str | None:
    """IDNA-encode a non-ASCII host (UTS #46 mapping: full-width dots, case folding)."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    # idna refuses a whole host when any label is unusual (e.g. an ASCII label with '_'): encode
    # label by label and let the ASCII validation below judge the ASCII ones.
    labels = []
    for label in re.split(r"[.\u3002\uff0e\uff61]", host):
        if label.isascii():
            labels.append(label.lower())
            continue
        try:
            labels.append(idna.encode(label, uts46=True).decode("ascii"))
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    return ".".join(labels)


def _normalize_host(host: str) -> str | None:
    if "%" in host:
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:
            return None
    if host.startswith("["):
        if not host.endswith("]"):
            return None
        try:
            return "[" + ipaddress.IPv6Address(host[1:-1]).compressed + "]"
        except ValueError:
            return None
    if not host.isascii():
        encoded = _encode_host(host)
        if encoded is None:
            return None
        host = encoded
    host = host.lower()
    host = host.removesuffix(".")  # "x.gov.cn." is the same host as "x.gov.cn"; one key for both
    if not host or len(host) > 253 or not _HOST_RE.match(host):
        return None
    if _IPV4_LIKE_RE.match(host):
        try:
            host = str(ipaddress.IPv4Address(host))
        except ValueError:
            return None
    elif any(len(label) > 63 for label in host.split(".")):
        return None
    return host


_MISS = object()  # cache-miss sentinel (None is a valid cached answer)
_AUTH_CACHE: dict[tuple[str, str], str | None] = {}
_AUTH_CACHE_MAX = 4096


def _normalize_authority(scheme: str, authority: str) -> str | None:
    """Normalised `[userinfo@]host[:port]`, or None when unusable. Memoised (hosts repeat)."""
    key = (scheme, authority)
    cached = _AUTH_CACHE.get(key, _MISS)
    if cached is not _MISS:
        return cached  # type: ignore[return-value]
    result = _normalize_authority_uncached(scheme, authority)
    if len(_AUTH_CACHE) >= _AUTH_CACHE_MAX:
        _AUTH_CACHE.clear()
    _AUTH_CACHE[key] = result
    return result


def _normalize_authority_uncached(scheme: str, authority: str) -> str | None:
    userinfo = ""
    at = authority.rfind("@")
    if at >= 0:
        userinfo = authority[:at]
        authority = authority[at + 1 :]
        if userinfo in ("", ":"):
            userinfo = ""
        else:
            userinfo = _USERINFO_ESC_RE.sub(_escape_match, userinfo) + "@"
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return None
        host, rest = authority[: end + 1], authority[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else ""
    else:
        colon = authority.rfind(":")
        if colon >= 0:
            host, port = authority[:colon], authority[colon + 1 :]
        else:
            host, port = authority, ""
    norm_host = _normalize_host(host)
    if norm_host is None:
        return None
    port_part = ""
    if port:
        if not (port.isascii() and port.isdigit()) or len(port) > 5:
            return None
        number = int(port)
        if number > 65535 or number == 0:
            return None
        if number != _DEFAULT_PORTS[scheme]:
            port_part = f":{number}"
    return f"{userinfo}{norm_host}{port_part}"


def _clean_input(url: str) -> str:
    url = url.strip(_C0_SPACE)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.replace("\t", "").replace("\n", "").replace("\r", "")
    return url


def normalize_url(url: str) -> str | None:
    """Return the canonical form of an absolute http(s) URL, or None when it is unusable.

    The canonical form is what the crawler fetches and de-duplicates on; see the module
    docstring for the rules. None for: no or unsupported scheme, empty/invalid host, invalid
    port, or a result longer than `MAX_URL_LENGTH`.
    """
    if not isinstance(url, str) or len(url) > _MAX_INPUT:
        return None
    url = _clean_input(url)
    m = _SCHEME_RE.match(url)
    if m is None:
        return None
    scheme = m.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    rest = url[m.end() :]
    hash_pos = rest.find("#")
    if hash_pos >= 0:
        rest = rest[:hash_pos]
    # Special schemes ignore any number of slashes or backslashes before the host
    # ("http:\\\\host", "http:///host" and "http:host" all name "host").
    rest = rest.lstrip("/\\")
    end = _AUTH_END_RE.search(rest)
    if end is None:
        authority, tail = rest, ""
    else:
        authority, tail = rest[: end.start()], rest[end.start() :]
    auth = _normalize_authority(scheme, authority)
    if auth is None:
        return None
    q = tail.find("?")
    if q >= 0:
        path, query = tail[:q], _normalize_query(tail[q + 1 :])
    else:
        path, query = tail, ""
    path = _normalize_path(path) if path else "/"
    result = f"{scheme}://{auth}{path}?{query}" if query else f"{scheme}://{auth}{path}"
    return result if len(result) <= MAX_URL_LENGTH else None


# --------------------------------------------------------------------------------------------
# join_url: fast path + caches
# --------------------------------------------------------------------------------------------


class _Base:
    """A page URL pre-split for joining; built once per distinct base and cached."""

    __slots__ = ("dir", "dirpath", "full", "origin", "path", "query", "scheme")

    def __init__(self, url: str) -> None:
        # `url` is normalised, so it is always "scheme://authority/path[?query]".
        self.scheme = url[: url.find(":")]
        slash = url.find("/", len(self.scheme) + 3)
        q = url.find("?", slash)
        self.origin = url[:slash]
        self.path = url[slash:q] if q >= 0 else url[slash:]
        self.query = url[q + 1 :] if q >= 0 else ""
        self.dirpath = self.path[: self.path.rfind("/") + 1]
        self.dir = self.origin + self.dirpath
        self.full = url


_BASES: dict[str, _Base | None] = {}
_BASES_MAX = 2048
_JOIN_CACHE: dict[tuple[str, str], str | None] = {}
# ~65k entries ≈ 20 MB: enough for the navigation links of ~100 sites crawled at once.
_JOIN_CACHE_MAX = 65_536

# An href starting with one of these depends on the whole base (its last segment / query), or
# needs cleaning before it can be classified; everything else is relative to the base directory.
_FULL_KEY_FIRST = frozenset(_C0_SPACE) | {"?", "#", ""}
_KIND_ORIGIN = frozenset("/\\")


def _get_base(base: str) -> _Base | None:
    info = _BASES.get(base, _MISS)
    if info is _MISS:
        norm = normalize_url(base)
        info = _Base(norm) if norm is not None else None
        if len(_BASES) >= _BASES_MAX:
            _BASES.clear()
        _BASES[base] = info
    return info  # type: ignore[return-value]


def _evict_join_cache() -> None:
    """Forget the older half of the join cache (dicts keep insertion order; amortised O(1))."""
    global _JOIN_CACHE
    keep = islice(_JOIN_CACHE.items(), len(_JOIN_CACHE) // 2, None)
    _JOIN_CACHE = dict(keep)


def join_url(base: str, href: str) -> str | None:
    """Resolve `href` found on page `base` and normalise it; None when it is not a web link.

    Non-links: empty, fragment-only (`#top`), and every scheme other than http/https
    (`javascript:`, `mailto:`, `tel:`, `data:`, `about:`, `file:`, `sms:`, `weixin:` ...).
    Browser behaviour is followed for whitespace, backslashes, scheme-relative `//host/x` and
    same-scheme relative `http:x`. Results are memoised (see the module docstring).
    """
    info = _BASES.get(base)
    if info is None:
        info = _get_base(base)
        if info is None:
            # Unusable base: only an absolute href can still be resolved.
            return normalize_url(href) if isinstance(href, str) else None
    first = href[:1]
    if first in _KIND_ORIGIN:
        key_base = info.origin
    elif first in _FULL_KEY_FIRST:
        key_base = info.full
    elif first == "h" and href.startswith(("http://", "https://")):
        key_base = ""
    else:
        key_base = info.dir
    key = (key_base, href)
    result = _JOIN_CACHE.get(key, _MISS)
    if result is _MISS:
        result = _join(info, href)
        if len(_JOIN_CACHE) >= _JOIN_CACHE_MAX:
            _evict_join_cache()
        _JOIN_CACHE[key] = result
    return result  # type: ignore[return-value]


def _join(info: _Base, href: str) -> str | None:
    """Uncached resolution of `href` against a pre-split base."""
    if len(href) > _MAX_INPUT:
        return None
    href = _clean_input(href)
    if not href or href[0] == "#":
        return None
    m = _SCHEME_RE.match(href)
    if m is not None:
        scheme = m.group(1).lower()
        if scheme not in _DEFAULT_PORTS:
            return None  # javascript:, mailto:, tel:, data:, weixin:, C:\ ...
        rest = href[m.end() :]
        if scheme != info.scheme or rest[:1] in ("/", "\\"):
            return normalize_url(href)
        # "http:page.html" on an http page is relative (WHATWG and RFC 3986 §5.2.2 agree).
        href = rest
        if not href or href[0] == "#":
            return info.full
    hash_pos = href.find("#")
    if hash_pos >= 0:
        href = href[:hash_pos]
    if href[:1] in ("/", "\\") and href[1:2] in ("/", "\\"):
        return normalize_url(f"{info.scheme}:{href}")  # scheme-relative //host/path
    q = href.find("?")
    if q >= 0:
        path_part, query = href[:q], _normalize_query(href[q + 1 :])
    else:
        path_part, query = href, None
    if not path_part:
        path = info.path
        if query is None:
            query = info.query
    elif path_part[0] == "/" or path_part[0] == "\\":
        path = _normalize_path(path_part)
    else:
        path = _normalize_path(info.dirpath + path_part)
    result = f"{info.origin}{path}?{query}" if query else f"{info.origin}{path}"
    return result if len(result) <= MAX_URL_LENGTH else None


# --------------------------------------------------------------------------------------------
# hosts and scope
# --------------------------------------------------------------------------------------------

# scheme, host, port of an already clean URL; anything else goes through normalize_url first.
_AUTHORITY_RE = re.compile(
    r"([A-Za-z][A-Za-z0-9+.\-]*)://(?:[^@/?#\\]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._\-]+)"
    r"(?::([0-9]{1,5}))?(?=[/?#]|\Z)"
)


def scheme_host_port(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL with one regex; odd input is normalised first."""
    m = _AUTHORITY_RE.match(url)
    if m is None:
        norm = normalize_url(url)
        if norm is None:
            return None
        m = _AUTHORITY_RE.match(norm)
        if m is None:
            return None
    scheme = m.group(1).lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default is None:
        return None
    host = m.group(2).lower().rstrip(".")
    port_text = m.group(3)
    port = int(port_text) if port_text else default
    return scheme, host, port


def host_of(url: str) -> str:
    """Lowercased host of `url` without port or userinfo ('' when there is none)."""
    parts = scheme_host_port(url)
    return parts[1] if parts else ""


def site_key(url: str) -> str:
    """Key that identifies a site across schemes and the `www.` variant.

    `https://www.x.gov.cn:8443/a` → `x.gov.cn:8443`; `http://x.gov.cn/` → `x.gov.cn`. Used to
    group URLs of one site (politeness, de-duplicating sites in a registry).
    """
    parts = scheme_host_port(url)
    if parts is None:
        return ""
    scheme, host, port = parts
    host = host.removeprefix("www.")
    return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"


class Scope:
    """Which URLs belong to the inspected site.

    In scope: http or https, a host equal to the start host, its `www.` twin, or an alias, and a
    port that is the start URL's port or the scheme's default.
    """

    __slots__ = ("hosts", "port", "start_url")

    def __init__(self, start_url: str, aliases: Iterable[str] = ()) -> None:
        parts = scheme_host_port(start_url)
        if parts is None:
            raise ValueError(f"unusable start URL: {start_url!r}")
        _, host, self.port = parts
        self.start_url = normalize_url(start_url) or start_url
        hosts = {host}
        # The bare domain and its www. twin are the same site on every government portal.
        hosts.add(host[4:] if host.startswith("www.") else "www." + host)
        for alias in aliases:
            alias_host = _alias_host(alias)
            if alias_host:
                hosts.add(alias_host)
        self.hosts: frozenset[str] = frozenset(hosts)

    def contains(self, url: str) -> bool:
        """True when `url` is on the site (see the class docstring)."""
        parts = scheme_host_port(url)
        if parts is None:
            return False
        scheme, host, port = parts
        return host in self.hosts and (port == self.port or port == _DEFAULT_PORTS[scheme])

    __contains__ = contains

    def __repr__(self) -> str:
        return f"Scope({self.start_url!r}, hosts={sorted(self.hosts)!r})"


def _alias_host(alias: str) -> str:
    alias = alias.strip()
    if not alias:
        return ""
    if "://" not in alias:
        alias = "http://" + alias
    return host_of(alias)


# --------------------------------------------------------------------------------------------
# link kinds
# --------------------------------------------------------------------------------------------

ATTACHMENT_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "wps",
        "et",
        "ppt",
        "pptx",
        "zip",
        "rar",
        "7z",
        "txt",
        "csv",
        "ofd",
        "ceb",
        "caj",
        "mp4",
        "mp3",
        "avi",
        "flv",
        "wmv",
    ]
)
IMAGE_EXTENSIONS = frozenset(
    ["jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff"]
)
HTML_EXTENSIONS = frozenset(
    ["html", "htm", "shtml", "jhtml", "jsp", "asp", "aspx", "php", "do", "action", "xhtml", "cgi"]
)


def _extension(url: str) -> str:
    """Lowercased extension of the last path segment ('' when none); query/fragment ignored."""
    start = url.find("://")
    start = url.find("/", start + 3) if start >= 0 else 0
    if start < 0:
        return ""
    end = len(url)
    for sep in "?#":
        i = url.find(sep, start)
        if 0 <= i < end:
            end = i
    segment = url[url.rfind("/", start, end) + 1 : end]
    semi = segment.find(";")
    if semi >= 0:
        segment = segment[:semi]  # path parameters: "a.pdf;jsessionid=..."
    dot = segment.rfind(".")
    return segment[dot + 1 :].lower() if dot >= 0 else ""


def link_kind_by_extension(url: str) -> Literal["attachment", "image", "page"]:
    """Classify a link target by the extension of its path (the response type may differ).

    Only the path is looked at: `downfile.jsp?name=a.pdf` is a "page" here.
    """
    ext = _extension(url)
    if ext in ATTACHMENT_EXTENSIONS:
        return "attachment"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return "page"


def is_probably_html(url: str) -> bool:
    """True when the path has no extension or a web-page one (.html, .jsp, .do, .aspx, ...)."""
    ext = _extension(url)
    return ext == "" or ext in HTML_EXTENSIONS


# --------------------------------------------------------------------------------------------
# crawler traps
# --------------------------------------------------------------------------------------------

TrapReason = Literal[
    "too_long",
    "too_many_params",
    "too_deep_path",
    "repeating_segments",
    "calendar",
    "pagination",
    "pattern_flood",
]

_DIGITS_RE = re.compile(r"\d+")
_SEGMENT_RE = re.compile(r"[^/]+")
_YEAR = r"(?:19|20|21)\d\d"
# Whole-segment date forms (the extension of a last segment is ignored: "20240612.html").
_SEG_YEAR_RE = re.compile(rf"{_YEAR}\Z")
_SEG_YM_RE = re.compile(rf"({_YEAR})(0[1-9]|1[0-2])\Z")  # 202406
_SEG_YMD_RE = re.compile(rf"({_YEAR})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\Z")  # 20240612
_SEG_SEP_RE = re.compile(rf"({_YEAR})([-_.])(0?[1-9]|1[0-2])(?:\2(0?[1-9]|[12]\d|3[01]))?\Z")
# Dates embedded in a segment next to other text (TRS "t20240612_123456").
_EMBEDDED_DATE_RE = re.compile(
    rf"(?<![0-9])({_YEAR})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![0-9])"
    rf"|(?<![0-9])({_YEAR})-(0?[1-9]|1[0-2])-(0?[1-9]|[12]\d|3[01])(?![0-9])"
)
# Query values that are dates whatever the parameter is called.
_DATE_VALUE_RE = re.compile(
    rf"({_YEAR})(?:([-/.])(0?[1-9]|1[0-2])(?:\2(0?[1-9]|[12]\d|3[01]))?"
    rf"|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?![0-9])"
)
# Query values that are dates only when the parameter's name says so (?year=2024, ?ym=202406).
_NAMED_DATE_VALUE_RE = re.compile(rf"({_YEAR})(0[1-9]|1[0-2])?\Z")
_DATE_PARAM_NAMES = frozenset(
    [
        "date",
        "day",
        "days",
        "year",
        "month",
        "yr",
        "mon",
        "ym",
        "ymd",
        "d",
        "y",
        "m",
        "dt",
        "time",
        "datetime",
        "start",
        "end",
        "from",
        "to",
        "begin",
        "startdate",
        "enddate",
        "begindate",
        "start_date",
        "end_date",
        "fromdate",
        "todate",
        "starttime",
        "endtime",
        "begintime",
        "riqi",
        "rq",
        "nian",
        "yue",
        "ri",
        "nd",
        "yf",
        "caldate",
        "cal",
        "calendar",
        "week",
    ]
)
_YEAR_PARAM_NAMES = ("year", "y", "yr", "nian", "nd")
_MONTH_PARAM_NAMES = ("month", "m", "mon", "yue", "yf")
_PAGINATION_PARAMS = frozenset(
    [
        "page",
        "p",
        "pn",
        "pg",
        "pageno",
        "page_no",
        "pagenum",
        "pagenumber",
        "pageindex",
        "page_index",
        "curpage",
        "currpage",
        "currentpage",
        "current_page",
        "cpage",
        "paged",
        "startrecord",
        "endrecord",
        "perpage",
        "offset",
        "start",
    ]
)
_ID_PARAMS = frozenset(
    [
        "id",
        "docid",
        "doc_id",
        "articleid",
        "article_id",
        "infoid",
        "info_id",
        "newsid",
        "news_id",
        "contentid",
        "content_id",
        "itemid",
        "aid",
        "nid",
        "tid",
        "artid",
        "art_id",
        "postid",
        "post_id",
        "guid",
        "uuid",
        "manuscriptid",
    ]
)
# Numbered list pages: TRS index_2.html, Founder node_1234_2.htm, list-3.shtml, /page/4/.
_PAGINATION_PATH_RE = re.compile(
    r"/(?:index|list|default|more|page|listpage)[_-](?P<n1>\d+)\.[a-z]+\Z"
    r"|/node_\d+_(?P<n2>\d+)\.[a-z]+\Z"
    r"|/(?:page|p)/(?P<n3>\d+)/?\Z",
    re.IGNORECASE,
)
# A trailing id: the last path segment carries a run of ≥ 3 digits (post_3456789.html, 123.htm).
_TRAILING_ID_RE = re.compile(r"\d{3,}[^/0-9]*\Z")
# A year alone (/2024/) is a date only on calendar-ish paths; elsewhere it is often an id.
_CALENDAR_WORD_RE = re.compile(r"calendar|rili|richeng|riqi|schedule|event|archive|date|year")
_PARTIAL = object()  # a date-like query value that is not a full year/date (month=7)


def _shift_years(day: _dt.date, years: int) -> _dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _first_day(year: int, month: int | None, day: int | None) -> _dt.date | None:
    """Earliest calendar day a (partial) date denotes; None when it is no date at all."""
    try:
        return _dt.date(year, month or 1, day or 1)
    except ValueError:
        return None


def _query_date(name: str, value: str) -> _dt.date | object | None:
    """What one query parameter says about dates: a date, `_PARTIAL` (month=7) or None."""
    if not value[:1].isdigit():
        return None
    if "%" in value:
        value = value.replace("%2F", "/").replace("%2f", "/")
    m = _DATE_VALUE_RE.match(value)
    if m is not None:
        year = int(m.group(1))
        if m.group(2) is not None:  # 2024-06-15, 2024/6, 2024.06.15: a date whatever the name
            day = int(m.group(4)) if m.group(4) else None
            return _first_day(year, int(m.group(3)), day) or _PARTIAL
        if name in _ID_PARAMS or name in _PAGINATION_PARAMS:
            return None  # ?id=20240615 is an id that happens to look like a date
        return _first_day(year, int(m.group(5)), int(m.group(6))) or _PARTIAL  # 20240615
    if name not in _DATE_PARAM_NAMES or name in _PAGINATION_PARAMS:
        return None  # ?start=20 is an offset; ?start=2024-01-01 was handled above
    named = _NAMED_DATE_VALUE_RE.match(value)  # ?year=2024, ?ym=202406
    if named is not None:
        month = int(named.group(2)) if named.group(2) else None
        return _first_day(int(named.group(1)), month, None)
    if value.isdigit() and len(value) <= 2:
        return _PARTIAL  # ?month=7, ?day=15: the year comes from another parameter
    return None


def _combined_query_date(values: dict[str, str]) -> _dt.date | None:
    """The date spread over ?year=2031&month=5 style parameters, if any."""
    year = next((values[k] for k in _YEAR_PARAM_NAMES if k in values), "")
    if not (year.isdigit() and len(year) == 4):
        return None
    month = next((values[k] for k in _MONTH_PARAM_NAMES if k in values), "")
    month_number = int(month) if month.isdigit() and 1 <= int(month) <= 12 else None
    return _first_day(int(year), month_number, None)


def _core(segment: str) -> str:
    """A segment without a trailing file extension ("20240612.html" → "20240612")."""
    dot = segment.rfind(".")
    if dot > 0 and segment[dot + 1 :].isalpha():
        return segment[:dot]
    return segment


def _small(text: str, high: int) -> int | None:
    if text.isdigit() and len(text) <= 2 and 1 <= int(text) <= high:
        return int(text)
    return None


def _path_dates(path: str) -> list[tuple[int, int, tuple[int, int | None, int | None]]]:
    """Dates in a path as (start, end, (year, month, day)) character spans, left to right."""
    lowered = path.lower()
    calendar_words = _CALENDAR_WORD_RE.search(lowered) is not None
    segments = [(m.start(), _core(m.group())) for m in _SEGMENT_RE.finditer(path)]
    found: list[tuple[int, int, tuple[int, int | None, int | None]]] = []
    i = 0
    n = len(segments)
    while i < n:
        start, core = segments[i]
        ymd: tuple[int, int | None, int | None] | None = None
        j = i + 1
        if _SEG_YEAR_RE.match(core):
            month = _small(segments[j][1], 12) if j < n else None
            day = None
            if month is not None:
                j += 1
                day = _small(segments[j][1], 31) if j < n else None
                if day is not None:
                    j += 1
            if month is not None or calendar_words:
                ymd = (int(core), month, day)
        elif m := _SEG_YMD_RE.match(core):
            ymd = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif (m := _SEG_YM_RE.match(core)) or (m := _SEG_SEP_RE.match(core)):
            if m.re is _SEG_SEP_RE:
                y, mo, d = int(m.group(1)), int(m.group(3)), m.group(4)
            else:
                y, mo, d = int(m.group(1)), int(m.group(2)), None
            day = int(d) if d else (_small(segments[j][1], 31) if j < n else None)
            if d is None and day is not None:
                j += 1  # /2024-06/12/: the day is the next segment
            ymd = (y, mo, day)
        if ymd is not None:
            last_start, last_core = segments[j - 1]
            found.append((start, last_start + len(last_core), ymd))
            i = j
            continue
        for em in _EMBEDDED_DATE_RE.finditer(core):
            groups = em.groups()
            ey, em_, ed = groups[0:3] if groups[0] else groups[3:6]
            found.append((start + em.start(), start + em.end(), (int(ey), int(em_), int(ed))))
        i += 1
    return found


def _classify_path(path: str) -> tuple[str, str, _dt.date | None, str]:
    """(pattern, kind, calendar date, calendar key) of a path.

    kind is "plain", "article" or "calendar". The calendar key is the path with only its dates
    replaced by ``{date}``: one calendar (of one column) per key.
    """
    if not any(c.isdigit() for c in path):
        return path, "plain", None, path
    found = _path_dates(path)
    if not found:
        return _DIGITS_RE.sub("#", path), "plain", None, path
    if any(c.isdigit() for c in path[found[-1][1] :]):
        # A date followed by an id: an article. Dates stay literal in the pattern, so each day
        # (or month) of articles is counted on its own.
        pieces = []
        cursor = 0
        for start, end, _ in found:
            pieces.append(_DIGITS_RE.sub("#", path[cursor:start]))
            pieces.append(path[start:end])
            cursor = end
        pieces.append(_DIGITS_RE.sub("#", path[cursor:]))
        return "".join(pieces), "article", None, path
    # Dates alone at the end of the path: a calendar view (or a page per day).
    key_pieces = []
    cursor = 0
    for start, end, _ in found:
        key_pieces.append(path[cursor:start])
        key_pieces.append("{date}")
        cursor = end
    key_pieces.append(path[cursor:])
    date = _first_day(*found[-1][2])
    return _DIGITS_RE.sub("#", path), "calendar", date, "".join(key_pieces)


def _pagination_path_key(path: str) -> str | None:
    """The path with only its page number replaced by '#', or None when it is no list page."""
    m = _PAGINATION_PATH_RE.search(path)
    if m is None:
        return None
    for group in ("n1", "n2", "n3"):
        if m.group(group) is not None:
            return path[: m.start(group)] + "#" + path[m.end(group) :]
    return None


def _has_repeating_segments(segments: list[str]) -> bool:
    """One segment 3+ times (all-digit ones 4+), or a run of ≥ 2 segments repeated back to back."""
    n = len(segments)
    if n < 3:
        return False
    seen: dict[str, int] = {}
    for seg in segments:
        count = seen.get(seg, 0) + 1
        seen[seg] = count
        # Digit-only segments repeat in real dates (/art/2011/11/11/), so they need one more.
        if count >= (4 if seg.isdigit() else 3):
            return True
    if len(seen) == n:
        return False  # all distinct: no back-to-back repetition possible
    for size in range(2, n // 2 + 1):
        for i in range(n - 2 * size + 1):
            unit = segments[i : i + size]
            if unit == segments[i + size : i + 2 * size] and not all(s.isdigit() for s in unit):
                return True
    return False


def _split_url(url: str) -> tuple[str, str, str]:
    """(scheme://authority, path, query) with plain string work; fragment dropped."""
    start = url.find("://")
    slash = url.find("/", start + 3) if start >= 0 else url.find("/")
    if slash < 0:
        q = url.find("?")
        prefix, rest = (url, "/") if q < 0 else (url[:q], "/" + url[q:])
    else:
        prefix, rest = url[:slash], url[slash:]
    hash_pos = rest.find("#")
    if hash_pos >= 0:
        rest = rest[:hash_pos]
    q = rest.find("?")
    if q >= 0:
        return prefix, rest[:q], rest[q + 1 :]
    return prefix, rest, ""


class TrapGuard:
    """Recognises crawler traps; see the module docstring for the heuristics and reasons.

    `check(url)` judges a (normalised) URL: it returns a reason when the URL should not be
    crawled, else None, and counts admitted URLs against their pattern's limit. The verdict for
    one URL is stable: checking it again gives the same answer.
    """

    def __init__(
        self,
        *,
        max_length: int = 1024,
        max_params: int = 12,
        max_depth: int = 15,
        calendar_limit: int = 30,
        pagination_limit: int = 500,
        flood_limit: int = 2000,
        article_limit: int = 50_000,
        future_years: int = 2,
        today: _dt.date | None = None,
        max_patterns: int = 50_000,
        max_tracked_urls: int = 200_000,
    ) -> None:
        self.max_length = max_length
        self.max_params = max_params
        self.max_depth = max_depth
        self.limits = {
            "calendar": calendar_limit,
            "pagination": pagination_limit,
            "flood": flood_limit,
            "article": article_limit,
        }
        # Time is a parameter: tests and re-runs never depend on the wall clock.
        self.today = today or _dt.date.today()
        self.future_limit = _shift_years(self.today, future_years)
        self.max_patterns = max_patterns
        self.max_tracked_urls = max_tracked_urls
        self._counts: dict[str, int] = {}
        self._admitted: set[int] = set()
        #: reason → number of refused checks, and the first few URLs as evidence for notes.
        self.refused: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}

    def check(self, url: str) -> str | None:
        """Return the trap reason for `url` (and record it), or None when it may be crawled."""
        reason = self._judge(url)
        if reason is not None:
            self.refused[reason] = self.refused.get(reason, 0) + 1
            examples = self.examples.setdefault(reason, [])
            if len(examples) < 5:
                examples.append(url)
        return reason

    def classify(self, url: str) -> tuple[str, str]:
        """(pattern, kind) of `url`.

        kind: "none" (nothing numbered, never counted), "calendar", "pagination", "dated"
        (article with the date kept in the pattern), "article" (one trailing id) or "flood".
        """
        pattern, kind, _, _ = self._classify(url)
        return pattern, kind

    def _judge(self, url: str) -> str | None:
        if len(url) > self.max_length:
            return "too_long"
        _, path, query = _split_url(url)
        if (
            query
            and query.count("&") >= self.max_params
            and sum(1 for p in query.split("&") if p) > self.max_params
        ):
            return "too_many_params"
        segments = [s for s in path.split("/") if s]
        if len(segments) > self.max_depth:
            return "too_deep_path"
        if _has_repeating_segments(segments):
            return "repeating_segments"
        pattern, kind, date, specific = self._classify(url)
        if kind == "none":
            return None
        if kind == "calendar" and date is not None and date > self.future_limit:
            return "calendar"
        h = hash(url)
        if h in self._admitted:
            return None
        # Every counted URL has a general key (its pattern) and, for lists and calendars, a
        # specific one (one list / one column's calendar, other numbers kept literal).
        general_key = f"{_GENERAL_LIMIT_OF[kind]}\x00{pattern}"
        general = self._counts.get(general_key, 0)
        if general >= self.limits[_GENERAL_LIMIT_OF[kind]]:
            return "pattern_flood"
        specific_key = f"{kind}\x00{specific}" if specific is not None else None
        if specific_key is not None:
            count = self._counts.get(specific_key, 0)
            if count >= self.limits[kind]:
                return kind
            self._bump(specific_key, count)
        self._bump(general_key, general)
        if len(self._admitted) >= self.max_tracked_urls:
            self._admitted.clear()  # bounded memory; only repeated checks become approximate
        self._admitted.add(h)
        return None

    def _bump(self, key: str, count: int) -> None:
        if count == 0 and len(self._counts) >= self.max_patterns:
            self._forget_patterns()
        self._counts[key] = count + 1

    def _forget_patterns(self) -> None:
        # Patterns seen once are the bulk and cannot be traps yet: drop them first, then the
        # older half of the rest.
        kept = {k: c for k, c in self._counts.items() if c > 1}
        if len(kept) >= self.max_patterns // 2:
            kept = dict(islice(kept.items(), len(kept) // 2, None))
        self._counts = kept

    def _classify(self, url: str) -> tuple[str, str, _dt.date | None, str | None]:
        """(pattern, kind, calendar date, specific key) of a URL."""
        prefix, path, query = _split_url(url)
        calendar = pagination = False
        id_params = varying = 0
        date: _dt.date | None = None
        general_parts: list[str] = []
        calendar_parts: list[str] = []
        pagination_parts: list[str] = []
        values: dict[str, str] = {}
        for param in query.split("&") if query else ():
            if not param:
                continue
            name, _, value = param.partition("=")
            name = name.lower()
            values[name] = value
            found = _query_date(name, value)
            if found is not None:
                calendar = True
                general_parts.append(f"{name}={{date}}")
                calendar_parts.append(f"{name}={{date}}")
                pagination_parts.append(param)
                if isinstance(found, _dt.date) and (date is None or found > date):
                    date = found
                continue
            numbered = _DIGITS_RE.sub("#", param)
            general_parts.append(numbered)
            calendar_parts.append(param)
            if any(c.isdigit() for c in value):
                varying += 1
                if name in _PAGINATION_PARAMS:
                    pagination = True
                    pagination_parts.append(numbered)
                    continue
                id_params += name in _ID_PARAMS
            pagination_parts.append(param)
        if calendar:
            combined = _combined_query_date(values)
            if combined is not None and (date is None or combined > date):
                date = combined
        path_pattern, path_kind, path_date, calendar_path = _classify_path(path)
        pattern = prefix + path_pattern
        if general_parts:
            pattern += "?" + "&".join(general_parts)
        if calendar or path_kind == "calendar":
            if path_date is not None and (date is None or path_date > date):
                date = path_date
            specific = prefix + calendar_path
            if calendar_parts:
                specific += "?" + "&".join(calendar_parts)
            return pattern, "calendar", date, specific
        if path_kind == "article":
            return pattern, "dated", None, None  # date literal in the pattern: per-day limit
        page_path = _pagination_path_key(path)
        if pagination or page_path is not None:
            specific = prefix + (page_path or path)
            if pagination_parts:
                specific += "?" + "&".join(pagination_parts)
            return pattern, "pagination", None, specific
        if "#" not in pattern:
            return pattern, "none", None, None
        trailing_id = _TRAILING_ID_RE.search(path) is not None
        if (varying == 0 and trailing_id) or (varying == id_params == 1 and not trailing_id):
            return pattern, "article", None, None
        return pattern, "flood", None, None


# kind → the limit its general pattern is held to. Lists and id-only article sets legitimately
# exceed the flood limit site-wide (many columns × many pages), so they get the article limit.
_GENERAL_LIMIT_OF = {
    "calendar": "flood",
    "dated": "flood",
    "flood": "flood",
    "pagination": "article",
    "article": "article",
}
