"""Certificates of the simulated province: its own CA, and per site the certificate its
HTTPS scenario calls for (valid, expired, issued for another name, self-signed).

Generated in memory at server start with `cryptography` (EC P-256 keys, a few milliseconds
each) and dated against the real clock, because TLS stacks judge certificates by it. The
server picks a site's certificate by SNI; the inspection trusts the CA through
`FetchConfig.ca_pem`.
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govinspect.sandbox.model import Province

WRONG_HOST_NAME = "*.moni-cloud.cn"  # a hosting platform's default certificate


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "模拟省")])


def _cert(subject: str, names: list[str], key: ec.EllipticCurvePrivateKey, issuer: str,
          issuer_key: ec.EllipticCurvePrivateKey, not_before: dt.datetime, not_after: dt.datetime,
          ca: bool = False) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@dataclass
class ProvinceTLS:
    """The CA (PEM) and one server context per HTTPS host."""

    ca_pem: str
    contexts: dict[str, ssl.SSLContext] = field(default_factory=dict)
    default: ssl.SSLContext | None = None

    def server_context(self) -> ssl.SSLContext:
        """The listening context: picks the host's certificate from the SNI name."""
        assert self.default is not None
        ctx = self.default

        def pick(sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            chosen = self.contexts.get((name or "").lower())
            if chosen is not None:
                sslobj.context = chosen

        ctx.sni_callback = pick
        return ctx


def _context(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey, chain: list[x509.Certificate]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cpath, kpath = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        cpath.write_bytes(_pem(cert) + b"".join(_pem(c) for c in chain))
        kpath.write_bytes(_key_pem(key))
        ctx.load_cert_chain(cpath, kpath)
    return ctx


def build_tls(province: Province, now: dt.datetime | None = None) -> ProvinceTLS:
    """The province's CA and the certificate of every site whose scenario serves HTTPS."""
    now = now or dt.datetime.now(dt.timezone.utc)
    day = dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("模拟省测试根证书", [], ca_key, "模拟省测试根证书", ca_key, now - 30 * day, now + 3650 * day, ca=True)
    tls = ProvinceTLS(ca_pem=_pem(ca).decode())
    fallback_key = ec.generate_private_key(ec.SECP256R1())
    tls.default = _context(
        _cert("moni-cloud.cn", [WRONG_HOST_NAME], fallback_key, "模拟省测试根证书", ca_key, now - day, now + 90 * day),
        fallback_key, [ca],
    )
    for site in province.sites:
        mode = site.https
        if mode == "none":
            continue
        key = ec.generate_private_key(ec.SECP256R1())
        names = [site.host, *site.aliases]
        if mode == "valid":
            cert = _cert(site.host, names, key, "模拟省测试根证书", ca_key, now - day, now + 90 * day)
        elif mode == "expired":
            cert = _cert(site.host, names, key, "模拟省测试根证书", ca_key, now - 400 * day, now - 12 * day)
        elif mode == "wrong_host":
            cert = _cert("moni-cloud.cn", [WRONG_HOST_NAME], key, "模拟省测试根证书", ca_key, now - day, now + 90 * day)
        elif mode == "self_signed":
            cert = _cert(site.host, names, key, site.host, key, now - day, now + 365 * day)
        else:
            raise ValueError(f"unknown https scenario {mode!r}")
        context = _context(cert, key, [] if mode == "self_signed" else [ca])
        for host in names:
            tls.contexts[host] = context
    return tls
