"""A throwaway PostgreSQL server for the tests and benchmarks: Debian's `postgresql` package
(scripts/install puts it there), a cluster made with initdb in a temporary folder, on its own
free port, stopped and removed at the end. Never a mock.

initdb and postgres refuse to run as root; as root they run as the `postgres` user (runuser).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

USER = "antechamber"


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/install "
        "as root, or apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Cluster:
    bindir: Path
    base: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            server_log = self.base / "server.log"
            log = server_log.read_text(errors="replace")[-2000:] if server_log.exists() else ""
            raise PostgresUnavailable(
                f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}\n{log}"
            )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"), "start", "-w", "-t", "60",
            "-D", str(self.data), "-l", str(self.base / "server.log"), "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data))

    def create_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_cluster() -> Cluster:
    """initdb + pg_ctl start in a new temporary folder; raises PostgresUnavailable."""
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="antechamber-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as error:
            raise PostgresUnavailable("running as root and there is no 'postgres' user") from error
        os.chown(base, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bindir, base, _free_port(), as_user)
    cluster._run(
        str(bindir / "initdb"), "-D", str(cluster.data), "-U", USER,
        "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
    )  # fmt: skip
    cluster.start()
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    with contextlib.suppress(PostgresUnavailable):  # already stopped
        cluster.stop("immediate")
    shutil.rmtree(cluster.base, ignore_errors=True)
