//! Never twice across paths: `task create` claims each callee like `call` and `batch` do, and
//! a callee in a created task holds back a later `call` or `batch` to it.

mod support;

use std::process::Command;

use serde_json::Value;
use support::cli::{Sandbox, StandaloneSim, stderr, stdout, task_create as create};

const ANN: &str = "008613000000001";
const BOB: &str = "008613000000002";
const CAT: &str = "008613000000003";

fn call(sandbox: &Sandbox, sim: &StandaloneSim, callee: &str) -> Command {
    let mut cmd = sandbox.against(&sim.url);
    cmd.args(["call", "--sdk-app-id", "1400000000", "--agent", "15"])
        .args(["--callee", callee]);
    cmd
}

fn sent(sim: &StandaloneSim, action: &str) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["action"] == action)
        .map(|r| r["body"].clone())
        .collect()
}

#[test]
fn a_callee_called_recently_is_held_back_from_a_task_and_listed_first() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    let out = call(&sandbox, &sim, ANN).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(sandbox.path("list.csv"), format!("callee\n{ANN}\n{BOB}\n")).unwrap();
    let out = create(&sandbox, &sim, "list.csv", &[]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "held is exit 6: {err}");
    let held_at = err
        .find("line 2: held back: 008613000000001 was called at")
        .expect(&err);
    let created_at = err.find("created task").expect(&err);
    assert!(
        held_at < created_at,
        "listed before anything is created: {err}"
    );
    assert!(err.contains("from this machine, attempt"), "{err}");
    let tasks = sent(&sim, "CreateAutoCalloutTask");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["Callees"], serde_json::json!([BOB]));

    // Every callee held: nothing is created at all.
    std::fs::write(sandbox.path("ann.csv"), format!("callee\n{ANN}\n")).unwrap();
    let out = create(&sandbox, &sim, "ann.csv", &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to create"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(&sim, "CreateAutoCalloutTask").len(), 1);

    // --allow-recent takes it, and is recorded with the task.
    let out = create(&sandbox, &sim, "ann.csv", &["--allow-recent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tasks = sent(&sim, "CreateAutoCalloutTask");
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[1]["Callees"], serde_json::json!([ANN]));
    let db = rusqlite::Connection::open(sandbox.history_path()).unwrap();
    let overrides: Vec<Option<String>> = db
        .prepare("SELECT claim_override FROM task ORDER BY created_at_ms")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(overrides, [None, Some("allow-recent".into())]);
}

#[test]
fn a_callee_in_a_created_task_holds_back_a_later_call_and_batch() {
    let sandbox = Sandbox::new();
    // A task that starts tomorrow: none of its callees has been called yet.
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    std::fs::write(sandbox.path("list.csv"), format!("callee\n{ANN}\n{BOB}\n")).unwrap();
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let out = create(
        &sandbox,
        &sim,
        "list.csv",
        &["--not-before", &tomorrow.to_rfc3339()],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let task_id = stdout(&out).trim().to_string();

    let out = call(&sandbox, &sim, ANN).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains(&format!("server task {task_id}")) && err.contains("line 2"),
        "names the task and the line: {err}"
    );
    std::fs::write(sandbox.path("batch.csv"), format!("callee\n{BOB}\n{CAT}\n")).unwrap();
    let out = sandbox
        .against(&sim.url)
        .arg("batch")
        .arg(sandbox.path("batch.csv"))
        .args(["--sdk-app-id", "1400000000", "--agent", "15"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let dialed: Vec<String> = sent(&sim, "CreateAIAgentCall")
        .iter()
        .map(|b| b["Callee"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dialed, [CAT], "only the callee in no task was dialed");

    // The same list again with --again is a new task of the same people: held too.
    let out = create(
        &sandbox,
        &sim,
        "list.csv",
        &["--not-before", &tomorrow.to_rfc3339(), "--again"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(sent(&sim, "CreateAutoCalloutTask").len(), 1);
}
