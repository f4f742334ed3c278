"""Configuration of the distributed engine, from the environment (12-factor style).

GOVINSPECT_DATABASE_URL   postgresql://user@host:5432/db, the shared store (required)
GOVINSPECT_BROKER_URL     redis://host:6379/0, Celery's broker (default redis://127.0.0.1:6379/0)
GOVINSPECT_LIMITER_URL    Redis of the shared per-host/per-IP limiter (default: the broker's)
GOVINSPECT_QUEUE          queue of site inspections (default "govinspect")
GOVINSPECT_DB_SCHEMA      PostgreSQL schema of the store's tables (default "govinspect")
GOVINSPECT_KEY_PREFIX     prefix of every Redis key, broker and limiter (default "govinspect")
GOVINSPECT_EVIDENCE       where workers write evidence: a directory shared by all machines, or
                          s3://bucket/prefix (default: the campaign directory itself)
GOVINSPECT_S3_ENDPOINT    endpoint of an S3-compatible store (MinIO, Ceph …); credentials as
                          boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
GOVINSPECT_SCHEDULE       YAML file of the scheduler's periodic tasks (docs/scaleout.md)
GOVINSPECT_LEASE_SECONDS, GOVINSPECT_HEARTBEAT_SECONDS, GOVINSPECT_VISIBILITY_TIMEOUT,
GOVINSPECT_MAX_ATTEMPTS, GOVINSPECT_REQUEUE_GRACE_SECONDS, GOVINSPECT_EVIDENCE_KEEP_DAYS
                          override data/scaleout.yaml
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from govinspect.yamlfiles import load_yaml

__all__ = ["ScaleError", "ScaleSettings", "defaults", "load_settings"]

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_PREFIX = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class ScaleError(Exception):
    """The distributed engine cannot run as configured; ``str(err)`` is a one-line reason."""


@lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """data/scaleout.yaml: timings and limits of the distributed engine."""
    text = resources.files("govinspect").joinpath("data/scaleout.yaml").read_text(encoding="utf-8")
    return load_yaml(text)


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """Everything a worker, the scheduler and a distributed campaign share."""

    database_url: str | None
    broker_url: str
    limiter_url: str
    queue: str
    schema: str
    key_prefix: str
    evidence: str | None
    s3_endpoint: str | None
    schedule_file: str | None
    lease_seconds: float
    heartbeat_seconds: float
    visibility_timeout: float
    max_attempts: int
    requeue_grace_seconds: float
    poll_seconds: float
    evidence_keep_days: float
    # The limiter's start margin (data/scaleout.yaml limiter.start_margin_seconds): an operator
    # whose workers sit next to a quiet network may lower it; the tests do, to run quickly.
    start_margin_seconds: float | None = None

    def require_database(self) -> str:
        """The store's URL, or a clear error when it is not configured."""
        if not self.database_url:
            raise ScaleError("GOVINSPECT_DATABASE_URL is not set (postgresql://user@host:5432/db of the shared store)")
        return self.database_url


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ScaleError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise ScaleError(f"{name}={raw!r} is below {minimum:g}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> ScaleSettings:
    """Settings from `env` (default: the process environment) over data/scaleout.yaml."""
    env = os.environ if env is None else env
    base = defaults()
    database_url = env.get("GOVINSPECT_DATABASE_URL") or None
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        raise ScaleError(f"GOVINSPECT_DATABASE_URL: expected postgresql://…, not {database_url.split(':', 1)[0]}:…")
    broker = env.get("GOVINSPECT_BROKER_URL") or DEFAULT_BROKER
    if not broker.startswith(("redis://", "rediss://", "unix://")):
        raise ScaleError(f"GOVINSPECT_BROKER_URL: expected redis://host:6379/0, not {broker!r}")
    limiter = env.get("GOVINSPECT_LIMITER_URL") or broker
    queue = env.get("GOVINSPECT_QUEUE") or "govinspect"
    schema = env.get("GOVINSPECT_DB_SCHEMA") or "govinspect"
    prefix = env.get("GOVINSPECT_KEY_PREFIX") or "govinspect"
    if not _NAME.match(schema):
        raise ScaleError(f"GOVINSPECT_DB_SCHEMA={schema!r}: letters, digits and _ only")
    if not _PREFIX.match(queue):
        raise ScaleError(f"GOVINSPECT_QUEUE={queue!r}: letters, digits and _.:- only")
    if not _PREFIX.match(prefix):
        raise ScaleError(f"GOVINSPECT_KEY_PREFIX={prefix!r}: letters, digits and _.:- only")
    lease = _number(env, "GOVINSPECT_LEASE_SECONDS", base["lease_seconds"], minimum=1)
    heartbeat = _number(env, "GOVINSPECT_HEARTBEAT_SECONDS", min(base["heartbeat_seconds"], lease / 3), minimum=0.2)
    if heartbeat * 2 > lease:
        raise ScaleError("GOVINSPECT_HEARTBEAT_SECONDS must be at most half of the lease (a late beat would lose it)")
    return ScaleSettings(
        database_url=database_url,
        broker_url=broker,
        limiter_url=limiter,
        queue=queue,
        schema=schema,
        key_prefix=prefix,
        evidence=env.get("GOVINSPECT_EVIDENCE") or None,
        s3_endpoint=env.get("GOVINSPECT_S3_ENDPOINT") or None,
        schedule_file=env.get("GOVINSPECT_SCHEDULE") or None,
        lease_seconds=lease,
        heartbeat_seconds=heartbeat,
        visibility_timeout=_number(env, "GOVINSPECT_VISIBILITY_TIMEOUT", base["visibility_timeout"], minimum=10),
        max_attempts=int(_number(env, "GOVINSPECT_MAX_ATTEMPTS", base["max_attempts"], minimum=1)),
        requeue_grace_seconds=_number(env, "GOVINSPECT_REQUEUE_GRACE_SECONDS", base["requeue_grace_seconds"], minimum=0),
        poll_seconds=_number(env, "GOVINSPECT_POLL_SECONDS", base["poll_seconds"], minimum=0.05),
        evidence_keep_days=_number(env, "GOVINSPECT_EVIDENCE_KEEP_DAYS", base["evidence_keep_days"], minimum=1),
        start_margin_seconds=(_number(env, "GOVINSPECT_START_MARGIN_SECONDS", 0, minimum=0)
                              if (env.get("GOVINSPECT_START_MARGIN_SECONDS") or "").strip() else None),
    )
