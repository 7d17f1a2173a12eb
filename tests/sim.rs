//! The simulator over HTTP, as a client sees it: signatures, verdicts, actions, the call
//! lifecycle on a controlled clock, faults, the rate limit and the request log.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ccc_dial::credentials::Credential;
use ccc_dial::sim::faults::{self, Fault, TABLE};
use ccc_dial::sim::reply::Transport;
use ccc_dial::sim::{self, ManualClock, SimConfig, SimHandle};
use ccc_dial::tc3::{self, Request};
use serde_json::{Value, json};

const APP: i64 = 1_400_000_000;
const CALLEE: &str = "008613012345678";

fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Peer {
    sim: SimHandle,
    clock: Arc<ManualClock>,
    http: reqwest::Client,
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
    fn code(&self) -> String {
        self.json()["Response"]["Error"]["Code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
    fn ok(&self) -> Value {
        let v = self.json();
        assert!(v["Response"]["Error"].is_null(), "unexpected error: {v}");
        assert!(v["Response"]["RequestId"].is_string(), "no RequestId: {v}");
        v["Response"].clone()
    }
}

async fn peer_with(config: SimConfig) -> Peer {
    let clock = Arc::new(ManualClock::new(now_s() * 1_000));
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        ..config
    })
    .await
    .unwrap();
    Peer {
        sim,
        clock,
        http: reqwest::Client::new(),
    }
}

/// The mainland model, with records visible the moment a call ends.
fn instant() -> SimConfig {
    SimConfig {
        flavour: sim::Flavour::Mainland,
        record_lag: Duration::ZERO,
        ..SimConfig::default()
    }
}

async fn peer() -> Peer {
    peer_with(instant()).await
}

impl Peer {
    fn host(&self) -> String {
        self.sim.addr().to_string()
    }

    /// Sends `body` signed with `cred` at `ts` for `host` (also the Host header).
    async fn send_raw(
        &self,
        action: &str,
        body: &[u8],
        cred: &Credential,
        ts: i64,
        host: &str,
    ) -> Result<Answer, reqwest::Error> {
        let signed = tc3::sign(cred, &Request::post_json(host, action, ts, body));
        let mut req = self.http.post(self.sim.url()).body(body.to_vec());
        for (name, value) in &signed.headers {
            req = req.header(name, value);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let text = resp.text().await?;
        Ok(Answer {
            status,
            content_type,
            text,
        })
    }

    async fn call(&self, action: &str, body: Value) -> Answer {
        let bytes = serde_json::to_vec(&body).unwrap();
        self.send_raw(
            action,
            &bytes,
            &self.sim.credential(),
            now_s(),
            &self.host(),
        )
        .await
        .unwrap()
    }

    async fn dial(&self, callee: &str) -> String {
        let r = self
            .call(
                "CreateAIAgentCall",
                json!({"SdkAppId": APP, "AIAgentId": 15, "Callee": callee}),
            )
            .await;
        r.ok()["SessionId"].as_str().unwrap().to_string()
    }

    async fn status(&self, id: &str) -> String {
        let r = self
            .call(
                "DescribeTelSession",
                json!({"SdkAppId": APP, "SessionId": id}),
            )
            .await;
        r.ok()["Session"]["SessionStatus"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn cdrs(&self, filter: Value) -> Value {
        let mut body = json!({"SdkAppId": APP, "StartTimeStamp": now_s() - 3_600,
            "EndTimeStamp": now_s() + 86_400, "PageSize": 100, "PageNumber": 0});
        for (k, v) in filter.as_object().unwrap() {
            body[k] = v.clone();
        }
        self.call("DescribeTelCdr", body).await.ok()
    }

    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }
}

#[tokio::test]
async fn the_documented_example_works_verbatim_and_types_are_exact() {
    let p = peer().await;
    // The SDK's json.dumps bytes of the service's example request (vector C1's body).
    let body = br#"{"SdkAppId": 1400000000, "AIAgentId": 15, "Callee": "008613012345678", "Callers": ["008601012345678"], "Variables": [{"Key": "name", "Value": "Alice"}], "MaxRingTimeoutSecond": 30}"#;
    let r = p
        .send_raw(
            "CreateAIAgentCall",
            body,
            &p.sim.credential(),
            now_s(),
            &p.host(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    let id = r.ok()["SessionId"].as_str().unwrap().to_string();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().to_string(), id);

    let e = p.call("NoSuchAction", json!({})).await;
    assert_eq!(
        (e.status, e.content_type.as_deref()),
        (200, Some("application/json"))
    );
    assert_eq!(e.code(), "InvalidAction");
    assert!(e.json()["Response"]["RequestId"].is_string());
}

#[tokio::test]
async fn signature_verdicts() {
    let p = peer().await;
    let body = br#"{"SdkAppId":1400000000,"SessionId":"x"}"#;
    let good = p.sim.credential();
    let wrong_key = Credential::new(good.secret_id.clone(), "not-the-key".into(), None).unwrap();
    let wrong_id = Credential::new("AKIDnobody".into(), sim::SIM_SECRET_KEY.into(), None).unwrap();
    let send = |cred: Credential, ts: i64| {
        let p = &p;
        async move {
            p.send_raw("DescribeTelSession", body, &cred, ts, &p.host())
                .await
                .unwrap()
        }
    };
    assert_eq!(
        send(wrong_key, now_s()).await.code(),
        "AuthFailure.SignatureFailure"
    );
    assert_eq!(
        send(wrong_id, now_s()).await.code(),
        "AuthFailure.SecretIdNotFound"
    );
    let old = send(good.clone(), now_s() - 400).await;
    assert_eq!(old.code(), "AuthFailure.SignatureExpire");
    assert_eq!(old.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        send(good.clone(), now_s() + 400).await.code(),
        "AuthFailure.SignatureExpire"
    );
    // Within the five minutes the request is served (and the session is unknown).
    assert_eq!(
        send(good.clone(), now_s() - 200).await.code(),
        "InvalidParameterValue"
    );

    // A body changed after signing fails the signature.
    let signed = tc3::sign(
        &good,
        &Request::post_json(&p.host(), "DescribeTelSession", now_s(), body),
    );
    let mut req = p
        .http
        .post(p.sim.url())
        .body(&br#"{"SdkAppId":1400000000,"SessionId":"y"}"#[..]);
    for (n, v) in &signed.headers {
        req = req.header(n, v);
    }
    let r: Value = serde_json::from_str(&req.send().await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(
        r["Response"]["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );

    // No Authorization at all.
    let r = p
        .http
        .post(p.sim.url())
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeTelSession")
        .header("X-TC-Version", "2020-02-10")
        .header("X-TC-Timestamp", now_s().to_string())
        .body(&body[..])
        .send()
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(
        v["Response"]["Error"]["Code"],
        "AuthFailure.InvalidAuthorization"
    );
}

#[tokio::test]
async fn the_literal_http_host_of_tccli_is_verified_as_received() {
    let p = peer().await;
    let host = p.sim.url(); // "http://127.0.0.1:PORT", as tccli sends it
    let body = br#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;
    let r = p
        .send_raw(
            "CreateAIAgentCall",
            body,
            &p.sim.credential(),
            now_s(),
            &host,
        )
        .await
        .unwrap();
    assert!(r.ok()["SessionId"].is_string());
    // Signed for one Host, sent with another: refused.
    let signed = tc3::sign(
        &p.sim.credential(),
        &Request::post_json(&host, "CreateAIAgentCall", now_s(), body),
    );
    let mut req = p.http.post(p.sim.url()).body(&body[..]);
    for (n, v) in signed.headers.iter().filter(|(n, _)| *n != "Host") {
        req = req.header(n, v);
    }
    let v: Value = serde_json::from_str(&req.send().await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(
        v["Response"]["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );
}

#[tokio::test]
async fn parameter_verdicts() {
    let p = peer().await;
    let base = json!({"SdkAppId": APP, "AIAgentId": 15, "Callee": CALLEE});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases = [
        (
            json!({"SdkAppId": APP, "AIAgentId": 15}),
            "MissingParameter",
        ),
        (with("Colee", json!("x")), "UnknownParameter"),
        (with("AIAgentId", json!("15")), "InvalidParameter"),
        (with("SdkAppId", json!(1.4e9)), "InvalidParameter"),
        (
            with("Callers", json!("008601012345678")),
            "InvalidParameter",
        ),
        (
            with("Variables", json!([{"Key": "a", "Value": 1}])),
            "InvalidParameter",
        ),
        (
            with("AcquireTimeoutSecond", json!(6)),
            "InvalidParameterValue",
        ),
        (
            with("AcquireTimeoutSecond", json!(-1)),
            "InvalidParameterValue",
        ),
        (with("AIAgentId", json!(-15)), "InvalidParameterValue"),
        (with("AIAgentId", json!(999)), "InvalidParameterValue"),
        (
            with("Callee", json!("+8613012345678")),
            "InvalidParameterValue",
        ),
        (
            with("MaxRingTimeoutSecond", json!(0)),
            "InvalidParameterValue",
        ),
        (
            with("SdkAppId", json!(1400000001)),
            "InvalidParameterValue.InstanceNotExist",
        ),
        (
            with("Callers", json!(["0086075512345679"])),
            "FailedOperation.NoCallOutNumber",
        ),
        (
            with("Callers", json!(["0086075512345678"])),
            "FailedOperation.NoCallOutNumber",
        ),
    ];
    for (body, code) in cases {
        let r = p.call("CreateAIAgentCall", body.clone()).await;
        assert_eq!(r.code(), code, "for {body}: {}", r.text);
        assert!(
            !r.json()["Response"]["Error"]["Message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    for t in 0..=5 {
        p.call("CreateAIAgentCall", with("AcquireTimeoutSecond", json!(t)))
            .await
            .ok();
    }
    let r = p
        .send_raw(
            "DescribeNumbers",
            b"{not json",
            &p.sim.credential(),
            now_s(),
            &p.host(),
        )
        .await
        .unwrap();
    assert_eq!(r.code(), "InvalidParameter");
    assert_eq!(
        p.call("DescribeNumbers", json!({"SdkAppId": "1400000000"}))
            .await
            .code(),
        "InvalidParameter"
    );
    // Every logged request has the verdict that was answered.
    let log = p.sim.requests();
    assert_eq!(
        log.iter()
            .filter(|e| e.verdict == "InvalidParameterValue")
            .count(),
        6
    );
}

#[tokio::test]
async fn a_call_rings_talks_and_finishes_on_the_controlled_clock() {
    let p = peer().await;
    let id = p.dial(CALLEE).await;
    let session = p
        .call(
            "DescribeTelSession",
            json!({"SdkAppId": APP, "SessionId": id}),
        )
        .await
        .ok()["Session"]
        .clone();
    assert_eq!(session["SessionStatus"], "ringing");
    assert_eq!(session["Callee"], CALLEE);
    assert_eq!(session["Caller"], "008601012345678");
    assert_eq!(session["AcceptTimestamp"], 0);
    p.advance(1);
    assert_eq!(p.status(&id).await, "ringing");
    p.advance(1);
    assert_eq!(p.status(&id).await, "inProgress");
    assert!(
        p.cdrs(json!({"SessionIds": [id]})).await["TelCdrList"]
            .as_array()
            .unwrap()
            .is_empty(),
        "no record while the call is live"
    );
    p.advance(7);
    assert_eq!(p.status(&id).await, "inProgress");
    p.advance(1);
    assert_eq!(p.status(&id).await, "finished");
    let cdr = p.cdrs(json!({"SessionIds": [id]})).await["TelCdrList"][0].clone();
    assert_eq!(cdr["SessionId"], id);
    assert_eq!(cdr["EndStatus"], 1);
    assert_eq!(cdr["EndStatusString"], "ok");
    assert_eq!(cdr["Duration"], 8);
    assert_eq!(cdr["HungUpSide"], "user");
    assert_eq!(cdr["AIAgentId"], 15);
    assert_eq!(cdr["AIAgentName"], "Sales bot");
    assert!(cdr["RecordURL"].as_str().unwrap().ends_with(".mp3"));
    assert!(!cdr["AsrUrl"].as_str().unwrap().is_empty());
    assert_eq!(
        cdr["EndedTimestamp"].as_i64().unwrap() - cdr["AcceptTimestamp"].as_i64().unwrap(),
        8
    );
}

#[tokio::test]
async fn timings_are_configurable() {
    let p = peer_with(SimConfig {
        ring: Duration::from_secs(5),
        talk: Duration::from_secs(20),
        ..instant()
    })
    .await;
    let id = p.dial(CALLEE).await;
    p.advance(4);
    assert_eq!(p.status(&id).await, "ringing");
    p.advance(20);
    assert_eq!(p.status(&id).await, "inProgress");
    p.advance(1);
    assert_eq!(p.status(&id).await, "finished");
}

#[tokio::test]
async fn hang_up_ends_a_live_call_and_max_ring_ends_an_unanswered_one() {
    let p = peer().await;
    let talking = p.dial(CALLEE).await;
    let ringing = p.dial("008613012345670").await;
    let r = p
        .call("CreateAIAgentCall", json!({"SdkAppId": APP, "AIAgentId": 15, "Callee": "008613012345671", "MaxRingTimeoutSecond": 1}))
        .await;
    let unanswered = r.ok()["SessionId"].as_str().unwrap().to_string();

    p.call("HangUpCall", json!({"SdkAppId": APP, "SessionId": ringing}))
        .await
        .ok();
    assert_eq!(p.status(&ringing).await, "finished");
    p.advance(1);
    assert_eq!(p.status(&unanswered).await, "finished");
    p.advance(2);
    assert_eq!(p.status(&talking).await, "inProgress");
    p.call("HangUpCall", json!({"SdkAppId": APP, "SessionId": talking}))
        .await
        .ok();
    assert_eq!(p.status(&talking).await, "finished");
    // Hanging up a finished call changes nothing; an unknown one is refused.
    p.call("HangUpCall", json!({"SdkAppId": APP, "SessionId": talking}))
        .await
        .ok();
    let r = p
        .call("HangUpCall", json!({"SdkAppId": APP, "SessionId": "nope"}))
        .await;
    assert_eq!(r.code(), "InvalidParameterValue");

    let cdr = |id: String| {
        let p = &p;
        async move { p.cdrs(json!({"SessionIds": [id]})).await["TelCdrList"][0].clone() }
    };
    let c = cdr(talking).await;
    assert_eq!(
        (
            c["EndStatusString"].as_str(),
            c["HungUpSide"].as_str(),
            c["Duration"].as_i64()
        ),
        (Some("ok"), Some("system"), Some(1))
    );
    let c = cdr(ringing).await;
    assert_eq!(
        (c["EndStatus"].as_i64(), c["EndStatusString"].as_str()),
        (Some(220), Some("callerCancelWhileRing"))
    );
    assert_eq!(c["Duration"], 0);
    assert_eq!(c["RecordURL"], "");
    let c = cdr(unanswered).await;
    assert_eq!(
        (c["EndStatus"].as_i64(), c["EndStatusString"].as_str()),
        (Some(202), Some("notAnswer"))
    );
}

#[tokio::test]
async fn agents_and_numbers_page() {
    let p = peer().await;
    let page = |n: i64| {
        let p = &p;
        async move {
            p.call(
                "DescribeAIAgentInfoList",
                json!({"SdkAppId": APP, "PageSize": 2, "PageNumber": n}),
            )
            .await
            .ok()
        }
    };
    let first = page(0).await;
    assert_eq!(first["TotalCount"], 5);
    assert_eq!(first["AIAgentInfoList"][0]["AIAgentId"], 15);
    assert_eq!(
        first["AIAgentInfoList"][1]["VariableNames"][0],
        "dify-inputs-user"
    );
    assert_eq!(
        page(2).await["AIAgentInfoList"].as_array().unwrap().len(),
        1
    );
    assert!(
        page(3).await["AIAgentInfoList"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = p
        .call(
            "DescribeAIAgentInfoList",
            json!({"SdkAppId": APP, "PageSize": 101, "PageNumber": 0}),
        )
        .await;
    assert_eq!(r.code(), "InvalidParameterValue");

    let all = p
        .call("DescribeNumbers", json!({"SdkAppId": APP}))
        .await
        .ok();
    let numbers = all["Numbers"].as_array().unwrap();
    assert_eq!(all["TotalCount"], 7);
    assert_eq!(numbers.len(), 7);
    for state in [1, 2, 4, 5] {
        assert!(numbers.iter().any(|n| n["State"] == state));
    }
    assert!(numbers.iter().any(|n| n["CostType"] == 0));
    let second = p
        .call(
            "DescribeNumbers",
            json!({"SdkAppId": APP, "PageNumber": 1, "PageSize": 3}),
        )
        .await
        .ok();
    assert_eq!(second["Numbers"][0], numbers[3]);
}

#[tokio::test]
async fn call_records_filter_by_window_phone_and_session_and_page() {
    let p = peer().await;
    let a = p.dial("008613000000001").await;
    let b = p.dial("008613000000002").await;
    let c = p.dial("008613000000002").await;
    p.advance(60);
    let all = p.cdrs(json!({})).await;
    assert_eq!(all["TotalCount"], 3);
    let by_phone = p.cdrs(json!({"Phones": ["008613000000002"]})).await;
    let ids: Vec<&str> = by_phone["TelCdrList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["SessionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [b.as_str(), c.as_str()]);
    let by_caller = p.cdrs(json!({"Phones": ["008601012345678"]})).await;
    assert_eq!(by_caller["TotalCount"], 3);
    let by_id = p.cdrs(json!({"SessionIds": [a.clone()]})).await;
    assert_eq!(by_id["TotalCount"], 1);
    let paged = p.cdrs(json!({"PageSize": 2, "PageNumber": 1})).await;
    assert_eq!(paged["TotalCount"], 3);
    assert_eq!(paged["TelCdrList"].as_array().unwrap().len(), 1);
    let later = p.cdrs(json!({"StartTimeStamp": now_s() + 3_600})).await;
    assert_eq!(later["TotalCount"], 0);
    for (start, end) in [
        (now_s(), now_s() - 1),
        (now_s() - 91 * 86_400, now_s()),
        (now_s() - 200 * 86_400, now_s() - 199 * 86_400),
    ] {
        let r = p
            .call("DescribeTelCdr", json!({"SdkAppId": APP, "StartTimeStamp": start, "EndTimeStamp": end, "PageSize": 10, "PageNumber": 0}))
            .await;
        assert_eq!(r.code(), "InvalidParameterValue", "{start}..{end}");
    }
}

#[tokio::test]
async fn control_tags_latency_and_interaction_records() {
    let p = peer().await;
    let id = p.dial(CALLEE).await;
    let push = json!({"SdkAppId": APP, "SessionId": id, "Command": "ServerPushText",
        "ServerPushText": {"Text": "Your order has shipped.", "Interrupt": false}});
    let r = p.call("ControlAIConversation", push.clone()).await;
    assert_eq!(r.code(), "FailedOperation.SessionNotInControlState");
    p.advance(3);
    p.call("ControlAIConversation", push.clone()).await.ok();
    let bad = json!({"SdkAppId": APP, "SessionId": id, "Command": "Dance"});
    assert_eq!(
        p.call("ControlAIConversation", bad).await.code(),
        "InvalidParameterValue"
    );
    let no_text = json!({"SdkAppId": APP, "SessionId": id, "Command": "InvokeLLM"});
    assert_eq!(
        p.call("ControlAIConversation", no_text).await.code(),
        "MissingParameter"
    );
    let window = json!({"SdkAppId": APP, "SessionId": id, "StartTime": now_s() - 60, "EndTime": now_s() + 60});
    let tags = p
        .call("DescribeAICallExtractResult", window.clone())
        .await
        .ok();
    assert!(
        tags["ResultList"].as_array().unwrap().is_empty(),
        "no tags before the call ends"
    );
    p.advance(10);
    let r = p.call("ControlAIConversation", push).await;
    assert_eq!(r.code(), "FailedOperation.SessionNotInControlState");

    let tags = p
        .call("DescribeAICallExtractResult", window.clone())
        .await
        .ok();
    assert_eq!(tags["ResultList"][0]["InfoName"], "Interested");
    assert_eq!(tags["ResultList"][0]["Result"]["Boolean"], true);

    let lat = p.call("DescribeAILatency", window.clone()).await.ok();
    let rounds = lat["AILatencyDetail"].as_array().unwrap();
    assert_eq!(rounds.len(), 4);
    for r in rounds {
        let ete = r["ETELatency"].as_i64().unwrap();
        assert!((400..2_000).contains(&ete), "{r}");
        assert!(r["ASRLatency"].as_i64().unwrap() < ete);
    }
    let stats = &lat["AILatencyStatistics"]["ETELatency"];
    assert!(stats["MinLatency"].as_f64() <= stats["MiddleLatency"].as_f64());
    assert!(stats["MiddleLatency"].as_f64() <= stats["P90Latency"].as_f64());
    let again = p.call("DescribeAILatency", window).await.ok();
    assert_eq!(
        again["AILatencyDetail"], lat["AILatencyDetail"],
        "figures are repeatable"
    );

    let rec = p
        .call(
            "DescribeAICallInteractionRecords",
            json!({"SdkAppId": APP, "SessionId": id}),
        )
        .await
        .ok();
    let events = rec["InteractionEventList"].as_array().unwrap();
    assert!(
        events[0]["Messages"][0]["AISpeak"]["SpokenText"]
            .as_str()
            .unwrap()
            .contains("Sales bot")
    );
    let pushed: Vec<&Value> = events
        .iter()
        .flat_map(|e| e["Messages"].as_array().unwrap())
        .filter(|m| m["AISpeak"]["SpokenText"] == "Your order has shipped.")
        .collect();
    assert_eq!(pushed.len(), 1, "{rec}");
    assert_eq!(pushed[0]["AISpeak"]["SpokenType"], "Other");
}

#[tokio::test]
async fn every_fault_callee_behaves_as_its_table_says() {
    let p = peer_with(SimConfig {
        slow_answer: Duration::from_millis(1_500),
        rate_limit_per_sec: 1_000,
        ..instant()
    })
    .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut placed = Vec::new();
    let mut ended = Vec::new();
    for f in TABLE {
        let body =
            serde_json::to_vec(&json!({"SdkAppId": APP, "AIAgentId": 15, "Callee": f.callee}))
                .unwrap();
        let signed = tc3::sign(
            &p.sim.credential(),
            &Request::post_json(&p.host(), "CreateAIAgentCall", now_s(), &body),
        );
        let mut req = impatient.post(p.sim.url()).body(body);
        for (n, v) in &signed.headers {
            req = req.header(n, v);
        }
        let sent = req.send().await;
        match f.fault {
            Fault::Reject {
                code,
                creates_session,
                ..
            } => {
                let v: Value = serde_json::from_str(&sent.unwrap().text().await.unwrap()).unwrap();
                assert_eq!(v["Response"]["Error"]["Code"], code, "{}", f.callee);
                if creates_session {
                    placed.push(f.callee);
                }
            }
            Fault::Ends(_) => {
                let v: Value = serde_json::from_str(&sent.unwrap().text().await.unwrap()).unwrap();
                assert!(v["Response"]["SessionId"].is_string(), "{}: {v}", f.callee);
                ended.push(f.callee);
            }
            Fault::Transport(Transport::Slow) => {
                let e = sent
                    .err()
                    .unwrap_or_else(|| panic!("{} answered in time", f.callee));
                assert!(e.is_timeout(), "{e:?}");
                placed.push(f.callee);
            }
            Fault::Transport(Transport::Dropped) => {
                let e = sent
                    .err()
                    .unwrap_or_else(|| panic!("{} got a response", f.callee));
                assert!(!e.is_timeout() && e.is_request(), "{e:?}");
                placed.push(f.callee);
            }
            Fault::Transport(Transport::Http500) => {
                let r = sent.unwrap();
                assert_eq!(r.status().as_u16(), 500);
                assert_eq!(r.headers()["content-type"], "text/html");
                assert!(r.text().await.unwrap().contains("<html>"));
                placed.push(f.callee);
            }
            Fault::Transport(Transport::MalformedJson) => {
                let r = sent.unwrap();
                assert_eq!(r.headers()["content-type"], "application/json");
                assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());
                placed.push(f.callee);
            }
        }
    }
    assert_eq!(
        placed.len(),
        5,
        "InternalError and the four transport faults place the call"
    );
    p.advance(60);
    // Calls whose outcome the client could not know are found by callee, as a client reconciles.
    for callee in placed {
        let r = p.cdrs(json!({"Phones": [callee]})).await;
        assert_eq!(r["TotalCount"], 1, "{callee}");
    }
    let expected = [
        ("00999200202", 202, "notAnswer", 0),
        ("00999200203", 203, "userReject", 0),
        ("00999200204", 204, "powerOff", 0),
        ("00999200205", 205, "numberNotExist", 0),
        ("00999200206", 206, "busy", 0),
        ("00999200222", 222, "voiceMailReached", 0),
        ("00999200001", 1, "ok", 1),
    ];
    assert_eq!(ended.len(), expected.len());
    for (callee, code, name, duration) in expected {
        let r = p.cdrs(json!({"Phones": [callee]})).await;
        let c = &r["TelCdrList"][0];
        assert_eq!(
            (c["EndStatus"].as_i64(), c["EndStatusString"].as_str()),
            (Some(code), Some(name)),
            "{callee}"
        );
        assert_eq!(c["Duration"], duration, "{callee}");
    }
    // Rejected callees place nothing.
    assert_eq!(
        p.cdrs(json!({"Phones": ["00999100001"]})).await["TotalCount"],
        0
    );
    assert_eq!(faults::for_callee("00999400000"), None);
    let verdicts: Vec<String> = p.sim.requests().iter().map(|e| e.verdict.clone()).collect();
    for v in [
        "slow",
        "dropped",
        "http500",
        "malformed",
        "InternalError",
        "FailedOperation.CalleeIsBlackUser",
    ] {
        assert!(verdicts.iter().any(|x| x == v), "{v} not logged");
    }
}

#[tokio::test]
async fn twenty_calls_a_second_then_request_limit_exceeded() {
    let p = peer().await;
    let mut codes = Vec::new();
    for i in 0..21 {
        let r = p
            .call(
                "CreateAIAgentCall",
                json!({"SdkAppId": APP, "AIAgentId": 15, "Callee": format!("0086130000001{i:02}")}),
            )
            .await;
        codes.push(r.code());
    }
    assert_eq!(
        codes.iter().filter(|c| c.is_empty()).count(),
        20,
        "{codes:?}"
    );
    assert_eq!(codes[20], "RequestLimitExceeded");
    // Other actions are not limited by it.
    p.call("DescribeNumbers", json!({"SdkAppId": APP}))
        .await
        .ok();
    assert_eq!(p.sim.count("CreateAIAgentCall"), 21);
}

#[tokio::test]
async fn the_request_log_records_what_the_client_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.jsonl");
    let p = peer_with(SimConfig {
        log_file: Some(path.clone()),
        ..instant()
    })
    .await;
    let body = json!({"SdkAppId": APP, "AIAgentId": 16, "Callee": CALLEE,
        "Variables": [{"Key": "dify-inputs-user", "Value": "alice"}]});
    let id = p.dial(CALLEE).await;
    p.call("CreateAIAgentCall", body.clone()).await.ok();
    p.call(
        "DescribeTelSession",
        json!({"SdkAppId": APP, "SessionId": id}),
    )
    .await
    .ok();
    p.call(
        "DescribeTelSession",
        json!({"SdkAppId": 7, "SessionId": id}),
    )
    .await;

    let log = p.sim.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(p.sim.count("CreateAIAgentCall"), 2);
    assert_eq!(p.sim.count("DescribeTelSession"), 2);
    assert_eq!(log[0].session_id.as_deref(), Some(id.as_str()));
    assert_eq!(log[1].body, body);
    assert_eq!(log[2].verdict, "ok");
    assert_eq!(
        log[2].session_id.as_deref(),
        Some(id.as_str()),
        "named sessions are logged"
    );
    assert_eq!(log[3].verdict, "InvalidParameterValue.InstanceNotExist");
    assert!(chrono::DateTime::parse_from_rfc3339(&log[0].time).is_ok());

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["action"], "CreateAIAgentCall");
    assert_eq!(lines[1]["body"], body);
    assert_eq!(lines[1]["verdict"], "ok");
    assert!(lines[1]["session_id"].is_string());
    assert!(lines[1]["time"].is_string());
    assert!(
        !text.contains(sim::SIM_SECRET_KEY),
        "the key never reaches the log"
    );
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let p = peer().await;
    let url = p.sim.url();
    p.call("DescribeNumbers", json!({"SdkAppId": APP}))
        .await
        .ok();
    p.sim.shutdown().await;
    assert!(reqwest::Client::new().post(&url).send().await.is_err());
}

#[test]
fn the_readme_documents_every_fault_callee() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## The simulator")
        .nth(1)
        .expect("README has the simulator section");
    assert!(section.contains(sim::SIM_SECRET_ID) && section.contains(sim::SIM_SECRET_KEY));
    for f in TABLE {
        assert!(section.contains(f.callee), "README lacks {}", f.callee);
        if let Fault::Reject { code, .. } = f.fault {
            assert!(section.contains(code), "README lacks {code}");
        }
    }
}
