//! History store: insert throughput with durability on, open plus first page of a
//! 100,000-attempt history, and resident memory with that history.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ccc_dial::history::{AttemptStatus, CallEvent, EventUpdate, ExportFormat, Filter, Page, Store};
use criterion::{Criterion, Throughput};

#[path = "support/calls.rs"]
mod calls;

use calls::{CALLS as BIG, fill, new_attempt, uuid_like};

/// Set in the child process that measures memory; names the history to open.
const MEMORY_CHILD: &str = "CCC_DIAL_BENCH_MEMORY_DB";

/// A realistic lifecycle: queued, accepted with the answer, ringing, finished.
fn session_status(status: &str) -> CallEvent {
    CallEvent::Status(ccc_dial::history::event::SessionChange::Status {
        status: status.into(),
        ring_ts: None,
        accept_ts: None,
    })
}

fn record_lifecycle(store: &Store, i: i64) {
    let a = new_attempt(i);
    store.record_queued(&a).unwrap();
    let session = uuid_like(i);
    store
        .record_event(
            &a.id,
            EventUpdate {
                status: Some(AttemptStatus::Accepted),
                session_id: Some(session.clone()),
                request_id: Some(format!("req-{session}")),
                response_json: Some(format!(
                    r#"{{"Response":{{"SessionId":"{session}","RequestId":"req-{session}"}}}}"#
                )),
                ..EventUpdate::new(a.created_at_ms + 300, CallEvent::Accepted { tries: 1 })
            },
        )
        .unwrap();
    store
        .record_event(
            &a.id,
            EventUpdate::new(a.created_at_ms + 2_000, session_status("ringing"))
                .status(AttemptStatus::Ringing),
        )
        .unwrap();
    store
        .record_event(
            &a.id,
            EventUpdate::new(a.created_at_ms + 60_000, session_status("finished"))
                .status(AttemptStatus::Finished),
        )
        .unwrap();
}

fn insert(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("history.db")).unwrap();
    let mut group = c.benchmark_group("insert");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    let mut i = 0;
    group.bench_function("record_queued (synchronous=FULL)", |b| {
        b.iter(|| {
            i += 1;
            store.record_queued(black_box(&new_attempt(i))).unwrap();
        })
    });
    group.bench_function("lifecycle: queued + 3 events", |b| {
        b.iter(|| {
            i += 1;
            record_lifecycle(&store, i);
        })
    });
    group.finish();
}

fn open_and_first_page(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let started = Instant::now();
    fill(&path, BIG);
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "filled {BIG} attempts in {:.1?}; file {:.1} MiB",
        started.elapsed(),
        size as f64 / 1048576.0
    );

    let mut group = c.benchmark_group("100k");
    group.sample_size(30);
    group.bench_function("open + first page of 50 + count", |b| {
        b.iter(|| {
            let (store, notice) = Store::open(&path).unwrap();
            assert!(notice.is_none());
            let page = store.list(&Filter::default(), Page::first(50)).unwrap();
            let total = store.count(&Filter::default()).unwrap();
            black_box((page, total));
        })
    });
    let (store, _) = Store::open(&path).unwrap();
    group.bench_function("page 1000 (offset 50,000)", |b| {
        b.iter(|| {
            black_box(
                store
                    .list(
                        &Filter::default(),
                        Page {
                            offset: 50_000,
                            limit: 50,
                        },
                    )
                    .unwrap(),
            )
        })
    });
    group.bench_function("filter by callee, first page", |b| {
        let f = Filter {
            callee: Some("008613000001234".into()),
            ..Default::default()
        };
        b.iter(|| black_box(store.list(&f, Page::first(50)).unwrap()))
    });
    group.bench_function("free text, first page", |b| {
        let f = Filter {
            text: Some("Agent 3".into()),
            ..Default::default()
        };
        b.iter(|| black_box(store.list(&f, Page::first(50)).unwrap()))
    });
    group.bench_function("find by SessionId", |b| {
        b.iter(|| black_box(store.find(&uuid_like(77_777)).unwrap().unwrap()))
    });
    group.finish();
    drop(store);

    calls::in_fresh_process(MEMORY_CHILD, &path);
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn measure_memory(path: &str) {
    let before = status_kib("VmRSS:");
    let started = Instant::now();
    let (store, _) = Store::open(path).unwrap();
    let page = store.list(&Filter::default(), Page::first(50)).unwrap();
    let first_page = started.elapsed();
    assert_eq!(page.len(), 50);
    assert_eq!(store.count(&Filter::default()).unwrap(), BIG as u64);
    let text = Filter {
        text: Some("0086130000042".into()),
        ..Default::default()
    };
    black_box(store.list(&text, Page::first(50)).unwrap());
    let exported = store
        .export(
            &Filter::default(),
            Page::all(),
            ExportFormat::JsonLines,
            &mut std::io::sink(),
        )
        .unwrap();
    assert_eq!(exported, BIG as usize);
    black_box(store.find(&uuid_like(4_242)).unwrap().unwrap());
    let rss = status_kib("VmRSS:");
    let hwm = status_kib("VmHWM:");
    println!(
        "memory with {BIG} attempts (open, first page, count, text search, full export): \
         VmRSS {:.1} MiB (at start {:.1} MiB), VmHWM {:.1} MiB; cold open + first page {:.1?}",
        rss as f64 / 1024.0,
        before as f64 / 1024.0,
        hwm as f64 / 1024.0,
        first_page
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
    insert(&mut c);
    open_and_first_page(&mut c);
    c.final_summary();
}
