"""`make run`: the development store (unless MONGO_URL is set) and the five services."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from aftersales_shared.devstack import DEFAULT_PORTS, Stack
from aftersales_shared.settings import DEV_SECRET

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def main() -> int:
    VAR.mkdir(exist_ok=True)
    stack = Stack()
    env = {
        "AUTH_SECRET": os.environ.get("AUTH_SECRET", DEV_SECRET),
        "CLOCK": os.environ.get("CLOCK", "virtual"),
        # the workbench (order-svc's origin) reads metrics-svc's API from the browser
        "METRICS_API_URL": f"http://127.0.0.1:{DEFAULT_PORTS['metrics-svc']}",
        "CORS_ORIGINS": f"http://127.0.0.1:{DEFAULT_PORTS['order-svc']}",
    }
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        if "MONGO_URL" not in os.environ:
            port = int(os.environ.get("DEV_STORE_PORT", "27017"))
            env["MONGO_URL"] = stack.start_dev_store(
                port=port, data_dir=VAR / "mongo", log_path=VAR / "dev-store.log"
            )
            print(f"development store  {env['MONGO_URL']}  (data in var/mongo)", flush=True)
        for service, port in DEFAULT_PORTS.items():
            stack.start_service(service, port=port, env=env)
        stack.wait_ready(timeout=90)
        for process in stack.processes:
            if process.url:
                print(f"{process.name:<16} {process.url}/docs", flush=True)
        print(f"QC dashboard     http://127.0.0.1:{DEFAULT_PORTS['metrics-svc']}/dashboard")
        print(f"seller workbench http://127.0.0.1:{DEFAULT_PORTS['order-svc']}/workbench")
        print("all five services are ready; Ctrl-C stops them", flush=True)
        while not stopping:
            for process in stack.processes:
                if process.popen.poll() is not None:
                    code = process.popen.returncode
                    print(f"{process.name} exited ({code}); stopping", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
