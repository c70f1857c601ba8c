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
    result: list[str] = []
    for agent, flags in support.items():
        data = d.by_name(agent)
        if data is None:
            continue
        result += [
            f"{agent} {version}"
            for version, flag in zip(data.versions, flags, strict=False)
            if flag in wanted
        ]
    return result
