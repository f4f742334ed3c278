#!/usr/bin/env python3
"""Side-by-side crawl benchmark: govinspect vs LinkChecker, linkinator and wget2 --spider.

One run:
  1. exports one large simulated site (``govinspect sandbox export``; ``--standin`` uses a small
     generator in this file instead) with a ground-truth list of its dead links,
  2. serves it with Debian's nginx (one worker) on 127.0.0.1:PORT, plus an "alive internet"
     host on 127.0.0.2:PORT (dead external links point at 127.0.0.3:9, which refuses),
  3. crawls it with each tool in turn, same concurrency, same timeout, robots.txt honoured, each
     under ``/usr/bin/time -v`` and a wall-clock bound,
  4. scores pages/s, links/s, CPU s, peak RSS and dead links found/missed/false per tool,
  5. optionally repeats govinspect alone on a bigger site (memory growth), profiles govinspect
     with py-spy, and writes ``bench/RESULTS.md``.

Usage:
  python bench/crawl_bench.py --pages 3000                  # the full run behind RESULTS.md
  python bench/crawl_bench.py --pages 3000 --memory-pages 0 --tools linkinator,wget2 --no-write
  python bench/crawl_bench.py --standin --pages 500 --no-write   # harness smoke test

Peers are installed under bench/work/ (git-ignored) on first use:
  python3 -m venv bench/work/venv-linkchecker && bench/work/venv-linkchecker/bin/pip install linkchecker
  npm install --prefix bench/work linkinator undici
Only 127.0.0.0/8 is ever contacted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
NGINX = "/usr/sbin/nginx"
TIME = "/usr/bin/time"
WGET2 = "/usr/bin/wget2"
LC_VENV = WORK / "venv-linkchecker"
LINKCHECKER = LC_VENV / "bin" / "linkchecker"
LINKINATOR = WORK / "node_modules" / ".bin" / "linkinator"
SITE_IP = "127.0.0.1"
EXT_ALIVE_IP = "127.0.0.2"
EXT_DEAD = "http://127.0.0.3:9"
SCRAPY_VENV = WORK / "venv-scrapy"
SCRAPY_PY = SCRAPY_VENV / "bin" / "python"
ALL_TOOLS = ("wget2", "govinspect", "govinspect-links", "linkinator", "linkinator-unbounded", "linkchecker", "scrapy")
DEFAULT_TOOLS = ALL_TOOLS
csv.field_size_limit(1 << 30)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- URLs


def norm_url(u: str, host_map: dict[str, str] | None = None) -> str:
    """Canonical form for comparing targets: lowercase scheme and host, no default port, no
    fragment, percent-encoding normalised. ``host_map`` rewrites netlocs (site host -> IP:PORT)."""
    u = u.strip()
    try:
        p = urlsplit(u)
        scheme = p.scheme.lower()
        host = (p.hostname or "").lower()
        port = p.port
    except ValueError:
        return u
    netloc = host
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        netloc = f"{host}:{port}"
    if host_map:
        netloc = host_map.get(netloc, host_map.get(host, netloc))
    path = quote(unquote(p.path or "/"), safe="/:@!$&'()*+,;=-._~")
    query = quote(unquote(p.query), safe="/:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, netloc, path, query, ""))


# --------------------------------------------------------------------------- site


@dataclass
class Site:
    root: Path                  # directory served as document root
    host: str                   # the site's own host name (may be mapped to 127.0.0.1:PORT)
    dead: set[str]              # normalised dead targets (ground truth)
    dead_detail: list[dict]     # raw truth records
    source: str                 # "sandbox export (seed N)" or "stand-in"
    ext_root: Path | None = None  # files of the alive outside host (127.0.0.2), if exported
    expected_pages: int | None = None  # pages a correct crawler reaches (truth), if given
    encoding: str = "utf-8"     # the bytes' encoding (truth "encoding"), sent by nginx as charset
    html_pages: int = 0
    avg_kb: float = 0.0
    avg_links: float = 0.0


STANDIN_HOST = "www.bench-standin.gov.cn"
_WORDS = ("通知公告 政务公开 政策文件 工作动态 人民政府 办公室 关于 印发 实施 方案 开展 检查 情况 通报 经济 "
          "发展 乡村 振兴 安全 生产 防控 住房 保障 教育 卫生 交通 建设 环境 保护 财政 预算 决算 信息 公开 "
          "年度 报告 规划 计划 总结 部署 会议 召开 深入 推进 全面 加强 落实 责任 制度 改革").split()
_COLUMNS = ["xwdt", "tzgg", "zcwj", "zwgk", "bsfw", "hdjl", "jggk", "ztzl"]


def standin_export(out: Path, pages: int, seed: int, ext_port: int) -> tuple[Path, Path]:
    """A deterministic stand-in for ``govinspect sandbox export``: one site of ``pages`` HTML
    pages (~30 KB, ~60 links each) under out/<host>/, truth JSON at out/truth.json."""
    rng = random.Random(seed)
    root = out / STANDIN_HOST
    root.mkdir(parents=True, exist_ok=True)
    paras = []
    for _ in range(300):
        n = rng.randint(60, 160)
        paras.append("".join(rng.choice(_WORDS) for _ in range(n // 2)))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n")
    for d in ("images", "files", "css", "js"):
        (root / d).mkdir(exist_ok=True)
    (root / "css" / "main.css").write_text("body{font-family:SimSun}\n")
    (root / "js" / "main.js").write_text("var x=1;\n")
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")
    for i in range(40):
        (root / "images" / f"i{i}.png").write_bytes(png)
    for i in range(30):
        (root / "files" / f"d{i}.pdf").write_bytes(b"%PDF-1.4\n%stand-in\n" + b"0" * 2000)

    n_cols = len(_COLUMNS)
    n_art = max(pages - 1 - n_cols, 1)
    site = f"http://{STANDIN_HOST}"
    dead: list[dict] = []

    def art_url(k: int) -> str:
        return f"/{_COLUMNS[k % n_cols]}/{2020 + k % 5}{(k % 12) + 1:02d}/t{k:06d}.html"

    def page(title: str, path: str, links: list[tuple[str, str]], extra: str = "") -> None:
        body = [f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
                '<link rel="stylesheet" href="/css/main.css"><script src="/js/main.js"></script>'
                '</head><body><div class="nav"><a href="/">首页</a>']
        body += [f'<a href="/{c}/">{c}</a>' for c in _COLUMNS]
        body.append('</div><div class="main"><ul>')
        for href, text in links:
            body.append(f'<li><a href="{href}">{text}</a><span>2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</span></li>')
        body.append("</ul>" + extra)
        size = sum(len(s.encode()) for s in body)
        while size < 29_000:
            p = rng.choice(paras)
            body.append(f"<p>{p}</p>")
            size += len(p.encode()) + 7
        body.append('<div class="footer">主办单位：某某县人民政府办公室 <a href="mailto:a@b.gov.cn">邮箱</a>'
                    ' <a href="javascript:void(0)">收藏</a></div></body></html>')
        f = root / path.lstrip("/")
        if path.endswith("/"):
            f = f / "index.html"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("".join(body), encoding="utf-8")

    def add_dead(src: str, target: str, kind: str) -> str:
        dead.append({"source": site + src, "target": target if "://" in target else site + target, "kind": kind})
        return target

    # homepage and column pages: lists of articles
    page("某某县人民政府", "/", [(art_url(k), rng.choice(paras)[:20]) for k in range(48)])
    for ci, c in enumerate(_COLUMNS):
        ks = [k for k in range(ci, n_art, n_cols)][:50]
        page(f"{c} 栏目", f"/{c}/", [(art_url(k), rng.choice(paras)[:20]) for k in ks])
    for k in range(n_art):
        src = art_url(k)
        links = [(art_url((k + 1) % n_art), "下一篇")]
        links += [(art_url(rng.randrange(n_art)), rng.choice(paras)[:16]) for _ in range(40)]
        extra = [f'<img src="/images/i{rng.randrange(40)}.png" alt="">' for _ in range(3)]
        extra.append(f'<a href="/files/d{rng.randrange(30)}.pdf">附件</a>')
        extra.append(f'<a href="http://{EXT_ALIVE_IP}:{ext_port}/ext/{k % 30}.html">相关链接</a>')
        if k % 40 == 7:
            extra.append(f'<a href="{add_dead(src, f"/missing/p{k}.html", "page")}">失效</a>')
        if k % 97 == 3:
            extra.append(f'<img src="{add_dead(src, f"/images/missing_{k % 7}.png", "image")}">')
        if k % 150 == 11:
            extra.append(f'<a href="{add_dead(src, f"/files/missing_{k}.pdf", "attachment")}">附件</a>')
        if k % 60 == 5:
            extra.append(f'<a href="{add_dead(src, f"{EXT_DEAD}/p{k % 25}", "external")}">外链</a>')
        page(f"文章 {k}", src, links, "".join(extra))
    truth = out / "truth.json"
    truth.write_text(json.dumps({"host": STANDIN_HOST, "url": site + "/", "dead_links": dead},
                                ensure_ascii=False, indent=1))
    return root, truth


def real_export(out: Path, pages: int, seed: int, ext_port: int, timeout: float) -> tuple[Path, Path]:
    """The simulated province's big site in static mode, exported for nginx.

    Python API first (one site only: ``build_province(seed, 1, big_site_pages=N, mode="static")``
    then ``export_static(site, out)``); if that API is not there, the CLI
    ``govinspect sandbox export OUT --big-site-pages N --seed S --external-port P``."""
    try:
        from govinspect.sandbox.build import build_province
        from govinspect.sandbox.export import export_static
    except ImportError:
        build_province = export_static = None
    if build_province is not None:
        log(f"export: build_province({seed}, 1, big_site_pages={pages}, mode='static', "
            f"external_port={ext_port}) + export_static")
        prov = build_province(seed, 1, big_site_pages=pages, mode="static", external_port=ext_port)
        export_static(prov.sites[0], out, port=ext_port)
    else:
        cmd = ["govinspect", "sandbox", "export", str(out), "--big-site-pages", str(pages),
               "--seed", str(seed), "--external-port", str(ext_port)]
        log("export: " + " ".join(cmd))
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise SystemExit(f"sandbox export failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}")
    roots = [d for d in out.iterdir() if d.is_dir() and (d / "index.html").exists()
             and not re.fullmatch(r"[\d.]+", d.name)]
    if not roots:
        raise SystemExit(f"sandbox export wrote no DIR/<host>/index.html under {out}")
    root = max(roots, key=lambda d: sum(1 for _ in d.rglob("*.htm*")))
    truth = out / "truth.json"
    if not truth.exists():
        truths = sorted(out.rglob("*truth*.json")) or sorted(out.glob("*.json"))
        if not truths:
            raise SystemExit(f"sandbox export wrote no truth JSON under {out}")
        truth = truths[0]
    return root, truth


def load_truth(truth: Path, root: Path, port: int) -> tuple[str, set[str], list[dict], int | None, str]:
    """Dead-link truth, whatever reasonable shape the exporter chose: a list of records with a
    target/url, or a dict holding such a list (``dead_links``/``dead``/``links``), possibly
    per site. Site host names are mapped to 127.0.0.1:PORT."""
    data = json.loads(truth.read_text(encoding="utf-8"))
    host = root.name

    def records(d) -> list:
        if isinstance(d, list):
            return d
        if isinstance(d, dict):
            for k in ("dead_links", "dead", "links"):
                if k in d and isinstance(d[k], list):
                    return d[k]
            if "sites" in d:
                sites = d["sites"]
                if isinstance(sites, dict):
                    sites = list(sites.values())
                out = []
                for s in sites:
                    out += records(s)
                return out
        return []

    if isinstance(data, dict) and isinstance(data.get("sites"), list):
        mine = [x for x in data["sites"] if isinstance(x, dict) and
                (x.get("host") == root.name or urlsplit(str(x.get("url", ""))).hostname == root.name)]
        if mine:
            data = mine[0]
    recs = []
    for r in records(data):
        if isinstance(r, str):
            recs.append({"target": r})
        elif isinstance(r, dict) and (r.get("target") or r.get("url")):
            recs.append(r)
    if isinstance(data, dict):
        host = str(data.get("host") or data.get("site") or host)
        host = urlsplit(host).hostname or host if "://" in host else host
    local = f"{SITE_IP}:{port}"
    hmap = {host.lower(): local, f"{host.lower()}:80": local}
    dead = {norm_url(r.get("target") or r.get("url"), hmap) for r in recs}
    expected = data.get("pages") if isinstance(data, dict) and isinstance(data.get("pages"), int) else None
    enc = str(data.get("encoding") or "utf-8") if isinstance(data, dict) else "utf-8"
    return host, dead, recs, expected, enc


_LINK_RE = re.compile(rb"""\b(?:href|src)\s*=\s*["']?(?!javascript:|mailto:|tel:|#)""", re.I)


def site_shape(root: Path, sample: int = 4000) -> tuple[int, float, float]:
    files = [p for p in root.rglob("*") if p.suffix.lower() in (".html", ".htm")]
    n = len(files)
    rng = random.Random(0)
    pick = files if n <= sample else rng.sample(files, sample)
    size = links = 0
    for p in pick:
        b = p.read_bytes()
        size += len(b)
        links += len(_LINK_RE.findall(b))
    k = max(len(pick), 1)
    return n, size / k / 1024, links / k


# --------------------------------------------------------------------------- nginx


def free_port() -> int:
    """A port free on both 127.0.0.1 and 127.0.0.2."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((SITE_IP, 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as s2:
                s2.bind((EXT_ALIVE_IP, port))
            return port
        except OSError:
            continue
    raise SystemExit("no free port")


class Nginx:
    def __init__(self, tmp: Path, root: Path, port: int, site_host: str, ext_root: Path | None = None,
                 charset: str = "off"):
        self.tmp, self.root, self.port, self.host, self.ext_root = tmp, root, port, site_host, ext_root
        self.charset = charset
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Nginx":
        self.tmp.mkdir(parents=True, exist_ok=True)
        tmpl = string.Template((BENCH / "nginx.conf.tmpl").read_text())
        mime = "/etc/nginx/mime.types"
        if self.ext_root:
            ext_body = (f"        root {self.ext_root};\n"
                        "        location / { try_files $uri $uri/ =404; }")
        else:
            ext_body = ("        default_type text/plain;\n"
                        "        location = /robots.txt { return 404; }\n"
                        '        location / { return 200 "ok\\n"; }')
        conf = tmpl.safe_substitute(tmp=self.tmp, port=self.port, root=self.root, site_host=self.host,
                                    ext_host=EXT_ALIVE_IP, mime=mime, ext_body=ext_body,
                                    charset=self.charset)
        (self.tmp / "nginx.conf").write_text(conf)
        r = subprocess.run([NGINX, "-t", "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf"),
                            "-g", "daemon off;"], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise SystemExit("nginx config test failed:\n" + r.stderr)
        self.proc = subprocess.Popen([NGINX, "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf"),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=open(self.tmp / "nginx.stderr", "wb"), start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("nginx exited: " + (self.tmp / "nginx.stderr").read_text())
            try:
                with socket.create_connection((SITE_IP, self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        log(f"nginx pid {self.proc.pid} serving {self.root} on {SITE_IP}:{self.port} (+{EXT_ALIVE_IP})")
        return self

    def rotate(self, dest: Path) -> None:
        """Move the access log to ``dest`` and have nginx reopen a fresh one."""
        assert self.proc
        # flush buffered lines: USR1 makes nginx flush and reopen
        src = self.tmp / "access.log"
        if src.exists():
            os.replace(src, dest)
        else:
            dest.write_text("")
        os.kill(self.proc.pid, signal.SIGUSR1)
        time.sleep(0.5)

    def cpu_s(self) -> float:
        """CPU seconds used so far by nginx (master and workers)."""
        if not self.proc:
            return 0.0
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        pids = [self.proc.pid]
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    st = open(f"/proc/{d}/stat", "rb").read()
                    if int(st[st.rindex(b")") + 2:].split()[1]) == self.proc.pid:
                        pids.append(int(d))
                except (OSError, ValueError):
                    pass
        for pid in pids:
            try:
                st = open(f"/proc/{pid}/stat", "rb").read()
                f = st[st.rindex(b")") + 2:].split()
                total += int(f[11]) + int(f[12])
            except (OSError, ValueError, IndexError):
                pass
        return total / tick

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        p = self.proc
        if p is None or p.poll() is not None:
            return
        try:
            os.kill(p.pid, signal.SIGQUIT)   # graceful: master stops its worker
            p.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=10)
        log("nginx stopped")


def read_access_log(path: Path, port: int = 0) -> dict:
    """Pages (distinct HTML URIs answered 200 by the site server), requests, max open conns."""
    pages: set[str] = set()
    requests = site_requests = max_conns = 0
    statuses: dict[str, int] = {}
    first = last = None
    rx = re.compile(r'^(\S+) (\S+) (\S+) (\S+) (\d+) (\d+) (\d+) "([^"]*)" "(.*)"$')
    for line in path.read_text(errors="replace").splitlines():
        m = rx.match(line)
        if not m:
            continue
        t, addr, sport, method, status, _size, conns, ctype, uri = m.groups()
        requests += 1
        tt = float(t)
        first = tt if first is None else min(first, tt)
        last = tt if last is None else max(last, tt)
        max_conns = max(max_conns, int(conns))
        if addr == SITE_IP and (not port or sport == str(port)):
            site_requests += 1
            statuses[status] = statuses.get(status, 0) + 1
            if method == "GET" and status == "200" and ctype.startswith("text/html"):
                pages.add(uri.split("#")[0])
    return {"pages": len(pages), "requests": requests, "site_requests": site_requests,
            "max_conns": max_conns, "statuses": statuses,
            "server_span_s": (last - first) if first is not None else 0.0}


# --------------------------------------------------------------------------- running


class TreeRss(threading.Thread):
    """Samples the summed RSS of a process's descendants (multi-process tools)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            children: dict[int, list[int]] = {}
            for d in os.listdir("/proc"):
                if not d.isdigit():
                    continue
                try:
                    with open(f"/proc/{d}/stat", "rb") as f:
                        st = f.read()
                    ppid = int(st[st.rindex(b")") + 2:].split()[1])
                    children.setdefault(ppid, []).append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
            todo, total = list(children.get(self.pid, [])), 0
            while todo:
                p = todo.pop()
                todo += children.get(p, [])
                try:
                    with open(f"/proc/{p}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1])
                                break
                except OSError:
                    pass
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> None:
        self._stop.set()


_CURRENT: list[subprocess.Popen] = []


def run_timed(name: str, cmd: list[str], outdir: Path, limit_s: float, env: dict | None = None,
              stdout_name: str = "stdout") -> dict:
    """Run ``cmd`` under /usr/bin/time -v in its own process group, killed after ``limit_s``."""
    outdir.mkdir(parents=True, exist_ok=True)
    tfile = outdir / "time.txt"
    full = [TIME, "-v", "-o", str(tfile)] + cmd
    (outdir / "cmd.txt").write_text(" ".join(cmd) + "\n")
    log(f"{name}: " + " ".join(cmd))
    with open(outdir / stdout_name, "wb") as so, open(outdir / "stderr", "wb") as se:
        t0 = time.monotonic()
        p = subprocess.Popen(full, stdout=so, stderr=se, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True, cwd=outdir)
        _CURRENT.append(p)
        sampler = TreeRss(p.pid)
        sampler.start()
        timed_out = False
        try:
            p.wait(timeout=limit_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            log(f"{name}: over {limit_s:.0f} s, killing")
            kill_group(p)
        except BaseException:           # Ctrl-C, SIGTERM: never leave the tool running
            kill_group(p)
            raise
        finally:
            wall = time.monotonic() - t0
            sampler.stop()
            _CURRENT.remove(p)
    res = {"exit": p.returncode, "timed_out": timed_out, "wall_s": wall,
           "tree_rss_mb": sampler.peak_kb / 1024}
    res.update(parse_time_v(tfile))
    log(f"{name}: exit {p.returncode}, {wall:.1f} s wall, cpu {res.get('cpu_s', 0):.1f} s, "
        f"rss {res.get('peak_rss_mb', 0):.0f} MB")
    return res


def kill_group(p: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def system_busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    v = [int(x) for x in parts]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)  # user nice system irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def wait_quiet(max_wait: float = 120.0, limit_cores: float = 0.25) -> float:
    """Wait (up to max_wait s) until other processes use less than limit_cores; return the
    last measured background load in cores."""
    deadline = time.monotonic() + max_wait
    while True:
        b0, t0 = system_busy_s(), time.monotonic()
        time.sleep(1.0)
        load = (system_busy_s() - b0) / (time.monotonic() - t0)
        if load < limit_cores or time.monotonic() > deadline:
            if load >= limit_cores:
                log(f"machine still busy ({load:.2f} cores used by others); running anyway")
            return load
        log(f"machine busy ({load:.2f} cores used by other processes); waiting")
        time.sleep(4.0)


def parse_time_v(tfile: Path) -> dict:
    out: dict = {}
    if not tfile.exists():
        return out
    txt = tfile.read_text(errors="replace")
    def num(label: str) -> float | None:
        m = re.search(re.escape(label) + r":\s*([\d.]+)", txt)
        return float(m.group(1)) if m else None
    u, s, rss = num("User time (seconds)"), num("System time (seconds)"), num("Maximum resident set size (kbytes)")
    if u is not None and s is not None:
        out["cpu_s"] = u + s
        out["user_s"], out["sys_s"] = u, s
    if rss is not None:
        out["peak_rss_mb"] = rss / 1024
    return out


# --------------------------------------------------------------------------- tools


@dataclass
class Ctx:
    url: str
    port: int
    conc: int
    timeout: float
    limit_s: float
    run_dir: Path
    host_map: dict[str, str]


def version_of(tool: str) -> str:
    try:
        if tool.startswith("govinspect"):
            from importlib.metadata import version
            return version("govinspect")
        if tool == "linkchecker":
            r = subprocess.run([str(LINKCHECKER), "--version"], capture_output=True, text=True, timeout=60)
            m = re.search(r"LinkChecker ([\w.]+)", r.stdout + r.stderr)
            return m.group(1) if m else "?"
        if tool.startswith("linkinator"):
            r = subprocess.run([str(LINKINATOR), "--version"], capture_output=True, text=True, timeout=60)
            return r.stdout.strip() or "?"
        if tool == "wget2":
            r = subprocess.run([WGET2, "--version"], capture_output=True, text=True, timeout=60)
            m = re.search(r"Wget2 ([\w.]+)", r.stdout)
            return m.group(1) if m else "?"
        if tool == "scrapy":
            r = subprocess.run([str(SCRAPY_PY), "-c", "import scrapy; print(scrapy.__version__)"],
                               capture_output=True, text=True, timeout=60)
            return r.stdout.strip() or "?"
        if tool == "nginx":
            r = subprocess.run([NGINX, "-v"], capture_output=True, text=True, timeout=60)
            return r.stderr.strip().split("/")[-1]
    except Exception as e:  # noqa: BLE001 - a version is informative only
        return f"? ({e})"
    return "?"


def lc_venv_ok() -> bool:
    """LinkChecker is installed, on a Python the unprivileged user can read."""
    if not LINKCHECKER.exists():
        return False
    cfg = LC_VENV / "pyvenv.cfg"
    home = ""
    if cfg.exists():
        for line in cfg.read_text().splitlines():
            if line.startswith("home"):
                home = line.split("=", 1)[1].strip()
    p = Path(home)
    while p != p.parent:
        if p.exists() and not (p.stat().st_mode & 0o005 == 0o005):
            return False
        p = p.parent
    return True


def ensure_peers(tools: list[str]) -> None:
    if "linkchecker" in tools and not lc_venv_ok():
        # LinkChecker run as root drops privileges to "nobody" after start-up; codecs it imports
        # later (gbk!) then fail to load if its Python lives somewhere nobody cannot read (e.g. a
        # pyenv under /root), and it silently decodes GBK pages as UTF-8 and stops. So its venv
        # is built on a system Python.
        log("installing LinkChecker into " + str(LC_VENV))
        shutil.rmtree(LC_VENV, ignore_errors=True)
        base = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
        subprocess.run([base, "-m", "venv", str(LC_VENV)], check=True)
        subprocess.run([str(LC_VENV / "bin" / "pip"), "install", "-q", "linkchecker"], check=True)
    if any(t.startswith("linkinator") for t in tools) and not (
        LINKINATOR.exists() and (WORK / "node_modules" / "undici").is_dir()
    ):
        log("installing linkinator and undici into " + str(WORK))
        subprocess.run(["npm", "install", "--prefix", str(WORK), "linkinator", "undici"], check=True)
    if "scrapy" in tools and not SCRAPY_PY.exists():
        log("installing Scrapy into " + str(SCRAPY_VENV))
        subprocess.run([sys.executable, "-m", "venv", str(SCRAPY_VENV)], check=True)
        subprocess.run([str(SCRAPY_VENV / "bin" / "pip"), "install", "-q", "scrapy"], check=True)
    if "wget2" in tools and not Path(WGET2).exists():
        raise SystemExit("wget2 missing: apt-get install wget2")
    if not Path(NGINX).exists():
        raise SystemExit("nginx missing: apt-get install nginx-light (or nginx)")


# How govinspect is started: the installed command, or (default) `python -m govinspect` on a
# snapshot of src/govinspect taken when the run starts, so that edits other people make to the
# editable install while the bench runs cannot mix two versions into one table.
GI_CMD: list[str] = ["govinspect"]
GI_ENV: dict[str, str] | None = None


def snapshot_govinspect(run_dir: Path) -> Path:
    global GI_CMD, GI_ENV
    dest = run_dir / "snapshot"
    shutil.copytree(REPO / "src" / "govinspect", dest / "govinspect",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # Compiled as `pip install` compiles an installed package: with PYTHONDONTWRITEBYTECODE set
    # (as on this machine) every run would otherwise compile its own source again, ~0.3 s.
    import compileall

    compileall.compile_dir(str(dest / "govinspect"), quiet=1)
    GI_CMD = [sys.executable, "-m", "govinspect"]
    GI_ENV = dict(os.environ, PYTHONPATH=str(dest))
    return dest


def run_govinspect(ctx: Ctx, outdir: Path, max_pages: int, extra: list[str] | None = None) -> dict:
    gi_out = outdir / "gi"
    cmd = GI_CMD + ["inspect", ctx.url, "--allow-private", "--per-host", str(ctx.conc),
           "--delay", "0", "--timeout", str(int(ctx.timeout)), "--max-pages", str(max_pages),
           "--max-depth", "100", "--quiet", "--out", str(gi_out)] + (extra or [])
    res = run_timed("govinspect", cmd, outdir, ctx.limit_s, env=GI_ENV)
    res["cmd"] = " ".join(["govinspect"] + cmd[len(GI_CMD):])
    dead: set[str] = set()
    links = None
    tool_pages = None
    reasons: dict[str, int] = {}
    rj = gi_out / "results.json"
    if rj.exists():
        data = json.loads(rj.read_text(encoding="utf-8"))
        for s in data.get("sites", []):
            for d in s.get("dead_links", []) or []:
                dead.add(norm_url(d["target"], ctx.host_map))
                reasons[str(d.get("reason"))] = reasons.get(str(d.get("reason")), 0) + 1
            st = s.get("stats") or {}
            links = (links or 0) + int(st.get("links_checked") or 0)
            tool_pages = (tool_pages or 0) + int(st.get("pages") or 0)
            if s.get("status") == "error":
                res["error"] = s.get("error")
        res["blocked"] = sum(len(s.get("blocked_links") or []) for s in data.get("sites", []))
    else:
        res["error"] = "no results.json"
    res.update(dead=dead, links=links, tool_pages=tool_pages, dead_reasons=reasons)
    return res


def run_linkchecker(ctx: Ctx, outdir: Path) -> dict:
    outdir.mkdir(parents=True, exist_ok=True)
    conf = outdir / "linkcheckerrc"
    conf.write_text(
        "[checking]\n"
        f"threads={ctx.conc}\n"
        f"timeout={int(ctx.timeout)}\n"
        # with the server's "LinkChecker" header this lifts the per-host 0.1-0.6 s sleep
        "maxrequestspersecond=100000\n"
        "robotstxt=1\n"
        "[output]\n"
        "status=0\n"
    )
    os.chmod(conf, 0o644)
    cmd = [str(LINKCHECKER), "-f", str(conf), "--threads", str(ctx.conc), "--timeout",
           str(int(ctx.timeout)), "--check-extern", "--no-status", "-v", "-o", "csv/utf-8", ctx.url]
    res = run_timed("linkchecker", cmd, outdir, ctx.limit_s, stdout_name="out.csv")
    res["cmd"] = " ".join(cmd)
    links: set[str] = set()
    dead: set[str] = set()
    with open(outdir / "out.csv", encoding="utf-8", errors="replace") as f:
        rows = (line for line in f if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter=";"):
            u = row.get("url") or row.get("urlname") or ""
            if not u or "://" not in u:
                continue
            n = norm_url(u, ctx.host_map)
            if not n.startswith("http"):
                continue
            links.add(n)
            if str(row.get("valid", "")).strip().lower() in ("false", "0"):
                dead.add(n)
    res.update(dead=dead, links=len(links), tool_pages=None)
    return res


# linkinator's --concurrency bounds its page queue only: every page's link checks go out at once
# through Node's fetch, whose global undici dispatcher opens as many connections per origin as
# there are requests (1,343 at once in our runs). Preloaded with `node --import`, this module
# gives that dispatcher the same per-origin bound as every other tool's concurrency: the
# like-for-like configuration. `--tools linkinator-unbounded` runs it as shipped.
_LINKINATOR_BOUND = """import { Agent, setGlobalDispatcher } from 'undici';
setGlobalDispatcher(new Agent({ connections: Number(process.env.GOVINSPECT_BENCH_CONNECTIONS) }));
"""


def run_linkinator(ctx: Ctx, outdir: Path, *, bounded: bool = True) -> dict:
    cmd = [str(LINKINATOR), ctx.url, "--recurse", "--concurrency", str(ctx.conc),
           "--timeout", str(int(ctx.timeout * 1000)), "--format", "json", "--verbosity", "info"]
    env = None
    if bounded:
        preload = WORK / "linkinator_bound.mjs"
        preload.write_text(_LINKINATOR_BOUND, encoding="utf-8")
        env = dict(os.environ, NODE_OPTIONS=f"--import {preload.as_uri()}",
                   GOVINSPECT_BENCH_CONNECTIONS=str(ctx.conc))
    name = "linkinator" if bounded else "linkinator-unbounded"
    res = run_timed(name, cmd, outdir, ctx.limit_s, env=env, stdout_name="out.json")
    res["cmd"] = (f"NODE_OPTIONS='--import {preload.name}' (undici Agent, connections={ctx.conc}) "
                  if bounded else "") + " ".join(cmd)
    links: set[str] = set()
    dead: set[str] = set()
    try:
        data = json.loads((outdir / "out.json").read_text(encoding="utf-8") or "{}")
    except json.JSONDecodeError as e:
        data = {}
        res["error"] = f"bad JSON: {e}"
    for link in data.get("links", []):
        n = norm_url(link.get("url", ""), ctx.host_map)
        if not n.startswith("http"):
            continue
        links.add(n)
        if link.get("state") == "BROKEN":
            dead.add(n)
    res.update(dead=dead, links=len(links), tool_pages=None)
    return res


def run_wget2(ctx: Ctx, outdir: Path) -> dict:
    stats = outdir / "stats-site.csv"
    ext = f"{EXT_ALIVE_IP},127.0.0.3"
    cmd = [WGET2, "--no-config", "--spider", "-r", "-l", "inf", f"--max-threads={ctx.conc}",
           f"--timeout={int(ctx.timeout)}", "--tries=1", "-H", f"--domains={SITE_IP},{ext}",
           f"--stats-site=csv:{stats}", "-o", str(outdir / "wget2.log"), ctx.url]
    res = run_timed("wget2", cmd, outdir, ctx.limit_s)
    res["cmd"] = " ".join(cmd)
    links: set[str] = set()
    dead: set[str] = set()
    if stats.exists():
        with open(stats, encoding="utf-8", errors="replace") as f:
            for row in csv.DictReader(f):
                u = row.get("URL") or ""
                n = norm_url(u, ctx.host_map)
                if not n.startswith("http") or n.endswith("/robots.txt"):
                    continue
                links.add(n)
                try:
                    st = int(row.get("Status") or 0)
                except ValueError:
                    st = 0
                if st >= 400 or st <= 0:
                    dead.add(n)
    # connection failures do not always reach stats-site: take them from the log
    logf = outdir / "wget2.log"
    if logf.exists():
        for m in re.finditer(r"Failed to connect[^\n]*?(https?://\S+)|(https?://\S+)[^\n]*\n[^\n]*(?:Connection refused|Failed to connect)",
                             logf.read_text(errors="replace")):
            u = m.group(1) or m.group(2)
            n = norm_url(u.rstrip(".,'\""), ctx.host_map)
            if not n.endswith("/robots.txt"):
                links.add(n)
                dead.add(n)
    res.update(dead=dead, links=len(links), tool_pages=None)
    return res


def run_scrapy(ctx: Ctx, outdir: Path) -> dict:
    out = outdir / "scrapy.json"
    cmd = [str(SCRAPY_PY), str(BENCH / "scrapy_spider.py"), ctx.url, "--concurrency", str(ctx.conc),
           "--timeout", str(int(ctx.timeout)), "--out", str(out)]
    res = run_timed("scrapy", cmd, outdir, ctx.limit_s)
    res["cmd"] = "python bench/scrapy_spider.py " + " ".join(cmd[2:])
    links: set[str] = set()
    dead: set[str] = set()
    tool_pages = None
    if out.exists():
        data = json.loads(out.read_text(encoding="utf-8"))
        tool_pages = data.get("pages")
        for u, st in data.get("checked", {}).items():
            n = norm_url(u, ctx.host_map)
            if n.endswith("/robots.txt"):
                continue
            links.add(n)
            if not isinstance(st, int) or st >= 400:
                dead.add(n)
    else:
        res["error"] = "no output"
    res.update(dead=dead, links=len(links), tool_pages=tool_pages)
    return res


# --------------------------------------------------------------------------- scoring


@dataclass
class Row:
    tool: str
    version: str
    wall_s: float
    pages: int
    tool_pages: int | None
    links: int | None
    cpu_s: float | None
    peak_rss_mb: float | None
    tree_rss_mb: float | None
    max_conns: int
    requests: int
    found: int
    missed: int
    false: int
    exit: int | None
    timed_out: bool
    cmd: str
    note: str = ""
    variant: str = ""
    server_cpu_s: float | None = None
    other_cpu_s: float | None = None
    pages_s_runs: list[float] = field(default_factory=list)
    false_examples: list[str] = field(default_factory=list)
    missed_examples: list[str] = field(default_factory=list)

    @property
    def pages_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def links_s(self) -> float | None:
        return self.links / self.wall_s if self.links is not None and self.wall_s else None


def score(tool: str, version: str, res: dict, access: dict, truth: set[str]) -> Row:
    dead: set[str] = res.get("dead", set())
    note = []
    if res.get("timed_out"):
        note.append("killed at the time bound")
    if res.get("error"):
        note.append(str(res["error"])[:120])
    if res.get("blocked"):
        note.append(f"{res['blocked']} blocked")
    return Row(tool=tool, version=version, wall_s=res["wall_s"], pages=access["pages"],
               tool_pages=res.get("tool_pages"), links=res.get("links"), cpu_s=res.get("cpu_s"),
               peak_rss_mb=res.get("peak_rss_mb"), tree_rss_mb=res.get("tree_rss_mb"),
               max_conns=access["max_conns"], requests=access["requests"],
               found=len(dead & truth), missed=len(truth - dead), false=len(dead - truth),
               exit=res.get("exit"), timed_out=bool(res.get("timed_out")), cmd=res.get("cmd", ""),
               note="; ".join(note), false_examples=sorted(dead - truth)[:10],
               missed_examples=sorted(truth - dead)[:10])


# --------------------------------------------------------------------------- campaign


def make_site(run_dir: Path, pages: int, seed: int, port: int, standin: bool, export_timeout: float) -> Site:
    out = run_dir / f"site-{pages}"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    t0 = time.monotonic()
    if standin:
        root, truth = standin_export(out, pages, seed, port)
        source = f"stand-in generator in crawl_bench.py (seed {seed})"
    else:
        root, truth = real_export(out, pages, seed, port, export_timeout)
        source = (f"simulated province, static export of its big site (`build_province(seed={seed}, "
                  f"big_site_pages={pages}, mode='static')` + `export_static`)")
    host, dead, recs, expected, enc = load_truth(truth, root, port)
    n, kb, nl = site_shape(root)
    log(f"site {host} ({enc}): {n} HTML files, {kb:.1f} KB and {nl:.0f} links per page, {len(dead)} dead "
        f"targets in truth (export {time.monotonic() - t0:.1f} s)")
    ext_root = out / EXT_ALIVE_IP if (out / EXT_ALIVE_IP).is_dir() else None
    return Site(root=root, host=host, dead=dead, dead_detail=recs, source=source,
                html_pages=n, avg_kb=kb, avg_links=nl, ext_root=ext_root, expected_pages=expected,
                encoding=enc)


def campaign(args, pages: int, tools: list[str], label: str, port: int, profile_it: bool = False,
             repeat: int = 1) -> dict:
    run_dir = args.run_dir
    site = make_site(run_dir, pages, args.seed, port, args.standin, args.export_timeout)
    url = f"http://{SITE_IP}:{port}/"
    hmap = {site.host.lower(): f"{SITE_IP}:{port}"}
    ctx = Ctx(url=url, port=port, conc=args.concurrency, timeout=args.timeout,
              limit_s=args.limit, run_dir=run_dir, host_map=hmap)
    runs: dict[str, list[Row]] = {t: [] for t in tools}
    profile = None
    charset = site.encoding if args.http_charset else "off"
    with Nginx(run_dir / f"nginx-{pages}", site.root, port, site.host, site.ext_root, charset) as ng:
        ng.rotate(run_dir / f"warmup-{pages}.log")
        for rep in range(repeat):            # round-robin, so drift spreads over all tools
            for tool in tools:
                for attempt in range(1 + args.retry_disturbed):   # re-run when others disturbed it
                    if not ng.alive():
                        raise SystemExit("nginx died")
                    tdir = run_dir / f"{label}-{tool}" / f"run{rep + 1}"
                    if tdir.exists():
                        shutil.rmtree(tdir)
                    elog = ng.tmp / "error.log"
                    elog_pos = elog.stat().st_size if elog.exists() else 0
                    wait_quiet()
                    srv0 = ng.cpu_s()
                    sys0 = system_busy_s()
                    if tool == "govinspect":
                        res = run_govinspect(ctx, tdir, max(100000, pages * 2))
                    elif tool == "govinspect-links":
                        # The same crawl doing only what the peers do: the dead-link sweep.
                        res = run_govinspect(ctx, tdir, max(100000, pages * 2), extra=["--checks", "links"])
                    elif tool == "linkchecker":
                        res = run_linkchecker(ctx, tdir)
                    elif tool == "linkinator":
                        res = run_linkinator(ctx, tdir)
                    elif tool == "linkinator-unbounded":
                        res = run_linkinator(ctx, tdir, bounded=False)
                    elif tool == "wget2":
                        res = run_wget2(ctx, tdir)
                    elif tool == "scrapy":
                        res = run_scrapy(ctx, tdir)
                    else:
                        raise SystemExit(f"unknown tool {tool}")
                    srv_cpu = ng.cpu_s() - srv0
                    other = system_busy_s() - sys0 - srv_cpu - (res.get("cpu_s") or 0.0)
                    time.sleep(1.5)          # let nginx flush its log buffer
                    ng.rotate(tdir / "access.log")
                    access = read_access_log(tdir / "access.log", ctx.port)
                    server_errors = 0
                    if elog.exists():
                        with open(elog, "rb") as f:
                            f.seek(elog_pos)
                            server_errors = sum(1 for line in f if re.search(rb"\[(crit|alert|emerg)\]", line))
                    if server_errors:
                        res["error"] = (f"nginx logged {server_errors} [crit]/[alert] errors: the server, not the "
                                        f"tool, failed (see {elog})" + (f"; {res['error']}" if res.get("error") else ""))
                        log(f"{tool}: WARNING {res['error']}")
                    row = score(tool, version_of(tool), res, access, site.dead)
                    row.server_cpu_s = srv_cpu
                    row.other_cpu_s = max(other, 0.0)
                    if other > max(1.0, 0.15 * row.wall_s):
                        row.note = "; ".join(x for x in (row.note, f"other processes used {other:.1f} CPU s "
                                                         "during this run") if x)
                    disturbed = other > max(1.0, 0.15 * row.wall_s)
                    if disturbed and attempt < args.retry_disturbed:
                        log(f"{tool}: disturbed by other processes ({other:.1f} CPU s); running it again")
                        time.sleep(1.0)
                        continue
                    runs[tool].append(row)
                    (tdir / "score.json").write_text(json.dumps(
                        {**asdict(row), "access": access, "dead_reasons": res.get("dead_reasons")},
                        indent=1, default=str))
                    log(f"{tool} [{rep + 1}/{repeat}]: {row.pages} pages ({row.pages_s:.1f}/s), links {row.links}, "
                        f"dead found {row.found} missed {row.missed} false {row.false}, max conns {row.max_conns}, "
                        f"nginx cpu {srv_cpu:.1f} s")
                    time.sleep(1.0)
                    break
        if profile_it and "govinspect" in tools:
            profile = profile_govinspect(ctx, run_dir / f"{label}-profile", max(100000, pages * 2))
    rows = [combine(runs[t]) for t in tools if runs[t]]
    return {"label": label, "pages_requested": pages, "site": site, "rows": rows, "ctx": ctx,
            "repeat": repeat, "profile": profile,
            "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def combine(rs: list[Row]) -> Row:
    """The median run (by pages/s) of a tool, with the worst dead-link score of all its runs."""
    order = sorted(rs, key=lambda r: r.pages_s)
    med = order[(len(order) - 1) // 2]
    out = Row(**{k: v for k, v in asdict(med).items()})
    out.found = min(r.found for r in rs)
    out.missed = max(r.missed for r in rs)
    out.false = max(r.false for r in rs)
    out.pages_s_runs = [round(r.pages_s, 1) for r in rs]
    notes = sorted({r.note for r in rs if r.note})
    out.note = "; ".join(notes)
    return out


def profile_govinspect(ctx: Ctx, outdir: Path, max_pages: int) -> dict | None:
    pyspy = shutil.which("py-spy")
    outdir.mkdir(parents=True, exist_ok=True)
    if not pyspy:
        log("py-spy not found (pip install py-spy); skipping the profile")
        return None
    raw = outdir / "pyspy.txt"
    gi_out = outdir / "gi"
    cmd = [pyspy, "record", "--rate", "200", "--format", "raw", "--subprocesses", "-o", str(raw), "--",
           *GI_CMD, "inspect", ctx.url, "--allow-private", "--per-host", str(ctx.conc), "--delay", "0",
           "--timeout", str(int(ctx.timeout)), "--max-pages", str(max_pages), "--max-depth", "100",
           "--quiet", "--out", str(gi_out)]
    res = run_timed("py-spy govinspect", cmd, outdir, ctx.limit_s + 60, env=GI_ENV)
    if not raw.exists():
        return None
    return summarize_pyspy(raw) | {"wall_s": res["wall_s"]}


def summarize_pyspy(raw: Path, top: int = 20) -> dict:
    """Self and inclusive sample counts per function from py-spy's collapsed stacks."""
    self_c: dict[str, int] = {}
    incl_c: dict[str, int] = {}
    pids: dict[str, int] = {}
    labels: dict[str, str] = {}
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        c = int(n)
        total += c
        owners = [f for f in stack.split(";") if f.startswith("process ")]
        if owners:
            m = re.match(r'process (\d+):"?(.*?)"?$', owners[-1])
            pid, cmdl = (m.group(1), m.group(2)) if m else (owners[-1], "")
            if cmdl and pid not in labels:
                if "spawn_main" in cmdl or "forkserver" in cmdl:
                    labels[pid] = "worker process (multiprocessing)"
                elif "resource_tracker" in cmdl:
                    labels[pid] = "multiprocessing resource tracker"
                elif "govinspect" in cmdl:
                    labels[pid] = "govinspect main process"
                else:
                    labels[pid] = cmdl[:50]
            if len(owners) == 1 and not cmdl:
                labels.setdefault(pid, "govinspect main process")   # py-spy may omit its cmdline
            pids[pid] = pids.get(pid, 0) + c
        frames = [f for f in stack.split(";") if f and not f.startswith("process ") and not f.startswith("thread ")]
        frames = [re.sub(r":\d+\)$", ")", f) for f in frames]
        if frames:
            self_c[frames[-1]] = self_c.get(frames[-1], 0) + c
        for f in set(frames):
            # inclusive time only for the project's own functions below the CLI layer
            if "(govinspect/" in f and "(govinspect/cli.py)" not in f:
                incl_c[f] = incl_c.get(f, 0) + c
    # group self time by module file and by package
    by_file: dict[str, int] = {}
    by_pkg: dict[str, int] = {}
    for f, c in self_c.items():
        m = re.search(r"\(([^)]+)\)$", f)
        k = m.group(1) if m else f
        by_file[k] = by_file.get(k, 0) + c
        parts = k.split("/")
        pkg = "/".join(parts[:2]) if parts[0] == "govinspect" and len(parts) > 2 else parts[0]
        by_pkg[pkg] = by_pkg.get(pkg, 0) + c
    def topn(d: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(d.items(), key=lambda kv: -kv[1])[:top]
    return {"samples": total, "self": topn(self_c), "inclusive": topn(incl_c), "files": topn(by_file),
            "packages": topn(by_pkg),
            "processes": topn({f"{labels.get(p, 'process')}, pid {p}": n for p, n in pids.items()})}


# --------------------------------------------------------------------------- report


def fmt(v, nd: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return f"{v:,}"


def code_fingerprint(root: Path | None = None) -> str:
    """Which govinspect code ran: git HEAD, changed paths under src/, and a hash of the sources
    (of ``root``/govinspect when given: the snapshot)."""
    h = hashlib.sha256()
    pkg = (root or REPO / "src") / "govinspect"
    for p in sorted(pkg.rglob("*.py")):
        h.update(("src/govinspect/" + p.relative_to(pkg).as_posix()).encode())
        h.update(p.read_bytes())
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True,
                                  timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""
    head = git("rev-parse", "--short", "HEAD").strip() or "?"
    dirty = len([x for x in git("status", "--porcelain", "--", "src").splitlines() if x.strip()])
    return f"git {head} + {dirty} changed/untracked paths under src/; sha256(src/govinspect/**/*.py) {h.hexdigest()[:12]}"


def machine_line() -> str:
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {mem} RAM, Linux {platform.release()}, "
            f"Python {platform.python_version()}, nginx {version_of('nginx')} (1 worker)")


def table_row(r: Row) -> str:
    rss = r.peak_rss_mb
    if r.tree_rss_mb and rss and r.tree_rss_mb > rss * 1.1:
        rss_s = f"{fmt(rss, 0)} (tree {fmt(r.tree_rss_mb, 0)})"
    else:
        rss_s = fmt(rss, 0)
    name = r.tool + (" ⚠" if r.note else "")
    each = ", ".join(f"{x:,.0f}" for x in r.pages_s_runs)
    return (f"| {name} | {r.version} | {fmt(r.wall_s)} | {fmt(r.pages)} | **{fmt(r.pages_s)}** | {each} | "
            f"{fmt(r.links)} | {fmt(r.links_s)} | {fmt(r.cpu_s)} | {rss_s} | {r.max_conns} | "
            f"{fmt(r.server_cpu_s)} | {fmt(r.other_cpu_s)} | {r.found} | {r.missed} | {r.false} |")


def dead_kinds(s: Site) -> str:
    kinds: dict[str, set[str]] = {}
    for r in s.dead_detail:
        kinds.setdefault(str(r.get("kind", "?")), set()).add(str(r.get("target") or r.get("url")))
    return ", ".join(f"{len(v)} {k}" for k, v in sorted(kinds.items()))


_TARGETS_NOTE = (
    "The peers are link checkers: the links-only sweep (`--checks links`) does their job, and it is the row issue 2's targets are read against. The full inspection also runs every content, freshness, integrity and site-level check on each page; its rows show what that costs."
)


def render(args, comp: dict | None, mem: dict | None, argv: list[str]) -> str:
    L: list[str] = []
    cmdline = "python bench/crawl_bench.py " + " ".join(argv)
    L += ["# Crawl benchmark results", "",
          f"Produced by `{cmdline.strip()}` (see bench/README.md for the method).", "",
          f"Machine: {machine_line()}.", "",
          f"govinspect code{' (snapshot taken at the start, run with python -m govinspect)' if args.snapshot else ''}: "
          f"{args.code_before}"
          + ("" if args.code_after.rsplit(" ", 1)[-1] == args.code_before.rsplit(" ", 1)[-1] else
             f" at the start; **the sources changed during the run** (at the end: {args.code_after})"),
          ""]
    targets: list[tuple[str, bool | None, str]] = []
    gi_rss_small = None
    if comp:
        s: Site = comp["site"]
        c: Ctx = comp["ctx"]
        rows: list[Row] = [r for r in comp["rows"] if not r.variant]
        L += [f"## Side by side: one site of {s.html_pages:,} HTML pages", "",
              f"- date: {comp['date']}",
              f"- site: {s.source}; {s.html_pages:,} HTML pages, {s.avg_kb:.1f} KB and "
              f"{s.avg_links:.0f} links per page on average"
              + (f"; {s.expected_pages:,} pages reachable by links (truth)" if s.expected_pages else "")
              + f"; {len(s.dead)} distinct dead targets in the truth ({dead_kinds(s)})",
              f"- pages in {s.encoding}, "
              + ("also declared in Content-Type (--http-charset)" if args.http_charset else
                 "declared only by their `<meta>` (no charset in Content-Type, as the sandbox serves them)"),
              f"- served by nginx at `{c.url}` (+ alive external host {EXT_ALIVE_IP}:{c.port}; dead external "
              f"host {EXT_DEAD} refuses)",
              f"- every tool: concurrency {c.conc}, timeout {c.timeout:.0f} s, robots.txt honoured, external "
              f"links checked, wall-clock bound {c.limit_s:.0f} s; {comp['repeat']} run(s) each, round-robin: "
              "the row is the median run by pages/s, dead found/missed/false the worst of the runs", "",
              "| tool | version | wall s | HTML pages | pages/s | pages/s of each run | links | links/s | CPU s "
              "| peak RSS MB | max open conns | nginx CPU s | others' CPU s | dead found | missed | false dead |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            L.append(table_row(r))
        notes = [r for r in comp["rows"] if r.note or r.exit not in (0, None)]
        if notes:
            L.append("")
            for r in notes:
                L.append(f"- {r.tool}{' (' + r.variant + ')' if r.variant else ''}: exit {r.exit}"
                         f"{'; ' + r.note if r.note else ''}")
        L += ["", "Commands as run (URL and port vary per run):", ""]
        for r in rows:
            L.append(f"- {r.tool}: `{r.cmd}`")
        by = {r.tool: r for r in rows}
        L.append("")
        # The full inspection (every check on every page) and the dead-link sweep alone
        # (`--checks links`, the same job as the peers) are each held to the targets.
        for gi_tool, gi_label in (("govinspect", "full inspection"), ("govinspect-links", "links only")):
            gi = by.get(gi_tool)
            if not gi:
                continue
            if gi_tool == "govinspect":
                gi_rss_small = (s.html_pages, gi.peak_rss_mb)
            for peer, need in (("linkchecker", 10.0), ("linkinator", 4.0), ("scrapy", None), ("wget2", None)):
                p = by.get(peer)
                if not p or not p.pages_s:
                    continue
                ratio = gi.pages_s / p.pages_s
                L.append(f"- pages/s ratio {gi_tool} ({gi_label}) / {peer}: **{ratio:.2f}×**"
                         + (f" (target ≥ {need:.0f}×)" if need else " (no target)"))
                if need:
                    targets.append((f"≥ {need:.0f}× {peer}'s pages/s ({gi_label})", ratio >= need, f"{ratio:.2f}×"))
            peers = [r for r in rows if r.tool in ("linkchecker", "linkinator")]
            best = max((p.found for p in peers), default=None)
            if best is not None:
                targets.append((f"same dead-link recall as the peers ({gi_label})", gi.found >= best,
                                f"{gi_tool} {gi.found}/{len(s.dead)}, best peer {best}/{len(s.dead)}"))
            targets.append((f"no false dead ({gi_label})", gi.false == 0, f"{gi.false} false"))
        wrong = [r for r in comp["rows"] if r.false_examples or r.missed_examples]
        if wrong:
            L += ["", "<details><summary>Examples of missed / false dead links</summary>", ""]
            for r in wrong:
                name = r.tool + (f" ({r.variant})" if r.variant else "")
                if r.missed_examples:
                    L.append(f"- {name} missed: " + ", ".join(f"`{u}`" for u in r.missed_examples[:5]))
                if r.false_examples:
                    L.append(f"- {name} false: " + ", ".join(f"`{u}`" for u in r.false_examples[:5]))
            L += ["", "</details>"]
        L.append("")
    if mem:
        s = mem["site"]
        r = next((x for x in mem["rows"] if x.tool == "govinspect"), None)
        L += [f"## govinspect alone: memory at {s.html_pages:,} pages", "",
              f"- date: {mem['date']}; site: {s.source}; {s.avg_kb:.1f} KB and {s.avg_links:.0f} links per page; "
              f"{len(s.dead)} dead targets in the truth", ""]
        if r:
            L += ["| pages on site | wall s | HTML pages | pages/s | links | CPU s | peak RSS MB | dead found | missed | false |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            if gi_rss_small:
                g = next(x for x in comp["rows"] if x.tool == "govinspect" and not x.variant)
                L.append(f"| {gi_rss_small[0]:,} | {fmt(g.wall_s)} | {fmt(g.pages)} | {fmt(g.pages_s)} | {fmt(g.links)} | "
                         f"{fmt(g.cpu_s)} | {fmt(g.peak_rss_mb, 0)} | {g.found} | {g.missed} | {g.false} |")
            L.append(f"| {s.html_pages:,} | {fmt(r.wall_s)} | {fmt(r.pages)} | {fmt(r.pages_s)} | {fmt(r.links)} | "
                     f"{fmt(r.cpu_s)} | {fmt(r.peak_rss_mb, 0)} | {r.found} | {r.missed} | {r.false} |")
            if r.note:
                L.append(f"\nnote: {r.note}")
            L.append("")
            if r.peak_rss_mb is not None:
                targets.append((f"peak RSS < 300 MB at {s.html_pages:,} pages", r.peak_rss_mb < 300,
                                f"{r.peak_rss_mb:.0f} MB"))
            if gi_rss_small and gi_rss_small[1] and r.peak_rss_mb:
                pr = s.html_pages / gi_rss_small[0]
                rr = r.peak_rss_mb / gi_rss_small[1]
                L.append(f"- growth from {gi_rss_small[0]:,} to {s.html_pages:,} pages: pages ×{pr:.2f}, "
                         f"peak RSS ×{rr:.2f}")
                targets.append(("RSS grows no faster than pages", rr <= pr, f"RSS ×{rr:.2f} vs pages ×{pr:.2f}"))
            if r.missed or r.false:
                targets.append((f"dead links correct at {s.html_pages:,} pages", False,
                                f"missed {r.missed}, false {r.false}"))
        L.append("")
    if targets:
        L += ["## Acceptance targets (issue 2)", "", "| target | met | measured |", "| --- | --- | --- |"]
        for name, ok, val in targets:
            L.append(f"| {name} | {'yes' if ok else 'NO'} | {val} |")
        L += ["", _TARGETS_NOTE, ""]
    prof = (comp or {}).get("profile") or (mem or {}).get("profile")
    if prof:
        L += ["## Where govinspect spends its time (py-spy, separate unmeasured run)", "",
              f"{prof['samples']:,} samples at 200 Hz over all govinspect processes (idle/waiting samples "
              f"excluded, so shares are of CPU time), wall {prof['wall_s']:.1f} s under the profiler.", "",
              "| self samples | % | function (file) |", "| ---: | ---: | --- |"]
        for f, n in prof["self"][:15]:
            L.append(f"| {n:,} | {100 * n / max(prof['samples'], 1):.1f} | `{f}` |")
        if len(prof.get("processes", [])) > 1:
            L += ["", "| samples | % | process (pid, command line) |", "| ---: | ---: | --- |"]
            for f, n in prof["processes"][:8]:
                L.append(f"| {n:,} | {100 * n / max(prof['samples'], 1):.1f} | `{f or '?'}` |")
        L += ["", "| self samples by package | % | package (self time of C calls counts for the Python caller) |",
              "| ---: | ---: | --- |"]
        for f, n in prof.get("packages", [])[:12]:
            L.append(f"| {n:,} | {100 * n / max(prof['samples'], 1):.1f} | `{f}` |")
        L += ["", "| self samples by file | % | file |", "| ---: | ---: | --- |"]
        for f, n in prof["files"][:12]:
            L.append(f"| {n:,} | {100 * n / max(prof['samples'], 1):.1f} | `{f}` |")
        L += ["", "| inclusive samples | % | govinspect function (file) |", "| ---: | ---: | --- |"]
        for f, n in prof["inclusive"][:20]:
            L.append(f"| {n:,} | {100 * n / max(prof['samples'], 1):.1f} | `{f}` |")
        L.append("")
    L += ["## Fairness notes", "",
          "- All tools crawl the same nginx (one worker) on loopback, one at a time, with the same concurrency "
          "and timeout, robots.txt honoured (linkinator has no robots.txt support), external links checked. "
          "*nginx CPU s* is the server's own CPU during each run: the server is not the bottleneck. *others' CPU "
          "s* is what the rest of the machine used meanwhile (busy time from /proc/stat minus the tool and "
          "nginx, so it also holds the kernel's loopback networking): the machine is shared, so each run "
          "first waits until it is quiet, and a run disturbed by more than max(1 s, 0.15 s per second) is "
          "flagged ⚠.",
          "- LinkChecker: it sleeps 0.1–0.6 s between two requests to a host unless the host answers with a "
          "`LinkChecker` header; nginx sends one on every response and the config sets "
          "`maxrequestspersecond=100000`. Run as root it drops to `nobody`, so its venv is built on the system "
          "Python (a Python under /root makes it fail to load the gbk codec and stop after one page). Its false "
          "dead link is the search form's `action` (`/was5/web/search`), which it checks as a link.",
          "- linkinator: `--concurrency` bounds its page queue, not the link checks each page fans out. The "
          "`linkinator` row gives Node's fetch dispatcher (undici) the same bound per origin as the other tools' "
          "concurrency, preloaded with `node --import`; `linkinator-unbounded`, when run, is linkinator as shipped. "
          "*max open conns* (nginx `$connections_active`, both servers) shows the effect.",
          "- wget2: `--spider -r -l inf -H --domains=…`. It gives up the refused host after its robots.txt "
          "fails, without a line per URL (those dead externals count as missed), and requests `url()`s of inline "
          "CSS, which the truth does not count as links (`images/header_bg.jpg` relative to each directory: "
          "false dead here).",
          "- Scrapy: a minimal link-checking spider (bench/scrapy_spider.py), CONCURRENT_REQUESTS and "
          "CONCURRENT_REQUESTS_PER_DOMAIN = concurrency, no delay, ROBOTSTXT_OBEY, default retries; it GETs "
          "every target (no HEAD).",
          "- govinspect does more per page than the peers: decoding, text checks (soft-404) and a gzip'd WARC "
          "of everything fetched, with an index. It also writes report.html/.xlsx/.docx at the end; all of it "
          "is inside its wall time. The `govinspect` row is the full inspection: every page also gets "
          "freshness, content-integrity and page-part analysis, and the site-level probes run. The "
          "`govinspect-links` row is `--checks links`, the dead-link sweep alone (the peers' job; still "
          "decoding, soft-404 tests, the WARC and the reports). Its snapshot is byte-compiled first, as "
          "`pip install` does (this machine sets PYTHONDONTWRITEBYTECODE).",
          "- HTML pages = distinct URIs the site server answered 200 with `text/html` in that tool's own nginx "
          "access log (the same yardstick for all); links = distinct absolute http(s) URLs the tool reports "
          "having checked (govinspect: `stats.links_checked`).",
          "- CPU s and peak RSS from `/usr/bin/time -v` (the tool's largest process); a summed process-tree RSS "
          "is sampled every 0.25 s and shown when it is over 10 % larger.",
          "- Dead links are compared by normalised target URL (lowercase scheme and host, no default port, no "
          "fragment, percent-encoding normalised, the site's host mapped to 127.0.0.1:PORT) against the "
          "export's truth.",
          ""]
    return "\n".join(L)


# --------------------------------------------------------------------------- main


KEEP_MARKER = "<!-- sections below are kept when crawl_bench.py rewrites this file -->"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=3000, help="pages of the side-by-side site (default 3000)")
    ap.add_argument("--memory-pages", type=int, default=20000,
                    help="then govinspect alone on a site this big (0: skip; default 20000)")
    ap.add_argument("--tools", default=",".join(DEFAULT_TOOLS), help="comma list of " + ",".join(ALL_TOOLS))
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=15.0)
    ap.add_argument("--limit", type=float, default=1200.0, help="wall-clock bound per tool run, s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--standin", action="store_true", help="use the stand-in site generator, not the sandbox")
    ap.add_argument("--export-timeout", type=float, default=1800.0)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per tool on the side-by-side site, round-robin; the table shows the median "
                         "by pages/s and the worst dead-link score (default 3)")
    ap.add_argument("--retry-disturbed", type=int, default=2,
                    help="run a tool again (up to N times) when other processes used the machine meanwhile")
    ap.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                    help="run the installed govinspect command instead of a snapshot of src/govinspect "
                         "taken at the start")
    ap.add_argument("--no-profile", dest="profile", action="store_false",
                    help="skip the py-spy profile of govinspect")
    ap.add_argument("--http-charset", action="store_true",
                    help="have nginx put the pages' encoding in Content-Type (default: only their <meta> "
                         "declares it, as the sandbox serves them)")
    ap.add_argument("--no-write", action="store_true", help="don't write bench/RESULTS.md")
    ap.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--keep", action="store_true", help="keep the exported sites and tool outputs")
    args = ap.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for t in tools:
        if t not in ALL_TOOLS:
            ap.error(f"unknown tool {t}")
    ensure_peers(tools)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    args.run_dir = WORK / f"run-{stamp}"
    args.run_dir.mkdir(parents=True, exist_ok=True)
    log(f"working in {args.run_dir}")

    def on_term(signum, frame):  # make SIGTERM behave like Ctrl-C so cleanup runs
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    comp = mem = None
    snap = None
    if args.snapshot and "govinspect" in tools:
        snap = snapshot_govinspect(args.run_dir)
    args.code_before = args.code_after = code_fingerprint(snap)
    try:
        port = free_port()
        if args.pages > 0:
            comp = campaign(args, args.pages, tools, f"p{args.pages}", port, args.profile, args.repeat)
        if args.memory_pages > 0 and "govinspect" in tools:
            mem = campaign(args, args.memory_pages, ["govinspect"], f"p{args.memory_pages}", port,
                           args.profile and comp is None)
    except KeyboardInterrupt:
        log("interrupted")
        for p in list(_CURRENT):
            kill_group(p)
        return 130
    finally:
        for p in list(_CURRENT):
            kill_group(p)
        if not args.keep:
            for d in args.run_dir.glob("site-*"):
                shutil.rmtree(d, ignore_errors=True)
    args.code_after = code_fingerprint(snap)
    summary = {}
    for part in (comp, mem):
        if part:
            summary[part["label"]] = {"site": {k: v for k, v in asdict(part["site"]).items()
                                               if k not in ("dead", "dead_detail")} | {"dead": len(part["site"].dead)},
                                      "rows": [asdict(r) | {"pages_s": r.pages_s, "links_s": r.links_s}
                                               for r in part["rows"]],
                                      "profile": part.get("profile")}
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    text = render(args, comp, mem, argv).replace(str(REPO) + "/", "")
    print(text)
    if not args.no_write:
        # Sections below the KEEP marker come from other benchmarks: carry them over.
        if args.results.exists():
            old = args.results.read_text(encoding="utf-8")
            if KEEP_MARKER in old:
                text = text.rstrip("\n") + "\n\n" + old[old.index(KEEP_MARKER):]
        args.results.write_text(text, encoding="utf-8")
        log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
