"""`govinspect sandbox …`: serve the simulated province, print its truth, export it for nginx."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from govinspect.sandbox.model import Province

# The generator and server are imported inside the commands: the main `govinspect` command
# mounts this app, and every other subcommand should not pay for importing the province.

app = typer.Typer(
    help="模拟省：本机回环地址上的模拟政府网站及其标准答案 (the simulated province and its ground truth).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Sites = Annotated[int, typer.Option("--sites", min=1, help="Number of sites in the province.")]
Seed = Annotated[int, typer.Option(help="Seed of the province.")]
BigPages = Annotated[int | None, typer.Option(help="Make site 0 at least this many pages large.")]


def _fail(message: str) -> None:
    typer.echo(f"govinspect sandbox: error: {message}", err=True)
    raise typer.Exit(2)


def inspect_hint(province: "Province", port: int, sites_file: str | None = None) -> str:
    """A ready-to-paste `govinspect inspect` command for the province served on `port`."""
    targets = f"--sites {sites_file}" if sites_file else " ".join(s.home_url for s in province.sites)
    from govinspect.sandbox.truth import resolve_args

    resolves = " ".join(f"--resolve {r}" for r in resolve_args(province, port))
    return f"govinspect inspect {targets} --offline --allow-private {resolves}"


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8181,
    host: Annotated[str, typer.Option(help="Loopback address to bind (nothing else is allowed).")] = "127.0.0.1",
    sites: Sites = 12,
    seed: Seed = 1,
    big_site_pages: BigPages = None,
    public_port: Annotated[int | None, typer.Option(help="Port written into absolute URLs (default none: use --resolve).")] = None,
    slow_seconds: Annotated[float, typer.Option(help="Delay of the slow pages, in seconds.")] = 2.5,
    sites_file: Annotated[Path | None, typer.Option(help="Also write the sites as a --sites CSV file here.")] = None,
) -> None:
    """Serve the province on one loopback port until Ctrl-C; print the hosts and an inspect hint."""
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import check_loopback, serve_forever
    from govinspect.sandbox.truth import sites_csv

    try:
        check_loopback(host)
    except ValueError as exc:
        _fail(str(exc))
    province = build_province(seed, sites, big_site_pages=big_site_pages, public_port=public_port, slow_timeout_seconds=slow_seconds)
    if sites_file is not None:
        sites_file.write_text(sites_csv(province), "utf-8")

    def ready(bound: int) -> None:
        err = sys.stderr
        print(f"模拟省 serving {len(province.sites)} sites on http://{host}:{bound}/ (the Host header selects the site)", file=err)
        for s in province.sites:
            print(f"  {s.site_code}  {s.home_url:40}  {s.name}  [{s.template}/{s.encoding}]", file=err)
        print(f"hosts answered: {len(province.host_index)}; truth: govinspect sandbox truth --sites {sites} --seed {seed}", file=err)
        print("inspect with:", file=err)
        print(inspect_hint(province, bound, str(sites_file) if sites_file else None), flush=True)
        print("(Ctrl-C to stop)", file=err, flush=True)

    serve_forever(province, host, port, on_ready=ready)


@app.command("truth")
def truth_cmd(
    sites: Sites = 12,
    seed: Seed = 1,
    big_site_pages: BigPages = None,
    port: Annotated[int | None, typer.Option("--port", help="The public port URLs carry (as given to serve --public-port).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the ground truth of the province as JSON."""
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.truth import truth

    province = build_province(seed, sites, big_site_pages=big_site_pages, public_port=port)
    text = json.dumps(truth(province), ensure_ascii=False, indent=1)
    if out is not None:
        out.write_text(text + "\n", "utf-8")
    else:
        typer.echo(text)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Output directory (created).")],
    big_site_pages: Annotated[int, typer.Option(help="Pages of the exported site.")] = 3000,
    seed: Seed = 1,
    sites: Annotated[int, typer.Option("--sites", min=1, help="Number of (static) sites to export.")] = 1,
    external_port: Annotated[int, typer.Option(help="Port of the outside-links host 127.0.0.2.")] = 8182,
    port: Annotated[int, typer.Option(help="Port nginx.conf listens on for the sites (127.0.0.1).")] = 8181,
) -> None:
    """Write a static copy (nginx-servable) of a big site plus its truth.json and nginx.conf."""
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.export import export_static

    province = build_province(seed, sites, big_site_pages=big_site_pages, mode="static", external_port=external_port)
    result = export_static(province, directory, port=port)
    stats = result["stats"]
    dead = sum(len({(d["scope"], d["target"]) for d in s["dead_links"]}) for s in result["sites"])
    root = directory.resolve()
    typer.echo(
        f"exported {stats['pages']} pages, {stats['files']} files ({stats['bytes'] // 1024} KiB) to {directory}; "
        f"{dead} dead (scope, target) in truth.json; serve with: nginx -p {root} -c {root}/nginx.conf"
    )
