"""Export a static-mode province as files nginx can serve, with the truth of the static copy.

Layout: `OUT/<host>/<path>` (`index.html` for directories, Chinese file names as UTF-8, the way
nginx maps a decoded URI to a file), `OUT/127.0.0.2/<outside host>/<path>` for the outside
hosts, `OUT/truth.json`, `OUT/sites.csv` and `OUT/nginx.conf`.

Only static-mode provinces export: their sites use path-only URLs (TRS, Hanweb), no server
tricks, and outside links point at 127.0.0.2:PORT (alive) and 127.0.0.3:9 (refused) only, so
the benchmark needs no DNS at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from govinspect.sandbox.files import file_body, robots_txt
from govinspect.sandbox.model import Province, SimSite
from govinspect.sandbox.truth import site_truth, sites_csv


def _target(root: Path, path: str) -> Path:
    rel = unquote(path.partition("?")[0]).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    out = (root / rel).resolve()
    if root.resolve() not in out.parents:
        raise ValueError(f"refusing to write outside the export directory: {path!r}")
    return out


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def export_site(site: SimSite, out_dir: Path) -> dict[str, int]:
    """Write every page and file the site serves under `out_dir/<host>/`."""
    if site.province.mode != "static":
        raise ValueError("build the province with mode='static' to export it (path-only URLs, no server tricks)")
    root = out_dir / site.host
    written: set[Path] = set()
    stats = {"pages": 0, "files": 0, "bytes": 0}
    for path, res in site.resources.items():
        if "?" in path or res.kind not in ("page", "file"):
            continue
        dest = _target(root, path)
        if dest in written:
            continue
        written.add(dest)
        if res.kind == "page":
            text = site.render(path)
            if text is None:
                continue
            stats["bytes"] += _write(dest, text.encode(site.encoding, errors="xmlcharrefreplace"))
            stats["pages"] += 1
        else:
            body = robots_txt(site.robots_disallow()) if res.key[0] == "robots" else file_body(res.key[1], path)
            stats["bytes"] += _write(dest, body)
            stats["files"] += 1
    return stats


def export_externals(province: Province, out_dir: Path) -> int:
    """Write the folded outside host (127.0.0.2) pages and pictures."""
    n = 0
    for ext in province.external_hosts.values():
        root = out_dir / ext.hostname
        for path in ext.pages:
            _write(_target(root, path), ext.render(path).encode())
            n += 1
        for path in ext.images:
            _write(_target(root, path), file_body(path.rsplit(".", 1)[-1], path))
            n += 1
        _write(root / "robots.txt", robots_txt(()))
    return n


def nginx_conf(province: Province, out_dir: Path, sites: list[SimSite], port: int) -> str:
    """A self-contained nginx.conf serving the export (run: nginx -p OUT -c OUT/nginx.conf)."""
    root = out_dir.resolve()
    servers = "\n".join(
        f"    server {{ listen 127.0.0.1:{port}; server_name {s.host}; root {root / s.host}; }}" for s in sites
    )
    return f"""# Serves the exported simulated province. Start:  nginx -p {root} -c {root}/nginx.conf
# Stop: nginx -p {root} -c {root}/nginx.conf -s quit
# The directory must be readable by nginx's worker user (www-data when started as root).
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
{servers}
    server {{ listen 127.0.0.2:{province.external_port}; root {root / "127.0.0.2"}; }}
}}
"""


def export_static(province_or_site: Province | SimSite, out_dir: str | Path, *, port: int = 8181) -> dict[str, Any]:
    """Export a static-mode province (or one of its sites) to `out_dir`; returns the static truth.

    `port` is where nginx.conf makes nginx listen for the sites (127.0.0.1:port); inspect with
    `--resolve HOST:80:127.0.0.1:PORT` (pages carry no port in their URLs).
    """
    out = Path(out_dir)
    if isinstance(province_or_site, SimSite):
        province, sites = province_or_site.province, [province_or_site]
    else:
        province, sites = province_or_site, list(province_or_site.sites)
    stats = {"pages": 0, "files": 0, "bytes": 0}
    for site in sites:
        for k, v in export_site(site, out).items():
            stats[k] += v
    stats["external_files"] = export_externals(province, out)
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    truth = {
        "seed": province.seed,
        "mode": "static",
        "options": dict(province.options),
        "sites": [site_truth(s) for s in sites],
        "external": {"alive": f"127.0.0.2:{province.external_port}", "dead": "127.0.0.3:9"},
        "stats": stats,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    (out / "sites.csv").write_text(sites_csv(province), "utf-8")
    (out / "nginx.conf").write_text(nginx_conf(province, out, sites, port), "utf-8")
    return truth
