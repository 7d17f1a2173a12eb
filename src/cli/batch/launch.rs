//! Starting the rows: paced by the moments requests leave, `concurrency` in flight at most,
//! until every row is done, or something stops the run. Whatever stops it, the rows in
//! flight are settled before it ends: waited for, or (a second Ctrl-C) recorded unknown.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::outcomes::{Outcomes, held_outcome, held_result};
use super::pace::{Pacer, Turn};
use super::results::RowResult;
use super::rows::Row;
use crate::cli::exit::Exit;
use crate::dialer::{Dialer, DialerEvent, Finished, Unrecorded, settle_abandoned};
use crate::history::{AttemptId, BatchRef, HistoryError};

/// Why a run stopped starting rows before the end of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// Ctrl-C: the rows in flight were waited for.
    Interrupted,
    /// A second Ctrl-C: the rows still in flight were recorded unknown.
    Abandoned,
    /// The history could not record an attempt (a full disk).
    HistoryFailed,
    /// The results could not be written (stdout closed or full).
    OutputFailed,
}

/// How a run ended: the rows started, what stopped it early, and every accepted call the
/// history could not record, with its row.
pub(super) struct Ended {
    pub started: usize,
    pub stop: Option<Stop>,
    pub unrecorded: Vec<(RowResult, Unrecorded)>,
    /// What the history could not record, until the rows are known.
    lost: Vec<Unrecorded>,
}

pub(super) struct Launch {
    pub dialer: Dialer,
    pub events: mpsc::UnboundedReceiver<DialerEvent>,
    pub batch_id: String,
    pub pacer: Pacer,
    pub concurrency: usize,
}

type Done = (Row, AttemptId, Finished);

impl Launch {
    /// Runs the rows to their end, or until something stops it.
    /// The `total` rows are read from `rows` one at a time as their turn comes, so that a
    /// file of any length holds only the rows in flight.
    pub async fn run(
        mut self,
        rows: impl Iterator<Item = Row>,
        total: usize,
        outcomes: &mut Outcomes,
    ) -> Result<Ended, HistoryError> {
        let progress = progress_bar(total as u64);
        let mut pending = rows.peekable();
        let mut tasks: JoinSet<Done> = JoinSet::new();
        let mut in_flight: HashMap<AttemptId, Row> = HashMap::new();
        // The result of each row with an outcome not recorded, to name its row. Its outcome
        // was recorded, or failed to, before its row ended: only those rows are kept.
        let mut results: HashMap<AttemptId, RowResult> = HashMap::new();
        let mut ended = Ended {
            started: 0,
            stop: None,
            unrecorded: Vec::new(),
            lost: Vec::new(),
        };
        // A fresh wait for Ctrl-C each time one arrives: the first stops starting rows, the
        // second stops waiting for those in flight.
        let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
        loop {
            if ended.stop.is_none() && outcomes.output_failed.is_some() {
                ended.stop = Some(Stop::OutputFailed);
            }
            let launching = pending.peek().is_some() && ended.stop.is_none();
            let turn = (launching && tasks.len() < self.concurrency)
                .then(|| self.pacer.turn(Instant::now()));
            let wait = match turn {
                Some(Turn::After(d)) => Some(d),
                _ => None,
            };
            tokio::select! {
                biased;
                _ = &mut ctrl_c, if launching || !tasks.is_empty() => {
                    ctrl_c = Box::pin(tokio::signal::ctrl_c());
                    if ended.stop == Some(Stop::Interrupted) {
                        ended.stop = Some(Stop::Abandoned);
                        tasks.abort_all();
                        continue;
                    }
                    ended.stop = Some(Stop::Interrupted);
                    progress.suspend(|| eprintln!(
                        "interrupted: starting no more rows; waiting for {} in flight \
                         (Ctrl-C again to stop waiting: they are then recorded as unknown)",
                        tasks.len()
                    ));
                }
                Some(event) = self.events.recv(), if launching || !tasks.is_empty() => match event {
                    DialerEvent::Sent { id, .. } => self.pacer.sent(&id, Instant::now()),
                    DialerEvent::Failed { id, .. } | DialerEvent::NotRecorded { id, .. } => {
                        self.pacer.ended(&id)
                    }
                    _ => {}
                },
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    // A task aborted by a second Ctrl-C is settled below, with the others.
                    let Ok((row, id, finished)) = done else { continue };
                    in_flight.remove(&id);
                    self.pacer.ended(&id);
                    let result = finish_row(&row, &id, &finished, outcomes, &progress);
                    self.check(&finished, outcomes, &mut ended, &progress);
                    if ended.lost.iter().any(|u| u.id == id) {
                        results.insert(id, result);
                    }
                }
                _ = tokio::time::sleep(wait.unwrap_or_default()), if wait.is_some() => {}
                _ = std::future::ready(()), if turn == Some(Turn::Now) => {
                    let Some(row) = pending.next() else { continue };
                    ended.started += 1;
                    let id = AttemptId::new();
                    self.pacer.started(id.clone());
                    in_flight.insert(id.clone(), row.clone());
                    let dialer = self.dialer.clone();
                    let batch = BatchRef { batch_id: self.batch_id.clone(), row: row.line };
                    tasks.spawn(async move {
                        let finished = dialer.run(id.clone(), row.request.clone(), Some(batch)).await;
                        (row, id, finished)
                    });
                }
                else => break,
            }
        }
        progress.finish_and_clear();
        self.settle_abandoned(in_flight, outcomes)?;
        // Paired by attempt: each outcome was recorded, or failed to, before its row ended.
        ended.unrecorded = std::mem::take(&mut ended.lost)
            .into_iter()
            .filter_map(|u| Some((results.get(&u.id)?.clone(), u)))
            .collect();
        Ok(ended)
    }

    /// After a row ended: an outcome the history could not record is kept to be named, and
    /// stops the run, as do results that could not be written.
    fn check(
        &self,
        finished: &Finished,
        outcomes: &Outcomes,
        ended: &mut Ended,
        progress: &ProgressBar,
    ) {
        let lost = self.dialer.take_unrecorded();
        let history_failed = !lost.is_empty() || matches!(finished, Finished::NotRecorded(_));
        ended.lost.extend(lost);
        let stop = if history_failed {
            Stop::HistoryFailed
        } else if outcomes.output_failed.is_some() {
            Stop::OutputFailed
        } else {
            return;
        };
        if matches!(ended.stop, None | Some(Stop::Interrupted)) {
            if ended.stop.is_none() {
                let why = match stop {
                    Stop::HistoryFailed => "the history cannot record calls",
                    _ => "the results cannot be written",
                };
                progress.suspend(|| {
                    eprintln!("stopping: {why}; starting no more rows, settling those in flight")
                });
            }
            ended.stop = Some(stop);
        }
    }

    /// The rows still in flight when a second Ctrl-C stopped the waiting: recorded unknown
    /// (their request may have left), and counted so.
    fn settle_abandoned(
        &self,
        in_flight: HashMap<AttemptId, Row>,
        outcomes: &mut Outcomes,
    ) -> Result<(), HistoryError> {
        let mut rows: Vec<_> = in_flight.into_iter().collect();
        rows.sort_by_key(|(_, row)| row.line);
        for (id, row) in rows {
            let recorded = settle_abandoned(self.dialer.store(), &id)?;
            let message = "stopped waiting (second Ctrl-C): the request may have reached the \
                           service; check the call records before dialing again";
            eprintln!(
                "line {}: {} unknown: {message} (attempt {})",
                row.line,
                row.request.callee,
                id.short()
            );
            let result = RowResult {
                line: row.line,
                callee: row.request.callee.clone(),
                outcome: "unknown".into(),
                message: Some(message.into()),
                // Not recorded at all when it stopped before its claim: nothing was sent.
                attempt_id: recorded.then(|| id.0.clone()),
                ..Default::default()
            };
            outcomes.add(&result, "unknown", Exit::Unknown);
        }
        Ok(())
    }
}

/// Records a row's outcome, telling a held, rejected or unknown one on stderr; returns its
/// result.
fn finish_row(
    row: &Row,
    id: &AttemptId,
    finished: &Finished,
    outcomes: &mut Outcomes,
    progress: &ProgressBar,
) -> RowResult {
    let result = row_result(row, id, finished);
    let exit = match finished {
        Finished::Accepted { .. } => Exit::Accepted,
        Finished::Failed(f) => Exit::of_outcome(f.outcome),
        Finished::NotRecorded(_) => Exit::Failure,
        Finished::Held(held) => {
            progress.suspend(|| eprintln!("line {}: not dialed: {held}", row.line));
            Exit::Held
        }
    };
    if matches!(exit, Exit::Rejected | Exit::Unknown | Exit::Failure) {
        progress.suspend(|| {
            eprintln!(
                "line {}: {} {}: {}{}",
                row.line,
                row.request.callee,
                result.outcome,
                result
                    .error_code
                    .as_deref()
                    .map(|c| format!("{c}: "))
                    .unwrap_or_default(),
                result.message.as_deref().unwrap_or_default()
            )
        });
    }
    outcomes.add(&result, outcome_name(finished), exit);
    progress.inc(1);
    progress.set_message(outcomes.tally.progress());
    result
}

fn row_result(row: &Row, id: &AttemptId, finished: &Finished) -> RowResult {
    let base = RowResult {
        line: row.line,
        callee: row.request.callee.clone(),
        outcome: outcome_name(finished).into(),
        attempt_id: Some(id.0.clone()),
        ..Default::default()
    };
    match finished {
        Finished::Accepted {
            session_id,
            request_id,
        } => RowResult {
            session_id: Some(session_id.clone()),
            request_id: Some(request_id.clone()),
            ..base
        },
        Finished::Failed(f) => RowResult {
            request_id: f.request_id.clone(),
            error_code: f.code.clone(),
            message: Some(format!("{} ({})", f.message, f.hint)),
            ..base
        },
        Finished::NotRecorded(message) => RowResult {
            message: Some(message.clone()),
            attempt_id: None,
            ..base
        },
        Finished::Held(held) => held_result(row.line, &row.request.callee, held),
    }
}

fn outcome_name(finished: &Finished) -> &'static str {
    match finished {
        Finished::Accepted { .. } => "accepted",
        Finished::Failed(f) => f.status().as_str(),
        Finished::NotRecorded(_) => "not_recorded",
        Finished::Held(held) => held_outcome(held),
    }
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} · ETA {eta}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// The accepted calls (and other outcomes) the history could not record, each with its row,
/// so that no call placed is lost from sight.
pub(super) fn tell_unrecorded(unrecorded: &[(RowResult, Unrecorded)]) {
    if unrecorded.is_empty() {
        return;
    }
    eprintln!(
        "the history could not record these outcomes; the calls happened all the same \
         (SessionId, callee, line):"
    );
    for (row, u) in unrecorded {
        eprintln!(
            "  {} {} line {}: {} not recorded ({})",
            row.session_id.as_deref().unwrap_or("-"),
            row.callee,
            row.line,
            u.kind,
            u.error
        );
    }
}
