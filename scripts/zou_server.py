#!/usr/bin/env python3
"""Install and start a real Zou (Kitsu API) server on loopback for genflag's Kitsu tests.

Usage::

    python3 scripts/zou_server.py start [--state-dir DIR]   # prints the server as JSON, keeps running
    python3 scripts/zou_server.py stop  [--state-dir DIR]   # stops what `start` started, by PID

What it does (idempotent, a few seconds when everything is already there):

1. Debian's ``postgresql`` and ``redis-server``: installed with apt-get when missing
   (``apt-get update`` first when the package lists are empty or stale), which needs root.
2. The PostgreSQL ``main`` cluster of the newest installed major version, started with
   ``pg_ctlcluster`` when it is down; a role and a database made with psql/createdb. A cluster
   this script started is stopped (by its PID) by the last server started from the same cache
   directory to stop, so two test sessions can share it.
3. A private ``redis-server`` on a free loopback port (``--daemonize yes --pidfile``).
4. ``zou==1.0.97`` and ``gazu==1.3.1`` in a separate virtual environment under the cache
   directory (``$GENFLAG_ZOU_HOME``, default ``~/.cache/genflag-zou``), never in genflag's.
5. ``zou init-db``, ``zou init-data --domain vfx`` and ``zou create-admin`` when the database
   lacks them, then gunicorn on ``127.0.0.1:<free port>``; the API is served at the root.

The test fixture imports this module and calls :func:`start` / :func:`stop` itself so that
gunicorn is its own child process. :class:`CannotStart` means the machine cannot run the
server at all (not root, no apt-get, no network to the package registries): tests skip on it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ZOU_VERSION = "1.0.97"
GAZU_VERSION = "1.3.1"
APT_PACKAGES = ("postgresql", "redis-server")
ADMIN_EMAIL = "admin@example.com"
DB_ROLE = "genflag_zou"
DB_NAME = "genflag_zou_" + ZOU_VERSION.replace(".", "_")
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


class CannotStart(RuntimeError):
    """The machine cannot run a Zou server (missing root, apt-get or network)."""


class StartFailed(RuntimeError):
    """Setting up or starting the server failed although the machine should allow it."""


@dataclass
class ServerInfo:
    """A running server: where it answers, how to log in, and what to stop."""

    host: str
    email: str
    password: str
    state_dir: str
    gunicorn_pid: int = 0
    redis_pid: int = 0
    started_postgres: bool = False
    user_file: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    log: str = ""


def home_dir() -> Path:
    """Return the cache directory holding the zou virtual environment and its secrets."""
    env = os.environ.get("GENFLAG_ZOU_HOME")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "genflag-zou"


def run(cmd: list[str], timeout: float = 300, env: dict[str, str] | None = None,
        cwd: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output; raise StartFailed with its tail when it fails."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise StartFailed(f"{cmd[0]} {' '.join(cmd[1:3])}: timed out after {timeout:.0f}s") from exc
    if check and proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise StartFailed(f"{' '.join(cmd[:4])}: exit {proc.returncode}: {' | '.join(tail)}")
    return proc


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock so two test sessions never install at the same time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Debian packages -------------------------------------------------------------------

def missing_packages() -> list[str]:
    """Return the apt packages whose programs are not installed."""
    missing = []
    if not shutil.which("pg_ctlcluster") or not postgres_majors():
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    return missing


def postgres_majors() -> list[str]:
    """Return the installed PostgreSQL major versions, newest first."""
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return []
    versions = [p.name for p in root.iterdir() if (p / "bin" / "postgres").exists()]
    return sorted(versions, key=lambda v: float(v) if v.replace(".", "").isdigit() else 0, reverse=True)


def apt_install(packages: list[str]) -> None:
    """Install Debian packages, updating the package lists first when needed."""
    if os.geteuid() != 0:
        raise CannotStart(f"{', '.join(packages)} not installed and not root (cannot apt-get install)")
    if not shutil.which("apt-get"):
        raise CannotStart(f"{', '.join(packages)} not installed and no apt-get on this machine")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", *packages]
    if run(install, timeout=900, env=env, check=False).returncode == 0:
        return
    update = run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q"], timeout=600, env=env, check=False)
    if update.returncode != 0:
        raise CannotStart(f"apt-get update failed: {update.stderr.strip().splitlines()[-1:]}")
    proc = run(install, timeout=900, env=env, check=False)
    if proc.returncode != 0:
        raise CannotStart(f"apt-get install {' '.join(packages)} failed: {proc.stderr.strip().splitlines()[-1:]}")


# --- PostgreSQL ------------------------------------------------------------------------

@dataclass
class Cluster:
    """One row of pg_lsclusters."""

    version: str
    name: str
    port: int
    online: bool
    data_dir: Path


def find_cluster() -> Cluster | None:
    """Return the `main` cluster of the newest major version, if any."""
    proc = run(["pg_lsclusters", "--no-header"], check=False)
    rows = [line.split() for line in proc.stdout.splitlines() if line.strip()]
    clusters = [Cluster(r[0], r[1], int(r[2]), r[3].startswith("online"), Path(r[5]))
                for r in rows if len(r) >= 6 and r[2].isdigit()]
    mains = [c for c in clusters if c.name == "main"] or clusters
    mains.sort(key=lambda c: float(c.version), reverse=True)
    return mains[0] if mains else None


def ensure_cluster() -> tuple[Cluster, bool]:
    """Create and start the cluster when needed; return it and whether we started it."""
    cluster = find_cluster()
    if cluster is None:
        run(["pg_createcluster", postgres_majors()[0], "main"], timeout=120)
        cluster = find_cluster()
        if cluster is None:
            raise StartFailed("pg_createcluster ran but pg_lsclusters shows no cluster")
    if cluster.online:
        return cluster, False
    run(["pg_ctlcluster", cluster.version, cluster.name, "start"], timeout=120)
    return cluster, True


def postmaster_pid(cluster: Cluster) -> int:
    """Return the PID of the cluster's postmaster (first line of postmaster.pid)."""
    try:
        return int((cluster.data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def psql(cluster: Cluster, sql: str, database: str = "postgres") -> str:
    """Run one SQL statement as the postgres superuser and return its bare output."""
    proc = run(["runuser", "-u", "postgres", "--", "psql", "-p", str(cluster.port), "-d", database,
                "-v", "ON_ERROR_STOP=1", "-tAc", sql], timeout=60)
    return proc.stdout.strip()


def ensure_database(cluster: Cluster, secrets_: dict[str, str], fresh: bool) -> None:
    """Create (or recreate) the role and the database zou uses."""
    role_sql = (f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='{DB_ROLE}') "
                f"THEN CREATE ROLE {DB_ROLE} LOGIN; END IF; END$$;")
    psql(cluster, role_sql)
    psql(cluster, f"ALTER ROLE {DB_ROLE} LOGIN PASSWORD '{secrets_['db_password']}'")
    exists = psql(cluster, f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'") == "1"
    if exists and fresh:
        run(["runuser", "-u", "postgres", "--", "dropdb", "-p", str(cluster.port), "--force", DB_NAME], timeout=120)
        exists = False
    if not exists:
        run(["runuser", "-u", "postgres", "--", "createdb", "-p", str(cluster.port), "-O", DB_ROLE, DB_NAME],
            timeout=120)


def database_state(cluster: Cluster) -> dict[str, bool]:
    """Tell which zou initialisation steps the database already has."""
    has_tables = psql(cluster, "SELECT to_regclass('public.person') IS NOT NULL", DB_NAME) == "t"
    if not has_tables:
        return {"tables": False, "data": False, "admin": False}
    data = psql(cluster, "SELECT count(*) FROM task_type", DB_NAME) not in ("", "0")
    admin = psql(cluster, f"SELECT count(*) FROM person WHERE email='{ADMIN_EMAIL}' AND role='admin'",
                 DB_NAME) not in ("", "0")
    return {"tables": True, "data": data, "admin": admin}


# --- redis, zou, gunicorn ------------------------------------------------------------

def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(state: Path) -> tuple[int, int]:
    """Start a private redis-server on a free loopback port; return (port, pid)."""
    port, pidfile = free_port(), state / "redis.pid"
    run(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--daemonize", "yes",
         "--pidfile", str(pidfile), "--dir", str(state), "--save", "", "--appendonly", "no",
         "--logfile", str(state / "redis.log")], timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pidfile.exists() and pidfile.read_text().strip().isdigit():
            return port, int(pidfile.read_text().strip())
        time.sleep(0.05)
    raise StartFailed(f"redis-server did not write {pidfile} within 10s")


def ensure_venv(home: Path) -> Path:
    """Create the zou virtual environment once; return its bin directory."""
    venv = home / f"venv-zou-{ZOU_VERSION}"
    marker = venv / ".genflag-installed"
    if marker.exists():
        return venv / "bin"
    if venv.exists():
        shutil.rmtree(venv)
    run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    proc = run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                f"zou=={ZOU_VERSION}", f"gazu=={GAZU_VERSION}"], timeout=1200, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-2:]
        raise CannotStart(f"pip install zou=={ZOU_VERSION} failed: {' | '.join(tail)}")
    marker.write_text(f"zou=={ZOU_VERSION} gazu=={GAZU_VERSION}\n")
    return venv / "bin"


def load_secrets(home: Path) -> tuple[dict[str, str], bool]:
    """Return the server's secrets, making them on first use (then the database is fresh)."""
    path = home / "secrets.json"
    if path.exists():
        return json.loads(path.read_text()), False
    values = {"db_password": secrets.token_hex(16), "secret_key": secrets.token_hex(32),
              "admin_password": secrets.token_hex(12)}
    path.touch(mode=0o600)
    path.write_text(json.dumps(values))
    return values, True


def zou_env(cluster: Cluster, redis_port: int, state: Path, secrets_: dict[str, str]) -> dict[str, str]:
    """Return the environment zou and gunicorn run with."""
    for sub in ("previews", "tmp", "plugins", "hooks"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    return dict(os.environ, DB_HOST="127.0.0.1", DB_PORT=str(cluster.port), DB_USERNAME=DB_ROLE,
                DB_PASSWORD=secrets_["db_password"], DB_DATABASE=DB_NAME, KV_HOST="127.0.0.1",
                KV_PORT=str(redis_port), SECRET_KEY=secrets_["secret_key"],
                PREVIEW_FOLDER=str(state / "previews"), TMP_DIR=str(state / "tmp"),
                PLUGIN_FOLDER=str(state / "plugins"), EVENT_HANDLERS_FOLDER=str(state / "hooks"),
                BCRYPT_LOG_ROUNDS="4", MAIL_ENABLED="false", MAIL_CHECK_DELIVERABILITY="false",  # no DNS offline
                USER_LIMIT="100000",  # zou allows 100 people by default; the approval tests make more
                DB_POOL_SIZE="5", DB_MAX_OVERFLOW="5")


def init_zou(bin_dir: Path, cluster: Cluster, env: dict[str, str], secrets_: dict[str, str], cwd: str) -> None:
    """Run the zou initialisation commands the database still needs."""
    done = database_state(cluster)
    zou = str(bin_dir / "zou")
    if not done["tables"]:
        run([zou, "init-db"], timeout=300, env=env, cwd=cwd)
    if not done["data"]:
        run([zou, "init-data", "--domain", "vfx"], timeout=300, env=env, cwd=cwd)
    if not done["admin"]:
        run([zou, "create-admin", ADMIN_EMAIL, "--password", secrets_["admin_password"]],
            timeout=300, env=env, cwd=cwd)


def start_gunicorn(bin_dir: Path, env: dict[str, str], state: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn serving zou on a free loopback port; return the process and its URL."""
    port = free_port()
    cmd = [str(bin_dir / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "120",
           "--no-control-socket", "zou.app:app"]
    with open(state / "gunicorn.log", "ab") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, env=env, cwd=str(state), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float = READY_TIMEOUT) -> None:
    """Poll the API root until it answers, the process dies, or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartFailed(f"gunicorn exited with {proc.returncode}: {tail(log)}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as answer:
                if answer.status == 200 and b"Zou" in answer.read():
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise StartFailed(f"zou did not answer at {url} within {timeout:.0f}s: {tail(log)}")


def tail(path: Path, lines: int = 5) -> str:
    """Return the last lines of a log file, joined on one line."""
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- start / stop --------------------------------------------------------------------

def default_state_dir() -> Path:
    """Return the state directory used when none is given."""
    return home_dir() / "run"


def start(state_dir: Path | None = None, fresh: bool = False) -> tuple[ServerInfo, subprocess.Popen[bytes]]:
    """Install what is missing, start every service, and return the ready server."""
    state = Path(state_dir or default_state_dir())
    state.mkdir(parents=True, exist_ok=True)
    home, timings, t0 = home_dir(), {}, time.monotonic()
    info = ServerInfo(host="", email=ADMIN_EMAIL, password="", state_dir=str(state), log=str(state / "gunicorn.log"))
    try:
        with locked(home / "lock"):
            if missing_packages():
                apt_install(missing_packages())
            timings["apt"] = time.monotonic() - t0
            if os.geteuid() != 0:
                raise CannotStart("not root: cannot start the PostgreSQL cluster or create its role")
            cluster, info.started_postgres = ensure_cluster()
            claim_postgres(home, cluster, info)
            secrets_, new = load_secrets(home)
            info.password = secrets_["admin_password"]
            ensure_database(cluster, secrets_, fresh or new)
            redis_port, info.redis_pid = start_redis(state)
            timings["services"] = time.monotonic() - t0
            bin_dir = ensure_venv(home)
            timings["venv"] = time.monotonic() - t0
            env = zou_env(cluster, redis_port, state, secrets_)
            init_zou(bin_dir, cluster, env, secrets_, str(state))
            timings["init"] = time.monotonic() - t0
        proc, info.host = start_gunicorn(bin_dir, env, state)
        info.gunicorn_pid = proc.pid
        Path(info.user_file).write_text(json.dumps([os.getpid(), proc.pid]))
        wait_ready(proc, info.host, state / "gunicorn.log")
    except BaseException:
        stop(info)
        raise
    timings["ready"] = time.monotonic() - t0
    info.timings = {k: round(v, 2) for k, v in timings.items()}
    server_json = state / "server.json"
    server_json.touch(mode=0o600)
    server_json.write_text(json.dumps(asdict(info)))
    return info, proc


# The PostgreSQL cluster is shared by every server started from the same home directory (two test
# sessions may run at once): each registers itself under users/, and the cluster, when this script
# started it (postgres-owner.json), is stopped by the last one to leave.

def claim_postgres(home: Path, cluster: Cluster, info: ServerInfo) -> None:
    """Register this server as a user of the cluster; remember the postmaster when we started it."""
    users = home / "users"
    users.mkdir(parents=True, exist_ok=True)
    user = users / f"{os.getpid()}-{secrets.token_hex(4)}.json"
    user.write_text(json.dumps([os.getpid()]))
    info.user_file = str(user)
    if info.started_postgres:
        owner = {"pid": postmaster_pid(cluster), "data_dir": str(cluster.data_dir)}
        (home / "postgres-owner.json").write_text(json.dumps(owner))


def release_postgres(home: Path, info: ServerInfo) -> list[str]:
    """Unregister this server; stop the cluster by PID when we started it and nobody uses it now."""
    if info.user_file:
        Path(info.user_file).unlink(missing_ok=True)
    users = home / "users"
    for entry in users.glob("*.json") if users.is_dir() else []:
        try:
            pids = json.loads(entry.read_text())
        except (OSError, ValueError):
            pids = []
        if any(alive(int(pid)) for pid in pids):
            return []
        entry.unlink(missing_ok=True)
    owner_file = home / "postgres-owner.json"
    if not owner_file.exists():
        return []
    owner = json.loads(owner_file.read_text())
    owner_file.unlink()
    current = postmaster_pid(Cluster("", "", 0, True, Path(owner["data_dir"])))
    if not owner.get("pid") or owner["pid"] != current:
        return []  # restarted by someone else since: not ours to stop
    return stop_pid("postgres", current, signal.SIGINT)  # SIGINT: fast shutdown


def stop(info: ServerInfo, proc: subprocess.Popen[bytes] | None = None) -> list[str]:
    """Stop gunicorn and redis by PID, and postgres when we started it and no other server uses it."""
    problems = []
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    elif info.gunicorn_pid:
        problems += stop_pid("gunicorn", info.gunicorn_pid, signal.SIGTERM)
    if info.redis_pid:
        problems += stop_pid("redis-server", info.redis_pid, signal.SIGTERM)
    with locked(home_dir() / "lock"):
        problems += release_postgres(home_dir(), info)
    return problems


def alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop_pid(name: str, pid: int, sig: signal.Signals) -> list[str]:
    """Signal one process and wait (bounded) for it to go; SIGKILL it if it will not."""
    if not alive(pid):
        return []
    os.kill(pid, sig)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not alive(pid):
            return []
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return [f"{name} (pid {pid}) ignored {sig.name} for {STOP_TIMEOUT:.0f}s and was killed"]


def main(argv: list[str] | None = None) -> int:
    """Command line: start or stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state-dir", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args(argv)
    state = args.state_dir or default_state_dir()
    if args.action == "stop":
        data = json.loads((state / "server.json").read_text())
        for problem in stop(ServerInfo(**data)):
            print(problem, file=sys.stderr)
        return 0
    try:
        info, _proc = start(state, fresh=args.fresh)
    except CannotStart as exc:
        print(f"cannot start zou: {exc}", file=sys.stderr)
        return 3
    except StartFailed as exc:
        print(f"zou failed to start: {exc}", file=sys.stderr)
        return 1
    shown = {k: v for k, v in asdict(info).items() if k != "password"}
    print(json.dumps(shown, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
