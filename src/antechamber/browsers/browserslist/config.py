"""Config files, read the way browserslist's node.js reads them: `load_config()` for the settings,
and the `browserslist config` query, which looks for a config above `path` as browserslist does."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._js import regex, trim
from antechamber.browsers.browserslist._parse import Context, Node, join

_SECTION = regex(r"^\s*\[(.+)]\s*$")
_FORMAT = "Browserslist config should be a string or an array of strings with browser queries"
DEFAULTS = ("> 0.5%", "last 2 versions", "Firefox ESR", "not dead")


def env_name(env: str | None) -> str:
    return env or os.environ.get("BROWSERSLIST_ENV") or os.environ.get("NODE_ENV") or "production"


def pick_env(config: Any, env: str | None) -> Any:
    if not isinstance(config, dict):
        return config
    # A JS `||`: an empty string or list section falls through to the defaults.
    return config.get(env_name(env)) or config.get("defaults")


def _parse_rc(text: str, path: Path) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {"defaults": []}
    sections = ["defaults"]
    lines = re.split(r"\n|,", re.sub(r"#[^\n]*", "", text))
    for line in (trim(line) for line in lines):
        if not line:
            continue
        section = _SECTION.match(line)
        if section:
            sections = trim(section.group(1)).split(" ")
            for name in sections:
                if name in result:
                    raise ValueError(f"{path}: duplicate section [{name}] in browserslist config")
                result[name] = []
        else:
            for name in sections:
                result[name].append(line)
    return result


def _parse_package(text: str, path: Path) -> dict[str, Any]:
    try:
        package = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(package, dict):
        raise ValueError(f"{path}: a package.json must hold a JSON object")
    if "browserslist" not in package:
        if "browserlist" in package:
            raise ValueError(f"{path}: `browserlist` key instead of `browserslist`")
        raise ValueError(f"{path}: no `browserslist` key")
    config = package["browserslist"]
    if isinstance(config, str | list):
        config = {"defaults": config}
    if not isinstance(config, dict):
        raise ValueError(f"{path}: {_FORMAT}")
    for section in config.values():
        if not isinstance(section, str) and not (
            isinstance(section, list) and all(isinstance(item, str) for item in section)
        ):
            raise ValueError(f"{path}: {_FORMAT}")
    return config


def load_config(path: str, env: str | None = None) -> str:
    """The browserslist query a `.browserslistrc` or `package.json` holds, joined with ", ".

    The section is picked as browserslist picks it: `env`, else `$BROWSERSLIST_ENV`, else
    `$NODE_ENV`, else `"production"`, falling back to the `defaults` section (queries outside any
    `[section]`, or a plain string/list in package.json). `path` may also be a directory holding
    one of `.browserslistrc`, `browserslist` or a package.json with a `browserslist` key. Raises
    ValueError naming the path when the file is missing or malformed, or when no section applies
    (browserslist would then silently fall back to its defaults or select nothing).
    """
    file = Path(path)
    if file.is_dir():
        file = _config_in(file)
    try:
        text = file.read_text(encoding="utf-8").lstrip("\ufeff")
    except OSError as error:
        raise ValueError(f"{path}: cannot read browserslist config ({error.strerror})") from None
    config: Mapping[str, str | list[str]] = (
        _parse_package(text, file) if file.name == "package.json" else _parse_rc(text, file)
    )
    name = env_name(env)
    section = pick_env(dict(config), env)
    entries = [section] if isinstance(section, str) else list(section or [])
    query = join(entries)
    if not query:
        raise ValueError(
            f"{file}: no browserslist queries for environment {name!r} "
            f"and no defaults (sections: {', '.join(sorted(config)) or 'none'})"
        )
    return query


def _config_in(directory: Path) -> Path:
    found = [
        directory / name
        for name in ("browserslist", ".browserslistrc")
        if (directory / name).is_file()
    ]
    package = directory / "package.json"
    if package.is_file() and '"browserslist"' in package.read_text(encoding="utf-8"):
        found.append(package)
    if len(found) > 1:
        raise ValueError(
            f"{directory}: contains several browserslist configs "
            f"({', '.join(file.name for file in found)})"
        )
    if not found:
        raise ValueError(
            f"{directory}: no .browserslistrc, browserslist or package.json with browsers"
        )
    return found[0]


# The `browserslist config` query: browserslist's findConfig() from `path` up.


def _package_queries(file: Path) -> Any:
    text = file.read_text(encoding="utf-8").lstrip("\ufeff")
    if '"browserslist"' not in text and '"browserlist"' not in text:
        return None
    package = json.loads(text)
    if package.get("browserlist") and "browserslist" not in package:
        raise BrowserslistError(f"`browserlist` key instead of `browserslist` in {file}")
    config = package.get("browserslist")
    if isinstance(config, str | list):
        config = {"defaults": config}
    for section in (config or {}).values() if isinstance(config, dict) else ():
        _check(section)
    return config


def _check(section: Any) -> None:
    items = section if isinstance(section, list) else [section]
    if not all(isinstance(item, str) for item in items):
        raise BrowserslistError(_FORMAT)


def _check_typo(correct: Path) -> None:
    typo = correct.with_name(correct.name.replace("browserslist", "browserlist"))
    if typo.is_file() and not correct.is_file():
        raise BrowserslistError(f"`{typo.name}` instead of `{correct.name}` in {correct.parent}")


def find_config(start: Path) -> Mapping[str, Any] | None:
    """The sections of the first browserslist config in `start` or a folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        if not folder.is_dir():
            continue
        config, rc, package = (
            folder / "browserslist",
            folder / ".browserslistrc",
            folder / "package.json",
        )
        in_package = None
        if package.is_file():
            try:
                in_package = _package_queries(package)
            except (ValueError, OSError) as error:
                if isinstance(error, BrowserslistError):
                    raise
        _check_typo(rc)
        _check_typo(config)
        if config.is_file() and in_package:
            raise BrowserslistError(
                f"{folder} contains both browserslist and package.json with browsers"
            )
        if rc.is_file() and in_package:
            raise BrowserslistError(
                f"{folder} contains both .browserslistrc and package.json with browsers"
            )
        if config.is_file() and rc.is_file():
            raise BrowserslistError(f"{folder} contains both .browserslistrc and browserslist")
        for file in (config, rc):
            if file.is_file():
                return _read_rc(file)
        if in_package:
            return dict(in_package)
    return None


def _read_rc(file: Path) -> dict[str, list[str]]:
    try:
        return _parse_rc(file.read_text(encoding="utf-8"), file)
    except ValueError as error:
        raise BrowserslistError(str(error)) from None


def browserslist_config(context: Context, node: Node) -> list[str]:
    start = context.path if context.path is not None else Path.cwd()
    config = find_config(start)
    queries = pick_env(config, context.env) if config is not None else list(DEFAULTS)
    from antechamber.browsers.browserslist import _select_sorted

    return _select_sorted(queries or [], context)
