"""The public card through the real server, as `make run` starts it, against nginx serving the same bytes.

Run: `.venv/bin/python bench/http_bench.py [--duration 10] [--connections 64] [--modes sqlite,postgres]`
(`make bench` runs it and installs wrk and nginx from Debian when they are missing).

For each mode it starts `reflex run --env prod --single-port` on a free port with a fresh data folder
(`sqlite`: the embedded default; `postgres`: a throwaway PostgreSQL database and a Redis database of its
own, which makes the app start several server processes), seeds the demo card, fetches the page, its QR
codes and its vCard once, and serves those exact bytes from nginx (the static reference, same run). wrk
then drives every target with the same connections and duration; the table shows req/s, p50 and p99
latency, non-2xx answers, and each target's ratio to nginx serving the same bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.common import ROOT, postgres_database

BROWSER_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
# (label, path on the app, file name in nginx's root, content type nginx sends)
TARGETS = [
    ("/c/demo", "/c/demo", "page.html", "text/html; charset=utf-8"),
    ("/c/demo?src=qr", "/c/demo?src=qr", "page.html", "text/html; charset=utf-8"),
    ("/c/demo/qr.svg", "/c/demo/qr.svg", "qr.svg", "image/svg+xml"),
    ("/c/demo/qr.png", "/c/demo/qr.png", "qr.png", "image/png"),
    ("/c/demo.vcf", "/c/demo.vcf", "card.vcf", "text/vcard; charset=utf-8"),
]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PG_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


@dataclass
class WrkResult:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: int


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(value: str, unit: str) -> float:
    """wrk's latency figure in milliseconds."""
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    """Pick req/s, the 50% and 99% latency, the request count and the non-2xx/3xx and socket error counts."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        rps=rps,
        p50_ms=_ms(*p50.groups()),
        p99_ms=_ms(*p99.groups()),
        requests=total,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk(url: str, *, duration: int, connections: int, threads: int = 2) -> WrkResult:
    """Drive one URL with wrk (a browser user agent, keep-alive) and parse its report."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"User-Agent: {BROWSER_UA}",
        "-H",
        "Accept-Encoding: gzip, br",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    return parse_wrk(output)


@contextlib.contextmanager
def nginx(root: Path, files: dict[str, str]) -> Iterator[str]:
    """nginx serving `files` (name -> content type) from `root` on a free port; yields its base URL."""
    port = free_port()
    locations = "\n".join(
        f'        location = /{name} {{ default_type "{ctype}"; }}' for name, ctype in sorted(files.items())
    )
    conf = root / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ }}
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        etag on;
{locations}
    }}
}}
"""
    )
    proc = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf), "-g", "daemon off;"])
    try:
        _wait_for(f"http://127.0.0.1:{port}/{next(iter(files))}", proc, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for(url: str, proc: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    """Poll a URL until it answers 200, or fail with the process log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise SystemExit(f"{proc.args[0]} exited with {proc.returncode}\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s\n{tail}")


def app_environment(mode: str, data_dir: Path, port: int) -> tuple[dict[str, str], list]:
    """The environment `make run` would give the app in this mode, and the clean-ups it needs."""
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "METAIC_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir}/metaic.db",
        "REDIS_URL": "",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")
    cleanups = []
    if mode == "postgres":
        import redis

        url, drop = postgres_database(PG_SERVER_URL)
        redis_url = f"{REDIS_SERVER_URL.rstrip('/')}/14"
        client = redis.Redis.from_url(redis_url)
        client.flushdb()
        env.update({"DATABASE_URL": url, "REDIS_URL": redis_url})
        env.setdefault("GRANIAN_WORKERS", str(os.cpu_count() or 1))  # as `make run` sets it with Redis
        cleanups += [drop, client.flushdb]
    return env, cleanups


@contextlib.contextmanager
def running_app(mode: str, work: Path) -> Iterator[str]:
    """Migrate, seed the demo card and start the app as `make run` does; yields its base URL."""
    port = free_port()
    data_dir = work / f"data-{mode}"
    env, cleanups = app_environment(mode, data_dir, port)
    python = sys.executable
    try:
        for command in (["migrate"], ["seed-demo", "--force"]):
            subprocess.run(
                [python, "-m", "metaic", *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
            )
        log = work / f"app-{mode}.log"
        reflex = shutil.which("reflex", path=env["PATH"]) or "reflex"
        argv = [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port)]
        argv += ["--backend-port", str(port), "--backend-host", "127.0.0.1"]
        with log.open("w") as out:
            proc = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/c/demo", proc, timeout=600, log=log)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    finally:
        for cleanup in cleanups:
            cleanup()


def measure_mode(mode: str, work: Path, duration: int, connections: int) -> list[tuple[str, WrkResult, WrkResult]]:
    """Start the app in one mode, copy its bytes into nginx, and wrk each target against both."""
    with running_app(mode, work) as base:
        www = work / f"nginx-{mode}" / "www"
        www.mkdir(parents=True)
        files = {}
        headers = {"user-agent": BROWSER_UA}
        for _, path, name, ctype in TARGETS:
            (www / name).write_bytes(httpx.get(base + path, headers=headers, timeout=10).content)
            files[name] = ctype
        rows = []
        with nginx(www.parent, files) as static:
            for label, path, name, _ in TARGETS:
                reference = wrk(f"{static}/{name}", duration=duration, connections=connections)
                ours = wrk(base + path, duration=duration, connections=connections)
                rows.append((label, ours, reference))
        return rows


def print_rows(mode: str, rows: list[tuple[str, WrkResult, WrkResult]]) -> None:
    """One table per mode: ours, nginx, and the ratio."""
    print(
        f"\n{mode}: {'target':18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'errors':>7}"
        f" {'nginx req/s':>12} {'nginx p99':>10} {'x nginx':>8}"
    )
    for label, ours, ref in rows:
        print(
            f"{' ' * (len(mode) + 2)}{label:18} {ours.rps:9.0f} {ours.p50_ms:8.2f} {ours.p99_ms:8.2f}"
            f" {ours.non_2xx:8d} {ours.errors:7d} {ref.rps:12.0f} {ref.p99_ms:10.2f} {ours.rps / ref.rps:8.3f}"
        )


def main() -> None:
    """Run every mode and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--modes", default="sqlite,postgres", help="sqlite, postgres (PostgreSQL + Redis)")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():  # nginx lives in sbin
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx-light (make bench does it)")
    print(f"wrk: {args.connections} connections, {args.duration} s per target, same bytes served by nginx")
    with tempfile.TemporaryDirectory(prefix="metaic-http-bench-") as folder:
        os.chmod(folder, 0o755)  # noqa: S103 (nginx's workers run as an unprivileged user and must read the files)
        for mode in args.modes.split(","):
            print_rows(mode, measure_mode(mode.strip(), Path(folder), args.duration, args.connections))


if __name__ == "__main__":
    main()
