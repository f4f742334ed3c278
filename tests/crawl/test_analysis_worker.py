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


async def test_a_message_larger_than_the_pipe_is_handed_over_in_pieces_in_order():
    """The crawler's end of the pipe does not block: a page bigger than the pipe's buffer is
    written partly and finished by the event loop, and pages sent after it wait behind it,
    so every answer still belongs to its own page."""
    import asyncio

    body = PAGE.read_bytes()
    big = b"<html><body><p>" + "政务公开".encode("gbk") * 600_000 + b"</p><a href='/x.html'>x</a></body></html>"
    assert len(big) > 4_000_000  # far more than a socket pair buffers
    worker = AnalysisWorker()
    await worker.start()
    try:
        calls = [asyncio.ensure_future(worker.analyse(body, "text/html", URL)),
                 asyncio.ensure_future(worker.analyse(big, "text/html", URL + "big.html"))]
        calls += [asyncio.ensure_future(worker.analyse(body, "text/html", URL + f"{i}.html")) for i in range(3)]
        await asyncio.sleep(0)  # every call has sent (or queued) its page
        assert worker._outbuf, "the big page should not have fitted into the pipe at once"
        answers = await asyncio.gather(*calls)
    finally:
        await worker.stop()
    assert answers[0] == analyse_page(body, "text/html", URL)
    assert answers[1].urls == ["http://www.qingshan.gov.cn/x.html"] and answers[1].error is None
    for i, answer in enumerate(answers[2:]):
        assert answer == analyse_page(body, "text/html", URL + f"{i}.html")


async def test_a_reply_larger_than_the_pipe_reaches_the_crawler_whole_and_in_order():
    """The worker's end does not block either: a page with tens of thousands of links gives a
    reply far bigger than the pipe, which the worker hands over in pieces between pages."""
    import asyncio

    body = PAGE.read_bytes()
    links = "".join(f'<li><a href="/xxgk/{i}/t{i}_{i}.html">第{i}条 政务公开信息</a></li>' for i in range(40_000))
    many = f"<html><head><meta charset='utf-8'></head><body><ul>{links}</ul></body></html>".encode()
    worker = AnalysisWorker(full=False)
    await worker.start()
    try:
        calls = [asyncio.ensure_future(worker.analyse(many, "text/html", URL + "list.html"))]
        calls += [asyncio.ensure_future(worker.analyse(body, "text/html", URL + f"{i}.html")) for i in range(3)]
        answers = await asyncio.gather(*calls)
    finally:
        await worker.stop()
    assert len(answers[0].urls) == 40_000 and answers[0].urls[-1] == "http://www.qingshan.gov.cn/xxgk/39999/t39999_39999.html"
    for i, answer in enumerate(answers[1:]):
        assert answer == analyse_page(body, "text/html", URL + f"{i}.html")


def test_the_workers_pipe_cuts_frames_across_reads_and_reads_a_closed_pipe_as_stop():
    import os
    import pickle
    import socket
    import struct
    import threading
    import time

    from govinspect.crawl.worker import _WorkerPipe

    ours, theirs = socket.socketpair()
    pipe = _WorkerPipe(theirs)
    small = ("analyse", 6, b"<html></html>")
    big = ("analyse", 7, b"x" * 300_000)
    frames = b"".join(struct.pack("!i", len(d)) + d for d in (pickle.dumps(small), pickle.dumps(big)))

    def trickle() -> None:  # the frames arrive cut mid-header and mid-body, with pauses
        for a, b in ((0, 3), (3, 40), (40, 100_000), (100_000, len(frames))):
            os.write(ours.fileno(), frames[a:b])
            time.sleep(0.05)
        ours.close()

    writer = threading.Thread(target=trickle)
    writer.start()
    try:
        assert pipe.get() == small
        assert pipe.get() == big
        assert pipe.get() == ("stop",)  # the crawler's end is closed
    finally:
        writer.join()
        theirs.close()


async def test_the_worker_says_when_it_is_ready_and_a_links_only_worker_gives_the_same_links():
    import asyncio

    body = PAGE.read_bytes()
    worker = AnalysisWorker(full=False)
    await worker.start()
    try:
        assert not worker.ready  # still importing: the crawler analyses pages itself meanwhile
        for _ in range(600):
            worker.busy(0)  # reads what the worker sent
            if worker.ready:
                break
            await asyncio.sleep(0.1)
        assert worker.ready
        remote = await worker.analyse(body, "text/html", URL)
    finally:
        await worker.stop()
    assert remote == analyse_page(body, "text/html", URL)


async def test_a_worker_launched_early_is_adopted_by_the_run_of_its_kind_only():
    # The command line starts the worker before its own imports; the run must use that
    # process (not start a second one), and only a run that wants the same analyses.
    from govinspect.crawl import worker as worker_module

    worker_module.launch_early(full=False)
    early_pid = worker_module._early[False].pid
    worker_module.launch_early(full=False)  # a second call keeps the one waiting
    assert worker_module._early[False].pid == early_pid

    full = AnalysisWorker(full=True)
    assert full._proc.pid is None  # not the links-only process: a new one, not yet started
    links = AnalysisWorker(full=False)
    await links.start()
    try:
        assert links._proc.pid == early_pid
        remote = await links.analyse(PAGE.read_bytes(), "text/html", URL)
    finally:
        await links.stop()
    assert remote.urls == analyse_page(PAGE.read_bytes(), "text/html", URL).urls
    assert False not in worker_module._early


def _small_run():
    from govinspect.models import DeadLink, RunResult, SiteResult, SiteSpec

    site = SiteResult(spec=SiteSpec(url="http://www.qingshan.gov.cn/", name="青山县人民政府", site_code="3301000001"))
    site.pages = 12
    site.dead_links = [DeadLink(source="http://www.qingshan.gov.cn/", target="http://www.qingshan.gov.cn/gone.html",
                                status=404, reason="http_404", scope="home", kind="page")]
    return RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019", sites=[site])


async def test_the_worker_writes_the_office_reports_at_the_end_of_a_run(tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    worker = AnalysisWorker(full=False)
    await worker.start()
    try:
        failed = await worker.write_reports(_small_run(), tmp_path, "gov2019")
    finally:
        await worker.stop()
    assert failed == []
    cells = [c.text for t in Document(str(tmp_path / "report.docx")).tables for r in t.rows for c in r.cells]
    assert "http://www.qingshan.gov.cn/gone.html" in cells
    rows = list(load_workbook(tmp_path / "report.xlsx")["死链明细"].values)
    assert rows[1][4] == "http://www.qingshan.gov.cn/gone.html"
    assert (tmp_path / "findings-review.csv").is_file() and (tmp_path / "findings-review.xlsx").is_file()


async def test_what_the_worker_cannot_write_is_written_by_the_crawlers_process(tmp_path):
    # A worker gone before the run's end: every office report is still written, by the
    # crawler's own process, next to results.json and report.html.
    from govinspect.runner import write_run_outputs

    worker = AnalysisWorker(full=False)
    await worker.start()
    worker._proc.kill()
    worker._proc.join(5)
    try:
        assert len(await worker.write_reports(_small_run(), tmp_path, "gov2019")) == 3
        await write_run_outputs(_small_run(), worker, tmp_path, None, "gov2019")
    finally:
        await worker.stop()
    for name in ("results.json", "report.html", "report.xlsx", "report.docx", "findings-review.csv",
                 "findings-review.xlsx"):
        assert (tmp_path / name).stat().st_size > 0, name


async def test_a_failure_that_names_no_report_has_them_all_written_here(tmp_path):
    from govinspect.runner import write_run_outputs

    class Confused:
        async def write_reports(self, run, out_dir, profile):
            return ["reports: RuntimeError: something unexpected"]

    await write_run_outputs(_small_run(), Confused(), tmp_path, None, "gov2019")  # type: ignore[arg-type]
    for name in ("report.xlsx", "report.docx", "findings-review.csv", "findings-review.xlsx", "results.json"):
        assert (tmp_path / name).stat().st_size > 0, name
