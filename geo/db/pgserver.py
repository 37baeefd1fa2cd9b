"""A throw-away PostgreSQL + PostGIS server in a temporary folder, for the tests and the benchmark.

Debian's ``postgresql-15`` and ``postgresql-15-postgis-3`` packages provide the binaries
(``initdb``, ``pg_ctl`` in ``/usr/lib/postgresql/15/bin``). PostgreSQL refuses to run as root:
as root the server runs as the ``postgres`` user (``runuser``), in a folder that user owns.

    with TempPostgres() as server:
        url = server.url          # postgresql://geo:…@127.0.0.1:PORT/geo, PostGIS created
        ...

Nothing is mocked: this is the real server on a free local port, with its socket in the
temporary folder, stopped and deleted at the end. With ``root=DIR`` the server's data lives in ``DIR`` and is
kept when it stops; a later ``TempPostgres(root=DIR)`` starts the same data again (the role gets a new
random password: none is ever written beside the data).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("GEO_PG_BIN", "/usr/lib/postgresql/15/bin"))
#: Settings for a disposable server: durability off (the data is thrown away), memory for index builds.
FAST_SETTINGS = {
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
    "shared_buffers": "256MB", "maintenance_work_mem": "512MB", "work_mem": "64MB",
    "max_wal_size": "4GB", "checkpoint_timeout": "30min", "jit": "off",
}


def missing_binaries() -> str | None:
    """Why a server cannot be started here (a sentence), or None when it can."""
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / name).exists():
            return (f"{PG_BIN / name} is missing: install Debian's postgresql-15 and postgresql-15-postgis-3 "
                    "(apt-get install -y postgresql-15 postgresql-15-postgis-3)")
    if not Path("/usr/share/postgresql/15/extension/postgis.control").exists():
        return "PostGIS is missing: apt-get install -y postgresql-15-postgis-3"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root needs runuser to start PostgreSQL as the postgres user"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """A PostgreSQL server in a temporary folder on a free port; ``url`` reaches database ``geo``
    as role ``geo`` (password authentication over TCP), PostGIS installed."""

    def __init__(self, *, settings: dict[str, str] | None = None, database: str = "geo", user: str = "geo",
                 extensions: tuple[str, ...] = ("postgis",), root: str | Path | None = None):
        #: a folder whose server is kept between runs (None: a temporary one, deleted at the end)
        self.kept_root = Path(root).resolve() if root is not None else None
        self.settings = {**FAST_SETTINGS, **(settings or {})}
        #: created by the superuser in each database (``periods``, SQL:2011 system versioning, needs one)
        self.extensions = tuple(extensions)
        self.database, self.user = database, user
        self.password = secrets.token_urlsafe(12)
        self.port = 0
        self.root: Path | None = None
        self._as_postgres = os.geteuid() == 0
        self.reused = False

    # -- helpers -------------------------------------------------------------------------------

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        args = [str(c) for c in cmd]
        if self._as_postgres:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=check, capture_output=True, text=True, cwd=str(self.root))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def url_for(self, *, password: str | None = None, database: str | None = None) -> str:
        return (f"postgresql://{self.user}:{self.password if password is None else password}@127.0.0.1:"
                f"{self.port}/{database or self.database}")

    @property
    def admin_url(self) -> str:
        """The superuser over the local socket (trusted): for creating databases and roles."""
        return f"postgresql:///postgres?host={self.socket_dir}&port={self.port}&user=postgres"

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> TempPostgres:
        reason = missing_binaries()
        if reason:
            raise RuntimeError(reason)
        if self.kept_root is not None:
            self.root = self.kept_root
            self.root.mkdir(parents=True, exist_ok=True)
        else:
            self.root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        fresh = not (self.data_dir / "PG_VERSION").exists()
        #: True when this server started the data kept by an earlier run (``root=``)
        self.reused = not fresh
        self.socket_dir.mkdir(exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        if fresh:
            self._initdb()
        for attempt in range(5):
            self.port = free_port()
            options = ["-c listen_addresses=127.0.0.1", f"-p {self.port}", f"-k {self.socket_dir}"]
            options += [f"-c {k}={v}" for k, v in self.settings.items()]
            done = self._run(PG_BIN / "pg_ctl", "-D", self.data_dir, "-l", self.root / "server.log", "-w",
                             "-t", "60", "-o", " ".join(options), "start", check=False)
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(f"PostgreSQL did not start: {self.log()[-2000:]}")
        if fresh:
            self._setup()
        else:
            self._new_password()
        return self

    def _initdb(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text("unused-" + secrets.token_urlsafe(8) + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data_dir, "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8")
        pwfile.unlink()

    def _new_password(self) -> None:
        """A kept server started again: the role's password is a new random one (never stored)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(self.user),
                                                                     sql.Literal(self.password)))

    def _setup(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(self.user), sql.Literal(self.password)))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(self.database),
                                                                       sql.Identifier(self.user)))
        self._extensions(self.database)

    def _extensions(self, database: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url.replace("/postgres?", f"/{database}?"), autocommit=True) as conn:
            for name in self.extensions:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {} CASCADE").format(sql.Identifier(name)))

    def create_database(self, name: str) -> str:
        """A new empty database with PostGIS, owned by the role; its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name),
                                                                       sql.Identifier(self.user)))
        self._extensions(name)
        return self.url_for(database=name)

    def log(self) -> str:
        try:
            return (self.root / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.root is None:
            return
        if self.data_dir.exists():
            self._run(PG_BIN / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop", check=False)
        if self.kept_root is None:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


__all__ = ["TempPostgres", "missing_binaries", "free_port", "PG_BIN"]
