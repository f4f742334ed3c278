"""What the coordinator's sweep sees of the broker's queue, on the real Redis.

The sweep resends a campaign's queued sites only when the queue is seen empty with nobody
working (the broker lost its messages); a queue it cannot read stops that recovery, so the
count must be right with the per-namespace key prefix every deployment here uses.
"""

from __future__ import annotations

import pytest

from govinspect.scale.celeryapp import make_app
from govinspect.scale.coordinator import make_sender, queue_size
from govinspect.scale.settings import ScaleError, load_settings


def test_queue_size_counts_the_waiting_tasks_under_a_key_prefix(scale_env):
    settings = load_settings(scale_env)
    app = make_app(settings)
    assert queue_size(app, settings.queue) == 0  # never used, or lost with a restarted broker
    make_sender(app, settings)("campaign-x", ["9901000001", "9901000002", "9901000003"])
    assert queue_size(app, settings.queue) == 3


def test_queue_size_is_unknown_when_the_broker_is_away(scale_env):
    settings = load_settings(dict(scale_env, GOVINSPECT_BROKER_URL="redis://127.0.0.1:1/0"))
    assert queue_size(make_app(settings), settings.queue) is None


def test_the_limiter_start_margin_can_be_set_for_a_quiet_network(scale_env):
    assert load_settings(scale_env).start_margin_seconds is None  # data/scaleout.yaml decides
    assert load_settings(dict(scale_env, GOVINSPECT_START_MARGIN_SECONDS="0.005")).start_margin_seconds == 0.005
    with pytest.raises(ScaleError, match="GOVINSPECT_START_MARGIN_SECONDS"):
        load_settings(dict(scale_env, GOVINSPECT_START_MARGIN_SECONDS="-1"))
