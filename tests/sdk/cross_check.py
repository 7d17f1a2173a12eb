"""Cross-checks the simulator against the official Python SDK of one flavour.

argv: PORT SECRET_ID SECRET_KEY FLAVOUR (international | mainland), RING_S, LAG_S.

Calls every action the flavour serves through the SDK's own client methods, so every answer is
deserialized into the SDK's model classes, then walks the models and reports:
  - a documented field left unset (unless its doc says it may be null),
  - a field the answer carries that the model does not have (the SDK warns "fileds are useless"),
  - a value outside a documented enum (the enums the model docs list, and the documented
    tables below),
  - a Tags / ExtractedSlots string that is neither empty nor a JSON array of tags.
Also signs with GET and with HmacSHA256 (POST and GET), and checks that the international
flavour refuses what its model lacks. Prints one JSON object; exits 1 when anything is wrong.
"""
import json
import re
import sys
import time
import warnings

from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.abstract_model import AbstractModel
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

port, secret_id, secret_key, flavour = sys.argv[1:5]
ring_s, lag_s = float(sys.argv[5]), float(sys.argv[6])
APP = 1400000000

# Documented value sets (ref: the API docs' tables; the EN model words them in prose).
END_STATUS = {1: "ok", 100: "blackList", 102: "ivrGiveUp", 103: "waitingGiveUp",
              104: "ringingGiveUp", 105: "noSeatOnline", 106: "notWorkTime", 107: "ivrEnd",
              108: "restrictedCallee", 109: "tooManyRequest", 110: "restrictedArea",
              111: "restrictedTime", 202: "notAnswer", 203: "userReject", 204: "powerOff",
              205: "numberNotExist", 206: "busy", 207: "outOfCredit", 208: "operatorError",
              209: "callerCancel", 210: "notInService", 211: "clientError", 212: "carrierBlocked",
              213: "callReminder", 215: "numberInvalid", 216: "callRestricted",
              217: "calleeRestricted", 218: "areaRestricted", 219: "promptCallForwarding",
              220: "callerCancelWhileRing", 221: "callerCancelWithoutRing",
              222: "voiceMailReached", 501: "callConflict", 502: "clientTimeout",
              503: "voipClientError"}
TABLES = {
    ("PSTNSession", "SessionStatus"): {"ringing", "seatJoining", "inProgress", "finished"},
    ("PSTNSession", "Direction"): {0, 1},
    ("TelCdrInfo", "Direction"): {0, 1},
    ("TelCdrInfo", "CallType"): {1, 2, 3, 5, 6},
    ("TelCdrInfo", "HungUpSide"): {"seat", "user", "system"},
    ("TelCdrInfo", "AsrStatus"): {"Complete", "Processing", "NotExists"},
    ("TelCdrInfo", "EndStatus"): set(END_STATUS),
    ("TelCdrInfo", "EndStatusV2"): set(END_STATUS),
    ("TelCdrInfo", "EndStatusString"): set(END_STATUS.values()),
    ("NumberInfo", "State"): {1, 2, 4, 5},
    ("NumberInfo", "CostType"): {0, 1},
    ("AICallExtractResultElement", "InfoType"): {"Text", "Selector", "Boolean", "Number"},
}
NO_LESS_THAN_MINUS_ONE = {"AICallLatencyMetrics", "AILatencyStatisticsInfo", "AILatencyDetail"}
# A message is either what the user said or what the agent said: exactly one is set.
UNIONS = {"AIRoundMessage": {"UserReply", "AISpeak"}}
TAG_STRINGS = {("AICallInteractionRound", "Tags"): {1},
               ("UserReplyEvent", "ExtractedSlots"): {2, 3}}


def field_docs(cls):
    """{field: doc} from the model's constructor docstring."""
    doc = (cls.__init__.__doc__ or "")
    return {m.group(1): m.group(2) for m in
            re.finditer(r":param _(\w+):(.*?)(?=\n\s*:type)", doc, re.S)}


def doc_enum(doc):
    """The values a mainland doc lists after 枚举值 (<li>VALUE： meaning</li>)."""
    if "枚举值" not in doc:
        return None
    found = re.findall(r"<li>\s*([^：:<\s]+)\s*[：:]", doc.split("枚举值", 1)[1])
    return {int(v) if v.lstrip("-").isdigit() else v for v in found} or None


problems = []
checked = {}


def check_model(model, where):
    cls = type(model)
    docs = field_docs(cls)
    union = UNIONS.get(cls.__name__, set())
    if union and sum(getattr(model, n) is not None for n in union) != 1:
        problems.append(f"{where}: exactly one of {sorted(union)} must be set")
    for name, doc in docs.items():
        value = getattr(model, name)
        path = f"{where}.{name}"
        checked[cls.__name__] = checked.get(cls.__name__, 0) + 1
        if value is None:
            if "null" not in doc and name not in union:
                problems.append(f"{path}: documented field left unset")
            continue
        allowed = TABLES.get((cls.__name__, name)) or doc_enum(doc)
        if allowed is not None and not isinstance(value, (list, AbstractModel)) and value not in allowed:
            problems.append(f"{path}: {value!r} is not one of the documented values")
        if cls.__name__ in NO_LESS_THAN_MINUS_ONE and isinstance(value, int) and value < -1:
            problems.append(f"{path}: {value} is below -1 (no data)")
        if (cls.__name__, name) in TAG_STRINGS:
            check_tags(value, TAG_STRINGS[(cls.__name__, name)], path)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, AbstractModel):
                check_model(item, f"{path}[{i}]" if isinstance(value, list) else path)


def check_tags(value, types, path):
    if value == "":
        return
    try:
        tags = json.loads(value)
    except ValueError:
        problems.append(f"{path}: {value!r} is neither empty nor JSON")
        return
    if not isinstance(tags, list):
        problems.append(f"{path}: {value!r} is not a JSON array")
        return
    for t in tags:
        if set(t) != {"TagName", "TagValue", "TagType"} or t["TagType"] not in types:
            problems.append(f"{path}: tag {t!r} is not TagName/TagValue/TagType {sorted(types)}")


def client(method="POST", sign="TC3-HMAC-SHA256", key=secret_key):
    http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{port}", reqMethod=method)
    profile = ClientProfile(httpProfile=http, signMethod=sign)
    return ccc_client.CccClient(credential.Credential(secret_id, key), "", profile)


def request(name, params):
    req = getattr(models, name + "Request")()
    req.from_json_string(json.dumps(params))
    return req


answered = []


def call(c, action, params, label=None):
    """Calls through the SDK method (deserializing into its models) and checks the answer."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resp = getattr(c, action)(request(action, params))
    for w in caught:
        problems.append(f"{label or action}: the model lacks fields of the answer: {w.message}")
    check_model(resp, label or action)
    answered.append(label or action)
    return resp


def refused(c, action, params):
    try:
        c.call_json(action, params)
    except TencentCloudSDKException as e:
        return e.code
    return None


sdk = client()
variables = [{"Key": "name", "Value": "Alice"}]
create = {"SdkAppId": APP, "AIAgentId": 15, "Callee": "008613012345678",
          "Callers": ["008601012345678"], "Variables": variables, "MaxRingTimeoutSecond": 30}
if flavour == "mainland":
    create["AcquireTimeoutSecond"] = 5
call(sdk, "DescribeAIAgentInfoList", {"SdkAppId": APP, "PageSize": 100, "PageNumber": 0})
call(sdk, "DescribeNumbers", {"SdkAppId": APP})
started = int(time.time())
first = call(sdk, "CreateAIAgentCall", create).SessionId
second = call(sdk, "CreateAIAgentCall", dict(create, Callee="008613012345679")).SessionId
session = {"SdkAppId": APP, "SessionId": first}
call(sdk, "DescribeTelSession", session)
call(sdk, "HangUpCall", {"SdkAppId": APP, "SessionId": second})
time.sleep(ring_s + 0.3)
call(sdk, "ControlAIConversation", dict(session, Command="ServerPushText",
                                        ServerPushText={"Text": "One more thing.", "Interrupt": False}))
call(sdk, "ControlAIConversation", dict(session, Command="ServerPushText",
                                        ServerPushText={"Text": "Goodbye.", "StopAfterPlay": True}))
while sdk.DescribeTelSession(request("DescribeTelSession", session)).Session.SessionStatus != "finished":
    time.sleep(0.2)
time.sleep(lag_s + 0.3)
window = {"StartTime": started - 60, "EndTime": int(time.time()) + 60}
cdr = call(sdk, "DescribeTelCdr", {"SdkAppId": APP, "StartTimeStamp": started - 60,
                                   "EndTimeStamp": int(time.time()) + 60, "PageSize": 10,
                                   "PageNumber": 0, "SessionIds": [first, second]})
call(sdk, "DescribeAICallExtractResult", dict(session, **window))
call(sdk, "DescribeAILatency", dict(session, **window))
result = {"answered": answered, "session_ids": [first, second],
          "cdr_count": len(cdr.TelCdrList or [])}
if flavour == "mainland":
    call(sdk, "DescribeAICallInteractionRecords", session)
else:
    result["interaction_records"] = refused(sdk, "DescribeAICallInteractionRecords", session)
    result["acquire_timeout"] = refused(sdk, "CreateAIAgentCall", dict(create, AcquireTimeoutSecond=5))

# The other ways the SDKs sign and send.
get = client(method="GET")
call(get, "DescribeTelSession", session, "GET DescribeTelSession")
call(get, "CreateAIAgentCall", dict(create, Callee="008613012345670"), "GET CreateAIAgentCall")
hmac = client(sign="HmacSHA256")
call(hmac, "DescribeTelSession", session, "HmacSHA256 DescribeTelSession")
call(client(method="GET", sign="HmacSHA256"), "DescribeNumbers", {"SdkAppId": APP},
     "HmacSHA256 GET DescribeNumbers")
result["hmac_wrong_key"] = refused(client(sign="HmacSHA256", key="wrong"), "DescribeTelSession", session)
result["problems"] = problems
result["checked"] = checked
print(json.dumps(result))
sys.exit(1 if problems else 0)
