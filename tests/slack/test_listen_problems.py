"""The line HTTP mode stops with when it cannot listen names the setting and the reason, on
every Python the project runs on (3.13's asyncio reports a foreign address with no errno)."""

from __future__ import annotations

import asyncio
import errno
import os

import pytest
from support.processes import free_port

from adapters.slack.run import listen_problem

# 192.0.2.1 is TEST-NET-1: never an address of this machine.
FOREIGN = "192.0.2.1"
NOT_HERE = os.strerror(errno.EADDRNOTAVAIL)


async def _asyncio_refusal(host: str, port: int) -> OSError:
    loop = asyncio.get_running_loop()
    with pytest.raises(OSError) as raised:
        await loop.create_server(asyncio.Protocol, host, port)
    return raised.value


async def test_a_foreign_address_is_blamed_on_slack_host_with_the_reason() -> None:
    port = free_port()
    problem = listen_problem(await _asyncio_refusal(FOREIGN, port), FOREIGN, port)
    assert problem == (
        f"SLACK_HOST: cannot listen on {FOREIGN}:{port}: not an address of this machine "
        f"({NOT_HERE})"
    )


def test_asyncio_313s_error_without_an_errno_still_names_the_reason() -> None:
    # What Python 3.13's create_server raises when bind() refused every address of the host.
    port = free_port()
    bare = OSError(f"could not bind on any address out of [('{FOREIGN}', {port})]")
    problem = listen_problem(bare, FOREIGN, port)
    assert problem.startswith("SLACK_HOST: "), problem
    assert problem.endswith(f"({NOT_HERE})"), problem
