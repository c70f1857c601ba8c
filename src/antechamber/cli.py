"""The `antechamber` command: ask the browser policy questions from a shell, or run the demo.

    antechamber check "Mozilla/5.0 ... Chrome/118.0.0.0 Safari/537.36" [--supported QUERY] [--json]
    antechamber browsers "defaults"          # one version per line, as `npx browserslist`
    antechamber share [--region DE]          # the usage table the upgrade page shows
    antechamber demo [--host 127.0.0.1] [--port 8000]
    antechamber records show|export|purge|stats ...   # consent records (records_cli.py)

Exit status: 0 on success; for `check`, 1 when the browser is outdated under the policy; 2 for a
usage error, a query browserslist would reject or a region without usage data; 141 (128 + SIGPIPE,
as a Unix tool killed by the signal) when the reader of the output went away (`| head`), quietly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["main"]

EXIT_OK = 0
EXIT_OUTDATED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141

_FIELDS = ("family", "agent", "version", "is_bot", "is_mobile", "verdict")


class _Failure(Exception):
    """A user's mistake, reported on stderr with exit status 2 (no traceback)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`); returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args, sys.stdout)
        sys.stdout.flush()
    except _Failure as error:
        print(f"antechamber {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader stopped reading (`antechamber browsers defaults | head -5`). Point stdout at
        # /dev/null so that the interpreter's own flush at exit cannot raise a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    return status


def _parser() -> argparse.ArgumentParser:
    from antechamber.browsers.caniuse import CANIUSE_VERSION

    parser = argparse.ArgumentParser(
        prog="antechamber",
        description="Browser policy (browserslist, caniuse usage data) and the demo site.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()} (caniuse {CANIUSE_VERSION})"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="the verdict for one User-Agent",
        description="Judge one User-Agent as the gate would. Exit status 1 when it is outdated.",
    )
    check.add_argument("user_agent", metavar="USER_AGENT", help="the User-Agent header, quoted")
    check.add_argument(
        "--supported",
        metavar="QUERY",
        default="defaults",
        help='a browserslist query, the preset "modern", or a JSON mapping of minimum versions '
        """such as '{"chrome": "120", "ie": false}' (default: "defaults")""",
    )
    check.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a request header such as a Client Hint ('Sec-CH-UA: ...'); repeatable",
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(run=_check)

    browsers = commands.add_parser(
        "browsers",
        help="the browser versions a browserslist query selects",
        description="Print the versions a browserslist query selects, one per line, in the "
        "format and order of `npx browserslist`.",
    )
    browsers.add_argument("query", metavar="QUERY", help='a browserslist query, e.g. "defaults"')
    browsers.add_argument(
        "--coverage",
        action="store_true",
        help="print the share of users the query covers, as `npx browserslist --coverage`",
    )
    browsers.add_argument(
        "--region",
        default="global",
        help="with --coverage: caniuse regions, comma-separated (US, alt-eu ...; default global)",
    )
    browsers.set_defaults(run=_browsers)

    share = commands.add_parser(
        "share",
        help="the browser usage table the upgrade page shows",
        description=f"Browser usage shares by brand from caniuse {CANIUSE_VERSION}.",
    )
    share.add_argument(
        "--region",
        default="alt-ww",
        metavar="XX",
        help="a country code (DE, UA ...) or a caniuse group (alt-ww: world, alt-eu: Europe); "
        "default alt-ww",
    )
    share.set_defaults(run=_share)

    demo = commands.add_parser(
        "demo",
        help="run the demo news site",
        description="Serve the demo news site (local stand-in partners, no request leaves the "
        "machine) with a development secret generated for the run.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    demo.set_defaults(run=_demo)

    from antechamber.records_cli import add_records_command

    add_records_command(commands)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("antechamber")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def _supported(text: str) -> str | dict[str, Any]:
    if not text.lstrip().startswith("{"):
        return text
    try:
        mapping = json.loads(text)
    except ValueError as error:
        raise _Failure(f"--supported looks like JSON but does not parse: {error}") from None
    if not isinstance(mapping, dict):
        raise _Failure(f"--supported must be a query or a JSON object; got {text!r}")
    return mapping


def _headers(lines: Sequence[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise _Failure(f"--header must look like 'Name: value'; got {line!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from antechamber.browsers.policy import BrowserPolicy

    supported = _supported(args.supported)
    try:
        policy = BrowserPolicy(supported)
    except ValueError as error:  # BrowserslistError is a ValueError
        raise _Failure(str(error)) from None
    info = policy.inspect(args.user_agent, _headers(args.header) or None)
    # The contract's fields first, then the detail (engine, OS, reason) BrowserInfo also has.
    result: dict[str, Any] = {name: getattr(info, name) for name in _FIELDS}
    result.update((k, v) for k, v in dataclasses.asdict(info).items() if k not in result)
    result["supported"] = supported
    if args.json:
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        version = f" {info.version}" if info.version else ""
        agent = f"{info.agent} {info.version}" if info.agent and info.version else info.agent
        kinds = [kind for kind, flag in (("bot", info.is_bot), ("mobile", info.is_mobile)) if flag]
        engine = f"{info.engine} {info.engine_version}" if info.engine else "-"
        rows = [
            ("browser", f"{info.family}{version}"),
            ("agent", agent or "-"),
            ("engine", engine),
            ("kind", ", ".join(kinds) or "desktop"),
            ("policy", json.dumps(supported) if isinstance(supported, dict) else supported),
            ("verdict", info.verdict),
            ("reason", info.reason or "-"),
        ]
        for label, value in rows:
            out.write(f"{label + ':':<9}{value}\n")
    return EXIT_OUTDATED if info.verdict == "outdated" else EXIT_OK


def _browsers(args: argparse.Namespace, out: TextIO) -> int:
    from antechamber.browsers.browserslist import BrowserslistError, browserslist

    try:
        selected = browserslist(args.query)
    except BrowserslistError as error:
        raise _Failure(str(error)) from None
    if not args.coverage:
        for entry in selected:
            out.write(entry + "\n")
        return EXIT_OK
    from antechamber.browsers.browserslist import coverage

    prefix = "These browsers account for "
    for index, area in enumerate(args.region.split(",")):
        try:
            share = coverage(selected, None if area == "global" else area)
        except BrowserslistError as error:
            raise _Failure(str(error)) from None
        end = "globally" if area == "global" else f"in the {area.upper()}"
        out.write(
            f"{prefix if index == 0 else ' ' * len(prefix)}{_js_round(share)}% of all users {end}\n"
        )
    return EXIT_OK


def _js_round(share: float) -> str:
    # Math.round(share * 100) / 100, printed as JS prints a number (87.5, 100, 0.01).
    rounded = int(share * 100 + 0.5) / 100  # shares are never negative: int() is floor()
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def _share(args: argparse.Namespace, out: TextIO) -> int:
    from antechamber.browsers.caniuse import CANIUSE_VERSION, agents
    from antechamber.browsers.shares import BRAND_AGENTS, brand_shares
    from antechamber.browsers.upgrade import BRANDS

    try:
        shares = brand_shares(args.region)
    except ValueError as error:
        raise _Failure(str(error)) from None
    # The upgrade page's names where it has one, else caniuse's name of the brand's first agent.
    names = {brand.key: brand.name for brand in BRANDS}
    known = agents()
    for key, brand_agents in BRAND_AGENTS.items():
        if key not in names and brand_agents[0] in known:
            names[key] = known[brand_agents[0]].browser
    rows = [(names.get(key, key), key, share) for key, share in shares.items()]
    width = max(len(name) for name, _, _ in rows)
    out.write(
        f"Browser usage in {args.region}, percent of page views (caniuse {CANIUSE_VERSION})\n"
    )
    for name, key, share in rows:
        out.write(f"{name:<{width}}  {share:6.2f} %  ({key})\n")
    return EXIT_OK


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import uvicorn  # noqa: F401  (the extra's one package; serve() uses it)
    except ImportError:
        raise _Failure('the demo server needs uvicorn: pip install "antechamber[demo]"') from None
    from antechamber.demo import serve

    serve(host=args.host, port=args.port)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
