"""Load: one session answers a million requests; resident memory must stay flat after warm-up.

    python3 Tests/Reliability/load.py [--requests 1000000] [--binary .build/release/model-lifecycle]

Mixes models/get, models/list, usage/stats and a write every 1,000 requests, in pipelined batches
of 20,000; samples VmRSS after each batch. Fails when the last sample exceeds the highest one of the
first half of the run (the warm-up) by more than 8 MiB or 15%, whichever is larger. Allocator arenas
settle within a few hundred thousand requests (+5 MB seen at 160k of a run that is flat from 400k
to 1M); a leak of 100 bytes per request still fails even the 200,000-request CI run (+9.5 MiB over
its second half).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Protocol", "clients", "python"))
from model_lifecycle_client import Client  # noqa: E402

# The servers here get no catalog, whatever this machine has (an installed litellm, ../shared
# beside the checkout): their models are their own.
os.environ["MODEL_LIFECYCLE_CATALOG"] = "none"


def frame(message):
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "model-lifecycle"))
    a = ap.parse_args()
    store = tempfile.mkdtemp(prefix="model-lifecycle-load-")
    with Client.spawn([a.binary, "--store", store, "--log-level", "error"], actor={"userId": "root", "role": "sysadmin"}) as c:
        t = c.call("tenants/create", {"name": "Load"})["id"]
        p = c.call("providers/create", {"tenantId": t, "name": "P", "providerType": "openai"})["id"]
        models = [c.call("models/create", {"tenantId": t, "kind": "completion", "name": "m%d" % k, "providerId": p})["id"] for k in range(50)]
    proc = subprocess.Popen([a.binary, "--store", store, "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                            "params": {"initializationOptions": {"actor": {"userId": "ada", "tenantId": t, "role": "admin"}}}}))
    proc.stdin.flush()
    counted = {"frames": 0}
    lock = threading.Condition()

    def reader():
        buf = b""
        while True:
            chunk = proc.stdout.read1(1 << 20)
            if not chunk:
                return
            buf += chunk
            n, i = 0, 0
            while True:
                j = buf.find(b"\r\n\r\n", i)
                if j < 0:
                    break
                length = int(buf[i:j].split(b":")[1])
                if len(buf) < j + 4 + length:
                    break
                i = j + 4 + length
                n += 1
            buf = buf[i:]
            with lock:
                counted["frames"] += n
                lock.notify_all()

    threading.Thread(target=reader, daemon=True).start()
    samples = []
    sent = 0
    batch = 20_000
    while sent < a.requests:
        wire = []
        for k in range(batch):
            i = sent + k + 1
            if i % 1000 == 0:
                msg = {"method": "models/update", "params": {"id": models[i % 50], "nickname": "n%d" % i}}
            elif i % 10 == 0:
                msg = {"method": "models/list", "params": {"limit": 50}}
            elif i % 3 == 0:
                msg = {"method": "usage/stats", "params": {"modelId": models[i % 50]}}
            else:
                msg = {"method": "models/get", "params": {"id": models[i % 50]}}
            msg.update({"jsonrpc": "2.0", "id": i})
            wire.append(frame(msg))
        proc.stdin.write(b"".join(wire))
        proc.stdin.flush()
        sent += batch
        with lock:
            lock.wait_for(lambda: counted["frames"] >= sent + 1, timeout=120)
        samples.append((sent, rss_kb(proc.pid)))
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": -1, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"}))
    proc.stdin.close()
    code = proc.wait(timeout=60)
    warm = max(kb for n, kb in samples if n <= sent // 2)
    last = samples[-1][1]
    report = {"requests": sent, "answered": counted["frames"] - 1, "exitCode": code, "rssWarmupMaxKB": warm, "rssLastKB": last,
              "rssMaxKB": max(kb for _, kb in samples), "growthAfterWarmup": round(last / warm - 1, 4),
              "samples": samples[::max(1, len(samples) // 10)]}
    print(json.dumps(report, indent=2))
    sys.exit(0 if code == 0 and counted["frames"] - 1 >= sent and last - warm <= max(warm * 0.15, 8 * 1024) else 1)


if __name__ == "__main__":
    main()
