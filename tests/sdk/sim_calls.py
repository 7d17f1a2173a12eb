"""Drives the simulator with the official Python SDK: argv is PORT SECRET_ID SECRET_KEY.

Prints one JSON object: the SessionId, the status DescribeTelSession saw, whether HangUpCall
answered, and the error code a wrong key gets.
"""
import json
import sys

from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

port, secret_id, secret_key = sys.argv[1], sys.argv[2], sys.argv[3]


def client(key):
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=f"127.0.0.1:{port}"))
    return ccc_client.CccClient(credential.Credential(secret_id, key), "", profile)


good = client(secret_key)
create = models.CreateAIAgentCallRequest()
create.from_json_string(json.dumps({
    "SdkAppId": 1400000000, "AIAgentId": 15, "Callee": "008613012345678",
    "Callers": ["008601012345678"], "Variables": [{"Key": "name", "Value": "Alice"}],
    "MaxRingTimeoutSecond": 30,
}))
session_id = good.CreateAIAgentCall(create).SessionId

describe = models.DescribeTelSessionRequest()
describe.SdkAppId = 1400000000
describe.SessionId = session_id
status = good.DescribeTelSession(describe).Session.SessionStatus

hang_up = models.HangUpCallRequest()
hang_up.SdkAppId = 1400000000
hang_up.SessionId = session_id
hung_up_request_id = good.HangUpCall(hang_up).RequestId

try:
    client("wrong-key").DescribeTelSession(describe)
    wrong_key = None
except TencentCloudSDKException as e:
    wrong_key = e.code

print(json.dumps({"session_id": session_id, "status": status,
                  "hung_up_request_id": hung_up_request_id, "wrong_key": wrong_key}))
