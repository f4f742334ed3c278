"""BackgroundCapture: every queued fetch reaches the WARC, in order, with bounded memory."""

from __future__ import annotations

from govinspect.capture import CaptureReader, CaptureWriter
from govinspect.capture.background import BackgroundCapture
from govinspect.net.types import FetchResult

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>青山县人民政府关于做好2024年防汛工作的通知</title></head><body>"
    + "<p>各乡镇人民政府，县直各单位：为切实做好今年防汛工作，现将有关事项通知如下。</p>" * 300
    + "</body></html>"
).encode("utf-8")


def fetch(i: int) -> FetchResult:
    url = f"http://www.qingshan.gov.cn/xxgk/tzgg/202406/t20240612_{1000 + i}.html"
    return FetchResult(url=url, method="GET", outcome="ok", final_url=url, status=200,
                       headers=[("Content-Type", "text/html; charset=utf-8")], body=ARTICLE,
                       started_at=1718416800.0 + i)


def test_all_queued_records_are_written_in_order_after_close(tmp_path):
    cap = BackgroundCapture(CaptureWriter(tmp_path, "qingshan"), max_pending_bytes=len(ARTICLE) * 3)
    for i in range(200):  # far more than the byte bound: writes must wait, never drop
        cap.write(fetch(i), note="page")
    cap.close()
    assert cap.errors == []
    reader = CaptureReader(tmp_path, "qingshan")
    entries = list(reader.entries())
    assert [e["url"] for e in entries] == [fetch(i).url for i in range(200)]
    assert reader.read_body(entries[-1]) == ARTICLE


def test_close_is_idempotent_and_write_after_close_is_refused(tmp_path):
    cap = BackgroundCapture(CaptureWriter(tmp_path, "x"))
    cap.write(fetch(0))
    cap.close()
    cap.close()
    try:
        cap.write(fetch(1))
    except ValueError:
        pass
    else:
        raise AssertionError("write after close must fail loudly")
