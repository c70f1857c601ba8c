"""`supports X`, `partially supports X`, `fully supports X`, from the shipped caniuse-lite feature
snapshot (data/caniuse-features.json): for each feature and agent, whether each version supports
it ("y"), partially ("a") or not ("n"), run-length coded over the agent's versions."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from antechamber.browsers.browserslist import _data as d
from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._parse import Context, Node

_SNAPSHOT = files("antechamber").joinpath("data", "caniuse-features.json")
_RUN = re.compile(r"(\d+)([yan])")


@cache
def _snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    return data


def version() -> str:
    return str(_snapshot()["caniuse-lite"])


def names() -> tuple[str, ...]:
    """Every feature a `supports` query may name, as caniuse spells them."""
    return tuple(_snapshot()["features"])


@cache
def _support(feature: str) -> dict[str, str] | None:
    table = _snapshot()["features"].get(feature)
    if table is None:
        return None
    return {
        agent: "".join(kind * int(count) for count, kind in _RUN.findall(runs))
        for agent, runs in table.items()
    }


def select(context: Context, node: Node) -> list[str]:
    feature = re.sub(r"[^\w-]", "", node.groups[1] or "", flags=re.ASCII)
    support = _support(feature)
    if support is None:
        raise BrowserslistError(f"Unknown feature name `{feature}`.")
    wanted = "y" if (node.groups[0] or "").lower() == "fully" else "ya"
    flags = {
        agent: dict(zip(d.data()[agent].versions, kinds, strict=False))
        for agent, kinds in support.items()
        if agent in d.data()
    }
    result: list[str] = []
    for agent, own in flags.items():
        data = d.by_name(agent, context.mobile_to_desktop)
        if data is None:
            continue
        # With mobileToDesktop, a mobile agent's versions that caniuse does not list take the
        # desktop's support, when its newest listed released version has the feature.
        newest = next((v for v in reversed(data.released) if v in own), None)
        desktop = d.DESKTOP_NAMES.get(agent)
        check_desktop = (
            context.mobile_to_desktop
            and desktop is not None
            and newest is not None
            and own[newest] in wanted
        )
        for version in data.versions:
            flag = own.get(version)
            if flag is None and check_desktop and desktop is not None:
                flag = flags.get(desktop, {}).get(version)
            if flag is not None and flag in wanted:
                result.append(f"{agent} {version}")
    return result
