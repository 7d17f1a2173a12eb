//! The simulator's batch engine as clients see it: the official Python SDK and tccli drive a
//! task, and the typed client follows a 200-callee task with retries and windows on a
//! controlled clock.

mod support;

use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::actions::{
    CalleeState, CreateAutoCalloutTask, DescribeAutoCalloutTask, DescribeAutoCalloutTasks,
    DescribeTelCdr, PauseAutoCalloutTask, StopAutoCalloutTask, TaskState, TimeRange,
};
use ccc_dial::ccc::{ApiError, Client, ClientConfig};
use ccc_dial::sim::{self, Clock, ManualClock, SimConfig, SimHandle};
use chrono::TimeZone;
use serde_json::Value;

const APP: u64 = 1_400_000_000;
const NO_ANSWER: &str = "00999200202";
const BUSY: &str = "00999200206";

fn shanghai_ms(h: u32, m: u32) -> i64 {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 26, h, m, 0)
        .unwrap()
        .timestamp_millis()
}

async fn sim_at(ms: i64, config: SimConfig) -> (SimHandle, Arc<ManualClock>, Client) {
    let clock = Arc::new(ManualClock::new(ms));
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        ..config
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    (sim, clock, client)
}

fn task(callees: Vec<String>, not_before: i64) -> CreateAutoCalloutTask {
    CreateAutoCalloutTask {
        sdk_app_id: APP,
        not_before,
        callees,
        callers: vec!["008601012345678".into()],
        ai_agent_id: Some(15),
        name: Some("t".into()),
        ..Default::default()
    }
}

fn code(e: ApiError) -> String {
    e.code().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_drives_a_task() {
    let python = support::sdk::python();
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let port = sim.addr().port().to_string();
    let not_before = (sim::clock::wall_ms() / 1_000).to_string();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(support::sdk::script("sim_tasks.py"))
            .args([&port, sim::SIM_SECRET_ID, sim::SIM_SECRET_KEY, &not_before])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "sim_tasks.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unset"], serde_json::json!([]), "fields left unset");
    assert_eq!(v["name"], "sdk-check");
    assert_eq!(v["state"], 1, "running from NotBefore");
    assert_eq!(v["callees"][0][1], 3, "the first callee is being called");
    assert_eq!(v["callees"][0][2], 1, "with one session");
    assert_eq!(v["listed"][0][1], "sdk-check");
    assert_eq!(v["listed"][0][2], 2);
    assert_eq!(v["total"], 1);
    assert_eq!(
        v["states"],
        serde_json::json!([5, 1, 3]),
        "paused, running, ending"
    );
    assert_eq!(v["resume_stopped"], "UnsupportedOperation");
    assert_eq!(v["missing"], "InvalidParameterValue");
    let log = sim.requests();
    let create = &log[0].body;
    assert_eq!(
        create["CalleeAttributes"][0]["Variables"][0]["Value"],
        "Ann"
    );
    sim.shutdown().await;
}

/// tccli (the official command line) creates, describes, lists, pauses, resumes and stops a
/// task on the simulator, each answer what the command prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tccli_drives_a_task() {
    let tccli = support::sdk::tccli();
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let url = sim.url();
    let home = tempfile::tempdir().unwrap();
    let not_before = (sim::clock::wall_ms() / 1_000).to_string();
    let run = move |args: Vec<String>| {
        let out = Command::new(&tccli)
            .arg("ccc")
            .args(&args)
            .args(["--endpoint", &url, "--secretId", sim::SIM_SECRET_ID])
            .args(["--secretKey", sim::SIM_SECRET_KEY])
            .env("HOME", home.path())
            .env_remove("TENCENTCLOUD_SECRET_ID")
            .env_remove("TENCENTCLOUD_SECRET_KEY")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tccli ccc {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let app = APP.to_string();
    let v = tokio::task::spawn_blocking(move || {
        let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let created = run(args(&[
            "CreateAutoCalloutTask",
            "--SdkAppId",
            &app,
            "--NotBefore",
            &not_before,
            "--Callees",
            r#"["008613000000001","008613000000002"]"#,
            "--Callers",
            r#"["008601012345678"]"#,
            "--AIAgentId",
            "15",
            "--Name",
            "tccli-check",
            "--Tries",
            "2",
        ]));
        let id = created["TaskId"].as_i64().unwrap().to_string();
        let task = |action: &str| run(args(&[action, "--SdkAppId", &app, "--TaskId", &id]));
        let described = task("DescribeAutoCalloutTask");
        let listed = run(args(&[
            "DescribeAutoCalloutTasks",
            "--SdkAppId",
            &app,
            "--PageSize",
            "10",
            "--PageNumber",
            "0",
        ]));
        let paused = task("PauseAutoCalloutTask");
        let state_paused = task("DescribeAutoCalloutTask")["State"].clone();
        task("ResumeAutoCalloutTask");
        let state_resumed = task("DescribeAutoCalloutTask")["State"].clone();
        task("StopAutoCalloutTask");
        let state_stopped = task("DescribeAutoCalloutTask")["State"].clone();
        serde_json::json!({
            "described": described, "listed": listed, "paused": paused,
            "states": [state_paused, state_resumed, state_stopped],
        })
    })
    .await
    .unwrap();
    assert_eq!(v["described"]["Name"], "tccli-check");
    assert_eq!(v["described"]["Callees"].as_array().unwrap().len(), 2);
    assert_eq!(v["listed"]["TotalCount"], 1);
    assert_eq!(v["listed"]["Tasks"][0]["CalleeCount"], 2);
    assert_eq!(v["listed"]["Tasks"][0]["Name"], "tccli-check");
    assert!(v["paused"]["RequestId"].is_string());
    assert_eq!(
        v["states"],
        serde_json::json!([5, 1, 3]),
        "paused, running, ending"
    );
    let actions: Vec<String> = sim.requests().into_iter().map(|e| e.action).collect();
    assert_eq!(actions[0], "CreateAutoCalloutTask");
    assert!(actions.contains(&"StopAutoCalloutTask".to_string()));
    sim.shutdown().await;
}

/// Every record of `ids`, a hundred SessionIds a page.
async fn records(client: &Client, ids: &[String], from_s: i64) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for chunk in ids.chunks(100) {
        let r = client
            .send(&DescribeTelCdr {
                start_time_stamp: from_s,
                end_time_stamp: from_s + 86_400,
                sdk_app_id: APP as i64,
                page_size: 100,
                page_number: 0,
                session_ids: Some(chunk.to_vec()),
                ..Default::default()
            })
            .await
            .unwrap();
        for cdr in r.data.tel_cdr_list {
            out.push((cdr.session_id.unwrap(), cdr.start_timestamp.unwrap()));
        }
    }
    out
}

#[tokio::test]
async fn a_200_callee_task_retries_fault_callees_only_inside_its_windows() {
    let start = shanghai_ms(9, 0);
    // The limiter counts real seconds; this test polls as fast as it can move its clock.
    let fast = SimConfig {
        rate_limit_per_sec: 10_000,
        ..SimConfig::default()
    };
    let (sim, clock, client) = sim_at(start, fast).await;
    let mut callees: Vec<String> = (0..180).map(|i| format!("0086130{i:08}")).collect();
    callees.extend((0..10).map(|_| NO_ANSWER.to_string()));
    callees.extend((0..10).map(|_| BUSY.to_string()));
    let request = CreateAutoCalloutTask {
        tries: Some(3),
        retry_interval: Some(600),
        retry_hangup_types: Some(vec!["202".into(), "206".into()]),
        max_ring_timeout_second: Some(20),
        time_zone: Some("Asia/Shanghai".into()),
        available_time: Some(vec![
            TimeRange::new("09:00:00", "09:10:00"),
            TimeRange::new("10:00:00", "11:00:00"),
        ]),
        ..task(callees, start / 1_000)
    };
    let id = client.send(&request).await.unwrap().data.task_id;
    let describe = DescribeAutoCalloutTask {
        sdk_app_id: APP,
        task_id: id,
    };
    let mut seen_pending = false;
    let done = loop {
        clock.advance(Duration::from_secs(60));
        let r = client.send(&describe).await.unwrap().data;
        seen_pending |= r
            .callees
            .iter()
            .any(|c| c.state == CalleeState::PendingRetry);
        if r.state == Some(TaskState::Completed) {
            break r;
        }
        assert!(clock.now_ms() < shanghai_ms(12, 0), "not done by noon");
    };
    assert!(seen_pending, "fault callees waited for a retry");
    for c in &done.callees {
        let (tries, state) = match c.callee.as_str() {
            NO_ANSWER | BUSY => (3, CalleeState::Unanswered),
            _ => (1, CalleeState::Answered),
        };
        assert_eq!((c.sessions.len(), c.state), (tries, state), "{}", c.callee);
    }
    let ids: Vec<String> = done
        .callees
        .iter()
        .flat_map(|c| c.sessions.clone())
        .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 180 + 20 * 3);
    let found = records(&client, &ids, start / 1_000).await;
    assert_eq!(found.len(), ids.len(), "every try has its record");
    let windows = [
        (shanghai_ms(9, 0), shanghai_ms(9, 10)),
        (shanghai_ms(10, 0), shanghai_ms(11, 0)),
    ];
    for (session, started_s) in &found {
        let ms = started_s * 1_000;
        assert!(
            windows.iter().any(|(a, b)| (*a..*b).contains(&ms)),
            "{session} started at {started_s}, outside the windows"
        );
    }
    assert!(
        found.iter().any(|(_, s)| s * 1_000 >= shanghai_ms(10, 0)),
        "the window closed mid-run and retries waited for the next one"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_ids_states_and_limits_get_the_documented_codes() {
    let start = shanghai_ms(9, 0);
    let (sim, _, client) = sim_at(
        start,
        SimConfig {
            max_task_callees: 3,
            flavour: sim::Flavour::Mainland,
            ..SimConfig::default()
        },
    )
    .await;
    let numbers = |n: usize| (0..n).map(|i| format!("0086130{i:08}")).collect();
    let too_many = client.send(&task(numbers(4), start / 1_000)).await;
    let e = too_many.unwrap_err();
    assert_eq!(code(e.clone()), "InvalidParameterValue");
    assert!(e.to_string().contains("at most 3"), "{e}");
    let over_quota = CreateAutoCalloutTask {
        concurrency_limit: Some(11),
        ..task(numbers(1), start / 1_000)
    };
    let e = client.send(&over_quota).await.unwrap_err();
    assert_eq!(code(e), "LimitExceeded.OutOfQuotaMaxCount");
    sim.shutdown().await;
    let (sim, _, client) = sim_at(start, SimConfig::default()).await;
    let e = client.send(&over_quota).await.unwrap_err();
    assert_eq!(
        code(e),
        "UnknownParameter",
        "the international model has no ConcurrencyLimit"
    );
    sim.shutdown().await;
    let (sim, clock, client) = sim_at(
        start,
        SimConfig {
            max_task_callees: 3,
            ..SimConfig::default()
        },
    )
    .await;
    let bad_zone = CreateAutoCalloutTask {
        time_zone: Some("Mars/Olympus".into()),
        ..task(numbers(1), start / 1_000)
    };
    assert_eq!(
        code(client.send(&bad_zone).await.unwrap_err()),
        "InvalidParameterValue"
    );

    let later = CreateAutoCalloutTask {
        not_after: Some(start / 1_000 + 3_600),
        ..task(numbers(2), start / 1_000 + 600)
    };
    let id = client.send(&later).await.unwrap().data.task_id;
    let list = DescribeAutoCalloutTasks {
        sdk_app_id: APP,
        page_size: 10,
        page_number: 0,
    };
    let listed = client.send(&list).await.unwrap().data;
    assert_eq!(listed.total_count, 1);
    assert_eq!(listed.tasks[0].state, Some(TaskState::Initial));
    let stop = StopAutoCalloutTask {
        sdk_app_id: APP,
        task_id: id,
    };
    client.send(&stop).await.unwrap();
    let e = client.send(&stop).await.unwrap_err();
    assert_eq!(code(e), "UnsupportedOperation");
    let pause = PauseAutoCalloutTask {
        task_id: id as i64,
        sdk_app_id: APP as i64,
    };
    assert_eq!(
        code(client.send(&pause).await.unwrap_err()),
        "UnsupportedOperation"
    );
    clock.advance(Duration::from_secs(7_200));
    let r = client
        .send(&DescribeAutoCalloutTask {
            sdk_app_id: APP,
            task_id: id,
        })
        .await
        .unwrap()
        .data;
    assert_eq!(r.state, Some(TaskState::Terminated));
    assert!(
        r.callees.iter().all(|c| c.sessions.is_empty()),
        "stopped before NotBefore"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn each_task_action_has_its_own_rate_limit() {
    let one = SimConfig {
        rate_limit_per_sec: 1,
        ..SimConfig::default()
    };
    let (sim, _clock, client) = sim_at(shanghai_ms(9, 0), one).await;
    let list = DescribeAutoCalloutTasks {
        sdk_app_id: APP,
        page_size: 10,
        page_number: 0,
    };
    client.send(&list).await.unwrap();
    let describe = DescribeAutoCalloutTask {
        sdk_app_id: APP,
        task_id: 1,
    };
    assert_eq!(
        code(client.send(&describe).await.unwrap_err()),
        "InvalidParameterValue",
        "another action is not limited by the first"
    );
    let e = client.send(&list).await.unwrap_err();
    assert_eq!(code(e), "RequestLimitExceeded");
    sim.shutdown().await;
}
