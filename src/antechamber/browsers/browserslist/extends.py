"""`extends PKG` and `... in PKG stats`: shareable configs and usage statistics from npm packages,
found in the `node_modules` folders above `path` (and the working directory), as Node.js's
`require.resolve` finds them.

A config that is plain data (a JSON file, or a module whose export is a literal array or object:
`module.exports = [...]`, `export default {...}`) is read directly. Any other module (one that
builds its list with code, such as browserslist-config-google's `concat`) is evaluated once with
the `node` on PATH; without Node.js that is an error naming the package and what to do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from antechamber.browsers.browserslist import _jsdata
from antechamber.browsers.browserslist._data import BrowserslistError
from antechamber.browsers.browserslist._parse import Context, Node
from antechamber.browsers.browserslist.config import pick_env

_CONFIG = re.compile(r"^browserslist-config-")
_SCOPED = re.compile(r"^@[^/]+(?:/[^/]+)?/browserslist-config(?:-|$|/)")
_USE = " Use `dangerousExtend` option to disable."
_EXTENSIONS = ("", ".js", ".json", ".cjs", ".mjs")
_EVALUATE = """
const target = process.argv[1]
Promise.resolve()
  .then(() => { try { return require(target) } catch (e) {
    if (e.code === 'ERR_REQUIRE_ESM') return import(require('url').pathToFileURL(target).href)
    throw e } })
  .then(value => {
    // __esModule is usually not enumerable: JSON would lose it, so unwrap here.
    if (value && typeof value === 'object' && value.__esModule) value = value.default
    process.stdout.write(JSON.stringify(value === undefined ? null : value))
  })
  .catch(error => {
    process.stderr.write(String(error && error.message || error))
    process.exit(1)
  })
"""


def check_name(name: str) -> None:
    """browserslist's checks on a package name, skipped with BROWSERSLIST_DANGEROUS_EXTEND."""
    if os.environ.get("BROWSERSLIST_DANGEROUS_EXTEND"):
        return
    if not _CONFIG.search(name) and not _SCOPED.search(name):
        raise BrowserslistError(f"Browserslist config needs `browserslist-config-` prefix. {_USE}")
    if "\\" in name:
        raise BrowserslistError(f"`\\` not allowed in Browserslist config name. {_USE}")
    if "." in re.sub(r"^@[^/]+/", "", name):
        raise BrowserslistError(f"`.` not allowed in Browserslist config name. {_USE}")
    if "node_modules" in name:
        raise BrowserslistError(f"`node_modules` not allowed in Browserslist config.{_USE}")


def _starts(context: Context) -> list[Path]:
    # require.resolve(name, { paths: ['.', path] }): the working directory first, then `path`.
    starts = [Path.cwd()]
    if context.path is not None:
        path = context.path.resolve()
        starts.append(path if path.is_dir() else path.parent)
    return starts


def _as_file(candidate: Path) -> Path | None:
    for extension in _EXTENSIONS:
        file = candidate.with_name(candidate.name + extension) if extension else candidate
        if file.is_file():
            return file
    return None


def _package_entry(folder: Path) -> Path | None:
    manifest = folder / "package.json"
    if manifest.is_file():
        try:
            package = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            package = {}
        exports = package.get("exports") if isinstance(package, dict) else None
        if isinstance(exports, dict) and "." in exports:
            exports = exports["."]
        while isinstance(exports, dict):
            exports = next(
                (exports[key] for key in ("require", "node", "default") if key in exports), None
            )
        main = exports if isinstance(exports, str) else package.get("main")
        if isinstance(main, str):
            found = _as_file(folder / main) or _as_file(folder / main / "index")
            if found:
                return found
    return _as_file(folder / "index")


def resolve(name: str, context: Context) -> Path:
    """The file `require.resolve(name)` would load, from `node_modules` above each start."""
    for start in _starts(context):
        for folder in (start, *start.parents):
            candidate = folder / "node_modules" / name
            found = _as_file(candidate) if not candidate.is_dir() else None
            if candidate.is_dir():
                found = _package_entry(candidate)
            if found is not None:
                return found
    places = " or ".join(str(start) for start in _starts(context))
    raise BrowserslistError(
        f"Cannot find module '{name}' in node_modules above {places}: "
        f"install it (`npm install {name}`) or give `path` the folder of the front end"
    )


def _evaluate(name: str, file: Path) -> Any:
    node = shutil.which("node")
    if node is None:
        raise BrowserslistError(
            f"`{name}` ({file}) is a JavaScript module whose queries are computed, and there is "
            "no `node` on PATH to evaluate it: install Node.js, or copy its queries into your "
            ".browserslistrc"
        )
    # The module is the site's own dependency, which its front-end build runs as well.
    done = subprocess.run(  # noqa: S603
        [node, "-e", _EVALUATE, str(file)], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise BrowserslistError(f"`{name}` could not be loaded with node: {done.stderr.strip()}")
    return json.loads(done.stdout)


@cache
def _load(name: str, file: Path, mtime: float) -> Any:
    if file.suffix == ".json":
        return json.loads(file.read_text(encoding="utf-8"))
    value = _jsdata.exported_literal(file.read_text(encoding="utf-8"))
    if value is _jsdata.NOT_LITERAL:
        value = _evaluate(name, file)
    return value


def load_module(name: str, context: Context) -> Any:
    file = resolve(name, context)
    return _load(name, file, file.stat().st_mtime)


def extends(context: Context, node: Node) -> list[str]:
    name = node.groups[0] or ""
    check_name(name)
    queries = load_module(name, context)
    if isinstance(queries, dict) and queries.get("__esModule"):
        queries = queries.get("default")
    if queries:
        if isinstance(queries, list):
            return context.resolve(queries, context)
        if isinstance(queries, dict):
            queries = dict(queries)
            queries.setdefault("defaults", [])
            if not queries["defaults"]:
                queries["defaults"] = []
            return context.resolve(pick_env(queries, context.env) or [], context)
    raise BrowserslistError(f"`{name}` config exports not an array of queries or an object of envs")
