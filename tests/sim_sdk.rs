//! The official Python SDKs against the simulator: a call is created, watched and hung up, and
//! a wrong key gets AuthFailure.SignatureFailure; and the cross-check of every action each
//! flavour serves against that flavour's SDK models (`tests/sdk/cross_check.py`).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use ccc_dial::sim::{self, Flavour, SimConfig};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_completes_a_call() {
    let python = support::sdk::python();
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let port = sim.addr().port().to_string();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(support::sdk::script("sim_calls.py"))
            .args([&port, sim::SIM_SECRET_ID, sim::SIM_SECRET_KEY])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "sim_calls.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "ringing");
    assert_eq!(v["wrong_key"], "AuthFailure.SignatureFailure");
    assert!(v["hung_up_request_id"].is_string());
    let id = v["session_id"].as_str().unwrap();

    let log = sim.requests();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "CreateAIAgentCall",
            "DescribeTelSession",
            "HangUpCall",
            "DescribeTelSession"
        ]
    );
    assert_eq!(log[0].body["Variables"][0]["Value"], "Alice");
    assert_eq!(log[2].session_id.as_deref(), Some(id));
    assert_eq!(log[2].verdict, "ok");
    assert_eq!(log[3].verdict, "AuthFailure.SignatureFailure");
    sim.shutdown().await;
}

/// Runs the cross-check of one flavour with its own SDK and returns its report.
async fn cross_check(flavour: Flavour, python: PathBuf) -> (Value, Vec<sim::LogEntry>) {
    let (ring, lag) = (Duration::from_millis(500), Duration::from_secs(1));
    let sim = sim::start(SimConfig {
        ring,
        talk: Duration::from_secs(4),
        record_lag: lag,
        flavour,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let args = [
        sim.addr().port().to_string(),
        sim::SIM_SECRET_ID.to_string(),
        sim::SIM_SECRET_KEY.to_string(),
        flavour.name().to_string(),
        ring.as_secs_f64().to_string(),
        lag.as_secs_f64().to_string(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(support::sdk::script("cross_check.py"))
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "cross_check.py ({}) printed no report ({e}): {}",
            flavour.name(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        out.status.success(),
        "{} flavour: {:#}",
        flavour.name(),
        report["problems"]
    );
    let log = sim.requests();
    sim.shutdown().await;
    (report, log)
}

/// Every answer of every action each flavour serves deserializes into that flavour's SDK
/// models with no documented field unset, no field the model lacks and no value outside a
/// documented enum; GET and HmacSHA256 requests verify; the international flavour refuses
/// what its model lacks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_official_sdks_accept_every_answer_of_their_flavour() {
    let (mainland, intl) = tokio::join!(
        cross_check(Flavour::Mainland, support::sdk::python()),
        cross_check(Flavour::International, support::sdk::python_intl()),
    );
    let served = [
        "CreateAIAgentCall",
        "DescribeAIAgentInfoList",
        "DescribeNumbers",
        "DescribeTelSession",
        "HangUpCall",
        "DescribeTelCdr",
        "DescribeAICallExtractResult",
        "DescribeAILatency",
        "ControlAIConversation",
    ];
    for ((report, log), extra) in [
        (&mainland, Some("DescribeAICallInteractionRecords")),
        (&intl, None),
    ] {
        let answered: Vec<&str> = report["answered"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for action in served.iter().chain(extra.iter()) {
            assert!(
                answered.contains(action),
                "{action} not checked: {answered:?}"
            );
        }
        for how in [
            "GET DescribeTelSession",
            "GET CreateAIAgentCall",
            "HmacSHA256 DescribeTelSession",
            "HmacSHA256 GET DescribeNumbers",
        ] {
            assert!(answered.contains(&how), "{how}: {answered:?}");
        }
        assert_eq!(report["problems"], serde_json::json!([]));
        assert_eq!(report["hmac_wrong_key"], "AuthFailure.SignatureFailure");
        assert_eq!(report["cdr_count"], 2);
        let ids = report["session_ids"].as_array().unwrap();
        let dashed = |v: &Value| v.as_str().unwrap().contains('-');
        assert_ne!(
            dashed(&ids[0]),
            dashed(&ids[1]),
            "both SessionId forms: {ids:?}"
        );
        // The GET call (the last call placed) arrived nested and typed, as a JSON body would.
        let get_call = log
            .iter()
            .rfind(|e| e.action == "CreateAIAgentCall" && e.verdict == "ok")
            .unwrap();
        assert_eq!(get_call.body["Callee"], "008613012345670");
        assert_eq!(get_call.body["Variables"][0]["Value"], "Alice");
        assert_eq!(get_call.body["SdkAppId"], 1_400_000_000);
    }
    assert!(mainland.0.get("interaction_records").is_none());
    assert_eq!(intl.0["interaction_records"], "InvalidAction");
    assert_eq!(intl.0["acquire_timeout"], "UnknownParameter");
}
