"""URL helpers of the sandbox: one normal form, and hrefs written the way each CMS writes them."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

# Characters left alone when percent-encoding: RFC 3986 reserved + unreserved + '%' (so
# existing escapes survive). Non-ASCII is encoded as UTF-8, as browsers do for paths.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/:@!$&'()*+,;=-._~%?"


def normalize_url(url: str) -> str:
    """The normal form used in ground truth: lowercase scheme/host, no default port,
    no fragment, path and query percent-encoded as UTF-8, '/' for an empty path."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port is None or port == default else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


def join(base: str, href: str) -> str:
    """Resolve `href` against `base` and normalise."""
    return normalize_url(urljoin(base, href))


def split_path(url: str) -> tuple[str, str]:
    """(hostname, path?query) of a normalised URL."""
    parts = urlsplit(url)
    pq = parts.path or "/"
    if parts.query:
        pq += "?" + parts.query
    return (parts.hostname or ""), pq


def origin_of(url: str) -> str:
    """scheme://netloc of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def relative_href(page_path: str, target: str) -> str:
    """`target` (path?query) written relative to the directory of `page_path`, TRS style
    (`./x.html`, `../../`)."""
    tpath, _, query = target.partition("?")
    page_dir = page_path if page_path.endswith("/") else posixpath.dirname(page_path) + "/"
    tdir, tname = posixpath.split(tpath)
    rel_dir = posixpath.relpath(tdir or "/", page_dir.rstrip("/") or "/")
    if rel_dir == ".":
        href = "./" + tname
    elif rel_dir.startswith(".."):
        href = rel_dir + "/" + tname
    else:
        href = "./" + rel_dir + "/" + tname
    if query:
        href += "?" + query
    return href
