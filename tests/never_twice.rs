//! Never twice, whatever the user does: the same batch started twice at once, a file edited
//! after a partial run, a typo'd option then the right one, a history set aside, a stray
//! quote, a settings file with one bad field. Run as a user would, against the simulator.
#![cfg(unix)]

mod support;

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use ccc_dial::sim::{self, SIM_SECRET_ID, SIM_SECRET_KEY, SimConfig, SimHandle};
use support::cli::{Sandbox, output, stderr};

/// Calls end within a moment and their records are in at once, as for calls made a while
/// before the run.
async fn simulator() -> SimHandle {
    sim::start(SimConfig {
        ring: Duration::from_millis(20),
        talk: Duration::from_millis(30),
        record_lag: Duration::ZERO,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn callees(from: usize, n: usize) -> Vec<String> {
    (from..from + n).map(|i| format!("0086131{i:08}")).collect()
}

fn csv_of(callees: &[String]) -> String {
    let mut csv = String::from("callee,var.name\n");
    for (i, c) in callees.iter().enumerate() {
        csv.push_str(&format!("{c},person {i}\n"));
    }
    csv
}

fn batch(sandbox: &Sandbox, url: &str, file: &std::path::Path, extra: &[&str]) -> Command {
    let mut cmd = sandbox.against(url);
    cmd.arg("batch")
        .arg(file)
        .args(["--sdk-app-id", "1400000000", "--agent", "15"])
        .args(extra);
    cmd
}

/// `call` of `callee` on SdkAppId 1400000000 with agent 15, sent to `url`.
fn call(sandbox: &Sandbox, url: &str, callee: &str, extra: &[&str]) -> Command {
    let mut cmd = sandbox.against(url);
    cmd.args(extra).args([
        "call",
        "--sdk-app-id",
        "1400000000",
        "--agent",
        "15",
        "--callee",
        callee,
    ]);
    cmd
}

/// How many calls each callee received: CreateAIAgentCall requests the simulator placed (a
/// request refused for the rate limit places nothing, and its retry is the same attempt).
fn dialed(sim: &SimHandle) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in sim.requests() {
        if r.action == "CreateAIAgentCall" && r.verdict == "ok" {
            let callee = r.body["Callee"].as_str().unwrap_or_default().to_string();
            *counts.entry(callee).or_default() += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_batch_started_twice_at_once_dials_no_callee_twice() {
    let sim = simulator().await;
    for round in 0..20 {
        let sandbox = Sandbox::new();
        let rows = callees(round * 100, 8);
        let file = sandbox.path("calls.csv");
        std::fs::write(&file, csv_of(&rows)).unwrap();
        let (a, b) = tokio::join!(
            output(batch(&sandbox, &sim.url(), &file, &[])),
            output(batch(&sandbox, &sim.url(), &file, &[])),
        );
        let counts = dialed(&sim);
        for c in &rows {
            assert_eq!(counts.get(c), Some(&1), "round {round}: {c}: {counts:?}");
        }
        for out in [&a, &b] {
            // Accepted, or held back by the other run: never unknown while it is in flight.
            assert!(
                matches!(out.status.code(), Some(0 | 6)),
                "round {round}: {}",
                stderr(out)
            );
        }
    }
    assert_eq!(dialed(&sim).values().sum::<usize>(), 20 * 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_edited_after_a_partial_run_dials_only_the_new_callee() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let rows = callees(5000, 4);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Fixed a value and added a row: a new batch id, the same people.
    let mut edited = rows.clone();
    edited.push(callees(5100, 1).remove(0));
    std::fs::write(&file, csv_of(&edited).replace("person 0", "Person Zero")).unwrap();
    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("not dialed: {} was called at", rows[0])),
        "{err}"
    );
    let counts = dialed(&sim);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert_eq!(counts.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typo_in_an_option_dials_nothing_and_the_fixed_run_dials_once() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let rows = callees(6000, 3);
    let file = sandbox.path("calls.csv");
    // A row with its own agent would have gone out despite the typo.
    let csv = format!("callee,agent\n{},16\n{},\n{},\n", rows[0], rows[1], rows[2]);
    std::fs::write(&file, csv).unwrap();
    let mut cmd = sandbox.against(&sim.url());
    cmd.arg("batch")
        .arg(&file)
        .args(["--sdk-app-id", "1400000000", "--agent", "1S"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--agent"), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 0);

    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Another caller makes another batch id: still nobody is called twice.
    let out = output(batch(
        &sandbox,
        &sim.url(),
        &file,
        &["--caller", "008601012345678"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let counts = dialed(&sim);
    assert_eq!(counts.len(), 3);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");

    // Asked for, and recorded: --allow-recent calls them again, once their calls have
    // ended (a call in progress holds its callee whatever the override).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let out = output(batch(
        &sandbox,
        &sim.url(),
        &file,
        &["--caller", "008601012345678", "--allow-recent"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_history_set_aside_is_not_an_empty_past() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let rows = callees(7000, 3);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sandbox.path(&format!("history.db{side}")));
    }
    std::fs::write(sandbox.history_path(), b"this is no database").unwrap();
    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--new-history"), "{}", stderr(&out));
    // Refused again on the next run, though the new file is sound.
    let out = output(batch(&sandbox, &sim.url(), &file, &[])).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 3);

    // Accepted: the service's own records hold the callees.
    let out = output(batch(&sandbox, &sim.url(), &file, &["--new-history"])).await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("per the service's records"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.count("CreateAIAgentCall"), 3);
    assert!(sim.count("DescribePSTNActiveSessionList") >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stray_quote_in_row_3_of_1000_dials_nothing() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let rows = callees(8000, 1000);
    let csv = csv_of(&rows).replacen("person 2\n", "\"person 2\n", 1);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv).unwrap();
    for extra in [&["--dry-run"][..], &[]] {
        let out = output(batch(&sandbox, &sim.url(), &file, extra)).await;
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("line 4: a quoted cell runs on to line 1001"),
            "{err}"
        );
    }
    assert_eq!(sim.count("CreateAIAgentCall"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_settings_file_with_one_bad_field_keeps_its_endpoint() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.path("settings.toml"),
        format!(
            "endpoint = \"{}\"\nrate_limit_per_sec = -5\ndefault_sdk_app_id = 1400000000\n",
            sim.url()
        ),
    )
    .unwrap();
    let call = |sandbox: &Sandbox| {
        // The simulator's credentials, and no --endpoint: the settings' endpoint or nothing.
        let mut cmd = sandbox.command();
        cmd.env("TENCENTCLOUD_SECRET_ID", SIM_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", SIM_SECRET_KEY)
            .args(["call", "--agent", "15", "--callee", "008613200000001"]);
        cmd
    };
    let out = output(call(&sandbox)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rate_limit_per_sec = -5"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.count("CreateAIAgentCall"), 1);

    // Unreadable as a whole: exit 1, rather than call the default endpoint.
    std::fs::write(sandbox.path("settings.toml"), "endpoint = [[[\n").unwrap();
    let out = output(call(&sandbox)).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not be used"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.count("CreateAIAgentCall"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn call_in_a_script_refuses_a_recent_callee_without_allow_recent() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let callee = "008613200000002";
    let url = sim.url();
    assert_eq!(
        output(call(&sandbox, &url, callee, &[]))
            .await
            .status
            .code(),
        Some(0)
    );
    let out = output(call(&sandbox, &url, callee, &[])).await;
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("from this machine, attempt"), "{err}");
    assert!(err.contains("--allow-recent"), "{err}");
    assert_eq!(sim.count("CreateAIAgentCall"), 1);
    let mut again = call(&sandbox, &url, callee, &[]);
    again.arg("--allow-recent");
    let out = output(again).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 2);
    let store = sandbox.store();
    let overrides: Vec<Option<String>> = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .unwrap()
        .iter()
        .map(|a| store.claim_override(&a.id).unwrap())
        .collect();
    assert_eq!(overrides, [Some("allow-recent".to_string()), None]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_timeouts_are_refused_before_anything_is_sent() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    for bad in ["nan", "0", "-1", "inf"] {
        let timeout = format!("--timeout={bad}");
        let out = output(call(&sandbox, &sim.url(), "008613200000003", &[&timeout])).await;
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("positive number of seconds"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(sim.count("CreateAIAgentCall"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn out_equal_to_the_input_is_refused() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&callees(9000, 2))).unwrap();
    let out = output(batch(
        &sandbox,
        &sim.url(),
        &file,
        &["--out", file.to_str().unwrap()],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is the batch file itself"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.count("CreateAIAgentCall"), 0);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("callee,")
    );
}
