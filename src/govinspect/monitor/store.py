"""The probe store: every availability probe in SQLite (WAL), batched, indexed by (site, time).

One file holds the sites being monitored, every probe (time, schedule slot, class, HTTP status,
seconds, a one-line detail for anything but a plain ok) and one row per monitor run (so gaps in
coverage can be explained). Writers batch probes into one transaction per flush; each row is
written whole or not at all, and readers (`govinspect inspect`) can read while the monitor
writes. The schema carries a version in `meta`; a newer file is refused, never rewritten.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from govinspect import __version__

# The environment variable naming the database (`govinspect monitor`, `inspect --monitor-db`).
DB_ENV = "GOVINSPECT_MONITOR_DB"

SCHEMA_VERSION = 1
APPLICATION = "govinspect-monitor"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,         -- site code, else the homepage URL without scheme
    url TEXT NOT NULL,                -- the homepage as probed
    url_key TEXT NOT NULL,            -- scheme-less canonical URL, for matching inspections
    site_code TEXT,
    name TEXT,
    added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sites_site_code ON sites(site_code);
CREATE INDEX IF NOT EXISTS sites_url_key ON sites(url_key);
CREATE TABLE IF NOT EXISTS probes (
    site_id INTEGER NOT NULL,
    at REAL NOT NULL,                 -- Unix time the probe started
    slot INTEGER NOT NULL,            -- schedule slot (monitor/schedule.py)
    class TEXT NOT NULL,              -- monitor/probe.py classes
    status INTEGER,                   -- HTTP status when an answer arrived
    elapsed REAL NOT NULL,            -- seconds
    detail TEXT,                      -- one line; NULL for a plain ok
    remote_ip TEXT
);
CREATE INDEX IF NOT EXISTS probes_site_at ON probes(site_id, at);
CREATE INDEX IF NOT EXISTS probes_at ON probes(at);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    ended REAL,
    sites INTEGER NOT NULL,
    per_day INTEGER NOT NULL,
    probes INTEGER NOT NULL DEFAULT 0,
    missed INTEGER NOT NULL DEFAULT 0,
    time_scale REAL NOT NULL DEFAULT 1,
    host TEXT,
    version TEXT
);
"""


class StoreError(Exception):
    """The monitor database cannot be used (missing, not SQLite, not ours, too new)."""


@dataclass(frozen=True, slots=True)
class MonitoredSite:
    """A site as the monitor knows it."""

    key: str
    url: str
    site_code: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ProbeRecord:
    """One probe, as stored."""

    site_id: int
    at: float
    slot: int
    cls: str
    status: int | None
    elapsed: float
    detail: str | None = None
    remote_ip: str | None = None


def url_key(url: str) -> str:
    """The scheme-less canonical form of a homepage URL (lower-case host, default port dropped)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url.strip().lower()
    scheme = (parts.scheme or "http").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    return host + path + (f"?{parts.query}" if parts.query else "")


def site_key(url: str, site_code: str | None) -> str:
    """The stable identity of a monitored site: its 网站标识码, else its homepage URL."""
    return site_code.strip() if site_code and site_code.strip() else url_key(url)


class ProbeStore:
    """SQLite probe store. ``ProbeStore(path)`` creates or opens for writing;
    ``ProbeStore(path, readonly=True)`` reads an existing store without changing it."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._pending: list[tuple[object, ...]] = []
        try:
            if readonly:
                if not self.path.is_file():
                    raise StoreError(f"monitor database {self.path} does not exist")
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
            else:
                if self.path.parent and not self.path.parent.is_dir():
                    raise StoreError(f"monitor database {self.path}: directory {self.path.parent} does not exist")
                self._db = sqlite3.connect(self.path, timeout=10)
            self._check_and_init()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"monitor database {self.path}: {exc}") from None

    # ------------------------------------------------------------------ setup
    def _check_and_init(self) -> None:
        db = self._db
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables:
            if "meta" not in tables:
                raise StoreError(f"{self.path} is an SQLite file but not a govinspect monitor database")
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("application") != APPLICATION:
                raise StoreError(f"{self.path} is an SQLite file but not a govinspect monitor database")
            version = int(meta.get("schema_version", "0"))
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"monitor database {self.path} has schema {version}; this govinspect reads up to "
                    f"{SCHEMA_VERSION} (upgrade govinspect)"
                )
        elif self.readonly:
            raise StoreError(f"monitor database {self.path} is empty")
        if self.readonly:
            return
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with db:
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        """Write what is buffered and close; safe to call twice."""
        if getattr(self, "_db", None) is None:
            return
        if not self.readonly:
            self.flush()
        self._db.close()
        self._db = None  # type: ignore[assignment]

    def __enter__(self) -> ProbeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ sites
    def register_sites(self, sites: Sequence[MonitoredSite]) -> list[int]:
        """Add or update the sites (by key); their ids in the same order."""
        now = time.time()
        with self._db:
            self._db.executemany(
                "INSERT INTO sites (key, url, url_key, site_code, name, added_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET url=excluded.url, url_key=excluded.url_key, "
                "site_code=excluded.site_code, name=COALESCE(excluded.name, sites.name)",
                [(s.key, s.url, url_key(s.url), s.site_code, s.name, now) for s in sites],
            )
        ids = dict(self._db.execute("SELECT key, id FROM sites"))
        return [int(ids[s.key]) for s in sites]

    def find_site(self, *, site_code: str | None, url: str) -> tuple[int, str] | None:
        """(id, probed URL) of the stored site matching a site code, else a homepage URL."""
        if site_code:
            row = self._db.execute(
                "SELECT id, url FROM sites WHERE site_code = ? OR key = ? ORDER BY id LIMIT 1",
                (site_code, site_code),
            ).fetchone()
            if row:
                return int(row[0]), str(row[1])
        row = self._db.execute(
            "SELECT id, url FROM sites WHERE url_key = ? ORDER BY id LIMIT 1", (url_key(url),)
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    # ------------------------------------------------------------------ probes
    def add(self, record: ProbeRecord) -> None:
        """Buffer one probe; `flush` writes the buffer in one transaction."""
        self._pending.append(
            (record.site_id, record.at, record.slot, record.cls, record.status,
             record.elapsed, record.detail or None, record.remote_ip)
        )

    @property
    def pending(self) -> int:
        """Probes buffered and not yet written."""
        return len(self._pending)

    def flush(self) -> int:
        """Write the buffered probes (all or none); how many were written."""
        rows, self._pending = self._pending, []
        if not rows:
            return 0
        try:
            with self._db:
                self._db.executemany("INSERT INTO probes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error:
            self._pending = rows + self._pending  # kept for the next try
            raise
        return len(rows)

    def last_slots(self, site_ids: Iterable[int], since: float) -> dict[int, int]:
        """The highest slot already stored for each site among probes started at or after `since`."""
        out: dict[int, int] = {}
        query = "SELECT MAX(slot) FROM probes WHERE site_id = ? AND at >= ?"
        for sid in site_ids:
            value = self._db.execute(query, (sid, since)).fetchone()[0]
            if value is not None:
                out[sid] = int(value)
        return out

    def probes(self, site_id: int, start: float, end: float) -> list[tuple[float, str, int | None, float, str | None]]:
        """(at, class, status, elapsed, detail) of a site's probes started in [start, end), by time."""
        return self._db.execute(
            "SELECT at, class, status, elapsed, detail FROM probes "
            "WHERE site_id = ? AND at >= ? AND at < ? ORDER BY at",
            (site_id, start, end),
        ).fetchall()

    def bucket_counts(
        self, start: float, end: float, bucket: float, classes: Sequence[str]
    ) -> list[tuple[int, int, int]]:
        """(bucket, probes, probes of `classes`) over all sites, for probes in [start, end)."""
        marks = ",".join("?" * len(classes))
        return self._db.execute(
            f"SELECT CAST(at / ? AS INTEGER) AS b, COUNT(*), SUM(class IN ({marks})) FROM probes "
            "WHERE at >= ? AND at < ? GROUP BY b",
            (bucket, *classes, start, end),
        ).fetchall()

    def count_probes(self) -> int:
        """All probes stored (written ones; the buffer is not counted)."""
        return int(self._db.execute("SELECT COUNT(*) FROM probes").fetchone()[0])

    def prune(self, before: float) -> int:
        """Delete probes started before `before`; how many went."""
        with self._db:
            cur = self._db.execute("DELETE FROM probes WHERE at < ?", (before,))
        return cur.rowcount

    # ------------------------------------------------------------------ runs
    def begin_run(self, *, started: float, sites: int, per_day: int, time_scale: float = 1.0) -> int:
        """Record that a monitor run started; its id."""
        with self._db:
            cur = self._db.execute(
                "INSERT INTO runs (started, sites, per_day, time_scale, host, version) VALUES (?, ?, ?, ?, ?, ?)",
                (started, sites, per_day, time_scale, socket.gethostname(), __version__),
            )
        return int(cur.lastrowid or 0)

    def end_run(self, run_id: int, *, ended: float, probes: int, missed: int) -> None:
        """Record how a monitor run ended."""
        with self._db:
            self._db.execute(
                "UPDATE runs SET ended = ?, probes = ?, missed = ? WHERE id = ?", (ended, probes, missed, run_id)
            )
