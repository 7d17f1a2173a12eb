//! A server task rehearsed end to end on a fast simulator, as a user runs it: 200 callees, a
//! no-answer and a busy one retried three times, a window that closes while retries are due,
//! watched to its end; every try comes home with its record, and `task results` says what
//! DescribeAutoCalloutTask says.

mod support;

use std::collections::HashMap;

use ccc_dial::ccc::actions::DescribeAutoCalloutTask;
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Credential;
use chrono::{DateTime, Duration as Span, Timelike, Utc};
use serde_json::Value;
use support::cli::{Sandbox, StandaloneSim, stderr, stdout, task_create as create};

const NO_ANSWER: &str = "00999200202";
const BUSY: &str = "00999200206";
/// Simulated minutes per real second: 2.
const SCALE: &str = "120";
const MINUTE_MS: i64 = 60_000;

/// The simulator's clock now, from the time it logged a request.
fn sim_now(sandbox: &Sandbox, sim: &StandaloneSim) -> DateTime<Utc> {
    let out = sandbox
        .against(&sim.url)
        .args(["task", "list", "--sdk-app-id", "1400000000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let last = sim.requests().pop().expect("a request was logged");
    DateTime::parse_from_rfc3339(last["time"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A fixed-offset zone where `at` is around noon, so that the windows stay inside one day.
fn zone_near_noon(at: DateTime<Utc>) -> (String, i64) {
    let mut hours = 12 - i64::from(at.hour());
    if hours > 12 {
        hours -= 24;
    }
    // IANA's Etc/GMT zones count the other way: Etc/GMT-8 is eight hours east.
    let name = match hours {
        0 => "Etc/UTC".to_string(),
        h => format!("Etc/GMT{:+}", -h),
    };
    (name, hours)
}

fn hhmm(ms: i64, offset_h: i64) -> String {
    let local = DateTime::from_timestamp_millis(ms + offset_h * 3_600_000).unwrap();
    local.format("%H:%M").to_string()
}

#[test]
fn a_200_callee_task_with_faults_and_a_closing_window_comes_home_whole() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start_with(
        sandbox.dir.path(),
        &["--time-scale", SCALE, "--ring", "1", "--talk", "1"],
    );
    let mut csv = format!("callee,var.name\n{NO_ANSWER},Nick\n{BUSY},Bea\n");
    for i in 0..198 {
        csv.push_str(&format!("0086130{i:08},person {i}\n"));
    }
    std::fs::write(sandbox.path("list.csv"), csv).unwrap();
    let now = sim_now(&sandbox, &sim);
    let (zone, offset_h) = zone_near_noon(now);
    // Ten simulated minutes (five real seconds) to create it; then a first window of fifteen
    // minutes, which closes before the third tries are due (two 10-minute intervals), and a
    // second one from forty minutes on.
    let start = (now + Span::minutes(10)).timestamp_millis() / MINUTE_MS * MINUTE_MS;
    let windows = [
        (start, start + 15 * MINUTE_MS),
        (start + 40 * MINUTE_MS, start + 180 * MINUTE_MS),
    ];
    let window = windows
        .iter()
        .map(|(a, b)| format!("{}-{}", hhmm(*a, offset_h), hhmm(*b, offset_h)))
        .collect::<Vec<_>>()
        .join(",");
    let not_before = DateTime::from_timestamp_millis(start).unwrap().to_rfc3339();
    let options = [
        "--time-zone",
        &zone,
        "--not-before",
        &not_before,
        "--window",
        &window,
        "--tries",
        "3",
        "--retry-interval",
        "10m",
        "--retry-on",
        "no-answer,busy",
    ];
    let out = create(&sandbox, &sim, "list.csv", &options)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let watch = sandbox
        .against(&sim.url)
        .args(["task", "watch", &id, "--sdk-app-id", "1400000000"])
        .args(["--json", "--interval", "0.5"])
        .output()
        .unwrap();
    assert_eq!(watch.status.code(), Some(0), "{}", stderr(&watch));
    let results = sandbox
        .against(&sim.url)
        .args([
            "task",
            "results",
            &id,
            "--sdk-app-id",
            "1400000000",
            "--jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(results.status.code(), Some(0), "{}", stderr(&results));
    let lines: HashMap<String, Value> = stdout(&results)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["callee"].as_str().unwrap().to_string(), v))
        .collect();
    assert_eq!(lines.len(), 200);

    // What the service says, callee by callee, is what `task results` says.
    let cred = Credential::new(
        ccc_dial::sim::SIM_SECRET_ID.into(),
        ccc_dial::sim::SIM_SECRET_KEY.into(),
        None,
    )
    .unwrap();
    let client = Client::new(ClientConfig::new(&sim.url, cred)).unwrap();
    let described = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(client.send(&DescribeAutoCalloutTask {
            sdk_app_id: 1_400_000_000,
            task_id: id.parse().unwrap(),
        }))
        .unwrap()
        .data;
    assert_eq!(described.callees.len(), 200);
    let store = sandbox.store();
    let mut late = 0;
    for c in &described.callees {
        let line = &lines[&c.callee];
        let tries = if c.callee == NO_ANSWER || c.callee == BUSY {
            3
        } else {
            1
        };
        assert_eq!(c.sessions.len(), tries, "{}", c.callee);
        assert_eq!(line["tries"], tries, "{line}");
        assert_eq!(line["state"], c.state.label(), "{line}");
        assert_eq!(line["session_id"], c.sessions[tries - 1], "{line}");
        // Every try is at home with its record, and none started outside a window.
        for s in &c.sessions {
            let a = store.find(s).unwrap().expect("every try at home");
            assert_eq!(a.status.to_string(), "finished", "{s}");
            let at = a.created_at_ms;
            assert!(
                windows.iter().any(|(from, to)| (*from..*to).contains(&at)),
                "{s} of {} started at {at}, outside {windows:?}",
                c.callee
            );
            late += usize::from(at >= windows[1].0);
        }
    }
    assert!(
        lines[NO_ANSWER]["state"] == "unanswered" && lines[BUSY]["state"] == "unanswered",
        "{:?}",
        (&lines[NO_ANSWER], &lines[BUSY])
    );
    assert!(late > 0, "the first window closed while retries were due");
    let home = store.count(&ccc_dial::history::Filter::default()).unwrap();
    assert_eq!(home, 198 + 2 * 3, "each try once");
}
