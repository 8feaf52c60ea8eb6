"""The production pieces as the tests run them: deploy/serve (the server command of `make serve`
and the systemd unit) and Caddy with deploy/Caddyfile, on high loopback ports.

Caddy is Debian's package (`make caddy`, run by `make test`). Without it these tests skip
loudly, unless CI=true (or INTAKE_REQUIRE_CADDY=1): then they fail, as for chromium."""

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, free_port

ROOT = Path(__file__).resolve().parents[2]
CADDYFILE = ROOT / "deploy" / "Caddyfile"


def caddy_or_skip() -> str:
    caddy = shutil.which("caddy")
    if caddy:
        return caddy
    message = "!!! Debian's caddy is missing (make caddy): SKIPPING the served-stack tests !!!"
    if os.environ.get("CI") == "true" or os.environ.get("INTAKE_REQUIRE_CADDY") == "1":
        pytest.fail("caddy is missing and CI requires the served-stack tests")
    print(f"\n{message}\n", file=sys.stderr)
    pytest.skip(message)


class ServedApp(LiveServer):
    """deploy/serve, exactly as production runs it, with its own data folder."""

    def __init__(
        self, env: dict[str, str], workers: int = 1, extra_args: tuple[str, ...] = ()
    ) -> None:
        super().__init__(env, workers, extra_args)
        self.data_dir = tempfile.mkdtemp(prefix="intake-served-")
        bin_dir = str(Path(sys.executable).parent)
        self.env.update(
            {
                "INTAKE_PORT": str(self.port),
                "INTAKE_WORKERS": str(workers),
                "INTAKE_DATA_DIR": self.data_dir,
                "PATH": f"{bin_dir}:{os.environ['PATH']}",
                **{k: v for k, v in env.items() if k == "INTAKE_BASE_URL"},
            }
        )

    def command(self) -> list[str]:
        return [str(ROOT / "deploy" / "serve"), *self.extra_args]

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Caddy:
    """`caddy run` on deploy/Caddyfile: its internal CA, admin off, bound to 127.0.0.1."""

    def __init__(self, upstreams: list[str]) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="intake-caddy-"))
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://localhost:{self.https_port}"
        self.root_ca = self.home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "INTAKE_SITE": "localhost",
            "INTAKE_TLS": "internal",
            "INTAKE_UPSTREAMS": " ".join(upstreams),
            "CADDY_HTTP_PORT": str(self.http_port),
            "CADDY_HTTPS_PORT": str(self.https_port),
            "CADDY_BIND": "127.0.0.1",
            "CADDY_ADMIN": "off",
        }
        self.log = self.home / "caddy.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, caddy: str) -> "Caddy":
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.home,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.root_ca.exists():
                try:
                    # Any answer over TLS will do: the servers behind may still be starting.
                    with httpx.Client(verify=self.trust(), timeout=10) as http:
                        http.get(f"{self.url}/healthz")
                        return self
                except httpx.HTTPError:
                    pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"caddy did not start:\n{self.log.read_text(errors='replace')}")

    def trust(self) -> ssl.SSLContext:
        """A client's TLS context that trusts Caddy's internal CA and nothing else."""
        return ssl.create_default_context(cafile=str(self.root_ca))

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.home, ignore_errors=True)
