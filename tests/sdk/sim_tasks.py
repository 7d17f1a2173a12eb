"""Drives the simulator's batch tasks with the official Python SDK: argv is PORT SECRET_ID
SECRET_KEY NOT_BEFORE.

Creates a task, describes it, lists it, pauses, resumes and stops it. Every answer is read
into the SDK's own models; any documented field the simulator left unset is reported.
Prints one JSON object.
"""
import json
import sys

from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.abstract_model import AbstractModel
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

port, secret_id, secret_key, not_before = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
APP = 1400000000

profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=f"127.0.0.1:{port}"))
client = ccc_client.CccClient(credential.Credential(secret_id, secret_key), "", profile)
unset = []


def check(model, where):
    """Records every documented field of `model` (and of nested models) that is None."""
    for name, value in vars(model).items():
        field = f"{where}.{name.lstrip('_')}"
        if value is None:
            unset.append(field)
        elif isinstance(value, AbstractModel):
            check(value, field)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, AbstractModel):
                    check(item, f"{field}.{i}")


def request(cls, fields):
    req = cls()
    req.from_json_string(json.dumps(fields))
    return req


create = client.CreateAutoCalloutTask(request(models.CreateAutoCalloutTaskRequest, {
    "SdkAppId": APP, "NotBefore": not_before, "NotAfter": not_before + 86400,
    "Callees": ["008613000000001", "008613000000002"], "Callers": ["008601012345678"],
    "Name": "sdk-check", "Description": "from the official SDK", "AIAgentId": 15,
    "Tries": 2, "RetryInterval": 600, "RetryHangupTypes": ["202", "206"],
    "TimeZone": "Asia/Shanghai", "MaxRingTimeoutSecond": 20, "UUI": "campaign-1",
    "Variables": [{"Key": "name", "Value": "everyone"}],
    "CalleeAttributes": [{"Callee": "008613000000001", "UUI": "row-2",
                          "Variables": [{"Key": "name", "Value": "Ann"}]}],
    "AvailableWorkTimeConfig": [{"DayType": "EveryDay",
                                 "TimeRanges": [{"StartTime": "00:00:00", "EndTime": "23:59:59"}]}],
}))
check(create, "CreateAutoCalloutTask")
task_id = create.TaskId
by_id = {"SdkAppId": APP, "TaskId": task_id}

describe = client.DescribeAutoCalloutTask(request(models.DescribeAutoCalloutTaskRequest, by_id))
check(describe, "DescribeAutoCalloutTask")

listing = client.DescribeAutoCalloutTasks(request(
    models.DescribeAutoCalloutTasksRequest, {"SdkAppId": APP, "PageSize": 10, "PageNumber": 0}))
check(listing, "DescribeAutoCalloutTasks")

states = []
for action, cls in [("PauseAutoCalloutTask", models.PauseAutoCalloutTaskRequest),
                    ("ResumeAutoCalloutTask", models.ResumeAutoCalloutTaskRequest),
                    ("StopAutoCalloutTask", models.StopAutoCalloutTaskRequest)]:
    check(getattr(client, action)(request(cls, by_id)), action)
    again = client.DescribeAutoCalloutTask(request(models.DescribeAutoCalloutTaskRequest, by_id))
    states.append(again.State)

try:
    client.ResumeAutoCalloutTask(request(models.ResumeAutoCalloutTaskRequest, by_id))
    resume_stopped = None
except TencentCloudSDKException as e:
    resume_stopped = e.code

try:
    client.DescribeAutoCalloutTask(request(
        models.DescribeAutoCalloutTaskRequest, {"SdkAppId": APP, "TaskId": 1}))
    missing = None
except TencentCloudSDKException as e:
    missing = e.code

print(json.dumps({
    "task_id": task_id, "unset": unset, "name": describe.Name, "state": describe.State,
    "callees": [[c.Callee, c.State, len(c.Sessions)] for c in describe.Callees],
    "listed": [[t.TaskId, t.Name, t.CalleeCount] for t in listing.Tasks],
    "total": listing.TotalCount, "states": states, "resume_stopped": resume_stopped,
    "missing": missing,
}))
