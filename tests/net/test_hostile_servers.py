"""Servers that misbehave on purpose: trickling, bombs, huge pages, garbage. All on 127.0.0.1.

Each test proves the fetcher ends within its limits with an outcome instead of an exception,
hang or memory blow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable

import psutil
import pytest

from govinspect.net import Fetcher, decode_body

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
StartServer = Callable[[Handler], Awaitable[int]]

MiB = 1024 * 1024
BOMB_BLOCKS = 1024  # 1 GiB of zeros once decompressed


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """Consume one request head so the client is not reset before it reads our answer."""
    with contextlib.suppress(asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return await reader.readuntil(b"\r\n\r\n")
    return b""


def response_head(*lines: str, status: str = "200 OK") -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *lines]) + "\r\n\r\n").encode("latin-1")


@pytest.fixture(scope="session")
def deflate_bombs() -> dict[str, bytes]:
    """1 GiB of zeros as a ~1 MB gzip body and a ~1 MB zlib ('deflate') body.

    Built by streaming zeros through zlib with a full flush after each MiB: a full flush resets
    the compressor's history, so every MiB block compresses to the very same bytes and the
    stream is that block repeated (0.3 s instead of 3 s compressing a real GiB). Checksums are
    computed over the full GiB so the streams are valid to the last byte.
    """
    zeros = bytes(MiB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    assert comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH) == block
    final = comp.flush(zlib.Z_FINISH)
    crc = adler = 0
    adler = 1
    for _ in range(BOMB_BLOCKS):
        crc = zlib.crc32(zeros, crc)
        adler = zlib.adler32(zeros, adler)
    deflate = block * BOMB_BLOCKS + final
    size = (BOMB_BLOCKS * MiB) & 0xFFFFFFFF
    gzip_body = (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + deflate + struct.pack("<II", crc, size)
    )
    zlib_body = b"\x78\xda" + deflate + struct.pack(">I", adler)
    # The construction is sound: a small version round-trips through the stdlib.
    small = block * 3 + final
    assert zlib.decompress(
        b"\x78\xda" + small + struct.pack(">I", zlib.adler32(bytes(3 * MiB)))
    ) == bytes(3 * MiB)
    return {"gzip": gzip_body, "deflate": zlib_body}


@pytest.fixture
def gbk_page(notice_list: Callable[..., str]) -> bytes:
    return notice_list(charset="gbk").encode("gb18030")


@pytest.fixture
async def peak_rss() -> AsyncIterator[Callable[[], int]]:
    """Sample this process's RSS every few ms while the test runs; call to get the peak growth."""
    proc = psutil.Process()
    baseline = proc.memory_info().rss
    peak = baseline
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, proc.memory_info().rss)
            await asyncio.sleep(0.005)

    task = asyncio.create_task(sample())

    def growth() -> int:
        return max(peak, proc.memory_info().rss) - baseline

    yield growth
    stop.set()
    await task


@pytest.fixture
def fetcher(make_fetcher: Callable[..., Fetcher]) -> Fetcher:
    return make_fetcher(allow_private=True, timeout=4.0, connect_timeout=2.0, max_body=2 * MiB)


# --------------------------------------------------------------------------- slow servers


async def test_body_trickling_forever_ends_at_total_timeout_keeping_what_arrived(
    raw_server: StartServer, make_fetcher: Callable[..., Fetcher], gbk_page: bytes
) -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head("Content-Type: text/html; charset=gbk", "Content-Length: 1000000")
        )
        writer.write(gbk_page[:2000])
        await writer.drain()
        for byte in gbk_page[2000:] * 100:
            await asyncio.sleep(0.2)
            writer.write(bytes([byte]))
            await writer.drain()

    port = await raw_server(trickle)
    fetcher = make_fetcher(allow_private=True, timeout=2.0)
    t0 = time.monotonic()
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/zwgk/tzgg/index.html")
    took = time.monotonic() - t0
    assert res.outcome == "timeout"
    assert res.status == 200
    assert res.body.startswith(gbk_page[:2000]) and len(res.body) < 2100
    assert took < 3.0


async def test_headers_trickling_forever_end_at_total_timeout(
    raw_server: StartServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    async def slowloris(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n")
        while True:
            writer.write(b"X")
            await writer.drain()
            await asyncio.sleep(0.2)

    port = await raw_server(slowloris)
    t0 = time.monotonic()
    res = await make_fetcher(allow_private=True, timeout=1.5).fetch(f"http://127.0.0.1:{port}/")
    assert res.outcome == "timeout" and res.status is None
    assert time.monotonic() - t0 < 2.5


async def test_server_that_accepts_and_never_answers_times_out(
    raw_server: StartServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    port = await raw_server(silent)
    res = await make_fetcher(allow_private=True, timeout=1.0).fetch(f"http://127.0.0.1:{port}/")
    assert res.outcome == "timeout" and res.elapsed < 2.0


# --------------------------------------------------------------------------- bombs and giants


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_decompression_bomb_is_cut_at_the_decompressed_cap_without_blowing_memory(
    raw_server: StartServer,
    make_fetcher: Callable[..., Fetcher],
    deflate_bombs: dict[str, bytes],
    peak_rss: Callable[[], int],
    encoding: str,
) -> None:
    bomb = deflate_bombs[encoding]
    assert len(bomb) < 2 * MiB  # ~1 MB on the wire, 1 GiB decompressed

    async def serve_bomb(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head(
                "Content-Type: text/html; charset=utf-8",
                f"Content-Encoding: {encoding}",
                f"Content-Length: {len(bomb)}",
            )
        )
        writer.write(bomb)
        await writer.drain()
        await asyncio.sleep(10)

    port = await raw_server(serve_bomb)
    fetcher = make_fetcher(allow_private=True, timeout=10.0, max_decompressed=4 * MiB)
    t0 = time.monotonic()
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/bomb.html")
    assert time.monotonic() - t0 < 4.0
    assert res.outcome == "truncated" and res.status == 200
    assert len(res.body) == 4 * MiB and res.body.count(0) == len(res.body)
    assert "max_decompressed" in res.detail
    assert peak_rss() < 200 * MiB


@pytest.mark.parametrize("framing", ["content-length", "chunked", "close-delimited"])
async def test_fifty_megabyte_page_is_truncated_at_max_body(
    raw_server: StartServer,
    fetcher: Fetcher,
    gbk_page: bytes,
    peak_rss: Callable[[], int],
    framing: str,
) -> None:
    total = 50 * MiB
    chunk = (gbk_page * (MiB // len(gbk_page) + 1))[:MiB]
    headers = ["Content-Type: text/html; charset=gbk"]
    if framing == "content-length":
        headers.append(f"Content-Length: {total}")
    elif framing == "chunked":
        headers.append("Transfer-Encoding: chunked")
    else:
        headers.append("Connection: close")

    async def giant(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(response_head(*headers))
        for _ in range(total // MiB):
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if framing == "chunked" else chunk)
            await writer.drain()
        if framing == "chunked":
            writer.write(b"0\r\n\r\n")
        await writer.drain()

    port = await raw_server(giant)
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/xxgk/bigfile.html")
    assert res.outcome == "truncated" and res.status == 200
    assert len(res.body) == 2 * MiB  # config.max_body
    assert res.body.startswith(gbk_page[:1000])
    assert "max_body" in res.detail
    assert peak_rss() < 200 * MiB


async def test_page_exactly_at_max_body_is_not_truncated(
    raw_server: StartServer, make_fetcher: Callable[..., Fetcher], gbk_page: bytes
) -> None:
    async def exact(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head(
                "Content-Type: text/html; charset=gbk", f"Content-Length: {len(gbk_page)}"
            )
        )
        writer.write(gbk_page)
        await writer.drain()

    port = await raw_server(exact)
    res = await make_fetcher(allow_private=True, max_body=len(gbk_page)).fetch(
        f"http://127.0.0.1:{port}/"
    )
    assert res.outcome == "ok" and res.body == gbk_page


async def test_per_call_max_body_overrides_config(
    raw_server: StartServer, fetcher: Fetcher, gbk_page: bytes
) -> None:
    async def page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head(
                "Content-Type: text/html; charset=gbk", f"Content-Length: {len(gbk_page)}"
            )
        )
        writer.write(gbk_page)
        await writer.drain()

    port = await raw_server(page)
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/", max_body=1000)
    assert res.outcome == "truncated" and res.body == gbk_page[:1000]
    # A cut GBK page still decodes (the last character may be half there).
    text, encoding = decode_body(res.body, res.header("content-type"))
    assert encoding == "gb18030" and "通知公告" in text


# --------------------------------------------------------------------------- broken responses


async def test_invalid_bytes_in_a_utf8_page_are_a_normal_response(
    raw_server: StartServer, fetcher: Fetcher, article: Callable[..., str]
) -> None:
    body = article(charset="utf-8").encode("utf-8")
    body = body.replace(
        "三、工作要求".encode(), b"\xc3\x28\xa0\xa1\xff\xfe\xe2\x82" + "三、工作要求".encode()
    )

    async def page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head("Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}")
        )
        writer.write(body)
        await writer.drain()

    port = await raw_server(page)
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/art.html")
    assert res.outcome == "ok" and res.body == body
    text, encoding = decode_body(res.body, res.header("content-type"))
    assert encoding == "utf-8" and "\ufffd" in text and "三、工作要求" in text


async def test_connection_closed_mid_body_is_reset_keeping_partial_body(
    raw_server: StartServer, fetcher: Fetcher, gbk_page: bytes
) -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            response_head(
                "Content-Type: text/html; charset=gbk", f"Content-Length: {len(gbk_page)}"
            )
        )
        writer.write(gbk_page[:3000])
        await writer.drain()

    port = await raw_server(cut)
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert res.outcome == "reset" and res.status == 200
    assert res.body == gbk_page[:3000]


@pytest.mark.parametrize(
    "raw",
    [
        b"SSH-2.0-OpenSSH_7.4\r\n",  # not HTTP at all
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot a chunk\r\n",
        b"HTTP/1.1 200 OK\r\nX-Padding: "
        + b"a" * 100_000
        + b"\r\n\r\n",  # header line far too long
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\nthis is not gzip....",
        b"",  # accept, then close without a byte
    ],
    ids=["not-http", "bad-chunking", "huge-header", "fake-gzip", "empty"],
)
async def test_malformed_responses_are_reset_not_exceptions(
    raw_server: StartServer, fetcher: Fetcher, raw: bytes
) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(raw)
        await writer.drain()

    port = await raw_server(garbage)
    res = await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert res.outcome == "reset", res.detail
    assert res.detail and "\n" not in res.detail


# --------------------------------------------------------------------------- garbage URLs


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.gov.cn/%%%",
        "http://[::1",
        "ftp://x",
        "javascript:void(0)",
        "mailto:zwgk@example.gov.cn",
        "http:///no-host",
        "http://www.example.gov.cn:99999/",
        "",
        "//www.example.gov.cn/relative",
        "http://www..example.gov.cn/",
        "http://127.1/",
    ],
)
async def test_garbage_urls_are_invalid_url_without_raising(
    make_fetcher: Callable[..., Fetcher], url: str
) -> None:
    # allow_private so the guard cannot be what stops them; offline so nothing is looked up.
    res = await make_fetcher(allow_private=True, offline=True).fetch(url)
    assert res.outcome == "invalid_url", res.detail
    assert res.url == url and res.detail
