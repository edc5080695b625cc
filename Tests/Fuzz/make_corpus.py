"""Writes the committed seed corpora of the fuzz targets (rerun after changing their sources):

    python3 Tests/Fuzz/make_corpus.py

frames   the LSP framing vectors' wire bytes (../shared/conformance), prefixed by a chunking byte
json     the JSON-RPC vectors' request and expected bodies, and every transcript message
dispatch every transcript request of Protocol/ and the JSON-RPC vectors' requests
"""
import hashlib
import json
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.join(ROOT, "..", "shared", "conformance")
OUT = os.path.join(ROOT, "Tests", "Fuzz", "corpus")


def save(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def vectors(name):
    path = os.path.join(SHARED, name)
    return json.load(open(path)) if os.path.exists(path) else []


for case in vectors("lsp-framing-cases.json"):
    wire = case.get("wire", "")
    for k in (0, 3, 6):
        save("frames", bytes([k]) + wire.encode("utf-8", "surrogateescape"))
for name in ("jsonrpc-edge-cases.json", "jsonrpc-spec-examples.json"):
    for case in vectors(name):
        for key in ("request", "expected"):
            if isinstance(case.get(key), str):
                save("json", case[key])
        if isinstance(case.get("request"), str):
            save("dispatch", case["request"])
for dirpath, _, files in os.walk(os.path.join(ROOT, "Protocol")):
    for f in files:
        if not f.endswith(".md"):
            continue
        for line in open(os.path.join(dirpath, f), encoding="utf-8"):
            m = re.match(r"^(-->|<--) (\{.*\})\s*$", line)
            if m:
                save("json", m.group(2))
                if m.group(1) == "-->":
                    save("dispatch", m.group(2))
print({t: len(os.listdir(os.path.join(OUT, t))) for t in os.listdir(OUT)})
