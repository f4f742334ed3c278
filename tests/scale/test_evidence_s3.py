"""Evidence in an S3-compatible store: a real S3 API server (moto's) on 127.0.0.1 receives the
WARC and its index under the campaign's prefix, and retention deletes them when they are old."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from govinspect.scale.evidence import plan_evidence, prune, s3_client

pytest.importorskip("boto3", reason="the S3 evidence option needs boto3 ('.[s3]')")


@pytest.fixture
def s3_endpoint(tmp_path, monkeypatch):
    if shutil.which("moto_server") is None:
        pytest.skip("moto_server (an S3 API server for tests, 'moto[server]') is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    yield endpoint
    proc.terminate()
    proc.wait(10)


def test_evidence_goes_to_the_bucket_and_old_evidence_is_pruned(s3_endpoint):
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket="evidence")
    plan = plan_evidence("s3://evidence/prod", "c123", "/unused", "9901000001", "abcdef0123456789",
                         endpoint=s3_endpoint)
    assert plan.capture_paths({"warc": "evidence/9901000001.abcdef012345.warc.gz"}) == {
        "warc": "s3://evidence/prod/c123/evidence/9901000001.abcdef012345.warc.gz"}
    (plan.out_dir / "evidence").mkdir(parents=True)
    for suffix in (".warc.gz", ".index.jsonl"):
        (plan.out_dir / "evidence" / f"{plan.key}{suffix}").write_bytes(b"WARC/1.1 " + suffix.encode())
    plan.finish()
    assert not os.path.exists(plan.out_dir)  # the local copy is gone once uploaded
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket="evidence")["Contents"])
    assert keys == ["prod/c123/evidence/9901000001.abcdef012345.index.jsonl",
                    "prod/c123/evidence/9901000001.abcdef012345.warc.gz"]
    assert prune("s3://evidence/prod", 400, endpoint=s3_endpoint) == []  # fresh: kept
    later = time.time() + 401 * 86400
    assert len(prune("s3://evidence/prod", 400, now=later, dry_run=True, endpoint=s3_endpoint)) == 2
    assert len(prune("s3://evidence/prod", 400, now=later, endpoint=s3_endpoint)) == 2
    assert client.list_objects_v2(Bucket="evidence").get("KeyCount") == 0
