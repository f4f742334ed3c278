"""The shared store of distributed campaigns: PostgreSQL tables every worker writes to.

Tables (in the schema GOVINSPECT_DB_SCHEMA):

    campaigns       one row per campaign: its directory, engine options (JSON), manifest
    campaign_sites  the sites to inspect: key, position, SiteSpec (JSON), the region's portal
    site_results    the finished sites, UNIQUE (campaign_id, site_key): written with
                    INSERT … ON CONFLICT DO NOTHING, so a retried or duplicated task can never
                    make a second row; the first finished inspection wins
    leases          who is inspecting a site now: holder, token, expiry (renewed by heartbeat),
                    attempts; a live lease keeps a second worker from inspecting the same site.
                    A lease with an empty holder is a marker "sent to the queue at …": it keeps
                    the sweep from sending the same site again and again, and any worker may
                    take it over

The result row and the deletion of its lease commit together, so a worker that claims a lease
after a site finished always sees the result (see `claim`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from govinspect.scale.settings import ScaleError

__all__ = ["Claim", "PendingSite", "Store", "connect_store"]

SCHEMA_VERSION = 1

_DDL = """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.campaigns (
    id text PRIMARY KEY,
    directory text NOT NULL,
    options jsonb NOT NULL,
    manifest jsonb NOT NULL,
    finish_by text NOT NULL DEFAULT 'coordinator',
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE TABLE IF NOT EXISTS {s}.campaign_sites (
    campaign_id text NOT NULL REFERENCES {s}.campaigns(id) ON DELETE CASCADE,
    site_key text NOT NULL,
    position integer NOT NULL,
    spec jsonb NOT NULL,
    portal_host text,
    identity text NOT NULL,
    PRIMARY KEY (campaign_id, site_key)
);
CREATE TABLE IF NOT EXISTS {s}.site_results (
    campaign_id text NOT NULL,
    site_key text NOT NULL,
    identity text NOT NULL,
    status text NOT NULL,
    result jsonb NOT NULL,
    worker text NOT NULL,
    token text NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT site_results_once UNIQUE (campaign_id, site_key),
    FOREIGN KEY (campaign_id, site_key) REFERENCES {s}.campaign_sites(campaign_id, site_key) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS site_results_identity ON {s}.site_results (identity, finished_at);
CREATE TABLE IF NOT EXISTS {s}.leases (
    campaign_id text NOT NULL,
    site_key text NOT NULL,
    holder text NOT NULL,
    token text NOT NULL,
    attempts integer NOT NULL DEFAULT 1,
    pages integer NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, site_key),
    FOREIGN KEY (campaign_id, site_key) REFERENCES {s}.campaign_sites(campaign_id, site_key) ON DELETE CASCADE
);
"""


@dataclass(frozen=True, slots=True)
class Claim:
    """What `claim` found: "claimed" (token, attempt), "done", "busy" (another live lease) or "unknown"."""

    state: str
    token: str = ""
    attempt: int = 0
    holder: str = ""


@dataclass(frozen=True, slots=True)
class PendingSite:
    """A site without a result, and its lease if any (expired or live)."""

    site_key: str
    holder: str | None  # None: no lease; "": sent to the queue, no worker yet
    token: str | None
    live: bool  # the lease (or queue marker) has not expired
    attempts: int

    @property
    def working(self) -> bool:
        """A live worker holds it."""
        return bool(self.holder) and self.live


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ScaleError("the distributed engine needs psycopg: pip install 'govinspect[scale]'") from None
    return psycopg


class Store:
    """One connection to the shared store (thread-safe: calls are serialised)."""

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.schema = schema
        self._psycopg = _import_psycopg()
        self._lock = threading.RLock()
        self._conn: Any = None
        self._connect()

    # ------------------------------------------------------------------ connection
    def _connect(self) -> None:
        try:
            self._conn = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScaleError(f"cannot reach the store at {_redact(self.url)}: {first}") from None

    def _run(self, fn: Any) -> Any:
        """Run `fn(conn)`; once more on a fresh connection when the server went away."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed or self._conn.broken:
                    self._connect()
                try:
                    return fn(self._conn)
                except self._psycopg.OperationalError:
                    if attempt == 2:
                        raise
                    try:
                        self._conn.close()
                    except Exception:  # noqa: BLE001 - the connection is gone anyway
                        pass
                    self._conn = None
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _sql(self, text: str) -> str:
        return text.replace("{s}", self.schema)

    # ------------------------------------------------------------------ schema
    def ensure_schema(self) -> None:
        """Create the schema and tables when missing (workers racing to do so are serialised)."""

        def run(conn: Any) -> None:
            with conn.transaction():
                # CREATE … IF NOT EXISTS is not safe against a concurrent twin: one lock for all.
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"govinspect-schema-{self.schema}",))
                conn.execute(self._sql(_DDL))
                conn.execute(
                    self._sql("INSERT INTO {s}.meta (key, value) VALUES ('schema_version', %s) ON CONFLICT DO NOTHING"),
                    (str(SCHEMA_VERSION),),
                )
                row = conn.execute(self._sql("SELECT value FROM {s}.meta WHERE key = 'schema_version'")).fetchone()
            if row and int(row[0]) > SCHEMA_VERSION:
                raise ScaleError(f"the store's schema {self.schema} is version {row[0]}, newer than this govinspect")

        self._run(run)

    def drop_schema(self) -> None:
        """Drop the schema and everything in it (tests, and `govinspect` never does it by itself)."""
        self._run(lambda conn: conn.execute(self._sql("DROP SCHEMA IF EXISTS {s} CASCADE")))

    # ------------------------------------------------------------------ campaigns
    def register_campaign(
        self, campaign_id: str, directory: str, options: dict[str, Any], manifest: dict[str, Any],
        sites: Iterable[tuple[str, int, dict[str, Any], str | None, str]], *, finish_by: str = "coordinator",
    ) -> None:
        """The campaign and its sites (key, position, spec, portal host, identity); idempotent.

        A re-registered campaign keeps its sites and results; its options are those of the
        latest run (a resumed campaign may change e.g. --per-host).
        """
        Json = self._psycopg.types.json.Jsonb

        def run(conn: Any) -> None:
            with conn.transaction():
                conn.execute(
                    self._sql(
                        "INSERT INTO {s}.campaigns (id, directory, options, manifest, finish_by) VALUES (%s, %s, %s, %s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET directory = EXCLUDED.directory, options = EXCLUDED.options, "
                        "manifest = EXCLUDED.manifest, finish_by = EXCLUDED.finish_by, finished_at = NULL"
                    ),
                    (campaign_id, directory, Json(options), Json(manifest), finish_by),
                )
                with conn.cursor() as cur:
                    cur.executemany(
                        self._sql(
                            "INSERT INTO {s}.campaign_sites (campaign_id, site_key, position, spec, portal_host, identity) "
                            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
                        ),
                        [(campaign_id, key, pos, Json(spec), portal, ident) for key, pos, spec, portal, ident in sites],
                    )

        self._run(run)

    def campaign(self, campaign_id: str) -> dict[str, Any] | None:
        """directory, options, manifest, finish_by and finished_at of a campaign (None: unknown)."""
        row = self._run(lambda conn: conn.execute(
            self._sql("SELECT directory, options, manifest, finish_by, finished_at FROM {s}.campaigns WHERE id = %s"),
            (campaign_id,),
        ).fetchone())
        if row is None:
            return None
        return {"directory": row[0], "options": row[1], "manifest": row[2], "finish_by": row[3], "finished_at": row[4]}

    def site(self, campaign_id: str, site_key: str) -> tuple[dict[str, Any], str | None] | None:
        """(spec, portal host) of one campaign site, None when unknown."""
        row = self._run(lambda conn: conn.execute(
            self._sql("SELECT spec, portal_host FROM {s}.campaign_sites WHERE campaign_id = %s AND site_key = %s"),
            (campaign_id, site_key),
        ).fetchone())
        return (row[0], row[1]) if row else None

    def unfinished_campaigns(self) -> list[str]:
        """Campaigns not finished yet, oldest first."""
        rows = self._run(lambda conn: conn.execute(
            self._sql("SELECT id FROM {s}.campaigns WHERE finished_at IS NULL ORDER BY created_at")
        ).fetchall())
        return [r[0] for r in rows]

    def mark_finished(self, campaign_id: str) -> bool:
        """Mark a campaign finished; True only for the one caller that did it (reports run once)."""
        row = self._run(lambda conn: conn.execute(
            self._sql("UPDATE {s}.campaigns SET finished_at = now() WHERE id = %s AND finished_at IS NULL RETURNING id"),
            (campaign_id,),
        ).fetchone())
        return row is not None

    # ------------------------------------------------------------------ leases and results
    def claim(self, campaign_id: str, site_key: str, holder: str, token: str, lease_seconds: float) -> Claim:
        """Take the site's lease unless a live one is held by someone else, or it is done.

        The lease is taken first and the result looked for after: a result commits together with
        the deletion of its lease, so whichever order two workers meet in, one that holds the
        lease and sees no result is the only one inspecting.
        """

        def run(conn: Any) -> Claim:
            with conn.transaction():
                row = conn.execute(
                    self._sql(
                        "INSERT INTO {s}.leases (campaign_id, site_key, holder, token, expires_at) "
                        "SELECT %s, %s, %s, %s, now() + make_interval(secs => %s) "
                        "WHERE EXISTS (SELECT 1 FROM {s}.campaign_sites WHERE campaign_id = %s AND site_key = %s) "
                        "ON CONFLICT (campaign_id, site_key) DO UPDATE SET holder = EXCLUDED.holder, "
                        "token = EXCLUDED.token, expires_at = EXCLUDED.expires_at, attempts = {s}.leases.attempts + 1, "
                        "pages = 0, started_at = now() WHERE {s}.leases.expires_at < now() OR {s}.leases.holder = '' "
                        "RETURNING attempts"
                    ),
                    (campaign_id, site_key, holder, token, lease_seconds, campaign_id, site_key),
                ).fetchone()
                done = conn.execute(
                    self._sql("SELECT 1 FROM {s}.site_results WHERE campaign_id = %s AND site_key = %s"),
                    (campaign_id, site_key),
                ).fetchone()
                if done is not None:
                    if row is not None:
                        conn.execute(
                            self._sql("DELETE FROM {s}.leases WHERE campaign_id = %s AND site_key = %s AND token = %s"),
                            (campaign_id, site_key, token),
                        )
                    return Claim("done")
                if row is not None:
                    return Claim("claimed", token=token, attempt=int(row[0]), holder=holder)
                other = conn.execute(
                    self._sql("SELECT holder FROM {s}.leases WHERE campaign_id = %s AND site_key = %s"),
                    (campaign_id, site_key),
                ).fetchone()
                return Claim("busy", holder=other[0]) if other else Claim("unknown")

        return self._run(run)

    def mark_queued(self, campaign_id: str, keys: Iterable[str], seconds: float) -> None:
        """Note that `keys` were sent to the queue now (a marker lease with no holder, valid
        `seconds`); a real lease of a live worker is left alone."""

        def run(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    self._sql(
                        "INSERT INTO {s}.leases (campaign_id, site_key, holder, token, attempts, expires_at) "
                        "VALUES (%s, %s, '', '', 0, now() + make_interval(secs => %s)) "
                        "ON CONFLICT (campaign_id, site_key) DO UPDATE SET holder = '', token = '', "
                        "expires_at = EXCLUDED.expires_at WHERE {s}.leases.expires_at < now() OR {s}.leases.holder = ''"
                    ),
                    [(campaign_id, key, seconds) for key in keys],
                )

        self._run(run)

    def heartbeat(self, campaign_id: str, site_key: str, token: str, lease_seconds: float, pages: int) -> bool:
        """Renew a lease; False when it is no longer ours (taken over after we looked dead)."""
        row = self._run(lambda conn: conn.execute(
            self._sql(
                "UPDATE {s}.leases SET expires_at = now() + make_interval(secs => %s), pages = %s "
                "WHERE campaign_id = %s AND site_key = %s AND token = %s RETURNING 1"
            ),
            (lease_seconds, pages, campaign_id, site_key, token),
        ).fetchone())
        return row is not None

    def expire_lease(self, campaign_id: str, site_key: str, token: str) -> None:
        """Let go of a lease at once (the task failed): the site can be sent out again."""
        self._run(lambda conn: conn.execute(
            self._sql("UPDATE {s}.leases SET expires_at = now() - interval '1 second' "
                      "WHERE campaign_id = %s AND site_key = %s AND token = %s"),
            (campaign_id, site_key, token),
        ))

    def write_result(
        self, campaign_id: str, site_key: str, result: dict[str, Any], *, worker: str, token: str,
    ) -> bool:
        """Store a finished site once: True when this call wrote it, False when it was already there."""
        Json = self._psycopg.types.json.Jsonb

        def run(conn: Any) -> bool:
            with conn.transaction():
                row = conn.execute(
                    self._sql(
                        "INSERT INTO {s}.site_results (campaign_id, site_key, identity, status, result, worker, token) "
                        "SELECT %s, %s, identity, %s, %s, %s, %s FROM {s}.campaign_sites "
                        "WHERE campaign_id = %s AND site_key = %s "
                        "ON CONFLICT ON CONSTRAINT site_results_once DO NOTHING RETURNING 1"
                    ),
                    (campaign_id, site_key, result.get("status") or "error", Json(result), worker, token,
                     campaign_id, site_key),
                ).fetchone()
                conn.execute(
                    self._sql("DELETE FROM {s}.leases WHERE campaign_id = %s AND site_key = %s"),
                    (campaign_id, site_key),
                )
            return row is not None

        return self._run(run)

    # ------------------------------------------------------------------ progress
    def counts(self, campaign_id: str) -> dict[str, int]:
        """total sites, done, running (live leases of workers) and pages of the running sites."""
        row = self._run(lambda conn: conn.execute(
            self._sql(
                "SELECT (SELECT count(*) FROM {s}.campaign_sites WHERE campaign_id = %(c)s), "
                "(SELECT count(*) FROM {s}.site_results WHERE campaign_id = %(c)s), "
                "(SELECT count(*) FROM {s}.leases WHERE campaign_id = %(c)s AND expires_at >= now() AND holder <> ''), "
                "(SELECT coalesce(sum(pages), 0) FROM {s}.leases WHERE campaign_id = %(c)s AND expires_at >= now() "
                "AND holder <> '')"
            ),
            {"c": campaign_id},
        ).fetchone())
        return {"total": int(row[0]), "done": int(row[1]), "running": int(row[2]), "pages": int(row[3])}

    def done_keys(self, campaign_id: str) -> set[str]:
        """Keys of the finished sites."""
        rows = self._run(lambda conn: conn.execute(
            self._sql("SELECT site_key FROM {s}.site_results WHERE campaign_id = %s"), (campaign_id,)
        ).fetchall())
        return {r[0] for r in rows}

    def results(self, campaign_id: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored SITE objects of `keys` (those finished)."""
        wanted = list(keys)
        if not wanted:
            return {}
        rows = self._run(lambda conn: conn.execute(
            self._sql("SELECT site_key, result FROM {s}.site_results WHERE campaign_id = %s AND site_key = ANY(%s)"),
            (campaign_id, wanted),
        ).fetchall())
        return {r[0]: r[1] for r in rows}

    def result_rows(self, campaign_id: str) -> list[tuple[str, str, str]]:
        """(site key, worker, token) of every result row: how many rows a site has, and who wrote it."""
        rows = self._run(lambda conn: conn.execute(
            self._sql("SELECT site_key, worker, token FROM {s}.site_results WHERE campaign_id = %s ORDER BY site_key"),
            (campaign_id,),
        ).fetchall())
        return [(r[0], r[1], r[2]) for r in rows]

    def pending(self, campaign_id: str) -> list[PendingSite]:
        """Sites without a result, in campaign order, with their lease state."""
        rows = self._run(lambda conn: conn.execute(
            self._sql(
                "SELECT cs.site_key, l.holder, l.token, l.expires_at >= now(), coalesce(l.attempts, 0) "
                "FROM {s}.campaign_sites cs "
                "LEFT JOIN {s}.site_results r ON r.campaign_id = cs.campaign_id AND r.site_key = cs.site_key "
                "LEFT JOIN {s}.leases l ON l.campaign_id = cs.campaign_id AND l.site_key = cs.site_key "
                "WHERE cs.campaign_id = %s AND r.site_key IS NULL ORDER BY cs.position"
            ),
            (campaign_id,),
        ).fetchall())
        return [PendingSite(r[0], r[1], r[2], bool(r[3]), int(r[4])) for r in rows]

    def leases(self, campaign_id: str) -> list[tuple[str, str, int, bool]]:
        """(site key, holder, pages, live) of the campaign's worker leases (not queue markers)."""
        rows = self._run(lambda conn: conn.execute(
            self._sql("SELECT site_key, holder, pages, expires_at >= now() FROM {s}.leases "
                      "WHERE campaign_id = %s AND holder <> '' ORDER BY site_key"),
            (campaign_id,),
        ).fetchall())
        return [(r[0], r[1], int(r[2]), bool(r[3])) for r in rows]

    def last_inspected(self, identities: Iterable[str]) -> dict[str, float]:
        """identity → Unix time of its latest inspected result in any campaign (incremental scans)."""
        wanted = list(identities)
        if not wanted:
            return {}
        rows = self._run(lambda conn: conn.execute(
            self._sql(
                "SELECT identity, extract(epoch FROM max(finished_at)) FROM {s}.site_results "
                "WHERE identity = ANY(%s) AND status = 'inspected' GROUP BY identity"
            ),
            (wanted,),
        ).fetchall())
        return {r[0]: float(r[1]) for r in rows}


def _redact(url: str) -> str:
    """The URL without its password (for messages)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def connect_store(settings: Any) -> Store:
    """The store of `settings` (a ScaleSettings), schema created when missing."""
    store = Store(settings.require_database(), settings.schema)
    store.ensure_schema()
    return store


def dumps(data: Any) -> str:
    """JSON as the store and the campaign directory write it."""
    return json.dumps(data, ensure_ascii=False, indent=1)
