"""Custom usage statistics: `> 1% in my stats`, `cover 90% in my stats`, `> 1% in PKG stats`.

`my stats` reads the statistics given to browserslist() (`stats=`, the setting
`browsers.browserslist_stats`), else a `browserslist-stats.json` in `path` or a folder above it,
as browserslist looks for one. The file is `{"chrome": {"120": 12.5, ...}, ...}` (or that under
`dataByBrowser`, as the tools that export it write it), shares in percent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from antechamber.browsers.browserslist import _data as d
from antechamber.browsers.browserslist import extends
from antechamber.browsers.browserslist._browsers import cover_usage
from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._js import key_order, parse_float
from antechamber.browsers.browserslist._parse import Context, Node

Stats = str | Path | Mapping[str, Any]


def _normalize(stats: Any) -> dict[str, float] | None:
    """normalizeStats() then fillUsage(): shares by "agent version", in JS key order."""
    if isinstance(stats, dict) and "dataByBrowser" in stats:
        stats = stats["dataByBrowser"]
    if not isinstance(stats, dict):
        return None
    usage: dict[str, float] = {}
    for name in key_order(stats):
        versions = stats[name]
        if not isinstance(versions, dict):
            continue
        known = d.data().get(name)
        if len(versions) == 1 and known is not None and len(known.versions) == 1:
            usage[f"{name} {known.versions[0]}"] = next(iter(versions.values()))
            continue
        for version in key_order(versions):
            usage[f"{name} {version}"] = versions[version]
    return {key: share for key, share in usage.items() if isinstance(share, int | float)}


def _read(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BrowserslistError(f"Can't read {file}") from None


def custom_usage(stats: Stats | None, path: Path | None) -> dict[str, float] | None:
    """The usage `my stats` selects from, or None when there are no statistics."""
    if isinstance(stats, Mapping):
        return _normalize(dict(stats))
    if stats is not None:
        return _normalize(_read(Path(stats)))
    if path is None:
        return None
    start = path.resolve()
    for folder in (start, *start.parents):
        file = folder / "browserslist-stats.json"
        if folder.is_dir() and file.is_file():
            return _normalize(_read(file))
    return None


def _package_usage(context: Context, name: str) -> dict[str, float]:
    extends.check_name(name)
    usage = _normalize(extends.load_module(f"{name}/browserslist-stats.json", context))
    if usage is None:
        if context.custom_usage is None:
            raise BrowserslistError("Custom usage statistics was not provided")
        return dict(context.custom_usage)
    return usage


def popularity_in_config_stats(context: Context, node: Node) -> list[str]:
    sign, share, name = node.groups[0] or "", node.groups[1] or "", node.groups[2] or ""
    return d.filter_usage(_package_usage(context, name), sign, parse_float(share))


def cover_config(context: Context, node: Node) -> list[str]:
    coverage, name = node.groups[0] or "", node.groups[1] or ""
    return cover_usage(_package_usage(context, name), parse_float(coverage))
