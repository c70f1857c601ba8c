"""`node ...`, `maintained node versions`, `current node` and `electron ...`, from the shipped
node-releases and electron-to-chromium snapshot (data/node-electron.json).

Node.js entries (`"node 22.11.0"`) are not browsers: the gate ignores them. Electron queries
select the Chromium each Electron release runs (`"chrome 130"`), which the gate does judge.

`current node` is the Node.js that runs browserslist. antechamber asks the `node` on PATH (the
one a front-end build would run, `node --version`, once per process); without one it answers as
browserslist's own build for environments without Node.js does: the oldest maintained version.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from functools import cache
from importlib.resources import files
from typing import Any

from antechamber.browsers.browserslist import _data as d
from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._js import (
    compare_semver,
    parse_float,
    parse_int,
    parse_iso_date_ms,
)
from antechamber.browsers.browserslist._parse import Context, Node

_SNAPSHOT = files("antechamber").joinpath("data", "node-electron.json")


@cache
def _snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    return data


def versions() -> dict[str, str]:
    return {
        "node-releases": str(_snapshot()["node-releases"]),
        "electron-to-chromium": str(_snapshot()["electron-to-chromium"]),
    }


@cache
def _node_versions() -> tuple[str, ...]:
    # Prereleases such as 27.0.0-alpha.0.0.0 are skipped, as browserslist does.
    return tuple(v for v in _snapshot()["node"] if "-" not in v)


@cache
def _electron() -> dict[str, str]:
    return dict(_snapshot()["electron"])


def _matches(version: str, prefix: str) -> bool:
    return (version + ".").startswith(prefix + ".")


def _ints(version: str) -> list[float]:
    return [parse_int(part) for part in version.split(".")]


def _loose(sign: str, bound: str) -> Any:
    # semverFilterLoose: compares major, then minor only when the bound names one.
    limit = _ints(bound)

    def compare(version: str) -> int:
        parts = _ints(version)
        if parts[0] != limit[0]:
            return -1 if parts[0] < limit[0] else 1
        if len(limit) < 2:
            return 0
        minor = parts[1] if len(parts) > 1 else math.nan
        if minor != limit[1]:
            return -1 if minor < limit[1] else 1
        return 0

    if sign == "<=":
        return lambda version: compare(version) <= 0
    return lambda version: compare(version) >= 0


def _semver_filter(sign: str, bound: str) -> Any:
    # generateSemverFilter: a missing or unreadable minor or patch is 0; the major stays NaN.
    numbers = [*_ints(bound), math.nan, math.nan]
    limit = ["NaN" if math.isnan(numbers[0]) else str(int(numbers[0]))] + [
        "0" if math.isnan(x) else str(int(x)) for x in numbers[1:3]
    ]

    def cmp(version: str) -> int:
        return compare_semver(version.split("."), limit)

    return {
        ">": lambda v: cmp(v) > 0,
        ">=": lambda v: cmp(v) >= 0,
        "<": lambda v: cmp(v) < 0,
    }.get(sign, lambda v: cmp(v) <= 0)


def _node(versions: list[str] | tuple[str, ...]) -> list[str]:
    return [f"node {version}" for version in versions]


def _chrome(keys: list[str]) -> list[str]:
    return [f"chrome {_electron()[key]}" for key in keys]


def _normalize_electron(version: str) -> str:
    parts = version.split(".")
    return ".".join(parts[:-1]) if len(parts) == 3 else version


def last_electron_major_versions(context: Context, node: Node) -> list[str]:
    return _chrome(d.major_versions(list(_electron()), int(node.groups[0] or 0)))


def last_electron_versions(context: Context, node: Node) -> list[str]:
    count = int(node.groups[0] or 0)
    return _chrome(list(_electron())[-count:] if count else list(_electron()))


def last_node_major_versions(context: Context, node: Node) -> list[str]:
    return _node(d.major_versions(_node_versions(), int(node.groups[0] or 0)))


def last_node_versions(context: Context, node: Node) -> list[str]:
    count = int(node.groups[0] or 0)
    return _node(_node_versions()[-count:] if count else _node_versions())


def electron_range(context: Context, node: Node) -> list[str]:
    first, last = node.groups[0] or "", node.groups[1] or ""
    for bound in (first, last):
        if _normalize_electron(bound) not in _electron():
            raise BrowserslistError(f"Unknown version {_js_number(bound)} of electron")
    low, high = _loose(">=", first), _loose("<=", last)
    return _chrome([key for key in _electron() if low(key) and high(key)])


def node_range(context: Context, node: Node) -> list[str]:
    low, high = _loose(">=", node.groups[0] or ""), _loose("<=", node.groups[1] or "")
    return _node([v for v in _node_versions() if low(v) and high(v)])


def electron_ray(context: Context, node: Node) -> list[str]:
    keep = d.version_filter(node.groups[0] or "", _normalize_electron(node.groups[1] or ""))
    return _chrome([key for key in _electron() if keep(key)])


def node_ray(context: Context, node: Node) -> list[str]:
    keep = _semver_filter(node.groups[0] or "", node.groups[1] or "")
    return _node([v for v in _node_versions() if keep(v)])


def electron_version(context: Context, node: Node) -> list[str]:
    version = node.groups[0] or ""
    chrome = _electron().get(_normalize_electron(version))
    if not chrome:
        raise BrowserslistError(f"Unknown version {version} of electron")
    return [f"chrome {chrome}"]


def node_version(context: Context, node: Node) -> list[str]:
    version = node.groups[0] or ""
    matched = [v for v in _node_versions() if _matches(v, version)]
    if not matched:
        raise BrowserslistError(f"Unknown version {version} of Node.js")
    return [f"node {matched[-1]}"]


def maintained_node(context: Context, node: Node) -> list[str]:
    now = context.now_ms if context.now_ms is not None else 0
    queries = [
        f"node {key[1:]}"
        for key, start, end in _snapshot()["schedule"]
        if now < parse_iso_date_ms(end)
        and now > parse_iso_date_ms(start)
        and any(_matches(v, key[1:]) for v in _node_versions())
    ]
    return context.resolve(queries, context)


@cache
def _node_on_path() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    try:
        output = subprocess.run(  # noqa: S603
            [node, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return output.removeprefix("v") or None


def current_node(context: Context, node: Node) -> list[str]:
    version = _node_on_path()
    if version is not None:
        return [f"node {version}"]
    return context.resolve(["maintained node versions"], context)[:1]


def _js_number(text: str) -> str:
    # The message prints parseFloat(bound), as JS prints numbers: "30.0" -> "30".
    number = parse_float(text)
    if math.isnan(number):
        return "NaN"
    return str(int(number)) if number == int(number) else repr(number)
