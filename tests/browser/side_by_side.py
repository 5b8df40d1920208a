"""Pages that each go at their own pace, side by side: Playwright's asynchronous API, in a thread of its own.

The ``browser`` fixture drives Chromium through Playwright's synchronous API: a call waits for one
page. Walks through several pages, a step of each in turn, then wait at every step for the
slowest page of that step, and the waits add up: a page whose sidebar is still sliding holds the
others back, then another one does. Driven through the asynchronous API, each page waits only for
itself, and the walks together take the time of the longest one (the five keyboard walks of
test_rgaa.py: 26 s in lockstep, 15 s each at its own pace, with less processor time; measured on
two cores, site already built).

The synchronous API holds the test's thread: the asynchronous one runs in a thread of its own,
with its own Chromium, the same program launched with the same arguments (kitdev.chromium). Each
job gets a fresh context of its own (its own window: tabs of one window take turns at the
keyboard), made like the ``context`` fixture's: the same options, the same watchers, every
request recorded, and a request that leaves 127.0.0.1 fails the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from kitdev.chromium import launch_async

from .conftest import CONTEXT_OPTIONS, TIMEOUT_MS, RequestLog
from .settle import INIT_SCRIPTS

T = TypeVar("T")
Job = Callable[[Any], Awaitable[T]]


def side_by_side(jobs: Sequence[Job[T]]) -> list[T]:
    """Run every job (given a fresh browser context) at the same time; their results, in order.

    The first job to fail fails the call, once every job has ended.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="side-by-side") as thread:
        return thread.submit(asyncio.run, _all(jobs)).result()


async def _all(jobs: Sequence[Job[T]]) -> list[T]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch_async(playwright)
        try:
            results = await asyncio.gather(*(_in_context(browser, job) for job in jobs), return_exceptions=True)
        finally:
            await browser.close()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return list(results)  # type: ignore[arg-type]  # no exception left: each is a T


async def _in_context(browser: Any, job: Job[T]) -> T:
    log = RequestLog()
    context = await browser.new_context(**CONTEXT_OPTIONS)
    context.on("request", lambda request: log.record(request.url))
    for script in INIT_SCRIPTS:
        await context.add_init_script(script=script)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        result = await job(context)
    finally:
        await context.close()
    log.assert_local()
    return result
