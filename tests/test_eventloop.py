"""The event loop the commands run on: uvloop when installed, asyncio's when turned off."""

from __future__ import annotations

import asyncio

import pytest

from govinspect.eventloop import EVENT_LOOP_ENV, loop_factory, run

uvloop = pytest.importorskip("uvloop")  # a dependency everywhere but Windows


async def _loop_kind_and_answer() -> tuple[str, int]:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0)
    return type(loop).__module__.split(".")[0], 42


def test_commands_run_their_coroutine_on_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENT_LOOP_ENV, raising=False)
    assert loop_factory() is uvloop.new_event_loop
    assert run(_loop_kind_and_answer()) == ("uvloop", 42)


def test_the_standard_loop_can_be_chosen_with_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EVENT_LOOP_ENV, "asyncio")
    assert loop_factory() is None
    assert run(_loop_kind_and_answer()) == ("asyncio", 42)


def test_an_exception_in_the_coroutine_reaches_the_caller_and_the_loop_is_closed() -> None:
    seen: list[asyncio.AbstractEventLoop] = []

    async def fails() -> None:
        seen.append(asyncio.get_running_loop())
        raise ValueError("bad site list")

    with pytest.raises(ValueError, match="bad site list"):
        run(fails())
    assert seen and seen[0].is_closed()
