//! The runtime's side of the tester's screens: reading runs, statistics, labels and notes
//! off the event loop, and running a sweep as a task whose progress comes back as messages.

use std::path::PathBuf;

use tokio::sync::mpsc;

use super::bench_msg::{BenchEffect, BenchMsg};
use super::msg::Msg;
use crate::cli::batch::Defaults;
use crate::cli::sweep::{read_sets, sweep_id_of};
use crate::dialer::{DialDraft, Dialer};
use crate::history::{Attempt, AttemptId, Store};
use crate::results::Run;
use crate::results::stats::Stats;
use crate::sweep::{self, SweepEnd};

/// Carries out `effect`; answers arrive on `tx`.
pub fn execute(effect: BenchEffect, dialer: &Dialer, tx: &mpsc::UnboundedSender<Msg>) {
    let store = dialer.store().clone();
    let blocking = |f: Box<dyn FnOnce(&Store) -> BenchMsg + Send>| {
        let tx = tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(Msg::Bench(f(&store)));
        });
    };
    match effect {
        BenchEffect::LoadRuns(ids) => blocking(Box::new(move |s| BenchMsg::Runs(runs(s, &ids)))),
        BenchEffect::GatherStats(filter) => blocking(Box::new(move |s| {
            let stats = Stats::gather(s, &filter).map(Box::new);
            BenchMsg::Stats(Box::new(filter), stats.map_err(|e| e.to_string()))
        })),
        BenchEffect::LoadNotes(id) => blocking(Box::new(move |s| {
            let notes = s.notes(&id).map_err(|e| e.to_string());
            BenchMsg::Notes(id, notes)
        })),
        BenchEffect::Annotate {
            id,
            add,
            remove,
            note,
        } => blocking(Box::new(move |s| {
            let notes = s.annotate(&id, &add, &remove, Some(&note));
            BenchMsg::Annotated(id, notes.map_err(|e| e.to_string()))
        })),
        BenchEffect::Sweep {
            draft,
            path,
            endpoint,
        } => start_sweep(dialer.clone(), draft, path, endpoint, tx.clone()),
    }
}

/// The attempts with their reports, in the order asked.
fn runs(store: &Store, ids: &[AttemptId]) -> Result<Vec<Run>, String> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let read = store
            .get(id)
            .and_then(|a| a.map(|a| store.entry(a)).transpose());
        match read {
            Ok(Some(entry)) => out.push(Run::new(entry)),
            Ok(None) => {
                return Err(format!(
                    "attempt {} is no longer in the history",
                    id.short()
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(out)
}

/// The labels of a page's attempts, for their rows.
pub fn labels(store: &Store, rows: &[Attempt]) -> BenchMsg {
    let labelled = rows
        .iter()
        .filter_map(|a| Some((a.id.clone(), store.notes(&a.id).ok()?.labels)))
        .collect();
    BenchMsg::Labels(labelled)
}

/// Reads and checks the file against the form, then dials its sets one at a time.
fn start_sweep(
    dialer: Dialer,
    draft: DialDraft,
    path: PathBuf,
    endpoint: String,
    tx: mpsc::UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let defaults = Defaults {
            sdk_app_id: draft.sdk_app_id.trim().to_owned(),
            callee: Some(draft.callee.trim().to_owned()),
            agent: Some(draft.agent_id.trim().to_owned()),
            callers: draft.callers.clone(),
            max_ring: draft.max_ring_timeout.clone(),
            queue_timeout: draft.acquire_timeout.clone(),
        };
        let problems = defaults.problems();
        if !problems.is_empty() {
            let why = format!(
                "The form: {}; fix it, nothing was dialed",
                problems.join("; ")
            );
            let _ = tx.send(Msg::Bench(BenchMsg::SweepRefused(why)));
            return;
        }
        let read =
            tokio::task::spawn_blocking(move || read_sets(&path, &defaults).map(|r| (r, defaults)))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
        let ((bytes, mut sets), defaults) = match read {
            Ok(read) => read,
            Err(why) => {
                let _ = tx.send(Msg::Bench(BenchMsg::SweepRefused(why)));
                return;
            }
        };
        for s in &mut sets {
            s.request.agent_name = draft.agent_name.clone();
        }
        let id = sweep_id_of(&bytes, &defaults, &endpoint);
        let progress = tx.clone();
        let mut say = move |line: String| {
            let _ = progress.send(Msg::Bench(BenchMsg::SweepProgress(line)));
        };
        let total = sets.len();
        let ended = sweep::dial_sets(&dialer, dialer.store(), &id, sets, &mut say)
            .await
            .map(|end| ended_text(&end, total));
        let runs = sweep::latest_runs(dialer.store(), &id)
            .map(|runs| runs.into_iter().map(|r| r.attempt.id).collect())
            .unwrap_or_default();
        let _ = tx.send(Msg::Bench(BenchMsg::Swept { runs, ended }));
    });
}

/// How the sweep ended, in a line.
fn ended_text(end: &SweepEnd, total: usize) -> String {
    if end.held {
        "Sweep stopped: the callee was called recently (see the messages, m)".into()
    } else if end.stopped_unknown {
        "Sweep stopped: a call may be ringing; look at it before sweeping again".into()
    } else if end.failed.is_empty() {
        format!("Sweep done: {total} set(s)")
    } else {
        format!("Sweep done: {total} set(s), {} refused", end.failed.len())
    }
}
