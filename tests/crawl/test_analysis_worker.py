"""The analysis worker process: same answers as in-process, and a crawl survives its death."""

from __future__ import annotations

from pathlib import Path

from govinspect.crawl.pageanalysis import analyse_page
from govinspect.crawl.worker import AnalysisWorker, WorkerGone

PAGE = Path(__file__).parent.parent / "fixtures" / "pages" / "portal_home_trs_gbk.html"
URL = "http://www.qingshan.gov.cn/"


async def test_worker_analysis_equals_in_process_analysis():
    body = PAGE.read_bytes()
    worker = AnalysisWorker()
    await worker.start()
    try:
        remote = await worker.analyse(body, "text/html", URL)
    finally:
        await worker.stop()
    assert remote == analyse_page(body, "text/html", URL)
    assert remote.encoding == "gb18030" and len(remote.urls) > 20


async def test_calls_after_the_worker_died_fail_fast_with_worker_gone():
    worker = AnalysisWorker()
    await worker.start()
    worker._proc.kill()
    worker._proc.join(5)
    try:
        for _ in range(3):
            try:
                await worker.analyse(PAGE.read_bytes(), "text/html", URL)
            except WorkerGone:
                pass
            else:
                raise AssertionError("a dead worker must not answer")
        assert not worker.alive
    finally:
        await worker.stop()


def test_wire_form_round_trips_empty_and_full_pages():
    from govinspect.crawl.pageanalysis import pack, unpack

    full = analyse_page(PAGE.read_bytes(), "text/html", URL)
    assert unpack(pack(full)) == full
    empty = analyse_page("<html><body>暂无信息</body></html>".encode(), "text/html; charset=utf-8", URL)
    assert empty.urls == [] and unpack(pack(empty)) == empty
