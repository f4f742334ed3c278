"""Where distributed workers keep evidence (WARC and its index), and how long.

Three places, by GOVINSPECT_EVIDENCE:

- unset: the campaign directory itself (it must be on storage every worker mounts at the same
  path, e.g. NFS): files under ``attempts/distributed/evidence/``, paths in the site results
  relative to the campaign directory, as in an embedded campaign;
- a directory: ``DIR/<campaign id>/evidence/``, absolute paths in the results;
- ``s3://bucket/prefix``: written to a local temporary directory during the inspection, then
  uploaded to ``prefix/<campaign id>/evidence/`` of an S3-compatible store (endpoint
  GOVINSPECT_S3_ENDPOINT; boto3's usual credentials); ``s3://`` URLs in the results.

File names are ``<site key>.<lease token>``: a retried site never overwrites the evidence of the
attempt that was interrupted, and only the attempt whose result was stored is referred to.

Retention: `prune` deletes evidence files older than the retention (data/scaleout.yaml
``evidence_keep_days``), never results or reports.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govinspect.scale.settings import ScaleError

__all__ = ["EvidencePlan", "plan_evidence", "prune"]

DISTRIBUTED_ATTEMPT = "attempts/distributed"
_SUFFIXES = (".warc.gz", ".index.jsonl")


@dataclass(slots=True)
class EvidencePlan:
    """Where one task's engine writes (`out_dir`) and how the result names the files."""

    out_dir: Path
    key: str  # file-name stem the engine uses
    attempt: str  # the result's "attempt" field
    path_prefix: str  # prepended to the engine's "evidence/…" paths
    s3: tuple[str, str] | None = None  # (bucket, key prefix) to upload to, then delete out_dir
    endpoint: str | None = None
    uploaded: list[str] = field(default_factory=list)

    def capture_paths(self, capture: dict[str, str]) -> dict[str, str]:
        """The engine's relative paths as the campaign's results give them."""
        return {k: f"{self.path_prefix}{v}" for k, v in capture.items()}

    def finish(self) -> None:
        """Upload to S3 when asked (and remove the temporary copy)."""
        if self.s3 is None:
            return
        try:
            client = s3_client(self.endpoint)
            bucket, prefix = self.s3
            for path in sorted((self.out_dir / "evidence").glob(f"{self.key}.*")):
                client.upload_file(str(path), bucket, f"{prefix}evidence/{path.name}")
                self.uploaded.append(f"s3://{bucket}/{prefix}evidence/{path.name}")
        finally:
            shutil.rmtree(self.out_dir, ignore_errors=True)


def s3_client(endpoint: str | None) -> Any:
    """A boto3 S3 client for `endpoint` (None: AWS itself)."""
    try:
        import boto3
    except ImportError:
        raise ScaleError("GOVINSPECT_EVIDENCE=s3://… needs boto3: pip install 'govinspect[s3]'") from None
    return boto3.client("s3", endpoint_url=endpoint)


def _split_s3(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.netloc:
        raise ScaleError(f"GOVINSPECT_EVIDENCE={url!r}: expected s3://bucket/prefix")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def plan_evidence(setting: str | None, campaign_id: str, directory: str, site_key: str, token: str,
                  endpoint: str | None = None) -> EvidencePlan:
    """Where the evidence of one inspection goes (see the module's docstring)."""
    key = f"{site_key}.{token[:12]}"
    if not setting:
        return EvidencePlan(Path(directory) / DISTRIBUTED_ATTEMPT, key, DISTRIBUTED_ATTEMPT, f"{DISTRIBUTED_ATTEMPT}/")
    if setting.startswith("s3://"):
        bucket, prefix = _split_s3(setting)
        prefix = f"{prefix}{campaign_id}/"
        tmp = Path(tempfile.mkdtemp(prefix="govinspect-evidence-"))
        return EvidencePlan(tmp, key, f"s3://{bucket}/{prefix}".rstrip("/"), f"s3://{bucket}/{prefix}",
                            s3=(bucket, prefix), endpoint=endpoint)
    root = Path(setting) / campaign_id
    return EvidencePlan(root, key, str(root), f"{root}/")


def prune(setting: str, keep_days: float, *, now: float | None = None, dry_run: bool = False,
          endpoint: str | None = None) -> list[str]:
    """Delete evidence files (WARC, index) older than `keep_days` under `setting` (a directory
    or s3://bucket/prefix); returns what was (or, with `dry_run`, would be) deleted."""
    cutoff = (now if now is not None else time.time()) - keep_days * 86400
    removed: list[str] = []
    if setting.startswith("s3://"):
        bucket, prefix = _split_s3(setting)
        client = s3_client(endpoint)
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                if obj["Key"].endswith(_SUFFIXES) and obj["LastModified"].timestamp() < cutoff:
                    removed.append(f"s3://{bucket}/{obj['Key']}")
                    if not dry_run:
                        client.delete_object(Bucket=bucket, Key=obj["Key"])
        return removed
    root = Path(setting)
    if not root.is_dir():
        raise ScaleError(f"{root}: no such evidence directory")
    for path in sorted(root.rglob("*")):
        # Only files in an evidence/ directory: results, reports and manifests are never touched.
        if path.parent.name != "evidence" or not path.name.endswith(_SUFFIXES) or not path.is_file():
            continue
        if path.stat().st_mtime < cutoff:
            removed.append(str(path))
            if not dry_run:
                path.unlink()
    return removed
