"""The audit log (全过程留痕): every create, update and delete of the platform's rows, with
who did it and the values before and after.

It hangs on model signals rather than on each view, so nothing that changes a row — a page, an
API call, an import, the job runner — can forget to log. The actor comes from a context
variable that `ActorMiddleware` sets per request and `acting_as` sets for commands and jobs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

__all__ = ["ActorMiddleware", "acting_as", "connect", "record"]

_AUDITED_APPS = {"registry", "accounts", "orders", "reports", "letters", "campaigns", "reminders"}
# Derived rows, recomputed from audited ones (a re-score follows the review decisions logged).
_NOT_AUDITED = {"auditentry", "reviewedscore"}
# Never copied into the log: secrets, and bookkeeping that changes on every login.
_HIDDEN = {"password"}
_IGNORED = {"last_login", "updated_at"}
_actor: ContextVar[tuple[Any, str | None] | None] = ContextVar("govinspect_actor", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The peer address (proxies' headers are not trusted: they are set by the client)."""
    return request.META.get("REMOTE_ADDR") or None


class ActorMiddleware:
    """Makes the logged-in user (and address) the actor of every change in the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        token = _actor.set((user, client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


@contextlib.contextmanager
def acting_as(user: Any, ip: str | None = None) -> Iterator[None]:
    """Attribute changes inside the block to `user` (None: the system, e.g. the job runner)."""
    token = _actor.set((user, ip))
    try:
        yield
    finally:
        _actor.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready (secrets masked)."""
    out: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _IGNORED:
            continue
        value = field.value_from_object(instance)
        out[field.attname] = "******" if field.name in _HIDDEN and value else _plain(value)
    return out


def record(action: str, instance: models.Model | None = None, *, model: str = "", object_id: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           actor: Any = None, ip: str | None = None) -> None:
    """Write one audit entry (the signal handlers and the login views call this)."""
    from govinspect.platform.accounts.models import AuditEntry

    current = _actor.get()
    if actor is None and current is not None:
        actor, ip = current[0], ip or current[1]
    AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if actor is not None else "系统")[:150],
        action=action,
        model=model or (instance._meta.label if instance is not None else ""),
        object_id=object_id or (str(instance.pk) if instance is not None else ""),
        object_repr=(str(instance) if instance is not None else "")[:300],
        before=before, after=after, ip=ip,
    )


def _audited(sender: type[models.Model]) -> bool:
    return sender._meta.app_label in _AUDITED_APPS and sender._meta.model_name not in _NOT_AUDITED


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any) -> None:
    if raw or not _audited(sender) or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None  # type: ignore[attr-defined]


def _post_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **_: Any) -> None:
    if raw or not _audited(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = after  # type: ignore[attr-defined]  # a second save diffs from here
    if created or before is None:
        record("create", instance, after=after)
        return
    changed = {k for k in after if before.get(k) != after[k]}
    if changed:
        record("update", instance, before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})


def _post_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    if _audited(sender):
        record("delete", instance, before=snapshot(instance))


def _m2m(sender: Any, instance: models.Model, action: str, pk_set: set[int] | None, **_: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and _audited(type(instance)):
        field = sender._meta.model_name
        record("update", instance, before=None, after={field: {action[5:]: sorted(pk_set or [])}})


def connect() -> None:
    """Hook the audit log onto every model signal (called once from AccountsConfig.ready)."""
    pre_save.connect(_pre_save, dispatch_uid="govinspect_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="govinspect_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="govinspect_audit_post_delete")
    m2m_changed.connect(_m2m, dispatch_uid="govinspect_audit_m2m")
