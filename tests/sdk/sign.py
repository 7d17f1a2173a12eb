"""Signs each JSON case on stdin with the official Python SDK and prints the request it builds.

A case: {"secret_id", "secret_key", "token"?, "region"?, "endpoint", "action", "params",
"timestamp", "language"}. Output per case: {"headers": {...}, "body": "..."}.
"""
import json
import sys
import time
from unittest import mock

from tencentcloud.common import credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ccc.v20200210 import ccc_client

for line in sys.stdin:
    case = json.loads(line)
    cred = credential.Credential(case["secret_id"], case["secret_key"], case.get("token"))
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=case["endpoint"]), language=case["language"])
    client = ccc_client.CccClient(cred, case.get("region") or "", profile)
    req = RequestInternal(case["endpoint"], "POST", "/", header={})
    with mock.patch.object(time, "time", return_value=case["timestamp"]):
        client._build_req_inter(case["action"], case["params"], req)
    print(json.dumps({"headers": req.header, "body": req.data}), flush=True)
