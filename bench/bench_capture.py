"""Throughput of CaptureWriter: records/s and MB/s of ~30 KB HTML bodies at several zlib levels.

Usage: python bench/bench_capture.py [N] [LEVEL ...]   (default N=2000, levels 1 3 6 9)

Bodies are realistic-ish: a Chinese government page template (GBK) with varying list items,
so compression ratios resemble real captures rather than a repeated byte.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from govinspect.capture import CaptureReader, CaptureWriter
from govinspect.net.types import FetchResult, Hop


def make_body(rng: random.Random, size: int = 30_000) -> bytes:
    """A GBK page of about `size` bytes with varying titles, dates and links."""
    words = "通知公告 政务公开 政策文件 工作动态 人民政府 办公室 关于 印发 实施 方案 开展 检查 情况 通报 " \
            "经济 发展 乡村 振兴 安全 生产 疫情 防控 住房 保障 教育 卫生 交通 建设 环境 保护".split()
    parts = ['<!DOCTYPE html><html><head><meta charset="gbk"><title>某某县人民政府</title></head><body><ul>']
    n = 0
    while n < size:
        title = "".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
        li = (f'<li><a href="/art/2024/{rng.randint(1, 12)}/{rng.randint(1, 28)}/art_{rng.randint(1000, 99999)}.html"'
              f' title="{title}">{title}</a><span>2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</span></li>\n')
        parts.append(li)
        n += len(li.encode("gbk"))
    parts.append("</ul></body></html>")
    return "".join(parts).encode("gbk")


def run(n: int, level: int) -> None:
    rng = random.Random(42)
    bodies = [make_body(rng) for _ in range(50)]
    results = []
    for i in range(n):
        body = bodies[i % len(bodies)]
        results.append(FetchResult(
            url=f"http://www.example.gov.cn/col/{i}.html", method="GET", outcome="ok",
            final_url=f"http://www.example.gov.cn/col/{i}.html", status=200,
            headers=[("Server", "nginx"), ("Content-Type", "text/html; charset=GBK"),
                     ("Content-Encoding", "gzip"), ("Date", "Sat, 15 Jun 2024 02:00:00 GMT")],
            body=body, redirects=[Hop(f"http://www.example.gov.cn/c/{i}", 302,
                                      f"/col/{i}.html")] if i % 10 == 0 else [],
            started_at=time.time(), elapsed=0.1, request_headers=[("User-Agent", "govinspect")]))
    raw = sum(len(r.body) for r in results)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with CaptureWriter(Path(tmp), "bench", compress_level=level) as w:
            for r in results:
                w.write(r)
        dt = time.perf_counter() - t0
        size = (Path(tmp) / "bench.warc.gz").stat().st_size
        t1 = time.perf_counter()
        read = sum(1 for _ in CaptureReader(Path(tmp), "bench").responses())
        rt = time.perf_counter() - t1
    print(f"level {level}: write {n / dt:7.0f} records/s  {raw / dt / 1e6:6.1f} MB/s (body)  "
          f"file {size / 1e6:6.2f} MB (ratio {size / raw:.3f})  |  read back {read / rt:6.0f} records/s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    levels = [int(x) for x in sys.argv[2:]] or [1, 3, 6, 9]
    print(f"{n} records of ~30 KB")
    for level in levels:
        run(n, level)


if __name__ == "__main__":
    main()
