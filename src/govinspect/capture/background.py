"""Write the capture on a background thread, so WARC compression and digests overlap the crawl.

zlib and hashlib release the GIL on large buffers, so on a two-core machine the evidence is
compressed on the second core while the event loop fetches and parses on the first. The queue
is bounded in bytes: when the writer falls behind, `write` blocks until it catches up, so
memory stays bounded and nothing is dropped.
"""

from __future__ import annotations

import queue
import threading

from govinspect.capture.warc import CaptureWriter
from govinspect.net.types import FetchResult

DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024


class BackgroundCapture:
    """A `CaptureWriter` fed through a bounded queue by one writer thread."""

    def __init__(self, writer: CaptureWriter, max_pending_bytes: int = DEFAULT_MAX_PENDING_BYTES) -> None:
        self.writer = writer
        self.max_pending_bytes = max_pending_bytes
        self.errors: list[str] = []
        self._queue: queue.SimpleQueue[tuple[FetchResult, str] | None] = queue.SimpleQueue()
        self._pending = 0
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"capture-{writer.warc_path.name}", daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            result, note = item
            try:
                self.writer.write(result, note=note)
            except Exception as exc:  # a full disk must not kill the crawl; it is reported
                if len(self.errors) < 20:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                with self._cond:
                    self._pending -= len(result.body)
                    self._cond.notify_all()

    def write(self, result: FetchResult, *, note: str = "") -> None:
        """Queue one fetch for writing; blocks only while too many bytes are pending."""
        if self._closed:
            raise ValueError("capture is closed")
        size = len(result.body)
        with self._cond:
            while self._pending > 0 and self._pending + size > self.max_pending_bytes:
                self._cond.wait(timeout=1.0)
            self._pending += size
        self._queue.put((result, note))

    def close(self) -> None:
        """Write everything still queued, stop the thread and close the files."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        self.writer.close()
