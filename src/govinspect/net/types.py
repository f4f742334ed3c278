"""Value objects of the network layer: what a fetch was asked to do and what came of it.

Outcome taxonomy (every aiohttp / OS / asyncio error is mapped onto exactly one of these, at one
boundary in `net/client.py`; the link-verdict classifier relies on these distinctions):

    ok                    a response arrived (any HTTP status; the status says the rest)
    ├─ truncated          ... but the body was cut at the size cap (still a response)
    transport failures:
    ├─ invalid_url        unparseable URL, unsupported scheme, garbage in the host
    ├─ blocked_private    SSRF guard: the target resolves to a private/loopback/link-local address
    ├─ dns                the name does not resolve (or --offline and not in --resolve)
    ├─ refused            TCP connection refused
    ├─ connect_timeout    no TCP/TLS connection within the connect timeout
    ├─ timeout            connected, but the response did not complete within the total timeout
    ├─ tls                TLS handshake or certificate failure
    ├─ reset              connection reset / closed mid-response / protocol error
    ├─ too_large          the (decompressed) body exceeded the hard cap and was abandoned
    ├─ too_many_redirects more than max_redirects hops
    ├─ redirect_loop      a redirect came back to a URL already visited in the chain
    └─ error              anything else (kept with its detail so it is never silently lost)
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Named, bounded defaults: nothing in the network layer is unbounded.
DEFAULT_TIMEOUT = 15.0  # seconds, total per request; the national availability rule uses 15 s
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 8 * 1024 * 1024  # bytes kept of one page body
DEFAULT_MAX_DECOMPRESSED = 32 * 1024 * 1024  # bytes after gzip/deflate/br before we give up
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (compatible; govinspect/{version}; +https://github.com/govinspect/govinspect)"
)

TRANSPORT_FAILURES = frozenset(
    {
        "invalid_url",
        "blocked_private",
        "dns",
        "refused",
        "connect_timeout",
        "timeout",
        "tls",
        "reset",
        "too_large",
        "too_many_redirects",
        "redirect_loop",
        "error",
    }
)


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How every request of a run behaves. One typed shape; the CLI fills it."""

    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_body: int = DEFAULT_MAX_BODY
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    user_agent: str = DEFAULT_USER_AGENT
    # --resolve HOST:PORT:ADDR → {("host", port): ("addr", port)}
    resolve: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    offline: bool = False
    allow_private: bool = False
    # IPv6 addresses given by --resolve next to an IPv4 one for the same HOST:PORT. Fetches use
    # `resolve`; only the IPv6 probe (sitechecks/ipv6.py) connects to these.
    resolve_v6: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    # Extra trusted CA certificates (PEM text), on top of the system store: a private CA of an
    # intranet, or the simulated province's own CA.
    ca_pem: str | None = None
    # Connection pool bound for the whole run.
    max_connections: int = 256


@dataclass(slots=True)
class Hop:
    """One redirect hop: the URL asked for and the status that sent us on."""

    url: str
    status: int
    location: str


@dataclass(slots=True)
class FetchResult:
    """The outcome of one logical request (redirects followed)."""

    url: str  # as asked
    method: str
    outcome: str  # "ok", "truncated" or one of TRANSPORT_FAILURES
    final_url: str  # after redirects (== url when none)
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    redirects: list[Hop] = field(default_factory=list)
    detail: str = ""  # human-readable reason for failures (one line)
    started_at: float = 0.0  # wall clock (time.time()) when the request started
    elapsed: float = 0.0  # seconds
    remote_ip: str | None = None
    # The raw request headers we sent, for the WARC request record.
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def responded(self) -> bool:
        """True when an HTTP response (any status) arrived."""
        return self.outcome in ("ok", "truncated")

    def header(self, name: str) -> str | None:
        """First value of a response header, case-insensitively."""
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased ('' when absent)."""
        ct = self.header("content-type") or ""
        return ct.split(";", 1)[0].strip().lower()
