"""Interop: independent clients from PyPI drive the real server, and an independent OpenRPC
implementation checks Protocol/openrpc.json.

    python3 Tests/Interop/interop.py [path/to/model-lifecycle] [--postgres ADMIN_URI]

With `--postgres` every store is a new database on that server (made and dropped with `psql`),
so the same clients run against the PostgreSQL store. Every store it makes is removed at the end.

It installs pygls, python-lsp-jsonrpc, openrpc and jsonschema into a throwaway virtual
environment under .build/ (so PyPI must be reachable; otherwise it says so and exits 0 with
SKIPPED), then re-runs itself inside it. Each client does a real session: initialize with an
actor, a migration, shutdown, exit, and checks the exit code.
"""
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VENV = os.path.join(ROOT, ".build", "interop-venv")
PACKAGES = ["pygls>=2,<3", "python-lsp-jsonrpc", "openrpc", "jsonschema"]


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if os.environ.get("MODEL_LIFECYCLE_INTEROP_INNER") == "1":
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    pip = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PACKAGES,
                         capture_output=True, text=True)
    if pip.returncode != 0:
        print("SKIPPED: cannot install %s from PyPI:\n%s" % (", ".join(PACKAGES), pip.stderr[-2000:]))
        sys.exit(0)
    env = dict(os.environ, MODEL_LIFECYCLE_INTEROP_INNER="1")
    sys.exit(subprocess.run([python, os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode)


def arguments():
    """(binary path or None, PostgreSQL administration URI or None) from the command line."""
    args = sys.argv[1:]
    postgres = None
    if "--postgres" in args:
        k = args.index("--postgres")
        postgres = args[k + 1]
        del args[k:k + 2]
    return (args[0] if args else None), postgres


def binary():
    path, _ = arguments()
    if path:
        return os.path.abspath(path)
    for config in ("release", "debug"):
        path = os.path.join(ROOT, ".build", config, "model-lifecycle")
        if os.path.exists(path):
            return path
    sys.exit("build model-lifecycle first")


MADE_DIRECTORIES = []
MADE_DATABASES = []


def new_store():
    """A new, empty store: a temporary directory, or a new database with `--postgres`."""
    _, admin = arguments()
    if admin is None:
        store = tempfile.mkdtemp(prefix="model-lifecycle-interop-")
        MADE_DIRECTORIES.append(store)
        return store
    name = "ml_interop_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE " + name, admin], check=True)
    MADE_DATABASES.append(name)
    head, _, query = admin.partition("?")
    return head[:head.rindex("/")] + "/" + name + ("?" + query if query else "")


def remove_stores():
    for d in MADE_DIRECTORIES:
        shutil.rmtree(d, ignore_errors=True)
    _, admin = arguments()
    for name in MADE_DATABASES:
        subprocess.run(["psql", "-q", "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name, admin],
                       capture_output=True)


def new_tenant(server):
    """A store with one tenant, made through the CLI (`call`)."""
    store = new_store()
    out = subprocess.run([server, "call", "tenants/create", '{"name":"Interop"}', "--store", store],
                         capture_output=True, text=True, check=True)
    return store, json.loads(out.stdout)["id"]


def migration(call):
    """The session's work, over any client: create what a migration needs, run it, read history."""
    provider = call("providers/create", {"name": "OpenAI", "providerType": "openai"})
    old = call("models/create", {"kind": "completion", "name": "gpt-4-0613", "providerId": provider["id"], "family": "gpt-4"})
    new = call("models/create", {"kind": "completion", "name": "gpt-4o", "providerId": provider["id"], "family": "gpt-4"})
    space = call("spaces/create", {"name": "Support"})
    call("spaces/enableModel", {"spaceId": space["id"], "modelId": old["id"]})
    call("assistants/create", {"spaceId": space["id"], "name": "Helper", "completionModelId": old["id"], "kwargs": {"temperature": 0.2}})
    plan = call("migration/validate", {"fromModelId": old["id"], "toModelId": new["id"]})
    done = call("migration/execute", {"fromModelId": old["id"], "toModelId": new["id"], "expectedPlanHash": plan["planHash"]})
    assert done["status"] == "completed" and done["moved"]["assistants"] == 1, done
    history = call("migration/history", {"migrationId": done["migrationId"]})
    assert history["items"][0]["status"] == "completed", history
    return done


def check_pygls(server):
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    store, tenant = new_tenant(server)

    async def session():
        client = LanguageClient("interop-pygls", "1.0")
        await client.start_io(server, "--store", store, "--log-level", "error")
        actor = {"userId": "ada", "name": "Ada", "tenantId": tenant, "role": "admin"}
        result = await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), process_id=os.getpid(), initialization_options={"actor": actor}))
        assert result is not None
        client.initialized(types.InitializedParams())

        def plain(value):
            # pygls hands results of methods it does not know back as named tuples.
            if hasattr(value, "_asdict"):
                return {k: plain(v) for k, v in value._asdict().items()}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        async def call(method, params):
            return plain(await client.protocol.send_request_async(method, params))

        provider = await call("providers/create", {"name": "OpenAI", "providerType": "openai"})
        old = await call("models/create", {"kind": "completion", "name": "gpt-4-0613", "providerId": provider["id"], "family": "gpt-4"})
        new = await call("models/create", {"kind": "completion", "name": "gpt-4o", "providerId": provider["id"], "family": "gpt-4"})
        space = await call("spaces/create", {"name": "Support"})
        await call("spaces/enableModel", {"spaceId": space["id"], "modelId": old["id"]})
        await call("assistants/create", {"spaceId": space["id"], "name": "Helper", "completionModelId": old["id"]})
        done = await call("migration/execute", {"fromModelId": old["id"], "toModelId": new["id"]})
        assert done["status"] == "completed", done
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(client._server.wait(), 30)
        code = client._server.returncode
        await client.stop()
        return code

    code = asyncio.run(session())
    assert code == 0, "exit code %r" % code
    print("pygls LanguageClient: initialize, migration, shutdown, exit → exit code 0")


def check_python_lsp_jsonrpc(server):
    from pylsp_jsonrpc.endpoint import Endpoint
    from pylsp_jsonrpc.streams import JsonRpcStreamReader, JsonRpcStreamWriter

    store, tenant = new_tenant(server)
    process = subprocess.Popen([server, "--store", store, "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = JsonRpcStreamWriter(process.stdin)
    reader = JsonRpcStreamReader(process.stdout)
    notifications = []
    endpoint = Endpoint({"$/progress": lambda params: notifications.append(params),
                         "window/logMessage": lambda params: None}, writer.write)
    thread = threading.Thread(target=reader.listen, args=(endpoint.consume,), daemon=True)
    thread.start()

    def call(method, params=None):
        return endpoint.request(method, params).result(timeout=30)

    call("initialize", {"processId": os.getpid(), "capabilities": {},
                        "initializationOptions": {"actor": {"userId": "ada", "tenantId": tenant, "role": "admin"}}})
    endpoint.notify("initialized", {})
    migration(call)
    call("shutdown")
    endpoint.notify("exit")
    code = process.wait(timeout=30)
    assert code == 0, "exit code %r" % code
    print("python-lsp-jsonrpc streams: initialize, migration, shutdown, exit → exit code 0")


def check_openrpc_document():
    import jsonschema
    import openrpc

    path = os.path.join(ROOT, "Protocol", "openrpc.json")
    with open(path) as f:
        doc = json.load(f)
    # The openrpc package models every method with a result (the rule before OpenRPC 1.3, which
    # made `result` optional for notifications). It gets the requests; the notifications are
    # checked against the 1.3 rule here: no result, marked x-notification.
    notifications = [m for m in doc["methods"] if m.get("x-notification")]
    for m in notifications:
        assert "result" not in m, m["name"]
    requests = dict(doc, methods=[m for m in doc["methods"] if not m.get("x-notification")])
    parsed = openrpc.OpenRPC.model_validate(requests)
    assert len(parsed.methods) == len(requests["methods"])
    checked = 0
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft7Validator.check_schema(schema)
        checked += 1
    for m in doc["methods"] + doc.get("x-server-notifications", []):
        for p in m.get("params", []):
            jsonschema.Draft7Validator.check_schema(p["schema"])
            checked += 1
        if "result" in m:
            jsonschema.Draft7Validator.check_schema(m["result"]["schema"])
            checked += 1
    print("openrpc.json: %d request methods valid for the openrpc package's OpenRPC model, %d notifications without result; "
          "%d JSON Schemas valid draft 7" % (len(requests["methods"]), len(notifications), checked))


if __name__ == "__main__":
    # The sessions' models are made up (a gpt-4-0613 that is not retiring): no catalog, whatever
    # this machine has (an installed litellm, ../shared beside the checkout).
    os.environ["MODEL_LIFECYCLE_CATALOG"] = "none"
    ensure_venv()
    server = binary()
    try:
        check_openrpc_document()
        check_python_lsp_jsonrpc(server)
        check_pygls(server)
    finally:
        remove_stores()
    where = "a PostgreSQL store" if arguments()[1] else "a file store"
    print("interop: all passed (%s)" % where)
