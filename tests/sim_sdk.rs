//! The official Python SDK against the simulator: a call is created, watched and hung up, and
//! a wrong key gets AuthFailure.SignatureFailure.

mod support;

use std::process::Command;

use ccc_dial::sim::{self, SimConfig};
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
