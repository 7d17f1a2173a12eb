//! `stats` over 100,000 answered calls with their full timelines (status changes, call
//! record, tags, latency of five rounds): the first gathering, which makes every summary, then
//! the usual one, and the peak resident memory of a process that opens and gathers.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use ccc_dial::history::{Entry, Event, Filter, Page, Store};
use ccc_dial::results::Run;
use ccc_dial::results::compare::Comparison;
use ccc_dial::results::stats::Stats;
use ccc_dial::tui::view::{Theme, compare, stats};
use criterion::Criterion;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/calls.rs"]
mod calls;

use calls::{CALLS, fill};

/// Set in the child process that measures memory; names the history to open.
const MEMORY_CHILD: &str = "CCC_DIAL_BENCH_STATS_DB";

fn gather(path: &Path) -> Stats {
    let (store, _) = Store::open(path).unwrap();
    Stats::gather(&store, &Filter::default()).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let started = Instant::now();
    fill(&path, CALLS);
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
                    .draw(|f| stats::draw(f, f.area(), &s, "all attempts", &theme))
                    .unwrap();
            })
        },
    );
    group.finish();

    let (store, _) = Store::open(&path).unwrap();
    let mut runs = Vec::new();
    store
        .for_each_entry(&Filter::default(), Page::first(6), |mut e| {
            e.events.push(conversation(&e, 3 + runs.len()));
            runs.push(Run::new(e));
            Ok(())
        })
        .unwrap();
    let six = Comparison::new(runs);
    let mut small = Terminal::new(TestBackend::new(80, 24)).unwrap();
    c.bench_function(
        "Compare view: draw 6 runs at 80x24, transcripts of 3 to 8 rounds",
        |b| {
            b.iter(|| {
                small
                    .draw(|f| {
                        compare::draw(f, f.area(), black_box(&six), 0, true, &theme);
                    })
                    .unwrap();
            })
        },
    );
    c.bench_function("Stats view: draw the frame of 100,000 calls' stats", |b| {
        b.iter(|| {
            terminal
                .draw(|f| stats::draw(f, f.area(), black_box(&stats), "all attempts", &theme))
                .unwrap();
        })
    });
    calls::in_fresh_process(MEMORY_CHILD, &path);
}

/// The interaction records of `rounds` rounds of a run, sentences of some length in two
/// scripts, so that Compare wraps them in its columns.
fn conversation(e: &Entry, rounds: usize) -> Event {
    let events: Vec<_> = (0..rounds)
        .map(|r| {
            serde_json::json!({"RoundIndex": r, "Messages": [
                {"UserReply": {"ASRTranscript": format!("第{r}轮：我想问一下我的订单什么时候能到？")}},
                {"AISpeak": {"SpokenText": format!(
                    "Round {r}: your order left the depot this morning and the courier brings it before six tomorrow evening.")}}]})
        })
        .collect();
    Event {
        attempt_id: e.attempt.id.clone(),
        seq: 1_000,
        at_ms: e.attempt.created_at_ms,
        kind: "interaction".into(),
        status: None,
        detail: serde_json::json!({"offered": true, "events": events}),
    }
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
