"""CaptureWriter / CaptureReader: round trips, crash recovery, resume, and WARC validity."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govinspect.capture import CaptureReader, CaptureWriter
from govinspect.capture.warc import capture_paths
from govinspect.net.types import FetchResult, Hop

GBK_PAGE = (
    '<html><head><meta charset="gbk"><title>关于开展2024年政府网站检查工作的通知</title></head>'
    "<body><ul><li><a href='/art/2024/6/1/art_1229_1.html'>通知公告</a></li></ul></body></html>"
).encode("gbk")
T0 = 1718416800.25  # 2024-06-15 10:00:00.25 +08:00


def page(url: str = "http://www.example.gov.cn/col/col1229/index.html", **kw) -> FetchResult:
    """A typical successful fetch of a GBK column page, behind two redirects."""
    defaults = dict(
        url="http://example.gov.cn/col/1229",
        method="GET",
        outcome="ok",
        final_url=url,
        status=200,
        headers=[
            ("Server", "nginx"),
            ("Content-Type", "text/html; charset=GBK"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "123"),
            ("Set-Cookie", "JSESSIONID=abc; Path=/"),
            ("Set-Cookie", "route=1"),
            ("Content-Disposition", 'inline; filename="通知公告.html"'),
        ],
        body=GBK_PAGE,
        redirects=[
            Hop("http://example.gov.cn/col/1229", 301, "http://www.example.gov.cn/col/1229"),
            Hop("http://www.example.gov.cn/col/1229", 302, "/col/col1229/index.html"),
        ],
        started_at=T0,
        elapsed=0.432,
        remote_ip="10.0.0.7",
        request_headers=[("User-Agent", "govinspect/0.1"), ("Accept", "*/*")],
    )
    defaults.update(kw)
    return FetchResult(**defaults)


def dns_failure() -> FetchResult:
    return FetchResult(
        url="http://old.example.gov.cn/zwgk/",
        method="GET",
        outcome="dns",
        final_url="http://old.example.gov.cn/zwgk/",
        detail="域名无法解析: Name or service not known",
        started_at=T0 + 1,
        elapsed=0.05,
    )


def loop_failure() -> FetchResult:
    return FetchResult(
        url="http://www.example.gov.cn/a",
        method="GET",
        outcome="redirect_loop",
        final_url="http://www.example.gov.cn/a",
        redirects=[
            Hop("http://www.example.gov.cn/a", 302, "/b"),
            Hop("http://www.example.gov.cn/b", 302, "/a"),
        ],
        detail="redirect loop back to http://www.example.gov.cn/a",
        started_at=T0 + 2,
        elapsed=0.02,
    )


def first_of_type(path: Path, rec_type: str) -> tuple[object, bytes]:
    """The first record of a type and its content (read before the iterator moves on)."""
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == rec_type:
                return rec, rec.content_stream().read()
    raise AssertionError(f"no {rec_type} record")


def all_records(path: Path) -> list[tuple[str, str | None, int, int]]:
    """(type, target URI, offset, length) of every record, read by warcio with digest checks."""
    out = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh, check_digests="raise")
        for rec in it:
            rec.content_stream().read()
            out.append(
                (
                    rec.rec_type,
                    rec.rec_headers.get_header("WARC-Target-URI"),
                    it.get_record_offset(),
                    it.get_record_length(),
                )
            )
    return out


def test_round_trip_gbk_headers_redirects_failures(tmp_path: Path) -> None:
    original = [page(), dns_failure(), loop_failure()]
    with CaptureWriter(tmp_path, "4210030010") as w:
        for r in original:
            w.write(r, note="crawl")

    reader = CaptureReader(tmp_path, "4210030010")
    rebuilt = list(reader.responses())
    assert len(rebuilt) == 3

    ok = rebuilt[0]
    assert ok.body == GBK_PAGE
    assert ok.body.decode("gbk").count("通知公告") == 1
    # Headers come back exactly, including the renamed wire headers and a UTF-8 value.
    assert ok.headers == original[0].headers
    assert ok.content_type == "text/html"
    assert ok.redirects == original[0].redirects
    for field in ("url", "method", "outcome", "final_url", "status", "detail", "remote_ip"):
        assert getattr(ok, field) == getattr(original[0], field), field
    assert ok.started_at == pytest.approx(T0, abs=1e-3)
    assert ok.elapsed == pytest.approx(0.432)
    assert ("User-Agent", "govinspect/0.1") in ok.request_headers

    dns = rebuilt[1]
    assert (dns.outcome, dns.status, dns.body, dns.detail) == (
        "dns", None, b"", original[1].detail)
    loop = rebuilt[2]
    assert loop.outcome == "redirect_loop"
    assert loop.redirects == original[2].redirects


def test_index_line_format(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page(), note="home")
        w.write(dns_failure())
    _, index = capture_paths(tmp_path, "site")
    lines = [json.loads(x) for x in index.read_text("utf-8").splitlines()]
    required = {"url", "final_url", "method", "status", "outcome", "detail", "content_type",
                "fetched_at", "elapsed", "length", "offset", "record_length", "redirects", "note"}
    for line in lines:
        assert required <= line.keys()
    ok, dns = lines
    assert ok["fetched_at"] == "2024-06-15T10:00:00.250+08:00"
    assert ok["status"] == 200 and ok["length"] == len(GBK_PAGE) and ok["note"] == "home"
    assert ok["content_type"] == "text/html"
    assert ok["redirects"] == [["http://example.gov.cn/col/1229", 301],
                               ["http://www.example.gov.cn/col/1229", 302]]
    assert dns["status"] is None and dns["outcome"] == "dns" and dns["length"] == 0
    # Chinese kept readable in the index (ensure_ascii=False).
    assert "域名无法解析" in index.read_text("utf-8")


def test_offsets_match_warcio_and_read_body(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
        w.write(dns_failure())
        w.write(page(url="http://www.example.gov.cn/img/logo.png", body=b"\x89PNG\r\n\x1a\n\x00",
                     headers=[("Content-Type", "image/png")], redirects=[], method="HEAD"))
    warc, _ = capture_paths(tmp_path, "site")
    records = all_records(warc)
    assert [r[0] for r in records] == [
        "warcinfo", "response", "response", "response", "request", "metadata", "response",
        "request"]
    by_offset = {r[2]: r for r in records}
    reader = CaptureReader(tmp_path, "site")
    entries = list(reader.entries())
    for entry in entries:
        rec_type, uri, _, length = by_offset[entry["offset"]]
        assert length == entry["record_length"]
        if entry["status"] is None:
            assert (rec_type, uri) == ("metadata", entry["url"])
            assert reader.read_body(entry) is None
        else:
            assert (rec_type, uri) == ("response", entry["final_url"])
    assert reader.read_body(entries[0]) == GBK_PAGE
    assert reader.read_body(entries[2]) == b"\x89PNG\r\n\x1a\n\x00"


def test_failure_metadata_block_is_json(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(loop_failure())
    warc, _ = capture_paths(tmp_path, "site")
    _, content = first_of_type(warc, "metadata")
    block = json.loads(content)
    assert block["outcome"] == "redirect_loop"
    assert block["redirects"][1] == ["http://www.example.gov.cn/b", 302]


def test_wire_headers_renamed_so_warc_readers_do_not_gunzip(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page(redirects=[]))
    warc, _ = capture_paths(tmp_path, "site")
    # content_stream() would try to gunzip if Content-Encoding: gzip were left in place.
    resp, content = first_of_type(warc, "response")
    assert content == GBK_PAGE
    assert resp.http_headers.get_header("Content-Length") == str(len(GBK_PAGE))
    assert resp.http_headers.get_header("X-Govinspect-Orig-Content-Encoding") == "gzip"


def test_truncated_body_marked(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page(outcome="truncated", redirects=[]))
    warc, _ = capture_paths(tmp_path, "site")
    resp, _ = first_of_type(warc, "response")
    assert resp.rec_headers.get_header("WARC-Truncated") == "length"
    (back,) = CaptureReader(tmp_path, "site").responses()
    assert back.outcome == "truncated" and back.body == GBK_PAGE


def test_half_written_index_line_still_reads(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
        w.write(dns_failure())
    warc, index = capture_paths(tmp_path, "site")
    # Simulated crash: the next call's records made it partly to disk, its index line half.
    with open(warc, "ab") as fh:
        fh.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" * 50)[:70])
    with open(index, "ab") as fh:
        fh.write(b'{"url": "http://www.example.gov.cn/xxgk/", "final_u')

    reader = CaptureReader(tmp_path, "site")
    assert [e["outcome"] for e in reader.entries()] == ["ok", "dns"]
    results = list(reader.responses())
    assert results[0].body == GBK_PAGE and results[1].outcome == "dns"


def test_reopen_after_crash_recovers_and_appends(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
    warc, index = capture_paths(tmp_path, "site")
    good_size = warc.stat().st_size
    with open(warc, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00garbage of a torn gzip member")
    with open(index, "ab") as fh:
        fh.write(b'{"url": "http://torn')

    with CaptureWriter(tmp_path, "site") as w:
        assert w.count == 1
        assert warc.stat().st_size == good_size  # the torn tail is cut off
        w.write(dns_failure())
        w.write(page(url="http://www.example.gov.cn/col/col2/index.html", redirects=[]))

    records = all_records(warc)  # the whole file is valid WARC again
    assert [r[0] for r in records].count("warcinfo") == 1
    entries = list(CaptureReader(tmp_path, "site").entries())
    assert [e["outcome"] for e in entries] == ["ok", "dns", "ok"]
    assert all(not line.startswith('{"url": "http://torn')
               for line in index.read_text("utf-8").splitlines())
    bodies = [r.body for r in CaptureReader(tmp_path, "site").responses()]
    assert bodies == [GBK_PAGE, b"", GBK_PAGE]


def test_reopen_appends_without_new_warcinfo(tmp_path: Path) -> None:
    for i in range(3):
        with CaptureWriter(tmp_path, "site") as w:
            w.write(page(url=f"http://www.example.gov.cn/p{i}.html", redirects=[]),
                    note=f"run{i}")
    warc, _ = capture_paths(tmp_path, "site")
    types = [r[0] for r in all_records(warc)]
    assert types == ["warcinfo"] + ["response", "request"] * 3
    reader = CaptureReader(tmp_path, "site")
    assert [e["note"] for e in reader.entries()] == ["run0", "run1", "run2"]


def test_flushed_after_each_write(tmp_path: Path) -> None:
    """Without close(), a reader sees every completed write (crash safety)."""
    w = CaptureWriter(tmp_path, "site")
    w.write(page())
    w.write(dns_failure())
    results = list(CaptureReader(tmp_path, "site").responses())
    assert [r.outcome for r in results] == ["ok", "dns"]
    w.close()
    w.close()  # idempotent
    with pytest.raises(ValueError):
        w.write(page())


def test_name_sanitised_and_started_at_default(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "../某市 政府/网站") as w:
        before = time.time()
        w.write(page(started_at=0.0))
    assert w.warc_path.parent == tmp_path and w.warc_path.name.endswith(".warc.gz")
    (entry,) = CaptureReader(tmp_path, "../某市 政府/网站").entries()
    assert entry["started_at"] >= before - 1


def test_header_injection_neutralised(tmp_path: Path) -> None:
    evil = page(headers=[("X-Test", "a\r\nWARC-Type: metadata")], redirects=[])
    with CaptureWriter(tmp_path, "site") as w:
        w.write(evil)
    warc, _ = capture_paths(tmp_path, "site")
    assert [r[0] for r in all_records(warc)] == ["warcinfo", "response", "request"]


def test_garbled_middle_line_skipped_not_truncating(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
    _, index = capture_paths(tmp_path, "site")
    with open(index, "ab") as fh:
        fh.write(b"\x00\x00 damaged \n")
    with CaptureWriter(tmp_path, "site") as w:
        w.write(dns_failure())
    entries = list(CaptureReader(tmp_path, "site").entries())
    assert [e["outcome"] for e in entries] == ["ok", "dns"]


def test_index_line_without_its_records_reads_as_empty_body(tmp_path: Path) -> None:
    """After a power cut without fsync the index may be ahead of the WARC: no exception."""
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
        w.write(page(url="http://www.example.gov.cn/p2.html", redirects=[]))
    warc, _ = capture_paths(tmp_path, "site")
    entries = list(CaptureReader(tmp_path, "site").entries())
    with open(warc, "r+b") as fh:
        fh.truncate(entries[1]["offset"] + 10)
    reader = CaptureReader(tmp_path, "site")
    assert reader.read_body(entries[1]) is None
    results = list(reader.responses())
    assert results[0].body == GBK_PAGE and results[1].body == b""


def test_warc_without_index_is_kept_aside(tmp_path: Path) -> None:
    with CaptureWriter(tmp_path, "site") as w:
        w.write(page())
    warc, index = capture_paths(tmp_path, "site")
    size = warc.stat().st_size
    index.unlink()
    with CaptureWriter(tmp_path, "site") as w:
        w.write(dns_failure())
    aside = warc.with_name(warc.name + ".orphan1")
    assert aside.stat().st_size == size
    assert [e["outcome"] for e in CaptureReader(tmp_path, "site").entries()] == ["dns"]


@pytest.mark.parametrize("isal", [True, False], ids=["isal", "zlib-fallback"])
@pytest.mark.parametrize("level", [1, 9])
def test_members_valid_and_digests_true_with_isal_and_zlib(tmp_path: Path, monkeypatch, isal: bool, level: int) -> None:
    """Each record is its own gzip member whatever deflate made it (ISA-L for levels 0–3 when
    installed, zlib otherwise), and the WARC digests are those of the stored bytes."""
    import base64
    import hashlib
    import zlib as zlib_mod

    from govinspect.capture import records as records_mod

    if isal:
        pytest.importorskip("isal")
    else:
        monkeypatch.setattr(records_mod, "_isal_zlib", None)
    with CaptureWriter(tmp_path, "site", compress_level=level) as w:
        w.write(page())
        w.write(dns_failure())
        w.write(page(url="http://www.example.gov.cn/a?b=1", redirects=[], outcome="truncated"))
    warc, _ = capture_paths(tmp_path, "site")
    data = warc.read_bytes()
    pos = 0
    members = 0
    while pos < len(data):  # walk the members one by one, as a seek to an offset would
        d = zlib_mod.decompressobj(zlib_mod.MAX_WBITS + 16)
        d.decompress(data[pos:])
        assert d.eof
        pos = len(data) - len(d.unused_data)
        members += 1
    assert members == len(all_records(warc))
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type not in ("response", "request"):
                continue
            block = record.raw_stream.read()
            head_len = len(record.http_headers.to_bytes()) if record.http_headers else 0
            want = "sha1:" + base64.b32encode(hashlib.sha1(record.http_headers.to_bytes() + block).digest()).decode()
            assert record.rec_headers.get_header("WARC-Block-Digest") == want
            if record.rec_type == "response":
                want = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
                assert record.rec_headers.get_header("WARC-Payload-Digest") == want
            assert head_len > 0
    rebuilt = list(CaptureReader(tmp_path, "site").responses())
    assert rebuilt[0].body == GBK_PAGE and rebuilt[2].body == GBK_PAGE and rebuilt[1].outcome == "dns"
