"""Evidence capture: every fetch of a site kept in a WARC file plus a JSON-lines index.

Layout, per site (``name`` is sanitised into a file-name-safe form):

    DIR/name.warc.gz       WARC/1.0, one gzip member per record (seekable, warcio-readable)
    DIR/name.index.jsonl   one JSON object per ``CaptureWriter.write`` call, in call order

Records written per call
------------------------
* Each redirect hop (also for failures that happened after some hops): a ``response`` record
  for the hop's URL with the hop's status line, its ``Location`` header and no body. Redirect
  responses really were responses, so other WARC tools (replay, CDX indexers) see the chain as
  it happened; we keep only the Location header of a hop because that is all FetchResult holds.
* A call that got an HTTP response (outcome ``ok`` / ``truncated``): a ``response`` record for the
  final URL, then a ``request`` record (``WARC-Concurrent-To`` the response). The body stored is
  ``result.body`` as handed to us, i.e. already decoded by the network layer; so the original
  ``Content-Encoding``, ``Transfer-Encoding`` and ``Content-Length`` headers are stored renamed
  ``X-Govinspect-Orig-*`` and a true ``Content-Length`` is added, otherwise a WARC reader would try
  to gunzip/de-chunk a plain body. ``CaptureReader`` undoes the renaming. A truncated body carries
  ``WARC-Truncated: length``.
* A transport failure: a ``metadata`` record for the URL asked, with a JSON block
  ``{"outcome", "detail", "elapsed", "redirects"}``.

Index line (see ``CaptureWriter.write``) ``offset``/``record_length`` locate the final
``response`` record (or the ``metadata`` record of a failure): ``offset`` is the byte position of
its gzip member in the .warc.gz and ``record_length`` the member's compressed length, the same
numbers ``warcio.ArchiveIterator.get_record_offset()/get_record_length()`` report.

Crash safety
------------
All gzip members of one call are written with a single ``write`` and flushed; only then is the
index line written and flushed. The index is therefore the commit log: a line exists only for
calls whose records are complete on disk. Each line also records ``end``, the .warc.gz size after
the call. Reopening an existing capture (resume) truncates a half-written last index line and
cuts the .warc.gz back to the last committed ``end``, so a crash mid-write never leaves a broken
gzip member in front of the appended records. Flushing hands data to the OS (survives a crash of
the process); pass ``fsync=True`` to survive a power cut at a large cost in speed.

Compression: warcio's own writer always uses zlib level 9; we serialise records with warcio
uncompressed and gzip each one ourselves at ``DEFAULT_COMPRESS_LEVEL``. Measured with
``bench/bench_capture.py`` (2000 GBK pages of ~30 KB, one core): level 1 ≈ 2900 records/s,
ratio 0.24; level 3 ≈ 2300/s, 0.23; level 6 ≈ 1270/s, 0.21; level 9 ≈ 920/s, 0.21. Level 3 costs
~9 % more disk than 6 for ~1.8× the speed, and the writer runs on the crawl's event loop.
Levels 0–3 go through ISA-L (``isal.isal_zlib``, same gzip format, ~4× faster than zlib at
level 1 with a slightly smaller output) when it is installed; zlib otherwise and for levels
above 3, which ISA-L does not have.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from govinspect import __version__
from govinspect.capture.records import (
    DEFAULT_COMPRESS_LEVEL,
    ORIG_PREFIX,
    clean,
    encode_response,
    gzip_member,
    status_line,
    warc_date,
)
from govinspect.net.types import FetchResult, Hop
from govinspect.stamps import cst_millis

__all__ = [
    "CaptureReader",
    "CaptureWriter",
    "DEFAULT_COMPRESS_LEVEL",
    "INDEX_SUFFIX",
    "WARC_SUFFIX",
    "capture_paths",
]

WARC_SUFFIX = ".warc.gz"
INDEX_SUFFIX = ".index.jsonl"
# Version of the index line format, written into every line as "v".
INDEX_FORMAT = 1

_SAFE_NAME = re.compile(r"[^\w.\-]+")
_RESPONDED = ("ok", "truncated")
# json.dumps with options builds a new encoder on every call; the index writes one line per fetch.
_INDEX_ENCODER = json.JSONEncoder(ensure_ascii=False)


def capture_paths(directory: Path, name: str) -> tuple[Path, Path]:
    """The (.warc.gz, .index.jsonl) paths of capture ``name`` in ``directory``.

    A name made of letters, digits, ``.``, ``_`` and ``-`` is used as is (callers may build the
    paths themselves); anything else, path separators included, becomes ``_``.
    """
    safe = _SAFE_NAME.sub("_", name)
    if safe in ("", ".", ".."):
        safe = "capture"
    directory = Path(directory)
    return directory / (safe + WARC_SUFFIX), directory / (safe + INDEX_SUFFIX)


def _iso_cst(ts: float) -> str:
    """A wall-clock timestamp as ISO 8601 in China Standard Time, millisecond precision."""
    return cst_millis(ts)


class _Utf8Headers(StatusAndHeaders):
    """HTTP headers serialised as UTF-8 instead of warcio's %-encoding of non-ASCII values.

    Chinese servers do send raw UTF-8 (e.g. Content-Disposition filenames); warcio's parser
    decodes header lines as UTF-8 first, so this keeps such values intact on a round trip.
    ``surrogateescape`` writes back the original bytes of values aiohttp could not decode.
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:  # noqa: D102
        self.headers_buff = self.to_str(header_filter).encode("utf-8", "surrogateescape") + b"\r\n"


def _restore_headers(stored: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Inverse of how ``records`` stores response headers: drop our Content-Length, undo
    the renaming of the wire headers."""
    out: list[tuple[str, str]] = []
    plen = len(ORIG_PREFIX)
    for name, value in stored:
        if name.lower() == "content-length":
            continue
        if name[:plen].lower() == ORIG_PREFIX.lower():
            name = name[plen:]
        out.append((name, value))
    return out


class CaptureWriter:
    """Appends fetches of one site to ``name.warc.gz`` and ``name.index.jsonl``.

    Opening an existing capture resumes it (see the module docstring for the crash-safety
    rules). Thread-safe: one lock around each ``write``.
    """

    def __init__(
        self,
        directory: Path,
        name: str,
        *,
        compress_level: int = DEFAULT_COMPRESS_LEVEL,
        fsync: bool = False,
    ) -> None:
        """Create or reopen the capture ``name`` in ``directory`` (created if missing)."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.warc_path, self.index_path = capture_paths(self.directory, name)
        self.name = name
        self.compress_level = compress_level
        self.fsync = fsync
        self._lock = threading.Lock()
        # warcio builds and serialises records; we gzip them ourselves (level, offsets).
        self._builder = WARCWriter(io.BytesIO(), gzip=False, warc_version="1.0")
        self.count = 0  # index lines in the capture (including those found on resume)

        committed_end = self._recover()
        self._warc = open(self.warc_path, "r+b" if self.warc_path.exists() else "w+b")
        self._warc.truncate(committed_end)
        self._warc.seek(committed_end)
        self._index = open(self.index_path, "ab")
        if committed_end == 0:
            self._warc.write(self._gzip(self._serialise(self._warcinfo())))
            self._warc.flush()
        self._closed = False

    # -- recovery ---------------------------------------------------------------------------

    def _recover(self) -> int:
        """Cut a half-written index line; return the .warc.gz size of the last committed call."""
        if not self.index_path.exists():
            if self.warc_path.exists() and self.warc_path.stat().st_size > 0:
                # A WARC without its index is not ours to cut: keep it aside, start afresh.
                n = 1
                while (aside := self.warc_path.with_name(f"{self.warc_path.name}.orphan{n}")).exists():
                    n += 1
                self.warc_path.rename(aside)
            return 0
        data = self.index_path.read_bytes()
        # Only a tail without its newline can come from a crash (each line is one write);
        # a garbled complete line (disk damage) is left alone and skipped, as the reader does.
        good = data.rfind(b"\n") + 1
        end = 0
        count = 0
        for line in data[:good].splitlines():
            try:
                entry = json.loads(line)
                end = max(end, int(entry["end"]))
            except (ValueError, KeyError, TypeError):
                continue
            count += 1
        if good < len(data):
            with open(self.index_path, "r+b") as fh:
                fh.truncate(good)
        self.count = count
        if count == 0 and self.warc_path.exists():
            # Nothing committed: start the WARC over (its warcinfo is rewritten).
            return 0
        if self.warc_path.exists():
            end = min(end, self.warc_path.stat().st_size)
        return end

    # -- record building ----------------------------------------------------------------------

    def _warcinfo(self) -> Any:
        return self._builder.create_warcinfo_record(
            self.warc_path.name,
            {
                "software": f"govinspect/{__version__}",
                "format": "WARC File Format 1.0",
                "description": "govinspect evidence capture",
            },
        )

    def _serialise(self, record: Any) -> bytes:
        buf = io.BytesIO()
        self._builder.out = buf
        self._builder.write_record(record)
        return buf.getvalue()

    def _gzip(self, data: bytes) -> bytes:
        return gzip_member(data, self.compress_level)

    def _warc_headers(self, uri: str, date: str, result: FetchResult) -> dict[str, str]:
        headers = {"WARC-Target-URI": clean(uri), "WARC-Date": date}
        if result.remote_ip:
            headers["WARC-IP-Address"] = result.remote_ip
        return headers

    def _hop_record(self, hop: Hop, date: str, result: FetchResult) -> Any:
        http = _Utf8Headers(
            status_line(hop.status),
            [("Location", clean(hop.location)), ("Content-Length", "0")],
            protocol="HTTP/1.1",
        )
        return self._builder.create_warc_record(
            clean(hop.url),
            "response",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=http,
            warc_headers_dict=self._warc_headers(hop.url, date, result),
        )

    def _failure_record(self, result: FetchResult, date: str) -> Any:
        block = json.dumps(
            {
                "outcome": result.outcome,
                "detail": result.detail,
                "elapsed": round(result.elapsed, 6),
                "redirects": [[h.url, h.status] for h in result.redirects],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        wh = self._warc_headers(result.url, date, result)
        return self._builder.create_warc_record(
            clean(result.url),
            "metadata",
            payload=io.BytesIO(block),
            length=len(block),
            warc_content_type="application/json",
            warc_headers_dict=wh,
        )

    # -- public API -------------------------------------------------------------------------

    def write(self, result: FetchResult, *, note: str = "") -> None:
        """Append one fetch (its records and its index line) and flush both files.

        ``note`` is free text kept in the index (e.g. "link-check", "home"). The index line::

            {"v": 1, "url", "final_url", "method",
             "status": int | null,            # null for transport failures
             "outcome", "detail", "content_type",   # content_type without parameters
             "fetched_at": "2024-06-15T10:00:00.250+08:00",  # request start, Beijing time
             "elapsed": seconds, "length": body bytes,
             "offset", "record_length",       # gzip member of the response/metadata record
             "redirects": [[url, status], ...],
             "locations": [Location header of each hop, ...],
             "started_at": epoch seconds, "ip": remote IP | null,
             "end": .warc.gz size after this call, "note"}
        """
        started = result.started_at if result.started_at > 0 else time.time()
        date = warc_date(started)
        with self._lock:
            if self._closed:
                raise ValueError("CaptureWriter is closed")
            members = [self._gzip(self._serialise(self._hop_record(h, date, result)))
                       for h in result.redirects]
            if result.responded:
                main, request = encode_response(result, self.compress_level, date)
                tail = [request]
            else:
                main = self._gzip(self._serialise(self._failure_record(result, date)))
                tail = []
            start = self._warc.tell()
            offset = start + sum(len(m) for m in members)
            blob = b"".join([*members, main, *tail])
            self._warc.write(blob)
            self._warc.flush()
            if self.fsync:
                os.fsync(self._warc.fileno())
            entry = {
                "v": INDEX_FORMAT,
                "url": result.url,
                "final_url": result.final_url,
                "method": result.method,
                "status": result.status,
                "outcome": result.outcome,
                "detail": result.detail,
                "content_type": result.content_type,
                "fetched_at": _iso_cst(started),
                "elapsed": round(result.elapsed, 6),
                "length": len(result.body),
                "offset": offset,
                "record_length": len(main),
                "redirects": [[h.url, h.status] for h in result.redirects],
                # Extras: what a re-run needs to rebuild the FetchResult exactly.
                "locations": [h.location for h in result.redirects],
                "started_at": started,
                "ip": result.remote_ip,
                "end": start + len(blob),
                "note": note,
            }
            line = _INDEX_ENCODER.encode(entry).encode("utf-8", "surrogateescape")
            self._index.write(line + b"\n")
            self._index.flush()
            if self.fsync:
                os.fsync(self._index.fileno())
            self.count += 1

    def close(self) -> None:
        """Flush and close both files (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._warc.close()
            self._index.close()

    def __enter__(self) -> CaptureWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class CaptureReader:
    """Reads a capture written by ``CaptureWriter`` (also one left behind by a crash)."""

    def __init__(self, directory: Path, name: str) -> None:
        """Open capture ``name`` in ``directory``; raises FileNotFoundError if it has no index."""
        self.warc_path, self.index_path = capture_paths(Path(directory), name)
        if not self.index_path.exists():
            raise FileNotFoundError(str(self.index_path))

    def entries(self) -> Iterator[dict[str, Any]]:
        """The index lines in write order; a half-written or garbled line is skipped."""
        with open(self.index_path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    return  # the crash hit while this line was being written
                try:
                    entry = json.loads(raw.decode("utf-8", "surrogateescape"))
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry

    @staticmethod
    def _read_response(
        fh: Any, offset: int, *, with_request: bool = False
    ) -> tuple[bytes, list[tuple[str, str]], list[tuple[str, str]]] | None:
        """(body, stored response headers, request headers) of the response record at offset.

        None when the record is missing or torn (an index line that reached the disk before
        its WARC data, e.g. after a power cut without ``fsync``).
        """
        fh.seek(offset)
        it = ArchiveIterator(fh)
        try:
            record = next(it)
            if record.rec_type != "response":
                return None
            body = record.raw_stream.read()
        except Exception:  # StopIteration, ArchiveLoadFailed, zlib.error, EOFError...
            return None
        headers = list(record.http_headers.headers) if record.http_headers else []
        request_headers: list[tuple[str, str]] = []
        if with_request:
            try:
                nxt = next(it)
            except Exception:  # end of file, or a record torn by a crash: headers unknown
                nxt = None
            if nxt is not None and nxt.rec_type == "request" and nxt.http_headers:
                request_headers = list(nxt.http_headers.headers)
        return body, headers, request_headers

    def read_body(self, entry: dict[str, Any]) -> bytes | None:
        """The stored body of an index entry; None for a transport failure (or a lost record)."""
        if entry.get("outcome") not in _RESPONDED or entry.get("offset") is None:
            return None
        with open(self.warc_path, "rb") as fh:
            got = self._read_response(fh, int(entry["offset"]))
        return got[0] if got is not None else None

    def fetch_result(self, entry: dict[str, Any]) -> FetchResult:
        """One index entry rebuilt as a FetchResult (body and headers read from the WARC)."""
        with open(self.warc_path, "rb") as fh:
            return self._rebuild(fh, entry)

    def responses(self) -> Iterator[FetchResult]:
        """Every indexed fetch rebuilt as a FetchResult, for re-running analysis offline."""
        with open(self.warc_path, "rb") as fh:
            for entry in self.entries():
                yield self._rebuild(fh, entry)

    def _rebuild(self, fh: Any, entry: dict[str, Any]) -> FetchResult:
        locations = entry.get("locations") or []
        redirects = []
        for i, (url, status) in enumerate(entry.get("redirects") or []):
            if i < len(locations):
                location = locations[i]
            else:  # an index without locations: the next hop is where it pointed
                nxt = entry["redirects"][i + 1][0] if i + 1 < len(entry["redirects"]) else None
                location = nxt or entry.get("final_url") or ""
            redirects.append(Hop(url=url, status=int(status), location=location))
        started = entry.get("started_at")
        if started is None:
            started = datetime.fromisoformat(entry["fetched_at"]).timestamp()
        result = FetchResult(
            url=entry["url"],
            method=entry.get("method", "GET"),
            outcome=entry.get("outcome", "error"),
            final_url=entry.get("final_url") or entry["url"],
            status=entry.get("status"),
            redirects=redirects,
            detail=entry.get("detail", ""),
            started_at=float(started),
            elapsed=float(entry.get("elapsed", 0.0)),
            remote_ip=entry.get("ip"),
        )
        if result.responded and entry.get("offset") is not None:
            got = self._read_response(fh, int(entry["offset"]), with_request=True)
            if got is not None:
                body, headers, request_headers = got
                result.body = body
                result.headers = _restore_headers(headers)
                result.request_headers = request_headers
        return result
