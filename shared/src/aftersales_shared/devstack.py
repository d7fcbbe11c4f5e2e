"""Starts the development store and the five services as processes (make run, e2e tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aftersales_shared.contracts import SERVICES

DEFAULT_PORTS = {
    "order-svc": 8001,
    "timer-svc": 8002,
    "sms-svc": 8003,
    "metrics-svc": 8004,
    "arbitration-svc": 8005,
}


def module_of(service: str) -> str:
    return service.replace("-", "_")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    url: str | None = None


@dataclass
class Stack:
    """A set of child processes started and stopped together."""

    processes: list[Process] = field(default_factory=list)

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        url: str | None = None,
        log_path: Path | None = None,
    ) -> Process:
        out = open(log_path, "ab") if log_path else None  # noqa: SIM115 - lives with the child
        # A session of its own: the terminal's Ctrl-C reaches only the parent, which then stops
        # the services before the store they need to shut down cleanly.
        popen = subprocess.Popen(
            list(argv),
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(name=name, popen=popen, url=url)
        self.processes.append(process)
        return process

    def start_dev_store(self, *, port: int, data_dir: Path, log_path: Path | None = None) -> str:
        """The MongoDB-wire development store (nx-27017); returns its URL once it answers."""
        data_dir.mkdir(parents=True, exist_ok=True)
        exe = Path(sys.executable).with_name("nx-27017")
        self.start(
            "dev-store",
            [
                str(exe),
                "--data-dir",
                str(data_dir),
                "--pid-file",
                str(data_dir / "nx-27017.pid"),
                "-p",
                str(port),
                "--host",
                "127.0.0.1",
            ],
            env={},
            log_path=log_path,
        )
        url = f"mongodb://127.0.0.1:{port}"
        wait_tcp("127.0.0.1", port, timeout=30)
        return url

    def start_service(
        self, service: str, *, port: int, env: Mapping[str, str], log_path: Path | None = None
    ) -> Process:
        return self.start(
            service,
            [sys.executable, "-m", module_of(service)],
            env={**env, "HTTP_PORT": str(port)},
            url=f"http://127.0.0.1:{port}",
            log_path=log_path,
        )

    def wait_ready(self, *, timeout: float = 60.0) -> None:
        """Wait until every service answers /readyz with 200; fail if one exits."""
        deadline = time.monotonic() + timeout
        for process in self.processes:
            if process.url is None:
                continue
            while not _ready(process.url):
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited with {process.popen.returncode}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{process.name} not ready within {timeout}s")
                time.sleep(0.1)

    def stop(self, *, timeout: float = 30.0) -> None:
        """SIGTERM the services first, the store last; SIGKILL what does not exit in time."""
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
            try:
                process.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()
        self.processes.clear()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_tcp(host: str, port: int, *, timeout: float) -> None:
    """Wait until something accepts connections on host:port."""
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.1)


__all__ = ["DEFAULT_PORTS", "SERVICES", "Process", "Stack", "module_of", "wait_tcp"]
