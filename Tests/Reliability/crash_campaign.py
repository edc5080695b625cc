"""Crash campaign: SIGKILL the server at random moments of a mixed workload, many times.

    python3 Tests/Reliability/crash_campaign.py [--rounds 200] [--binary .build/release/model-lifecycle] [--seed N]

Each round starts a server on the same store and pipelines a random mix: assistant creates and
renames, migrations and reverts between two models, cleanup runs, questions, while a second
process compacts now and then; it then kills the server after a random delay. After every kill:
`verify` must pass; every acknowledged create must be present; every acknowledged completed
migration must be in history together with its `model.migrated` audit entry (one transaction:
both or neither for unacknowledged ones too). Prints the figures; exit 1 on any violation.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Protocol", "clients", "python"))
from model_lifecycle_client import Client  # noqa: E402

# The servers here get no catalog, whatever this machine has (an installed litellm, ../shared
# beside the checkout): their models are their own.
os.environ["MODEL_LIFECYCLE_CATALOG"] = "none"


def frame(message):
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_frames(data):
    out, i = [], 0
    while True:
        j = data.find(b"\r\n\r\n", i)
        if j < 0:
            return out
        n = int(data[i:j].split(b":")[1])
        if len(data) < j + 4 + n:
            return out
        out.append(json.loads(data[j + 4:j + 4 + n]))
        i = j + 4 + n


def every(c, method, params):
    """All pages of a list method."""
    items, cursor = [], None
    while True:
        q = dict(params, limit=500)
        if cursor:
            q["cursor"] = cursor
        page = c.call(method, q)
        items += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "model-lifecycle"))
    ap.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    store = tempfile.mkdtemp(prefix="model-lifecycle-crash-")
    root = {"userId": "root", "role": "sysadmin"}
    with Client.spawn([a.binary, "--store", store, "--log-level", "error"], actor=root) as c:
        t = c.call("tenants/create", {"name": "Crash"})["id"]
        p = c.call("providers/create", {"tenantId": t, "name": "P", "providerType": "openai"})["id"]
        m = [c.call("models/create", {"tenantId": t, "kind": "completion", "name": "m%d" % k, "providerId": p, "family": "f"})["id"] for k in range(2)]
        s = c.call("spaces/create", {"tenantId": t, "name": "S"})["id"]
        for x in m:
            c.call("spaces/enableModel", {"tenantId": t, "spaceId": s, "modelId": x})
            # An app template the migrations never select keeps both models active, so migrations
            # can go back and forth all campaign long.
            c.call("templates/create", {"tenantId": t, "kind": "app", "name": "keep", "completionModelId": x})
        for k in range(200):
            c.call("assistants/create", {"tenantId": t, "spaceId": s, "name": "seed-%d" % k, "completionModelId": m[0]})
    admin = {"userId": "ada", "tenantId": t, "role": "admin"}
    acked_creates, acked_migrations = set(), set()
    kills = writes_checked = 0
    failures = []
    for rnd in range(a.rounds):
        proc = subprocess.Popen([a.binary, "--store", store, "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wire = frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"initializationOptions": {"actor": admin}}})
        wire += frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        kinds = {}
        for k in range(1, 120):
            r = rng.random()
            if r < 0.5:
                msg = {"method": "assistants/create", "params": {"spaceId": s, "name": "r%d-%d" % (rnd, k), "completionModelId": m[rng.randrange(2)]}}
                kinds[k] = "create"
            elif r < 0.65:
                msg = {"method": "migration/execute", "params": {"fromModelId": m[rng.randrange(2)], "toModelId": m[rng.randrange(2)], "entityTypes": ["assistants", "apps"]}}
                kinds[k] = "migrate"
            elif r < 0.75:
                msg = {"method": "migration/history", "params": {"limit": 1}}
                kinds[k] = "history"
            elif r < 0.9:
                msg = {"method": "questions/record", "params": {"completionModelId": m[rng.randrange(2)], "tokensIn": 1, "tokensOut": 1}}
                kinds[k] = "question"
            else:
                msg = {"method": "usage/stats", "params": {"modelId": m[rng.randrange(2)]}}
                kinds[k] = "read"
            msg.update({"jsonrpc": "2.0", "id": k})
            wire += frame(msg)
        if rng.random() < 0.2:
            subprocess.Popen([a.binary, "compact", "--store", store], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.stdin.write(wire)
        proc.stdin.flush()
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        out = proc.stdout.read()
        proc.wait()
        kills += 1
        for r in read_frames(out):
            k = r.get("id")
            if "result" not in r or k not in kinds:
                continue
            if kinds[k] == "create":
                acked_creates.add(r["result"]["id"])
            elif kinds[k] == "migrate":
                acked_migrations.add(r["result"]["migrationId"])
        v = subprocess.run([a.binary, "verify", "--store", store], capture_output=True, text=True)
        if v.returncode != 0:
            failures.append("round %d: verify exit %d: %s" % (rnd, v.returncode, v.stdout[-500:]))
            break
        if rnd % 20 == 19 or rnd == a.rounds - 1:
            with Client.spawn([a.binary, "--store", store, "--log-level", "error"], actor=root) as c:
                present = {x["id"] for x in every(c, "assistants/list", {"tenantId": t})}
                lost = acked_creates - present
                if lost:
                    failures.append("round %d: %d acknowledged creates lost" % (rnd, len(lost)))
                writes_checked = len(acked_creates)
                history = every(c, "migration/history", {"tenantId": t})
                completed = {h["migrationId"] for h in history if h["kind"] == "migration" and h["status"] in ("completed", "reverted")}
                audited = {e["changes"].get("migrationId") for e in every(c, "audit/list", {"tenantId": t, "action": "model.migrated"})}
                if acked_migrations - completed:
                    failures.append("round %d: acknowledged migrations missing from history" % rnd)
                if completed != audited:
                    failures.append("round %d: history and audit disagree (a partial transaction?): %s" % (rnd, completed ^ audited))
                writes_checked += len(acked_migrations)
        if failures:
            break
    print(json.dumps({"seed": a.seed, "kills": kills, "acknowledgedCreates": len(acked_creates),
                      "acknowledgedMigrations": len(acked_migrations), "writesChecked": writes_checked,
                      "verifyRuns": kills, "failures": failures}, indent=2))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
