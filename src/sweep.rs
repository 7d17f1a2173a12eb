//! A sweep: one call per variable set to the same callee, one at a time, each followed to its
//! report. Never twice: every attempt is recorded under the sweep's id, a rerun skips the sets
//! an earlier run may have dialed (first waiting for a call it left live), and the sweep is
//! one intent that claims its callee once. Shared by `ccc-dial sweep` and the dialer screen.

use sha2::{Digest, Sha256};

use crate::ccc::Outcome;
use crate::dialer::{DialRequest, Dialer, Failure, Finished, WatchEnd};
use crate::history::batch::{BatchKey, batch_id};
use crate::history::{AttemptId, BatchRef, ClaimRule, HistoryError, Override, Store};
use crate::results::Run;

/// What a sweep is bound to: the file of sets and everything each set is dialed with.
pub struct SweepKey<'a> {
    pub file: &'a [u8],
    pub sdk_app_id: &'a str,
    pub agent: &'a str,
    pub callers: &'a [String],
    pub callee: &'a str,
    pub endpoint: &'a str,
}

/// The sweep id: the batch id of the same file and settings, bound to the callee.
pub fn sweep_id(key: &SweepKey<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"ccc-dial sweep 1\0");
    let batch = batch_id(&BatchKey {
        file: key.file,
        sdk_app_id: key.sdk_app_id,
        agent: Some(key.agent),
        callers: key.callers,
        endpoint: key.endpoint,
    });
    h.update(batch.as_bytes());
    h.update(b"\0");
    h.update(key.callee.as_bytes());
    hex::encode(h.finalize())
}

/// One variable set: its line in the file and the call it makes.
#[derive(Debug, Clone)]
pub struct SweepSet {
    pub line: u64,
    pub request: DialRequest,
}

/// How a sweep ended, short of an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepEnd {
    /// The outcomes of the sets the service refused, in order.
    pub failed: Vec<Outcome>,
    /// A set was held back by the claim on the callee; the sets after it were not dialed.
    pub held: bool,
    /// A call may be ringing (its outcome is unknown); the sets after it were not dialed.
    pub stopped_unknown: bool,
}

/// `dify-inputs-tone=formal, name=Bob`, for progress lines.
pub fn set_text(request: &DialRequest) -> String {
    let vars: Vec<String> = request
        .variables
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    crate::results::printable(&vars.join(", "))
}

/// Dials each set no earlier run dialed, one at a time, following each to its report.
/// `say` hears a line of progress per step, prefixed by the set (`set 2/5 (line 3)`). A
/// sweep dropped midway stops where it was; running it again resumes it.
pub async fn dial_sets(
    dialer: &Dialer,
    store: &Store,
    sweep_id: &str,
    sets: Vec<SweepSet>,
    say: &mut (dyn FnMut(String) + Send),
) -> Result<SweepEnd, String> {
    let earlier = store.batch_rows(sweep_id).map_err(|e| e.to_string())?;
    let total = sets.len();
    let mut end = SweepEnd::default();
    for (n, s) in sets.into_iter().enumerate() {
        let set = format!("set {}/{total} (line {})", n + 1, s.line);
        let before = earlier
            .iter()
            .rfind(|(line, status, _)| *line == s.line && status.may_have_dialed());
        if let Some((_, status, id)) = before {
            if status.is_live() {
                say(format!(
                    "{set}: waiting for the call an earlier run left live"
                ));
                say(format!("{set}: {}", follow(dialer, id).await));
            } else {
                say(format!(
                    "{set}: dialed by an earlier run ({status}), skipped"
                ));
            }
            continue;
        }
        say(format!("{set}: {}", set_text(&s.request)));
        let id = AttemptId::new();
        let batch = BatchRef {
            batch_id: sweep_id.to_owned(),
            row: s.line,
        };
        // One sweep is one intent: its first call claims the callee as any dial does, and
        // the sets after it call again under the sweep's name.
        let dialed_before = earlier
            .iter()
            .any(|(_, status, _)| status.may_have_dialed());
        let dialer = if dialed_before || n > 0 {
            dialer.clone().with_claim(ClaimRule {
                overridden: Some(Override::Intent(format!("sweep {sweep_id}"))),
                ..dialer.claim_rule().clone()
            })
        } else {
            dialer.clone()
        };
        match dialer.run(id.clone(), s.request, Some(batch)).await {
            Finished::Accepted { .. } => say(format!("{set}: {}", follow(&dialer, &id).await)),
            Finished::Failed(f) => {
                say(format!("{set}: {}", failed_text(&f)));
                end.failed.push(f.outcome);
                if f.outcome == Outcome::Unknown {
                    say(format!(
                        "{set}: a call may be ringing; the sweep stops here"
                    ));
                    end.stopped_unknown = true;
                    return Ok(end);
                }
            }
            Finished::NotRecorded(message) => return Err(message),
            Finished::Held(held) => {
                say(format!("{set}: not dialed: {held}"));
                end.held = true;
                return Ok(end);
            }
        }
    }
    Ok(end)
}

fn failed_text(f: &Failure) -> String {
    format!("{}: {} ({})", f.status(), f.message, f.hint)
}

/// Follows an accepted call to its report; says how it ended.
async fn follow(dialer: &Dialer, id: &AttemptId) -> String {
    match dialer.follow(id).await {
        WatchEnd::Reported { .. } | WatchEnd::NotLive(_) | WatchEnd::AlreadyWatched => {
            match dialer.store().get(id) {
                Ok(Some(a)) => match dialer.store().entry(a) {
                    Ok(entry) => Run::new(entry).outcome_line(),
                    Err(e) => e.to_string(),
                },
                Ok(None) => "not in the history".into(),
                Err(e) => e.to_string(),
            }
        }
        WatchEnd::GaveUp(why) => format!("stopped following the call: {why}"),
    }
}

/// Every set's latest run that may have dialed, in the order of the file.
pub fn latest_runs(store: &Store, sweep_id: &str) -> Result<Vec<Run>, HistoryError> {
    let mut latest: Vec<(u64, AttemptId)> = Vec::new();
    for (line, status, id) in store.batch_rows(sweep_id)? {
        if status.may_have_dialed() {
            latest.retain(|(l, _)| *l != line);
            latest.push((line, id));
        }
    }
    latest.sort_by_key(|(line, _)| *line);
    let mut runs = Vec::new();
    for (_, id) in latest {
        if let Some(a) = store.get(&id)? {
            runs.push(Run::new(store.entry(a)?));
        }
    }
    Ok(runs)
}
