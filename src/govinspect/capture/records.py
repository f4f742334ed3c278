"""The WARC records of one fetch, built byte by byte: the response and request records that
every answered fetch writes (see ``capture/warc.py`` for the file they go into).

warcio's record builder costs several times more than the compression, and a crawl writes
hundreds of records a second, so the two records are formatted here directly. The output is
the same WARC/1.0 (warcio's reader and ``warcio check`` read it; tests check). Nothing here
touches a file or needs warcio.

Building them in the analysis worker, next to the page's analysis, was measured slower
(+0.18 s for the 3,200-page benchmark sweep): the worker became the busier process, and
handing the fetch over and the records back cost more than the records themselves.
"""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from http import HTTPStatus
from urllib.parse import urlsplit

from govinspect.net.types import FetchResult
from govinspect.stamps import utc_seconds_z

try:  # ISA-L's deflate: the same gzip members at a fraction of zlib's CPU (see warc.py)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; a broken wheel must not stop a crawl
    _isal_zlib = None

# zlib level for each record's gzip member; see capture/warc.py and bench/bench_capture.py.
DEFAULT_COMPRESS_LEVEL = 1

# Headers that describe the wire form of the body; stored renamed because the body we keep is
# the decoded one (see warc.py's docstring).
_WIRE_HEADER_NAMES = frozenset(("content-encoding", "transfer-encoding", "content-length"))
ORIG_PREFIX = "X-Govinspect-Orig-"
# Characters `urlsplit` strips or treats specially; a URL without them is split by hand.
_SPLIT_UNSAFE = frozenset("\t\r\n\\") | frozenset(chr(c) for c in range(0x21))


def gzip_member(data: bytes, level: int = DEFAULT_COMPRESS_LEVEL) -> bytes:
    """``data`` as one gzip member (one per record: what makes the file seekable by offset)."""
    if _isal_zlib is not None and 0 <= level <= 3:
        return _isal_zlib.compress(data, level, wbits=zlib.MAX_WBITS + 16)
    comp = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return comp.compress(data) + comp.flush()


def encode_response(
    result: FetchResult, level: int = DEFAULT_COMPRESS_LEVEL, date: str | None = None
) -> tuple[bytes, bytes]:
    """The gzip members of an answered fetch's final ``response`` record and its ``request``
    record (``WARC-Concurrent-To`` the response), as ``CaptureWriter.write`` stores them.

    Only for a fetch that got an HTTP response (``result.responded``); its redirect hops, if
    any, are separate records the writer adds in front. ``date`` is the WARC-Date (default:
    when the request started).
    """
    if date is None:
        date = warc_date(result.started_at if result.started_at > 0 else time.time())
    resp_id, resp_bytes = _fast_response(result, date)
    return gzip_member(resp_bytes, level), gzip_member(_fast_request(result, date, resp_id), level)


def warc_date(ts: float) -> str:
    """WARC-Date wants UTC with a 'Z' (WARC/1.0: second precision)."""
    return utc_seconds_z(ts)


_STATUS_LINES: dict[int, str] = {}


def status_line(status: int) -> str:
    """``200 OK``: an HTTP status with its reason phrase (``Unknown`` for unregistered codes)."""
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        line = _STATUS_LINES[status] = f"{status} {phrase}"
    return line


def clean(value: str) -> str:
    """Header values must not contain line breaks (they would forge headers in the record)."""
    if "\r" in value or "\n" in value:
        return value.replace("\r", " ").replace("\n", " ")
    return value


def _header_block(first: str, headers: list[tuple[str, str]] | list[str]) -> bytes:
    """An HTTP head (first line, ``Name: value`` lines, blank line) as UTF-8 bytes.

    ``headers`` are ready ``Name: value`` strings. Line breaks inside a name or value are
    replaced by spaces (they would forge headers); the check is one count over the joined
    text, since almost no header has one.
    """
    lines = [first, *headers]
    text = "\r\n".join(lines)
    n = len(lines) - 1
    if text.count("\n") != n or text.count("\r") != n:
        text = "\r\n".join(clean(line) for line in lines)
    return (text + "\r\n\r\n").encode("utf-8", "surrogateescape")


def _record_id() -> str:
    """A fresh ``<urn:uuid:…>`` (random UUID version 4, as ``uuid.uuid4()`` makes, without
    building a UUID object for every record)."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}>"


# Base32 of a SHA-1 digest (160 bits = 16 groups of 10 bits = 32 characters, no padding) by
# table: base64.b32encode is a Python loop, and every fetch needs three of these.
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_PAIRS = [_B32[i >> 5] + _B32[i & 31] for i in range(1024)]
_B32_SHIFTS = tuple(range(150, -1, -10))


def _sha1_b32(data: bytes) -> str:
    """``sha1:`` digest value as WARC writers spell it (base32 of the SHA-1)."""
    n = int.from_bytes(hashlib.sha1(data).digest(), "big")
    return "".join([_B32_PAIRS[(n >> s) & 1023] for s in _B32_SHIFTS])


def _request_target(url: str) -> tuple[str, str]:
    """(request-target, host) of a URL for the reconstructed request line."""
    if url.startswith(("http://", "https://")) and url.isascii() and _SPLIT_UNSAFE.isdisjoint(url):
        # The crawler's URLs are normalised http(s) URLs: split by hand, as urlsplit would
        # (it is most of the request record's cost). Anything unusual goes to urlsplit.
        rest = url[url.index("://") + 3:]
        cut = len(rest)
        for ch in "/?#":
            i = rest.find(ch, 0, cut)
            if i >= 0:
                cut = i
        netloc = rest[:cut]
        if "[" not in netloc and "]" not in netloc:
            tail = rest[cut:].split("#", 1)[0]
            path, _, query = tail.partition("?")
            target = path or "/"
            if query:
                target += "?" + query
            return target, netloc
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target, parts.netloc


def _fast_record(warc_type: str, uri: str, date: str, result: FetchResult,
                 block: bytes, extra: str) -> tuple[str, bytes]:
    """(record id, the uncompressed record) with `extra` WARC header lines (each ending
    in CRLF) after the IP address."""
    record_id = _record_id()
    ip = f"WARC-IP-Address: {clean(result.remote_ip)}\r\n" if result.remote_ip else ""
    head = (
        f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: {record_id}\r\n"
        f"WARC-Date: {date}\r\nWARC-Target-URI: {clean(uri)}\r\n{ip}{extra}"
        f"WARC-Block-Digest: sha1:{_sha1_b32(block)}\r\n"
        f"Content-Type: application/http; msgtype={warc_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode("utf-8", "surrogateescape")
    return record_id, b"".join((head, block, b"\r\n\r\n"))

def _fast_response(result: FetchResult, date: str) -> tuple[str, bytes]:
    body = result.body
    lines = [
        f"{ORIG_PREFIX}{name}: {value}" if name.lower() in _WIRE_HEADER_NAMES else f"{name}: {value}"
        for name, value in result.headers
    ]
    lines.append(f"Content-Length: {len(body)}")
    http_head = _header_block(f"HTTP/1.1 {status_line(result.status or 0)}", lines)
    extra = f"WARC-Payload-Digest: sha1:{_sha1_b32(body)}\r\n"
    if result.outcome == "truncated":
        extra += "WARC-Truncated: length\r\n"
    return _fast_record("response", result.final_url, date, result, http_head + body, extra)

def _fast_request(result: FetchResult, date: str, response_id: str) -> bytes:
    target, host = _request_target(result.final_url)
    lines = [f"{k}: {v}" for k, v in result.request_headers]
    if not any(k.lower() == "host" for k, _ in result.request_headers):
        lines.insert(0, f"Host: {host}")
    block = _header_block(f"{result.method} {target} HTTP/1.1", lines)
    return _fast_record("request", result.final_url, date, result, block,
                             f"WARC-Concurrent-To: {response_id}\r\n")[1]
