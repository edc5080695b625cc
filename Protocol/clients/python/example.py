"""Example: a tenant, two models, an assistant, a validated and confirmed migration, its history.

    python3 example.py [path/to/model-lifecycle]
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_lifecycle_client import Client, ModelLifecycleError  # noqa: E402

binary = sys.argv[1] if len(sys.argv) > 1 else "model-lifecycle"
store = tempfile.mkdtemp(prefix="model-lifecycle-example-")
# The example's models are its own, not the catalog's: no catalog dates, whatever this machine has.
os.environ["MODEL_LIFECYCLE_CATALOG"] = "none"
progress = []

with Client.spawn([binary, "--store", store], actor={"userId": "root", "role": "sysadmin"}) as root:
    tenant = root.call("tenants/create", {"name": "Acme"})

with Client.spawn([binary, "--store", store], actor={"userId": "ada", "name": "Ada", "tenantId": tenant["id"], "role": "admin"},
                  on_notification=lambda method, params: progress.append(method)) as admin:
    provider = admin.call("providers/create", {"name": "OpenAI", "providerType": "openai"})
    old = admin.call("models/create", {"kind": "completion", "name": "gpt-4-0613", "providerId": provider["id"], "family": "gpt-4"})
    new = admin.call("models/create", {"kind": "completion", "name": "gpt-4o", "providerId": provider["id"], "family": "gpt-4o"})
    space = admin.call("spaces/create", {"name": "Support"})
    admin.call("spaces/enableModel", {"spaceId": space["id"], "modelId": old["id"]})
    admin.call("assistants/create", {"spaceId": space["id"], "name": "Helper", "completionModelId": old["id"]})

    plan = admin.call("migration/validate", {"fromModelId": old["id"], "toModelId": new["id"]})
    print("issues:", [i["code"] for i in plan["issues"]], "impact:", plan["impact"])
    try:
        admin.call("migration/execute", {"fromModelId": old["id"], "toModelId": new["id"]})
    except ModelLifecycleError as e:
        print("refused:", e.data_code)
    done = admin.call("migration/execute", {"fromModelId": old["id"], "toModelId": new["id"], "confirm": True,
                                            "expectedPlanHash": plan["planHash"], "workDoneToken": "example"})
    print("moved:", done["moved"], "source retired:", done["sourceRetired"])
    print("history:", [(h["kind"], h["status"]) for h in admin.call("migration/history")["items"]])
    print("notifications seen:", sorted(set(progress)))

shutil.rmtree(store, ignore_errors=True)
print("store removed:", store)
