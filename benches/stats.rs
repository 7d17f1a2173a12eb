//! `stats` over 100,000 answered calls with their full timelines (status changes, call
//! record, tags, latency of five rounds): the first gathering, which makes every summary, then
//! the usual one, and the peak resident memory of a process that opens and gathers.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ccc_dial::history::{Filter, Page, Store};
use ccc_dial::results::Run;
use ccc_dial::results::compare::Comparison;
use ccc_dial::results::stats::Stats;
use ccc_dial::tui::view::{Theme, compare, stats};
use criterion::Criterion;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

const CALLS: i64 = 100_000;
const T0: i64 = 1_793_541_600_000;
/// Set in the child process that measures memory; names the history to open.
const MEMORY_CHILD: &str = "CCC_DIAL_BENCH_STATS_DB";

/// The events of call `i`: kind, status, detail.
fn timeline(i: i64) -> Vec<(&'static str, Option<&'static str>, String)> {
    let answered = i % 4 != 0;
    let end = if answered { 1 } else { 202 };
    let talk = if answered { 20 + i % 300 } else { 0 };
    let start = T0 / 1_000 + i;
    let record = json!({"SessionId": format!("s-{i}"), "EndStatus": end,
        "EndStatusString": if answered { "ok" } else { "notAnswer" },
        "RingTimestamp": start, "AcceptTimestamp": if answered { start + 3 } else { 0 },
        "EndedTimestamp": start + 3 + talk, "Duration": talk, "HungUpSide": "user",
        "RecordURL": format!("https://record.example/{i}.mp3")});
    let rounds: Vec<_> = (0..5)
        .map(|r| {
            let v = 600 + (i * 37 + r * 101) % 700;
            json!({"RoundId": format!("s-{i}-{r}"), "ETELatency": v, "ASRLatency": v / 4,
                   "LLMLatency": v / 2, "LLMFirstTokenLatency": v / 3, "TTSLatency": v / 6})
        })
        .collect();
    let tags = json!([{"InfoType": "Boolean", "InfoName": "Interested", "Result": {"Boolean": i % 3 == 0}},
                      {"InfoType": "Text", "InfoName": "Callback time", "Result": {"Text": "Tomorrow"}}]);
    vec![
        ("queued", Some("queued"), "{}".into()),
        ("accepted", Some("accepted"), r#"{"tries":1}"#.into()),
        ("status", Some("ringing"), r#"{"status":"ringing"}"#.into()),
        (
            "status",
            Some("in_progress"),
            r#"{"status":"inProgress"}"#.into(),
        ),
        (
            "status",
            Some("finished"),
            r#"{"status":"finished"}"#.into(),
        ),
        ("cdr", None, json!({"record": record}).to_string()),
        ("extract", None, json!({"results": tags}).to_string()),
        ("latency", None, json!({"rounds": rounds}).to_string()),
    ]
}

/// Fills a history through the store's own schema in one transaction (the benchmark
/// measures reading it, not filling it).
fn fill(path: &Path) {
    drop(Store::open(path).unwrap());
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut attempt = tx
            .prepare(
                "INSERT INTO attempt (id, created_at_ms, updated_at_ms, endpoint, sdk_app_id,
                    agent_id, agent_name, callee, callers, variables, request_json, status,
                    session_id)
                 VALUES (?1, ?2, ?2, 'simulator', 1400000000, ?3, ?4, ?5, '[]',
                    '[[\"dify-inputs-tone\",\"formal\"]]', '{}', 'finished', ?6)",
            )
            .unwrap();
        let mut event = tx
            .prepare(
                "INSERT INTO event (attempt_id, seq, at_ms, kind, status, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut label = tx
            .prepare("INSERT INTO label (attempt_id, name) VALUES (?1, ?2)")
            .unwrap();
        for i in 0..CALLS {
            let id = format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7919);
            let agent = 15 + i % 4;
            attempt
                .execute(rusqlite::params![
                    id,
                    T0 + i * 1_000,
                    agent,
                    format!("Agent {agent}"),
                    format!("0086130{:08}", i % 5_000),
                    format!("s-{i}")
                ])
                .unwrap();
            for (seq, (kind, status, detail)) in timeline(i).into_iter().enumerate() {
                let at = T0 + i * 1_000 + seq as i64 * 500;
                event
                    .execute(rusqlite::params![
                        id,
                        seq as i64 + 1,
                        at,
                        kind,
                        status,
                        detail
                    ])
                    .unwrap();
            }
            if i % 10 == 0 {
                label
                    .execute(rusqlite::params![id, format!("prompt-v{}", i % 3)])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

fn gather(path: &Path) -> Stats {
    let (store, _) = Store::open(path).unwrap();
    Stats::gather(&store, &Filter::default()).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let started = Instant::now();
    fill(&path);
    eprintln!(
        "filled {CALLS} calls with 8 events each in {:.1?}",
        started.elapsed()
    );
    let started = Instant::now();
    let stats = gather(&path);
    eprintln!(
        "first stats over {CALLS} calls, making every summary: {:.1?}",
        started.elapsed()
    );
    assert_eq!(stats.all.attempts, CALLS as u64);
    assert_eq!(stats.all.answered, (CALLS - CALLS / 4) as u64);

    let mut group = c.benchmark_group("stats");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("gather over 100,000 calls (open + summaries fresh)", |b| {
        b.iter(|| black_box(gather(&path)))
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let theme = Theme::new(true);
    group.bench_function(
        "Stats view: gather over 100,000 calls and draw the first frame",
        |b| {
            b.iter(|| {
                let s = gather(&path);
                terminal
                    .draw(|f| stats::draw(f, f.area(), &s, &theme))
                    .unwrap();
            })
        },
    );
    group.finish();

    let (store, _) = Store::open(&path).unwrap();
    let mut runs = Vec::new();
    store
        .for_each_entry(&Filter::default(), Page::first(6), |e| {
            runs.push(Run::new(e));
            Ok(())
        })
        .unwrap();
    let six = Comparison::new(runs);
    let mut small = Terminal::new(TestBackend::new(80, 24)).unwrap();
    c.bench_function("Compare view: draw 6 runs at 80x24", |b| {
        b.iter(|| {
            small
                .draw(|f| compare::draw(f, f.area(), black_box(&six), 0, true, &theme))
                .unwrap();
        })
    });
    c.bench_function("Stats view: draw the frame of 100,000 calls' stats", |b| {
        b.iter(|| {
            terminal
                .draw(|f| stats::draw(f, f.area(), black_box(&stats), &theme))
                .unwrap();
        })
    });
    memory(&path);
}

/// Opens and gathers in a fresh process, and reports its peak resident memory.
fn memory(path: &Path) {
    let out = Command::new(std::env::current_exe().unwrap())
        .env(MEMORY_CHILD, path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", report.trim_end());
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn measure_memory(path: &str) {
    let started = Instant::now();
    let stats = gather(Path::new(path));
    let took = started.elapsed();
    let hwm = peak_kib();
    println!(
        "stats in a fresh process over {} calls: {took:.1?}, peak resident memory {:.1} MiB",
        stats.all.attempts,
        hwm as f64 / 1024.0
    );
    assert!(
        hwm <= 50 * 1024,
        "peak resident memory {hwm} KiB is over 50 MiB"
    );
}

fn main() {
    if let Ok(path) = std::env::var(MEMORY_CHILD) {
        measure_memory(&path);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
