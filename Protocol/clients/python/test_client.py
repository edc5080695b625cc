"""Tests of the Python client against the real server binary.

    MODEL_LIFECYCLE_BINARY=.build/debug/model-lifecycle python3 -m unittest discover Protocol/clients/python
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model_lifecycle_client import Client, ModelLifecycleError  # noqa: E402

# The servers here get no catalog, whatever this machine has (an installed litellm, or a copy of
# LiteLLM's map beside a development checkout): their models are their own.
os.environ["MODEL_LIFECYCLE_CATALOG"] = "none"

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def binary():
    if os.environ.get("MODEL_LIFECYCLE_BINARY"):
        return os.environ["MODEL_LIFECYCLE_BINARY"]
    for config in ("release", "debug"):
        path = os.path.join(ROOT, ".build", config, "model-lifecycle")
        if os.path.exists(path):
            return path
    raise unittest.SkipTest("build model-lifecycle first (swift build)")


SYSADMIN = {"userId": "root", "name": "Root", "role": "sysadmin"}


class ClientTests(unittest.TestCase):
    def setUp(self):
        self.store = tempfile.mkdtemp(prefix="model-lifecycle-py-")
        self.addCleanup(shutil.rmtree, self.store, ignore_errors=True)

    def spawn(self, actor=SYSADMIN, **kw):
        return Client.spawn([binary(), "--store", self.store, "--log-level", "error"], actor=actor, **kw)

    def test_calls_return_results_and_close_returns_the_exit_code(self):
        c = self.spawn()
        tenant = c.call("tenants/create", {"name": "Acme"})
        self.assertEqual(tenant["name"], "Acme")
        self.assertEqual(c.call("tenants/list")["total"], 1)
        self.assertEqual(c.close(), 0)

    def test_errors_are_typed_and_carry_the_application_code(self):
        with self.spawn() as c:
            with self.assertRaises(ModelLifecycleError) as e:
                c.call("tenants/get", {"id": "00000000-0000-4000-8000-000000000000"})
            self.assertEqual(e.exception.code, 1003)
            self.assertEqual(e.exception.data_code, "not_found")
            with self.assertRaises(ModelLifecycleError) as e:
                c.call("tenants/create", {"name": "x", "bogus": 1})
            self.assertEqual(e.exception.code, -32602)
            self.assertEqual(e.exception.data["field"], "/bogus")
            self.assertIsNone(e.exception.data_code)
            self.assertIn("field: /bogus", str(e.exception))
            self.assertIn("reason: unknown member", str(e.exception))

    def test_notifications_reach_the_callback(self):
        seen = []
        with self.spawn() as root:
            tenant = root.call("tenants/create", {"name": "Acme"})
        admin = {"userId": "ada", "tenantId": tenant["id"], "role": "admin"}
        with self.spawn(actor=admin, on_notification=lambda m, p: seen.append((m, p))) as c:
            provider = c.call("providers/create", {"name": "P", "providerType": "openai"})
            a = c.call("models/create", {"kind": "completion", "name": "a", "providerId": provider["id"]})
            b = c.call("models/create", {"kind": "completion", "name": "b", "providerId": provider["id"]})
            c.call("migration/execute", {"fromModelId": a["id"], "toModelId": b["id"], "workDoneToken": "t"})
        kinds = [p["value"]["kind"] for m, p in seen if m == "$/progress"]
        self.assertEqual(kinds[0], "begin")
        self.assertEqual(kinds[-1], "end")
        self.assertTrue(any(m == "window/logMessage" for m, _ in seen))

    def test_concurrent_calls_from_threads_each_get_their_answer(self):
        with self.spawn() as c:
            results = []
            def work(k):
                results.append(c.call("tenants/create", {"name": "t%d" % k})["name"])
            threads = [threading.Thread(target=work, args=(k,)) for k in range(20)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(results), sorted("t%d" % k for k in range(20)))

    def test_attach_speaks_over_any_streams(self):
        p = subprocess.Popen([binary(), "--store", self.store, "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        c = Client.attach(p.stdout, p.stdin, actor=SYSADMIN)
        self.assertEqual(c.call("tenants/list")["total"], 0)
        c.close()
        self.assertEqual(p.wait(timeout=30), 0)

    def test_the_example_runs(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "example.py"), binary()], capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("refused: confirmation_required", out.stdout)
        self.assertIn("source retired: True", out.stdout)
        self.assertIn("store removed", out.stdout)


if __name__ == "__main__":
    unittest.main()
