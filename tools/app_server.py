"""Start `streamlit run` on a free port for one database, and launch Debian's Chromium fast.

The one place that knows how to serve the app for a browser: the browser tests
(tests/browser/conftest.py) and the browser benchmark (bench/browser.py) both use it.

    with app_server("sqlite:///demo.db", Path("server.log")) as base:
        ...  # base is "http://127.0.0.1:PORT"
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 90  # a first start on a loaded two-core machine imports for a long while

# Debian's /usr/bin/chromium is a shell wrapper that adds flags for a desktop session
# (--enable-gpu-rasterization, extension loading) before exec'ing this binary; Playwright
# drives the binary itself.
CHROMIUM = Path("/usr/lib/chromium/chromium")
if not CHROMIUM.exists():
    CHROMIUM = Path("/usr/bin/chromium")
# Beyond Playwright's own defaults (which already stop background timers throttling and
# renderer backgrounding): no sandbox (root in a container), no GPU process work on a machine
# without one, nothing that reaches the network on its own, and one renderer process per
# site instead of per frame (fewer processes on two cores).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-software-rasterizer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter,site-per-process,"
    "IsolateOrigins",
    "--disable-site-isolation-trials",
]


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer its health check in time (message: its log)."""


def chromium_launch_args() -> dict:
    """Keyword arguments for Playwright's `chromium.launch` (headless)."""
    return {"executable_path": str(CHROMIUM), "headless": True, "args": list(CHROMIUM_ARGS)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base: str) -> bool:
    """Streamlit answers its health check."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def app_server(db_url: str | None, log_path: Path, *, script: str | Path = "app.py",
               secrets: Path | None = None, env: dict | None = None, port: int | None = None,
               startup_seconds: float = STARTUP_SECONDS, cwd: Path = ROOT) -> Iterator[str]:
    """`streamlit run script` (from `cwd`, the repository root unless given: Streamlit reads
    .streamlit/config.toml from there) on a free port with DATABASE_URL set
    to `db_url`; yields the base URL once the server answers, stops it afterwards.

    `secrets`: a secrets.toml handed over with --secrets.files (none is written into the
    repository). `port`: a free one when not given (a caller that must know the URL before the
    server starts, for an OIDC redirect, picks it with `free_port`). Raises ServerDidNotStart
    with the server's log when it does not come up.
    """
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    if db_url:
        full_env["DATABASE_URL"] = db_url
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    if secrets is not None:
        cmd += ["--secrets.files", str(secrets)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup_seconds
        while not healthy(base):
            if proc.poll() is not None:
                raise ServerDidNotStart(
                    f"streamlit exited with {proc.returncode} before answering:\n"
                    f"{log_path.read_text(errors='replace')[-5000:]}")
            if time.monotonic() > deadline:
                raise ServerDidNotStart(
                    f"streamlit did not answer /_stcore/health in {startup_seconds} s:\n"
                    f"{log_path.read_text(errors='replace')[-5000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# Installed in every page before Streamlit loads (Playwright's add_init_script): counts the
# script runs the server reports finished (window.__runsDone; window.__lastDone is when, in
# performance.now() ms) — a ForwardMsg whose top-level field 6, script_finished, is set and is
# not "finished early for a rerun" — because the page's data-test-script-state can skip
# "running" altogether for a short run, so it cannot tell that a run happened.
WATCH_RUNS = """(() => {
  window.__runsDone = 0;
  window.__lastDone = 0;
  const endsRun = (buffer) => {
    const b = new Uint8Array(buffer);
    let i = 0;
    const varint = () => { let v = 0, m = 1, x; do { x = b[i++]; v += (x & 0x7f) * m; m *= 128; }
                           while (x & 0x80 && i < b.length); return v; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) { const v = varint(); if (field === 6) return v !== 2; }
      else if (wire === 2) { const n = varint(); i += n; }  // (i += varint() reads i first)
      else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; } else { return false; }
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (event) => {
      if (event.data instanceof ArrayBuffer && endsRun(event.data)) {
        window.__runsDone += 1; window.__lastDone = performance.now();
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
