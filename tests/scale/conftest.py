"""The real PostgreSQL and Redis of the machine, one private namespace per test.

Each test gets its own PostgreSQL schema, Redis key prefix and queue name (so parallel runs and
other helpers never collide), dropped afterwards. Without the services the tests are skipped
with the reason, except when GOVINSPECT_REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest

PG_URL = os.environ.get("GOVINSPECT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GOVINSPECT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _unavailable(what: str, reason: str) -> None:
    message = f"{what} not reachable ({reason}); the scale-out tests need it"
    if os.environ.get("GOVINSPECT_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (GOVINSPECT_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    """PostgreSQL and Redis URLs, after checking both answer."""
    try:
        import celery  # noqa: F401
        import psycopg
        import redis
    except ImportError as exc:
        _unavailable("the [scale] extra", f"{exc}")
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        _unavailable("PostgreSQL", str(exc).strip().splitlines()[0] if str(exc).strip() else "error")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except (redis.RedisError, OSError) as exc:
        _unavailable("Redis", str(exc))
    return {"pg": PG_URL, "redis": REDIS_URL}


@pytest.fixture
def scale_env(services) -> dict[str, str]:
    """GOVINSPECT_* variables of a private namespace (schema, key prefix, queue), cleaned after."""
    tag = f"t{uuid.uuid4().hex[:10]}"
    env = {
        "GOVINSPECT_DATABASE_URL": services["pg"],
        "GOVINSPECT_BROKER_URL": services["redis"],
        "GOVINSPECT_DB_SCHEMA": f"gi_{tag}",
        "GOVINSPECT_KEY_PREFIX": f"gi-{tag}",
        "GOVINSPECT_QUEUE": f"gi-{tag}",
        # Short timings so a dead worker's site comes back within seconds.
        "GOVINSPECT_LEASE_SECONDS": "4",
        "GOVINSPECT_HEARTBEAT_SECONDS": "1",
        "GOVINSPECT_REQUEUE_GRACE_SECONDS": "3",
        "GOVINSPECT_VISIBILITY_TIMEOUT": "60",
        "GOVINSPECT_POLL_SECONDS": "0.2",
    }
    yield env
    import psycopg
    import redis

    with psycopg.connect(services["pg"], autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {env['GOVINSPECT_DB_SCHEMA']} CASCADE")
    client = redis.Redis.from_url(services["redis"])
    keys = list(client.scan_iter(match=f"{env['GOVINSPECT_KEY_PREFIX']}*", count=1000))
    keys += list(client.scan_iter(match=f"*{env['GOVINSPECT_QUEUE']}*", count=1000))
    if keys:
        client.delete(*set(keys))
    client.close()
