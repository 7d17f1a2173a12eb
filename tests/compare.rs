//! `ccc-dial compare` over runs of the dify agent on the simulator with different
//! `dify-inputs-*` values: the differences are exactly the differing variables, each run
//! shows its outcome and tags, and the medians are those of each run's own report, checked
//! against the stored rounds.
#![cfg(unix)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::dialer::{CallReport, DialRequest, Dialer, DialerEvent, WatchEvent};
use ccc_dial::history::{AttemptId, ClaimRule, Override, Store};
use ccc_dial::sim::{self, ManualClock, SimConfig, SimHandle};
use serde_json::{Value, json};
use support::cli::{Sandbox, stderr, stdout};
use tokio::sync::mpsc::UnboundedReceiver;

const TONES: [&str; 3] = ["formal", "casual", "terse"];
const WAIT: Duration = Duration::from_secs(20);

struct Rig {
    _sim: SimHandle,
    clock: Arc<ManualClock>,
    dialer: Dialer,
    events: UnboundedReceiver<DialerEvent>,
}

async fn rig(store: Store) -> Rig {
    let clock = Arc::new(ManualClock::starting_now());
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        // The mainland endpoint offers the interaction records (the transcript).
        flavour: sim::Flavour::Mainland,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let (dialer, events) = support::dialer::dialer(client, store, 500, "simulator");
    let dialer = dialer
        .with_backoff(Duration::from_millis(10))
        // A tester calling one number again and again means to.
        .with_claim(ClaimRule {
            overridden: Some(Override::Intent("compare runs".into())),
            ..ClaimRule::default()
        })
        .with_watch(support::dialer::fast_watch());
    Rig {
        _sim: sim,
        clock,
        dialer,
        events,
    }
}

impl Rig {
    /// Dials the dify agent with this tone and follows the call to its report.
    async fn run(&mut self, tone: &str) -> AttemptId {
        let id = self.dialer.dial(
            DialRequest {
                sdk_app_id: 1_400_000_000,
                agent_id: 16,
                agent_name: Some("Support bot (dify)".into()),
                callee: "008613012345678".into(),
                callers: vec![],
                variables: vec![
                    ("dify-inputs-user".into(), "bob".into()),
                    ("dify-inputs-order_id".into(), "A-1001".into()),
                    ("dify-inputs-tone".into(), tone.into()),
                ],
                max_ring_timeout: None,
                acquire_timeout: None,
            },
            None,
        );
        let events = &mut self.events;
        let clock = &self.clock;
        tokio::time::timeout(WAIT, async {
            while let Some(e) = events.recv().await {
                match e {
                    DialerEvent::Accepted { id: i, .. } if i == id => {
                        clock.advance(Duration::from_secs(60));
                    }
                    DialerEvent::Failed { id: i, failure } if i == id => panic!("{failure:?}"),
                    DialerEvent::Watch(WatchEvent::Report { id: i }) if i == id => return,
                    _ => {}
                }
            }
        })
        .await
        .expect("the report within the wait");
        id
    }
}

/// The median of the stored rounds' `field`, computed here from the raw latency event.
fn stored_median(store: &Store, id: &AttemptId, field: &str) -> Option<f64> {
    let events = store.events(id).unwrap();
    let latency = events.iter().rev().find(|e| e.kind == "latency").unwrap();
    let mut v: Vec<f64> = latency.detail["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r[field].as_f64())
        .filter(|v| *v >= 0.0)
        .collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    (n > 0).then(|| (v[(n - 1) / 2] + v[n / 2]) / 2.0)
}

fn report(store: &Store, id: &AttemptId) -> CallReport {
    let a = store.get(id).unwrap().unwrap();
    CallReport::from_events(&a, &store.events(id).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_shows_the_differing_variables_outcomes_tags_and_medians() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let mut rig = rig(store.clone()).await;
    let mut ids = Vec::new();
    for tone in TONES {
        ids.push(rig.run(tone).await);
    }
    let keys: Vec<&str> = ids.iter().map(|id| id.short()).collect();

    let out = sandbox
        .command()
        .arg("compare")
        .args(&keys)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["Differences"]["Variables"],
        json!([{"Key": "dify-inputs-tone", "Values": TONES}])
    );
    let runs = v["Runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let mut transcripts = Vec::new();
    for (run, id) in runs.iter().zip(&ids) {
        let report = report(&store, id);
        assert_eq!(run["AttemptId"], id.as_str());
        assert_eq!(run["Outcome"], "answered");
        assert_eq!(run["EndStatus"], 1);
        let tags: Vec<(String, String)> = report
            .tags
            .iter()
            .map(|t| (t.name.clone(), t.value.clone()))
            .collect();
        assert_eq!(tags.len(), 2, "the dify agent's two tags");
        let shown: Vec<(String, String)> = run["ExtractResults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["InfoName"].as_str().unwrap().into(),
                    t["Result"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(shown, tags);
        let latency = report.latency.as_ref().expect("latency in the report");
        assert_eq!(run["Rounds"], latency.rounds.len());
        for (field, stat) in [
            ("ETELatency", latency.ete),
            ("ASRLatency", latency.asr),
            ("LLMLatency", latency.llm),
            ("TTSLatency", latency.tts),
        ] {
            let shown = run["AILatencyStatistics"][field]["MiddleLatency"].as_f64();
            assert_eq!(shown, stat.median, "{field} as in the report");
            assert_eq!(
                shown,
                stored_median(&store, id, field),
                "{field} from the rounds"
            );
        }
        assert_eq!(
            run["AILatencyStatistics"]["LLMFirstTokenLatency"]["MiddleLatency"].as_f64(),
            stored_median(&store, id, "LLMFirstTokenLatency")
        );
        let ccc_dial::dialer::Interactions::Records(rounds) = &report.interactions else {
            panic!("no interaction records");
        };
        let spoken: Vec<String> = rounds
            .iter()
            .flat_map(|r| &r.messages)
            .filter_map(|m| m.ai_speak.as_ref()?.spoken_text.clone())
            .collect();
        transcripts.push(spoken);
    }
    for (spoken, tone) in transcripts.iter().zip(TONES) {
        assert_eq!(
            spoken[0],
            "Hello bob, this is Support bot (dify). About your order_id: A-1001."
        );
        assert!(
            spoken[1].contains(&format!("About your tone: {tone}.")),
            "{spoken:?}"
        );
    }
    // The transcripts round by round: each run's words at its own RoundIndex, null where it
    // has no such round, computed here from the stored records.
    let transcript = v["Transcript"].as_array().unwrap();
    assert!(transcript.len() >= 2, "{v}");
    for round in transcript {
        let index = round["RoundIndex"].as_i64().unwrap();
        for (shown, id) in round["Runs"].as_array().unwrap().iter().zip(&ids) {
            let ccc_dial::dialer::Interactions::Records(rounds) = report(&store, id).interactions
            else {
                panic!("no interaction records");
            };
            let mine: Vec<_> = rounds
                .iter()
                .filter(|r| r.round_index == Some(index))
                .collect();
            if mine.is_empty() {
                assert!(shown.is_null(), "{shown}");
                continue;
            }
            let spoken: Vec<String> = mine
                .iter()
                .flat_map(|r| &r.messages)
                .filter_map(|m| m.ai_speak.as_ref()?.spoken_text.clone())
                .collect();
            assert_eq!(
                shown["SpokenText"].as_str(),
                (!spoken.is_empty()).then(|| spoken.join(" ")).as_deref()
            );
        }
    }
    let differing_tags = v["Differences"]["ExtractResults"].as_array().unwrap();
    assert!(!differing_tags.is_empty(), "the tone moves the tags: {v}");

    let table = sandbox
        .command()
        .arg("compare")
        .args(&keys)
        .output()
        .unwrap();
    let table = stdout(&table);
    let tone = table
        .lines()
        .find(|l| l.contains("var dify-inputs-tone"))
        .unwrap();
    assert!(
        tone.starts_with("* ") && tone.contains("formal") && tone.contains("terse"),
        "{table}"
    );
    assert!(
        !table.contains("var dify-inputs-user"),
        "shared variables collapse: {table}"
    );
    assert!(
        table.lines().any(|l| l.starts_with("* round 1 agent")),
        "{table}"
    );
    // Sentences wrap in their columns: no line runs past three 36-wide columns.
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 24 + 3 * 38, "{widest}: {table}");
    let all = stdout(
        &sandbox
            .command()
            .arg("compare")
            .args(&keys)
            .arg("--all")
            .output()
            .unwrap(),
    );
    assert!(all.contains("var dify-inputs-user"), "{all}");

    let md = stdout(
        &sandbox
            .command()
            .arg("compare")
            .args(&keys)
            .arg("--markdown")
            .output()
            .unwrap(),
    );
    assert!(
        md.starts_with(&format!(
            "| attempt | {} |\n|---|---|---|---|\n",
            keys.join(" | ")
        )),
        "{md}"
    );
    assert!(
        md.contains("| **var dify-inputs-tone** | formal | casual | terse |"),
        "{md}"
    );
    let said = md
        .lines()
        .find(|l| l.starts_with("| **round 1 agent** |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        TONES
            .iter()
            .all(|t| said.contains(&format!("About your tone: {t}."))),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_takes_runs_by_label_and_needs_two() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let mut rig = rig(store.clone()).await;
    let a = rig.run("formal").await;
    let b = rig.run("casual").await;
    let _c = rig.run("terse").await;
    for id in [&a, &b] {
        let out = sandbox
            .command()
            .args(["history", "label", id.as_str(), "prompt-v2"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = sandbox
        .command()
        .args(["compare", "--label", "prompt-v2", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown: Vec<&str> = v["Runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["AttemptId"].as_str().unwrap())
        .collect();
    assert_eq!(shown, [a.as_str(), b.as_str()]);
    assert_eq!(v["Runs"][0]["Labels"], json!(["prompt-v2"]));

    let out = sandbox
        .command()
        .args(["compare", a.short()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("at least two runs"),
        "{}",
        stderr(&out)
    );
    // The same run named twice, by its id and by its SessionId.
    let session = store.get(&a).unwrap().unwrap().session_id.unwrap();
    let out = sandbox
        .command()
        .args(["compare", a.short(), &session])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the keys name the same attempt"),
        "{}",
        stderr(&out)
    );
    let out = sandbox
        .command()
        .args(["compare", &a.short()[..3], b.short()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("4 characters at least"),
        "{}",
        stderr(&out)
    );
    let out = sandbox
        .command()
        .args(["compare", "--label", "nope"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("history label KEY nope"),
        "{}",
        stderr(&out)
    );
}
