"""HTTPS: does the site answer over TLS with a certificate a browser accepts, and until when.

One verifying handshake with the run's trust store (the system's plus `FetchConfig.ca_pem`);
when it fails, one more without verification to read the certificate the server sent, so the
report can say *why* (expired, self-signed, issued for another name) and show its dates. Then
one GET of `/` over HTTPS through the run's `Fetcher`. Connections go where a fetch would
(`--resolve`, `--offline`, the SSRF guard).

Certificate dates are judged against the real clock, as a browser judges them at inspection
time; `--as-of` does not move them. An issuer we do not know (a missing intermediate, a
national SM2 chain) is recorded as `untrusted`, never as a certificate error of the site.
"""

from __future__ import annotations

import asyncio
import errno
import ssl
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from govinspect.net.client import Fetcher

if TYPE_CHECKING:
    from cryptography import x509

# OpenSSL X509_V_ERR_* codes → our reason words.
_VERIFY_REASONS = {
    9: "not_yet_valid",
    10: "expired",
    18: "self_signed",
    19: "self_signed",
    20: "untrusted",
    21: "untrusted",
    62: "hostname_mismatch",
}
# Certificate problems a browser shows as a full-page warning (the site's fault for sure).
CERT_PROBLEMS = ("expired", "not_yet_valid", "self_signed", "hostname_mismatch")
_LOCAL_NET_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


def _name(cert: x509.Certificate, which: str) -> str:
    from cryptography.x509.oid import NameOID

    subject = cert.subject if which == "subject" else cert.issuer
    attrs = subject.get_attributes_for_oid(NameOID.COMMON_NAME) or subject.get_attributes_for_oid(
        NameOID.ORGANIZATION_NAME
    )
    return str(attrs[0].value) if attrs else subject.rfc4514_string()


def _dns_names(cert: x509.Certificate) -> list[str]:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return [str(n) for n in ext.value.get_values_for_type(x509.DNSName)]


def name_matches(host: str, names: list[str]) -> bool:
    """RFC 6125 matching of `host` against certificate DNS names (one left-most `*` label)."""
    host = host.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def certificate_facts(der: bytes, host: str, now: datetime) -> dict[str, Any]:
    """Dates, names and self-evident problems of a DER certificate, judged at `now`."""
    # Imported here: loading cryptography costs every command ~40 ms at start-up.
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc
    not_before = cert.not_valid_before_utc
    names = _dns_names(cert)
    problems: list[str] = []
    if not_after < now:
        problems.append("expired")
    if not_before > now:
        problems.append("not_yet_valid")
    if cert.issuer == cert.subject:
        problems.append("self_signed")
    if not name_matches(host, names):
        problems.append("hostname_mismatch")
    return {
        "subject": _name(cert, "subject"),
        "issuer": _name(cert, "issuer"),
        "names": names[:20],
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        "days_left": (not_after - now).days,
        "problems": problems,
    }


async def _handshake(ip: str, port: int, host: str, context: ssl.SSLContext, timeout: float) -> bytes:
    """TLS handshake to ip:port with SNI `host`; the server's certificate (DER)."""
    _reader, writer = await asyncio.wait_for(
        asyncio.open_connection(ip, port, ssl=context, server_hostname=host, ssl_handshake_timeout=timeout),
        timeout,
    )
    try:
        sslobj = writer.get_extra_info("ssl_object")
        der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
        return der or b""
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (OSError, TimeoutError, ssl.SSLError):
            pass


def _unverified() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _failure(exc: BaseException) -> tuple[str, str]:
    """(status, reason) for a connection that produced no certificate."""
    if isinstance(exc, ConnectionRefusedError):
        return "none", "refused"
    if isinstance(exc, TimeoutError):
        return "none", "timeout"
    if isinstance(exc, ssl.SSLError):
        return "none", "tls_error"  # the port answers, but no TLS server a browser could use
    if isinstance(exc, OSError) and exc.errno in _LOCAL_NET_ERRNOS:
        return "not_checked", "local_network"
    if isinstance(exc, ConnectionError):
        return "none", "reset"
    return "not_checked", "error"


async def probe_https(
    fetcher: Fetcher, host: str, *, port: int = 443, timeout: float = 10.0, now: datetime | None = None
) -> dict[str, Any]:
    """The HTTPS facts of `host` (results.json `https`); never raises."""
    now = now or datetime.now(timezone.utc)
    url = f"https://{host}/" if port == 443 else f"https://{host}:{port}/"
    out: dict[str, Any] = {
        "url": url, "status": "not_checked", "reason": None, "valid": None, "answers": None,
        "http_status": None, "checked_at": now.astimezone().isoformat(timespec="seconds"),
    }
    mapped = fetcher.mapped_target(host, port)
    if mapped is not None:
        ip, cport = mapped
    else:
        ip_or_none, failure = await fetcher.resolve(host, port)
        if ip_or_none is None:
            out["reason"] = failure or "dns"  # offline, guard or DNS: nothing to judge
            return out
        ip, cport = ip_or_none, port
    der = b""
    try:
        der = await _handshake(ip, cport, host, fetcher.verifying_context(), timeout)
        out.update(status="valid", valid=True)
    except ssl.SSLCertVerificationError as exc:
        out.update(status="invalid", valid=False, reason=_VERIFY_REASONS.get(exc.verify_code, "untrusted"))
        out["verify_message"] = str(exc.verify_message or exc)[:200]
        try:
            der = await _handshake(ip, cport, host, _unverified(), timeout)
        except (OSError, TimeoutError, ssl.SSLError):
            der = b""
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        out["status"], out["reason"] = _failure(exc)
        out["detail"] = f"{type(exc).__name__}: {exc}"[:200]
        return out
    if der:
        try:
            out["certificate"] = certificate_facts(der, host, now)
        except ValueError as exc:
            out["certificate"] = {"error": str(exc)[:200]}
    result = await fetcher.fetch(url, read_body=False, timeout=timeout, verify_tls=bool(out["valid"]))
    out["answers"] = result.responded
    out["http_status"] = result.status
    return out


def https_problem(facts: dict[str, Any] | None) -> str | None:
    """The certificate problem a browser would warn about, or None (also when not checked)."""
    if not facts or facts.get("status") != "invalid":
        return None
    reason = facts.get("reason")
    if reason in CERT_PROBLEMS:
        return str(reason)
    # OpenSSL names the first failure only; an untrusted chain may hide an expired date.
    problems = (facts.get("certificate") or {}).get("problems") or []
    for p in CERT_PROBLEMS:
        if p in problems and p != "self_signed":
            return p
    return None
