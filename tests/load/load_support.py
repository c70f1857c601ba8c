"""Starting and stopping uvicorn for the load tests, and where their figures go."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx

HERE = Path(__file__).parent
FIGURES = HERE.parents[1] / "test-output" / "load-figures.txt"
PREFIX = "/_antechamber"
COOKIE = "antechamber_consent"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "".join(self.output)


def _drain(process: subprocess.Popen[bytes], into: list[str]) -> None:
    # A pipe rather than a file: a file-size limit on the server (disk full) must not stop its
    # logging, and an undrained pipe would block it.
    assert process.stdout is not None
    for line in process.stdout:
        into.append(line.decode("utf-8", errors="replace"))


@contextmanager
def serving(
    env: dict[str, str] | None = None,
    *,
    preexec: Callable[[], None] | None = None,
    startup_timeout: float = 30.0,
) -> Iterator[Server]:
    """uvicorn (uvloop, httptools) serving load_app on a free 127.0.0.1 port."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "load_app:app",
        "--app-dir", str(HERE),
        "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=preexec,
    )
    server = Server(process, port)
    reader = threading.Thread(target=_drain, args=(process, server.output), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{server.log}")
            try:
                if httpx.get(f"{server.url}/api/data", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start in {startup_timeout} s:\n{server.log}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def no_cookie_jar() -> CookieJar:
    """A jar that keeps nothing: each request is a new visitor with a new consent id. (A
    CookieJar, not httpx.Cookies: a client copies the latter into a jar of its own.)"""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def consent_id_of(cookie_value: str) -> str:
    """The consent id inside a consent cookie (`1.<revision>.<id>.<time>...<signature>`)."""
    return cookie_value.split(".")[2]


def record_figures(title: str, lines: list[str]) -> None:
    text = "\n".join([f"== {title} ({time.strftime('%Y-%m-%d %H:%M:%S')})", *lines, ""])
    print("\n" + text)
    FIGURES.parent.mkdir(exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as out:
        out.write(text + "\n")
