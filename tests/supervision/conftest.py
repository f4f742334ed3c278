"""Django for the platform tests: a throw-away data directory, the shipped regions, and a small
province of real-looking sites in 宝鸡 and 荆州 with one user of each role."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

import pytest

_DATA = tempfile.mkdtemp(prefix="govinspect-platform-test-")
atexit.register(shutil.rmtree, _DATA, True)
os.environ["GOVINSPECT_DATA"] = _DATA
os.environ.setdefault("GOVINSPECT_SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ["DJANGO_SETTINGS_MODULE"] = "govinspect.platform.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Hashing with the production work factor would make every login in these tests slow; the
# password rules themselves are still checked (validators are separate from hashing).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test database is a file, as in production, not SQLite's shared in-memory database: the job
# runner's lanes are threads with connections of their own, and a shared in-memory database
# answers concurrent writers with "table is locked" at once instead of waiting its turn.
if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(_DATA, "test.sqlite3")

PASSWORD = "Jiancha2024ok"

SITES = [
    # site_code, name, region code, organiser, url, portal
    ("6103000001", "宝鸡市人民政府", "610300", "宝鸡市人民政府办公室", "http://www.baoji.gov.cn/", True),
    ("6103000015", "宝鸡市应急管理局", "610300", "宝鸡市应急管理局", "http://yjj.baoji.gov.cn/", False),
    ("6103020001", "渭滨区人民政府", "610302", "渭滨区人民政府办公室", "http://www.weibin.gov.cn/", True),
    ("6103240001", "扶风县人民政府", "610324", "扶风县人民政府办公室", "http://www.fufeng.gov.cn/", True),
    ("4210000003", "荆州市人民政府", "421000", "荆州市人民政府办公室", "http://www.jingzhou.gov.cn/", True),
    ("4210030010", "荆州区人民政府", "421003", "荆州区人民政府办公室", "http://www.jingzhouqu.gov.cn/", True),
]


@dataclass
class Province:
    """The rows every platform test starts from."""

    sites: dict[str, Any]
    users: dict[str, Any]


@pytest.fixture
def province(db: Any) -> Province:
    from govinspect.platform.accounts.models import User
    from govinspect.platform.registry.models import Organiser, Region, Site
    from govinspect.platform.registry.regions import load_shipped_regions

    load_shipped_regions()
    sites = {}
    for code, name, region, organiser, url, portal in SITES:
        reg = Region.objects.get(code=region)
        org, _ = Organiser.objects.get_or_create(name=organiser, defaults={"region": reg})
        sites[code] = Site.objects.create(site_code=code, name=name, region=reg, organiser=org, url=url, portal=portal)

    def user(name: str, role: str, region: str | None = None, site_codes: tuple[str, ...] = ()) -> Any:
        u = User.objects.create_user(name, password=PASSWORD, role=role,
                                     region=Region.objects.get(code=region) if region else None)
        if site_codes:
            u.sites.set([sites[c] for c in site_codes])
        return u

    users = {
        "admin": user("admin", "admin"),
        "baoji": user("baoji", "supervisor", "610300"),
        "jingzhou": user("jingzhou", "supervisor", "421000"),
        "shaanxi_reviewer": user("shaanxi_reviewer", "reviewer", "610000"),
        "weibin": user("weibin", "owner", site_codes=("6103020001",)),
        "fufeng": user("fufeng", "owner", site_codes=("6103240001",)),
    }
    return Province(sites=sites, users=users)


@pytest.fixture
def login(client: Any) -> Any:
    """Log a test user in through the real login form and return the client."""

    def as_user(user: Any) -> Any:
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return as_user


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Rate-limit counters live in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
