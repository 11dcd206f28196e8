"""What a check asks the browser about a page it does not act on: the `probes` of a browser step.

The css check (does the browser apply a rule?) and html assertions with `visible:` ask for facts about
the learner's page as loaded, with no actions. All such checks of one page share one browser step
(grader/checks/pagefacts.py): the page is loaded once per window width and every probe is read there.
A probe names a selector and what to read about its elements; it never holds an expected value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

State = Literal["focus"]


@dataclass(frozen=True)
class PageProbe:
    """One selector and what the browser should report about each element it matches (see the
    `facts` helper of grader/harness/browser_page.js)."""

    selector: str
    properties: tuple[str, ...] = ()
    """Computed values, as getComputedStyle gives them (lengths in px)."""
    state: State | None = None
    """Read each element while it has the focus (`input:focus` rules)."""
    declared: tuple[str, ...] = ()
    """Properties for which to say whether a rule of the page itself sets them on the element."""
    typed: bool = False
    """Also the computed values before layout (`100%` stays `100%`)."""
    context: bool = False
    """Also the font sizes and the box that relative values are measured against."""
    text: bool = False
    """Also the text the browser shows (innerText)."""

    @property
    def key(self) -> str:
        """Where the browser reports this probe's facts (browser_page.js `probeKey`)."""
        return f"{self.selector} @{self.state}" if self.state else self.selector

    def as_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"selector": self.selector, "properties": list(self.properties)}
        if self.state:
            params["state"] = self.state
        if self.declared:
            params["declared"] = list(self.declared)
        for flag in ("typed", "context", "text"):
            if getattr(self, flag):
                params[flag] = True
        return params


@dataclass(frozen=True)
class PageRequest:
    """What one check needs of the browser on one page: the page (a learner's file, or one of the
    check's `files`), the window widths, and the probes."""

    page: str
    files: tuple[str, ...]
    widths: tuple[int, ...]
    probes: tuple[PageProbe, ...] = field(default=())

    @property
    def group(self) -> tuple[str, tuple[str, ...]]:
        """Requests of the same group share one browser step."""
        return self.page, self.files


def merge_probes(probes: Iterable[PageProbe]) -> tuple[PageProbe, ...]:
    """One probe per selector and state, asking for everything any of them asked for."""
    merged: dict[str, PageProbe] = {}
    for probe in probes:
        known = merged.get(probe.key)
        if known is None:
            merged[probe.key] = probe
            continue
        merged[probe.key] = PageProbe(
            selector=probe.selector,
            properties=_union(known.properties, probe.properties),
            state=probe.state,
            declared=_union(known.declared, probe.declared),
            typed=known.typed or probe.typed,
            context=known.context or probe.context,
            text=known.text or probe.text,
        )
    return tuple(merged.values())


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))
