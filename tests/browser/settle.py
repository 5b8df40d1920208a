"""Waiting for a settled page: what a test judges is a state that no longer changes.

A key press may start a smooth scroll, a CSS transition, or a timer that moves
something later: Material's ``toc.follow`` scrolls the table of contents 250 ms
after the window stops scrolling (RxJS ``debounceTime(250)``, then a smooth
``scrollTo`` of the sidebar). ``settle`` waits until the page has been still for
two frames in a row, with no scroll under way (a scroll is over at its
``scrollend``), no animation moving or resizing anything that a hit test sees (a colour
may still fade, a tooltip still slide in), and, when the focus is inside a sidebar, the window
still for longer than Material's debounce.
"""

from __future__ import annotations

from typing import Any

# Every scroll of the window or of an element, counted from the page's first script on (the
# ``context`` fixture installs it in every page; ``settle`` installs it late in other pages).
MOTION_JS = """() => {
  if (window.__kitMotion) return;
  const motion = window.__kitMotion = {scrolls: 0, windowScrollAt: -Infinity, scrolling: new Map()};
  const scroller = e => e.target === document || e.target === document.documentElement ? 'window' : e.target;
  // Capture: the scroll events of elements do not bubble.
  document.addEventListener('scroll', e => {
    const target = scroller(e);
    motion.scrolls++;
    motion.scrolling.set(target, performance.now());
    if (target === 'window') motion.windowScrollAt = performance.now();
  }, true);
  document.addEventListener('scrollend', e => { motion.scrolling.delete(scroller(e)); }, true);
}"""

# Material debounces the window's scroll by 250 ms before its sidebars follow it: a focus inside a
# sidebar is judged once the window has been still for that long, with a margin for a busy machine
# (the follow's own smooth scroll then keeps the page unsettled until its ``scrollend``).
FOLLOW_MS = 250 + 450
# Past this, the page is reported as still moving (a scroll that never ends, an endless animation).
CAP_MS = 15_000
# An animation or a transition under way that will end: an endless one never settles, it is not waited for.
_ENDING = "a => a.playState === 'running' && !!a.effect && a.effect.getComputedTiming().iterations !== Infinity"

_SETTLE_JS = """async ({followMs, capMs, followers}) => {
  const motion = window.__kitMotion;
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  // An animation moves something if it changes more than colours, shadows or opacity (a focused
  // link's colour fades in), or if it slides something that a hit test sees: a tooltip sliding in
  // (pointer-events: none, a transform) moves nothing under the pointer nor in the layout. An
  // endless animation never settles: not waited for.
  const paint = /color$|^(opacity|box-?shadow|text-?shadow|fill|stroke|filter|outline.*)$/i;
  const drawnOver = /^(transform|translate|scale|rotate|z-?index)$/i;
  const moves = a => {
    if (!(""" + _ENDING + """)(a)) return false;
    const target = a.effect.target;
    const untouchable = !!target && getComputedStyle(target).pointerEvents === 'none';
    const props = a.transitionProperty ? [a.transitionProperty]
      : a.effect.getKeyframes().flatMap(k => Object.keys(k)).filter(p => !['offset', 'computedOffset', 'easing', 'composite'].includes(p));
    return props.some(p => !paint.test(p) && !(untouchable && drawnOver.test(p)));
  };
  const start = performance.now();
  // The scrolls a key press caused are told at the next frame (before its animation callbacks).
  let seen = motion.scrolls, calm = 0;
  for (;;) {
    await frame();
    const now = performance.now();
    // A scroll whose scrollend was lost (its element removed) is over after a second of silence.
    for (const [target, at] of motion.scrolling) if (now - at > 1000) motion.scrolling.delete(target);
    const running = document.getAnimations().filter(moves);
    const active = document.activeElement;
    const following = !!(active && active.closest(followers)) && now - motion.windowScrollAt < followMs;
    if (motion.scrolls !== seen || motion.scrolling.size || running.length || following) {
      seen = motion.scrolls;
      calm = 0;
    } else if (++calm >= 2) {
      return null;
    }
    if (now - start > capMs) {
      return {scrolling: [...motion.scrolling.keys()].map(t => t === 'window' ? t : t.className),
              animations: running.map(a => a.animationName || a.transitionProperty || a.id || 'animation'),
              following};
    }
  }
}"""


def fades_over(page: Any) -> None:
    """Wait until every animation or transition of ``page`` that ends has ended, colour fades included.

    :func:`settle` lets a colour fade on (nothing moves); what judges colours (axe's contrasts)
    waits for this instead.
    """
    page.evaluate(f"async () => {{ await Promise.all(document.getAnimations().filter({_ENDING})"
                  ".map(a => a.finished.catch(() => null))); }")


def install(page: Any) -> None:
    """Start counting the scrolls of ``page`` (already done in the pages of the ``context`` fixture)."""
    page.evaluate(MOTION_JS)


def _script(then: str | None) -> str:
    """The settling script for ``page.evaluate``: the page settled, then ``then`` run in it."""
    return f"""async (args) => {{
      ({MOTION_JS})();
      const moving = await ({_SETTLE_JS})(args);
      return moving ? {{moving}} : {{result: ({then or "() => null"})()}};
    }}"""


def _args(followers: str) -> dict[str, Any]:
    return {"followMs": FOLLOW_MS, "capMs": CAP_MS, "followers": followers}


def _result(answer: dict[str, Any]) -> Any:
    assert "moving" not in answer, f"la page bouge encore après {CAP_MS / 1000:.0f} s : {answer['moving']}"
    return answer["result"]


def settle(page: Any, then: str | None = None, followers: str = ".md-sidebar") -> Any:
    """Wait until nothing moves in ``page`` and nothing is about to (see the module's docstring).

    ``then``, a JavaScript function, is run as soon as the page has settled, in the same call
    (a keyboard walk judges each stop without one more round trip); its result is returned.
    """
    return _result(page.evaluate(_script(then), _args(followers)))


async def settle_async(page: Any, then: str | None = None, followers: str = ".md-sidebar") -> Any:
    """:func:`settle` for a page of Playwright's asynchronous API (tests/browser/side_by_side.py)."""
    return _result(await page.evaluate(_script(then), _args(followers)))


# Material's search runs in a Web Worker: each query posted to it (type 2) is answered (type 3) in
# order, and the answer is drawn in the same task. Installed before the page's scripts (an init
# script), it tells when the list shown is the answer to the last query.
#
# The worker builds its whole index (every page of both languages, French and English stemmers) as
# soon as it is given it (type 0), a quarter of a second of processor time at each page load, that a
# test never looking at the search pays for nothing. The index is given to the worker when the
# search box first takes the focus (a click, a shortcut, Tab, a ``?q=`` address), before any query
# can be typed: a test that searches gets the whole index, built by Material's own worker.
SEARCH_JS = """() => {
  const Native = window.Worker;
  if (!Native || window.__kitSearch) return;
  const state = window.__kitSearch = {asked: 0, answered: 0, last: null, indexed: false};
  const isBox = target => target instanceof Element && target.matches('input.md-search__input');
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => { if (e.data && e.data.type === 3) state.answered++; });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 0 && !state.indexed) {
        const give = () => {
          if (state.indexed) return;
          state.indexed = true;
          document.removeEventListener('focusin', onFocus, true);
          super.postMessage(message, ...rest);
        };
        const onFocus = e => { if (isBox(e.target)) give(); };
        document.addEventListener('focusin', onFocus, true);
        if (isBox(document.activeElement)) give();
        return;
      }
      if (message && message.type === 2) { state.asked++; state.last = message.data; }
      return super.postMessage(message, ...rest);
    }
  };
}"""

# Every navigation the page starts (Navigation API: ``navigate`` is dispatched as it starts, within the
# script that starts it), kept in sessionStorage so that it outlives the page it leaves.
NAVIGATIONS_JS = """() => {
  if (!window.__kitNavigations) {
    window.__kitNavigations = true;
    navigation.addEventListener('navigate', e => {
      const seen = JSON.parse(sessionStorage.getItem('kit-navigations') || '[]');
      sessionStorage.setItem('kit-navigations', JSON.stringify([...seen, e.destination.url]));
    });
  }
  return JSON.parse(sessionStorage.getItem('kit-navigations') || '[]');
}"""


# The watchers above, installed in every page of a test's browser context before the page's own scripts.
INIT_SCRIPTS = tuple(f"({script})()" for script in (MOTION_JS, SEARCH_JS))


def init_scripts(context: Any) -> None:
    """Install :data:`INIT_SCRIPTS` in every page ``context`` opens."""
    for script in INIT_SCRIPTS:
        context.add_init_script(script=script)
