"""MongoDB's health check and first-start script, run by Node.js against a fake `rs`/`db`."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("order-svc", "timer-svc", "sms-svc", "metrics-svc", "arbitration-svc")
# mongosh's globals, faked: every call is recorded; quit(n) ends the script with exit code n.
HARNESS = r"""
const vm = require("vm");
const [code, scenario] = [process.argv[1], JSON.parse(process.argv[2])];
const calls = [];
const fail = (codeName) => Object.assign(new Error(codeName), { codeName });
const sandbox = {
  rs: {
    status() {
      if (scenario.statusError) throw fail(scenario.statusError);
      return { ok: 1 };
    },
    initiate(config) { calls.push(["initiate", config]); return { ok: 1 }; },
  },
  db: {
    hello() { return { isWritablePrimary: scenario.primary }; },
    getSiblingDB(name) { return { createUser(user) { calls.push(["createUser", name, user]); } }; },
  },
  quit(code) { throw { quit: code }; },
  print() {},
  process: { env: scenario.env || {} },
};
let exit = 0;
try { vm.runInNewContext(code, sandbox); }
catch (e) { exit = e && "quit" in e ? e.quit : 1; }
console.log(JSON.stringify({ exit, calls }));
"""


def run_js(code: str, scenario: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    argv = [node, "-e", HARNESS, code, json.dumps(scenario)]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    outcome: dict[str, Any] = json.loads(result.stdout)
    return outcome


@pytest.fixture(scope="module")
def health_js(compose: dict[str, Any]) -> str:
    """The JavaScript the compose health check hands to mongosh --eval."""
    command = compose["services"]["mongo"]["healthcheck"]["test"][1]
    found = re.search(r'--eval "(.*)"$', command, re.S)
    assert found is not None
    return found[1]


def test_the_first_check_initiates_the_replica_set(health_js: str) -> None:
    outcome = run_js(health_js, {"statusError": "NotYetInitialized", "primary": True})
    member = {"_id": 0, "host": "mongo:27017"}
    assert outcome["calls"] == [["initiate", {"_id": "rs0", "members": [member]}]]
    assert outcome["exit"] == 0


def test_unhealthy_until_this_node_is_the_writable_primary(health_js: str) -> None:
    outcome = run_js(health_js, {"primary": False})
    assert outcome["calls"] == []
    assert outcome["exit"] == 1


def test_an_initiated_primary_is_healthy_and_left_alone(health_js: str) -> None:
    outcome = run_js(health_js, {"primary": True})
    assert outcome == {"exit": 0, "calls": []}


def test_other_errors_fail_the_check_without_initiating(health_js: str) -> None:
    outcome = run_js(health_js, {"statusError": "Unauthorized", "primary": True})
    assert outcome == {"exit": 1, "calls": []}


def test_the_replica_set_name_and_host_agree_everywhere(compose: dict[str, Any]) -> None:
    assert "replSetName: rs0" in (DEPLOY / "mongo" / "mongod.conf").read_text()
    assert compose["services"]["mongo"]["hostname"] == "mongo"


def test_the_app_user_may_write_exactly_the_services_databases() -> None:
    """The grants must match the database names the services' settings compute."""
    env = {"MONGO_APP_USER": "app", "MONGO_APP_PASSWORD": "pw", "MONGO_DB_PREFIX": "acme"}
    outcome = run_js((DEPLOY / "mongo" / "10-app-user.js").read_text(), {"env": env})
    assert outcome["exit"] == 0
    [[call, database, user]] = outcome["calls"]
    assert (call, database) == ("createUser", "admin")
    assert (user["user"], user["pwd"]) == ("app", "pw")
    expected = set()
    for name in SERVICES:
        settings = importlib.import_module(f"{name.replace('-', '_')}.config").Settings
        expected.add(settings(auth_secret="x" * 16, mongo_db_prefix="acme").mongo_db)
    assert {(r["role"], r["db"]) for r in user["roles"]} == {("readWrite", db) for db in expected}
