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
WORKBENCH_ORIGINS = ",".join(
    f"http://{host}:{DEFAULT_PORTS['order-svc']}" for host in ("127.0.0.1", "localhost")
)


def demo_data(env: dict[str, str]) -> None:
    """With ENV=development, load the demo data once (DEMO_DATA=false turns it off)."""
    if env["ENV"] != "development" or os.environ.get("DEMO_DATA", "true").lower() == "false":
        return
    import asyncio
    import importlib

    loader = importlib.import_module("demo_data")  # scripts/demo_data.py, beside this file
    done = asyncio.run(
        loader.load(
            order_url=f"http://127.0.0.1:{DEFAULT_PORTS['order-svc']}",
            metrics_url=f"http://127.0.0.1:{DEFAULT_PORTS['metrics-svc']}",
            amqp_url=os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
            namespace=os.environ.get("BUS_NAMESPACE", "aftersales"),
            secret=env["AUTH_SECRET"],
            retry_delay_ms=int(os.environ.get("BUS_RETRY_DELAY_MS", "1000")),
        )
    )
    print(
        f"demo data         {done['orders_created']} of {done['orders']} orders created now "
        f"(the rest were there); closed weeks {', '.join(done['closed_weeks'])}",
        flush=True,
    )


def main() -> int:
    VAR.mkdir(exist_ok=True)
    stack = Stack()
    env = {
        "AUTH_SECRET": os.environ.get("AUTH_SECRET", DEV_SECRET),
        "CLOCK": os.environ.get("CLOCK", "virtual"),
        "ENV": os.environ.get("ENV", "development"),
        # the workbench (served by order-svc) calls metrics-svc's API from the browser
        "CORS_ORIGINS": os.environ.get("CORS_ORIGINS", WORKBENCH_ORIGINS),
        "METRICS_API_URL": f"http://127.0.0.1:{DEFAULT_PORTS['metrics-svc']}",
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
        demo_data(env)
        print(f"QC dashboard     http://127.0.0.1:{DEFAULT_PORTS['metrics-svc']}/dashboard")
        print(f"seller workbench http://127.0.0.1:{DEFAULT_PORTS['order-svc']}/workbench")
        if env["ENV"] == "development":
            print(f"dev sign-in      http://127.0.0.1:{DEFAULT_PORTS['order-svc']}/dev/accounts")
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
