"""Checking a `browsers.supported` setting, without building a policy: the settings validate it
at construction, the policy reads its minimum versions from it.

A query must resolve with browserslist; a mapping must name caniuse agents (or browserslist's
aliases) with versions, or `False` to block every version.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from antechamber.browsers.browserslist import ALIASES, browserslist, load_config
from antechamber.browsers.caniuse import agents, version_key

__all__ = ["check_supported", "mapping_minima", "resolve_query"]


def check_supported(
    supported: object,
    *,
    browserslist_config: str | None = None,
    browserslist_env: str | None = None,
    browserslist_stats: str | None = None,
) -> None:
    """Raise `ValueError` (`TypeError`) naming the value when `supported` cannot be a policy."""
    if browserslist_config is not None:
        supported = load_config(browserslist_config, browserslist_env)
    if isinstance(supported, str):
        if supported.strip().lower() == "modern":
            return
        # `extends`, `in PKG stats` and `browserslist config` look from the config's folder.
        options = {"path": browserslist_config, "env": browserslist_env}
        resolve_query(supported, stats=browserslist_stats, **options)
    elif isinstance(supported, Mapping):
        mapping_minima(supported, agents())
    else:
        raise TypeError(
            f"Invalid supported={supported!r}: expected a browserslist query, 'modern' or a "
            "mapping of browser to minimum version"
        )


def resolve_query(query: str, **options: str | bool | None) -> list[str]:
    """What browserslist selects for `query` (`options` as `browserslist` takes them), or a
    `ValueError` naming the setting when it fails or selects nothing the gate can judge."""
    try:
        selected = browserslist(query, **options)  # type: ignore[arg-type]
    except ValueError as error:
        raise ValueError(f"Invalid supported={query!r}: {error}") from error
    known = agents()
    if selected and not any(entry.partition(" ")[0] in known for entry in selected):
        raise ValueError(
            f"Invalid supported={query!r}: it selects no browser, only "
            f"{', '.join(selected[:3])}{' ...' if len(selected) > 3 else ''}, which the "
            "browser gate ignores (Node.js versions are not browsers)"
        )
    return selected


def mapping_minima(
    mapping: Mapping[str, object], known: Collection[str]
) -> dict[str, tuple[int, ...] | None]:
    """Per caniuse agent, the lowest version a mapping admits (None: every version blocked)."""
    minima: dict[str, tuple[int, ...] | None] = {}
    for raw_name, raw_version in mapping.items():
        name = str(raw_name).strip().lower()
        name = ALIASES.get(name, name)
        if name not in known:
            raise ValueError(
                f"Invalid supported: unknown browser {raw_name!r} "
                f"(expected one of {', '.join(sorted(known))} or a browserslist alias)"
            )
        minima[name] = _minimum_version(raw_name, raw_version)
    return minima


def _minimum_version(name: object, value: object) -> tuple[int, ...] | None:
    if value is False:
        return None
    problem = (
        f"Invalid supported: {name!r}: {value!r} is not a version (use a version such as "
        "'17.2', or False to block every version)"
    )
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(problem)
    try:
        return version_key(str(value))
    except ValueError:
        raise ValueError(problem) from None
