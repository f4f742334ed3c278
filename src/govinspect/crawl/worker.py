"""A second process that parses pages while the crawler fetches.

Python runs one thread of bytecode at a time, so on a two-core machine the crawl is bound by
one core unless CPU-heavy work leaves the process. The crawler's event loop keeps the network,
the bookkeeping and the capture; this worker decodes and parses pages (`analyse_page`).
Measured on the benchmark site: about 750 pages/s with the worker against 630 without
(bench/RESULTS.md). Writing the WARC in the worker as well was slower (the worker became the
bottleneck), and so was a capture thread in the main process (lock contention).

Protocol over one socket pair (pickled tuples; "pipe" below):

    worker → main   ("ready", -1, None) once, when its warm-up is done
    main → worker   ("analyse", id, body, ctype, url, as_of, is_home, site_hosts) → ("analysed", id, pack(PageAnalysis))
                    ("reports", id, RunResult, out_dir, profile) → ("reported", id, [names not written])
                    ("stop",)
Both ends are non-blocking and buffer what the pipe cannot take yet, so neither side ever
waits for the other and a full pipe cannot deadlock; the worker is one thread that takes in
what has arrived between pages. If the worker dies, every pending call fails with
`WorkerGone` and the crawler carries on in-process (see `crawl/crawler.py`).

At the end of a run the worker also writes the reports built with openpyxl and python-docx
(`report/office.py`), whose libraries it loads before it says it is ready (the crawler parses
the first pages itself meanwhile): the crawler's process writes results.json and report.html
meanwhile, and whatever the worker could not.

The command line starts the process before its own imports (`launch_early`): the worker then
loads what analysis needs on the other core while the crawler's process is still starting.
It is a fresh interpreter started with `subprocess` (`_WorkerProcess`), which inherits its end
of the socket pair; when the crawler's end closes, the worker stops.

The crawler's end of the pipe is non-blocking and driven by the event loop: a message is
written with one `writev` (what does not fit waits in a buffer for the loop's writer
callback), and replies are read with one `read` per readiness event and cut into frames
here. A frame is a 4-byte big-endian length (or -1 and an 8-byte length, as
`multiprocessing.Connection` frames them) and a pickle; the worker reads and writes the same
frames on its end (`_WorkerPipe`).
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import itertools
import os
import pickle
import select
import socket
import struct
import subprocess
import sys
import time
import weakref
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govinspect.crawl.pageanalysis import PageAnalysis, analyse_page, pack, unpack, warm_up
from govinspect.report.office import OFFICE_FILES

if TYPE_CHECKING:
    from govinspect.models import RunResult

# A page whose parse takes longer than this is reported as a parse error (pathological HTML).
ANALYSIS_TIMEOUT = 120.0
# os.read allocates the whole size first: 1 MB per call cost ~25 µs against ~2 µs for 64 KB
# (a reply is a few KB; a bigger one takes a few reads).
_READ_SIZE = 1 << 16
_LEN = struct.Struct("!i")
_LONG_LEN = struct.Struct("!Q")


def _frame(msg: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """(header, payload) of one message's frame."""
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > 0x7FFFFFFF:
        return _LEN.pack(-1) + _LONG_LEN.pack(len(data)), data
    return _LEN.pack(len(data)), data


class WorkerGone(Exception):
    """The analysis worker process is not running (crashed or stopped)."""


class AnalysisTimeout(Exception):
    """One page took too long to analyse."""


def _read_into(fd: int, buf: bytearray) -> bool:
    """Append what non-blocking `fd` holds now to `buf`; False once the other end is gone
    (closed, or an error on the descriptor)."""
    while True:
        try:
            chunk = os.read(fd, _READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not chunk:
            return False
        buf += chunk
        if len(chunk) < _READ_SIZE:
            return True


def _split_frames(buf: bytearray) -> list[Any]:
    """Unpickle every whole frame at the front of `buf` and cut them off it."""
    msgs: list[Any] = []
    pos = 0
    end = len(buf)
    while end - pos >= 4:
        (size,) = _LEN.unpack_from(buf, pos)
        head = 4
        if size == -1:
            if end - pos < 12:
                break
            (size,) = _LONG_LEN.unpack_from(buf, pos + 4)
            head = 12
        if end - pos - head < size:
            break
        start = pos + head
        msgs.append(pickle.loads(buf[start:start + size]))
        pos = start + size
    if pos:
        del buf[:pos]
    return msgs


class _WorkerPipe:
    """The worker's end of the pipe, non-blocking and driven from its one thread.

    No reader or writer threads: handing the GIL between three threads for every page cost
    the worker about a tenth of its CPU (measured per thread in /proc). The crawler's end
    never blocks either (it buffers what the pipe cannot take), so neither side can stall the
    other while one of them is busy analysing or fetching.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock  # kept: its finaliser would close the descriptor
        self._fd = sock.fileno()
        os.set_blocking(self._fd, False)
        self._inbuf = bytearray()
        self._outbuf = bytearray()
        self.inbox: collections.deque[tuple[Any, ...]] = collections.deque()
        self.closed = False  # the crawler's end is gone: nothing more comes, nothing is read

    def put(self, msg: tuple[Any, ...]) -> None:
        """Queue a reply and hand over as much as the pipe takes now."""
        head, data = _frame(msg)
        self._outbuf += head
        self._outbuf += data
        self._write()

    def get(self) -> tuple[Any, ...]:
        """The next message, waiting for one (and writing replies) as long as needed; a closed
        pipe reads as ("stop",)."""
        while not self.inbox:
            if self.closed:
                return ("stop",)
            writing = [self._fd] if self._outbuf else []
            readable, writable, _ = select.select([self._fd], writing, [])
            if writable:
                self._write()
            if readable:
                self._read()
        return self.inbox.popleft()

    def poll(self) -> None:
        """Take in whatever has arrived and write what waits, without blocking."""
        if not self.closed:
            self._read()
        if self._outbuf:
            self._write()

    def flush(self, timeout: float) -> None:
        """Write every queued reply, waiting up to `timeout` seconds for the pipe."""
        deadline = time.monotonic() + timeout
        while self._outbuf and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            select.select([], [self._fd], [], left)
            self._write()

    def _read(self) -> None:
        if not _read_into(self._fd, self._inbuf):
            self.closed = True
        if self._inbuf:
            self.inbox.extend(_split_frames(self._inbuf))

    def _write(self) -> None:
        try:
            n = os.write(self._fd, self._outbuf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EPIPE: the crawler is gone, nobody reads the replies
            self._outbuf.clear()
            self.closed = True
            return
        del self._outbuf[:n]


def _child_main() -> None:
    """The worker process's entry (`_WorkerProcess` runs it): argv is the socket's descriptor
    and "1" for a full inspection's worker, "0" for a links-only sweep's."""
    import signal

    # Ctrl-C reaches the whole process group: the crawler's process handles it and closes its
    # end of the socket, which stops this worker (without a traceback of its own).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, full = int(sys.argv[1]), sys.argv[2] == "1"
    _worker_main(socket.socket(fileno=fd), full)


def _worker_main(sock: socket.socket, full: bool = True) -> None:
    from govinspect.gctune import tune_gc

    tune_gc()
    pipe = _WorkerPipe(sock)
    try:
        # While the crawler fetches robots.txt and the homepage: the first page would otherwise
        # wait for the word lists and automata to load.
        warm_up(full=full)
    except Exception:  # the first real page will report what is wrong
        pass
    try:
        # The report writers the run's end would otherwise wait for. Before "ready": until
        # then the crawler parses pages itself instead of waiting for them here.
        from govinspect.report.office import preload

        preload()
    except Exception:  # the reports are written in the crawler's process then
        pass
    pipe.put(("ready", -1, None))
    while True:
        msg = pipe.get()
        if msg[0] == "analyse":
            _, req_id, body, ctype, url, as_of, is_home, site_hosts = msg
            try:
                analysis = analyse_page(body, ctype, url, as_of=as_of, is_home=is_home, site_hosts=site_hosts)
            except Exception as exc:  # never let one page kill the worker
                analysis = PageAnalysis.failed(f"{type(exc).__name__}: {exc}"[:200])
            pipe.put(("analysed", req_id, pack(analysis)))
            pipe.poll()  # the next pages, already sent, wait in the pipe: take them in
        elif msg[0] == "reports":
            _, req_id, run, out_dir, profile = msg
            try:
                from govinspect.report.office import write_office_reports

                failed = write_office_reports(run, Path(out_dir), profile=profile)
            except Exception:
                failed = list(OFFICE_FILES)
            pipe.put(("reported", req_id, failed))
        elif msg[0] == "stop":
            break
    pipe.flush(timeout=30.0)
    # Everything is answered and this process holds no file of its own: it ends here rather
    # than tear its interpreter down, which the crawler would wait for (~25 ms).
    os._exit(0)


# Run by the worker's interpreter: the package is imported from where this process found it.
_CHILD_CODE = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from govinspect.crawl.worker import _child_main; _child_main()"
)


class _WorkerProcess:
    """The worker's process: a fresh interpreter (`subprocess`) holding one end of a socket pair.

    Not multiprocessing's spawn: that starts a resource-tracker process as well and has the
    worker import the command line's own module again (~0.1 s of CPU on a two-core machine
    while both processes are starting). The worker needs neither: its only link to the
    crawler is the socket, and it stops when the socket closes.
    """

    def __init__(self, full: bool) -> None:
        self.full = full
        self.ours: socket.socket | None = None  # the crawler's end, once started
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self._popen.pid if self._popen is not None else None

    def start(self) -> None:
        """Start the interpreter (raises OSError when no process can be started)."""
        if os.name != "posix":
            raise OSError("the analysis worker needs a POSIX system (it inherits a socket)")
        import govinspect

        root = os.path.dirname(os.path.dirname(os.path.abspath(govinspect.__file__)))
        ours, theirs = socket.socketpair()
        fd = theirs.fileno()
        flags = getattr(subprocess, "_args_from_interpreter_flags", list)()  # -X, -O, -B … as ours
        try:
            self._popen = subprocess.Popen(
                [sys.executable, *flags, "-c", _CHILD_CODE.format(root=root), str(fd), "1" if self.full else "0"],
                pass_fds=(fd,), stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # the worker holds its end; ours sees EOF when it exits
        self.ours = ours
        _running.add(self)

    def is_alive(self) -> bool:
        """Started and not exited."""
        return self._popen is not None and self._popen.poll() is None

    def kill(self) -> None:
        """Kill the process (no-op when it is not running)."""
        if self.is_alive():
            assert self._popen is not None
            try:
                self._popen.kill()
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Close the crawler's end of the socket (the worker then stops by itself)."""
        if self.ours is not None:
            self.ours.close()

    def join(self, timeout: float | None = None) -> None:
        """Wait up to `timeout` seconds for the process to exit (and reap it)."""
        if self._popen is None:
            return
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return
        _running.discard(self)


# Workers still running when this process exits are killed, as multiprocessing does with its
# daemon processes (one never taken over, or a run cut short).
_running: weakref.WeakSet[_WorkerProcess] = weakref.WeakSet()


@atexit.register
def _kill_running() -> None:
    for proc in list(_running):
        proc.kill()


_early: dict[bool, _WorkerProcess] = {}


def launch_early(*, full: bool) -> None:
    """Start the worker process now, before the caller's own imports and set-up, so that it
    loads what analysis needs on another core meanwhile (~0.1-0.3 s of a short run).

    The next `AnalysisWorker(full=full)` of this process takes it over; one never taken over
    stops when this process exits. Does nothing on a one-core machine (no worker is used
    there) or when one is already waiting.
    """
    if (os.cpu_count() or 1) < 2:
        return
    waiting = _early.get(full)
    if waiting is not None and waiting.is_alive():
        return
    proc = _WorkerProcess(full)
    try:
        proc.start()
    except OSError:  # no process to spare: the run starts its worker itself, or goes without
        return
    _early[full] = proc


class AnalysisWorker:
    """The main-process side: async calls to the worker process."""

    def __init__(self, *, full: bool = True) -> None:
        """`full`: the run analyses everything (page facts, integrity); False for a links-only
        sweep, whose worker loads only what link extraction needs."""
        early = _early.pop(full, None)
        if early is not None and not early.is_alive():
            early.close()
            early = None
        self._proc = early or _WorkerProcess(full)
        self._launched = early is not None
        self._ids = itertools.count()
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fd = -1
        self._inbuf = bytearray()  # reply bytes read but not yet a whole frame
        self._outbuf = bytearray()  # message bytes the pipe had no room for yet
        self.alive = False
        # Set when the worker has loaded what analysis needs. Until then the crawler analyses
        # pages itself: the homepage must not wait for the worker's imports and warm-up.
        self.ready = False

    async def start(self) -> None:
        """Start the process and listen for its replies on the event loop."""
        self._loop = asyncio.get_running_loop()
        if not self._launched:
            await self._loop.run_in_executor(None, self._proc.start)
        assert self._proc.ours is not None
        self._fd = self._proc.ours.fileno()
        os.set_blocking(self._fd, False)
        self._loop.add_reader(self._fd, self._on_readable)
        self.alive = True

    def busy(self, backlog: int) -> bool:
        """Whether at least `backlog` pages are sent and not yet answered. Replies already in
        the pipe are taken in first (only when it matters): while the event loop was busy
        they may have waited there, and counting them would make the worker look busier
        than it is."""
        if len(self._pending) < backlog:
            return False
        if self.alive:
            self._on_readable()
        return len(self._pending) >= backlog

    def _on_readable(self) -> None:
        open_ = _read_into(self._fd, self._inbuf)
        self._deliver()
        if not open_:  # the worker's end is closed: it exited or died
            self._gone()

    def _deliver(self) -> None:
        """Unpickle every whole frame in the input buffer and resolve its call."""
        for kind, req_id, payload in _split_frames(self._inbuf):
            if kind == "ready":
                self.ready = True
                continue
            fut = self._pending.pop(req_id, None)
            if fut is not None and not fut.done():
                fut.set_result(payload)

    def _gone(self) -> None:
        self.alive = False
        if self._loop is not None and self._fd >= 0:
            for remove in (self._loop.remove_reader, self._loop.remove_writer):
                try:
                    remove(self._fd)
                except (ValueError, OSError):
                    pass
        self._outbuf.clear()
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(WorkerGone())
        self._pending.clear()

    def _send(self, msg: tuple[Any, ...]) -> None:
        if not self.alive:
            raise WorkerGone()
        head, data = _frame(msg)
        if self._outbuf:  # earlier bytes still wait: keep the order
            self._outbuf += head
            self._outbuf += data
            return
        try:
            n = os.writev(self._fd, (head, data))
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError:  # EPIPE, ECONNRESET: the worker is gone
            self._gone()
            raise WorkerGone() from None
        total = len(head) + len(data)
        if n < total:
            # The pipe is full (the worker is behind): the loop writes the rest when it drains.
            self._outbuf += (head + data)[n:]
            assert self._loop is not None
            self._loop.add_writer(self._fd, self._on_writable)

    def _on_writable(self) -> None:
        try:
            n = os.write(self._fd, self._outbuf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._gone()
            return
        del self._outbuf[:n]
        if not self._outbuf and self._loop is not None:
            self._loop.remove_writer(self._fd)

    async def _call(self, msg_kind: str, *args: Any) -> Any:
        assert self._loop is not None
        req_id = next(self._ids)
        fut: asyncio.Future[Any] = self._loop.create_future()
        self._pending[req_id] = fut
        try:
            self._send((msg_kind, req_id, *args))
        except WorkerGone:
            self._pending.pop(req_id, None)
            fut.cancel()
            raise
        if not self._proc.is_alive():
            self._gone()
        # One timer that fails the call's own future (asyncio.wait_for adds a second future,
        # a done callback and a partial to every page).
        timer = self._loop.call_later(ANALYSIS_TIMEOUT, self._expire, req_id)
        try:
            return await fut
        finally:
            timer.cancel()

    def _expire(self, req_id: int) -> None:
        fut = self._pending.pop(req_id, None)
        if fut is not None and not fut.done():
            fut.set_exception(AnalysisTimeout())

    async def analyse(
        self, body: bytes, content_type: str | None, url: str, *, as_of: date | None = None, is_home: bool = False,
        site_hosts: frozenset[str] = frozenset(),
    ) -> PageAnalysis:
        """Decode and parse a page in the worker; a page it cannot finish comes back as an error."""
        try:
            wire = await self._call("analyse", body, content_type, url, as_of, is_home, site_hosts)
        except AnalysisTimeout:
            # The worker is stuck in this page: stop it, so the rest of the crawl carries on
            # in-process instead of queueing behind it.
            self._proc.kill()
            self._gone()
            return PageAnalysis.failed(f"analysis took longer than {ANALYSIS_TIMEOUT:.0f} s")
        return unpack(wire)

    async def write_reports(self, run: RunResult, out_dir: Path, profile: str | None) -> list[str]:
        """Have the worker write report.xlsx, report.docx and the findings-review sheets
        (`report/office.write_office_reports`); the names of those it could not."""
        try:
            return list(await self._call("reports", run, str(out_dir), profile))
        except (WorkerGone, AnalysisTimeout):
            return list(OFFICE_FILES)

    async def stop(self) -> None:
        """Stop the worker after it has answered everything sent so far."""
        if self.alive:
            try:
                self._send(("stop",))
            except WorkerGone:
                pass
            assert self._loop is not None
            deadline = self._loop.time() + 30.0
            while self._outbuf and self.alive and self._proc.is_alive() and self._loop.time() < deadline:
                await asyncio.sleep(0.01)  # the writer callback is handing the rest over
        assert self._loop is not None
        await self._loop.run_in_executor(None, self._proc.join, 30)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        self._gone()
        self._proc.close()

