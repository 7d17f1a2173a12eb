//! The claim on a callee: an attempt is recorded only if no other attempt to the same callee
//! (same SdkAppId and endpoint) may be ringing that phone, or did within the window.
//!
//! Check and insert are one `BEGIN IMMEDIATE` transaction, so processes sharing the file
//! serialize on it and exactly one of two racing attempts wins.

use std::fmt;
use std::time::Duration;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::HistoryError;
use super::attempt::{AttemptId, AttemptStatus, BatchRef, NewAttempt};
use super::store::{Store, insert_queued};
use super::task::TaskPartStatus;

type Result<T> = std::result::Result<T, HistoryError>;

/// How long an accepted call holds its callee for `batch` and tasks unless told otherwise.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// Why an attempt may dial a callee that a recent or unknown attempt holds. Recorded on the
/// attempt. It never passes an attempt still queued: two calls are never in flight at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Override {
    /// `--allow-recent` for this run.
    AllowRecent,
    /// An explicit intent to call again: the TUI's redial key, a sweep (named by its id).
    Intent(String),
}

impl Override {
    /// As stored in the attempt's `claim_override` column.
    pub fn as_stored(&self) -> String {
        match self {
            Override::AllowRecent => "allow-recent".into(),
            Override::Intent(what) => format!("intent:{what}"),
        }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_stored())
    }
}

/// What a claim looks back on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRule {
    /// An accepted attempt younger than this holds the callee.
    pub window: Duration,
    pub overridden: Option<Override>,
}

impl Default for ClaimRule {
    fn default() -> Self {
        ClaimRule {
            window: DEFAULT_WINDOW,
            overridden: None,
        }
    }
}

/// The attempt that holds a callee.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub id: AttemptId,
    pub created_at_ms: i64,
    pub status: AttemptStatus,
    pub session_id: Option<String>,
    pub batch: Option<BatchRef>,
}

/// The server task whose callee list holds a callee: the service may call it any time until
/// the task's last possible call.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskHolder {
    pub task_key: String,
    pub part: u32,
    pub name: String,
    pub task_id: Option<u64>,
    pub status: TaskPartStatus,
    /// The callee's line in the task's file.
    pub line: u64,
    pub created_at_ms: i64,
}

/// What holds a callee: an attempt from this machine, or a server task created from it.
#[derive(Debug, Clone, PartialEq)]
pub enum Hold {
    Attempt(Holder),
    Task(TaskHolder),
}

impl Hold {
    /// Whether a call may be under way right now, so that no override passes it.
    pub fn in_flight(&self) -> bool {
        match self {
            Hold::Attempt(h) => h.status == AttemptStatus::Queued,
            Hold::Task(t) => t.status == TaskPartStatus::Queued,
        }
    }
}

/// The result of a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    /// The attempt is recorded `queued`: it may be sent.
    Won,
    /// Nothing was recorded: this earlier attempt or task holds the callee.
    Held(Hold),
}

// The attempts that hold the callees `$callee` selects (?2 SdkAppId, ?3 endpoint, ?4 whether
// overridden, ?5 the start of the window): one in flight, one unknown, one accepted within the
// window. Looked up by callee whatever the planner guesses of a list's size. Unordered: the
// most telling is picked while reading ([`Telling`]), as a sort or a list of five statuses
// would each build a temporary table (some 20 of a call's 320 page faults).
macro_rules! holders {
    ($callee:literal) => {
        concat!(
            "SELECT id, created_at_ms, status, session_id, batch_id, batch_row, callee
             FROM attempt INDEXED BY attempt_claim
             WHERE ",
            $callee,
            " AND sdk_app_id = ?2 AND endpoint = ?3
               AND (status = 'queued'
                    OR (?4 = 0 AND status NOT IN ('rejected', 'not_sent')
                        AND (status = 'unknown' OR created_at_ms >= ?5)))"
        )
    };
}

// A part not yet answered (queued) holds always; an unknown or created one, unless overridden,
// holds until the window has passed after the task's last possible call. Same parameters.
macro_rules! task_holders {
    ($callee:literal) => {
        concat!(
            "SELECT t.task_key, t.part, t.name, t.task_id, t.status, c.line, t.created_at_ms,
                    c.callee
             FROM task_callee c INDEXED BY task_callee_claim
                  JOIN task t ON t.task_key = c.task_key AND t.part = c.part
             WHERE ",
            $callee,
            " AND t.sdk_app_id = ?2 AND t.endpoint = ?3
               AND (t.status = 'queued'
                    OR (?4 = 0 AND t.status = 'unknown')
                    OR (?4 = 0 AND t.status = 'created'
                        AND coalesce(t.last_call_ms, t.created_at_ms) >= ?5))"
        )
    };
}

const HOLDER: &str = holders!("callee = ?1");
const TASK_HOLDER: &str = task_holders!("c.callee = ?1");
/// The same for every callee of the JSON array ?1; the last column names the callee.
pub(super) const HOLDERS: &str = holders!("callee IN (SELECT value FROM json_each(?1))");
pub(super) const TASK_HOLDERS: &str =
    task_holders!("c.callee IN (SELECT value FROM json_each(?1))");

/// How telling a hold is: one in flight, then one unknown, then the newest of the rest.
pub(super) trait Telling {
    /// Whether the hold is in flight, whether its outcome is unknown, and when it was made.
    fn standing(&self) -> (bool, bool, i64);

    /// Whether `self` tells more than `other`; the first read wins a tie.
    fn tells_more_than(&self, other: &Self) -> bool {
        let rank = |(in_flight, unknown, at): (bool, bool, i64)| {
            (!in_flight, !unknown, std::cmp::Reverse(at))
        };
        rank(self.standing()) < rank(other.standing())
    }
}

impl Telling for Holder {
    fn standing(&self) -> (bool, bool, i64) {
        standing(self.status.as_str(), self.created_at_ms)
    }
}

impl Telling for TaskHolder {
    fn standing(&self) -> (bool, bool, i64) {
        standing(self.status.as_str(), self.created_at_ms)
    }
}

/// Attempts and task parts name the two states that tell most alike.
fn standing(status: &str, created_at_ms: i64) -> (bool, bool, i64) {
    (status == "queued", status == "unknown", created_at_ms)
}

/// The line a claim is about: one callee, on one SdkAppId and endpoint (port included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub callee: &'a str,
    pub sdk_app_id: i64,
    pub endpoint: &'a str,
}

/// What holds `line` as of `at_ms` under `rule`, if anything: an attempt in flight first,
/// then a task part in flight, then the most telling of the rest.
pub(super) fn find_hold(
    conn: &rusqlite::Connection,
    line: &Line<'_>,
    at_ms: i64,
    rule: &ClaimRule,
) -> rusqlite::Result<Option<Hold>> {
    let attempt = find_holder(conn, line, at_ms, rule)?;
    if attempt
        .as_ref()
        .is_some_and(|h| h.status == AttemptStatus::Queued)
    {
        return Ok(attempt.map(Hold::Attempt));
    }
    let task = find_task_holder(conn, line, at_ms, rule)?;
    Ok(most_telling(attempt, task))
}

/// Of the attempt and the task part that hold one callee: an attempt in flight, then a task
/// part in flight, then the attempt, then the task part.
pub(super) fn most_telling(attempt: Option<Holder>, task: Option<TaskHolder>) -> Option<Hold> {
    match (attempt, task) {
        (Some(a), _) if a.status == AttemptStatus::Queued => Some(Hold::Attempt(a)),
        (_, Some(t)) if t.status == TaskPartStatus::Queued => Some(Hold::Task(t)),
        (Some(a), _) => Some(Hold::Attempt(a)),
        (None, t) => t.map(Hold::Task),
    }
}

/// The most telling row of a holder query (`sql` takes callee, SdkAppId, endpoint, whether
/// overridden, and the start of the window), read by `read`.
fn query_hold<T: Telling>(
    conn: &rusqlite::Connection,
    sql: &str,
    line: &Line<'_>,
    at_ms: i64,
    rule: &ClaimRule,
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let args = params![
        line.callee,
        line.sdk_app_id,
        line.endpoint,
        rule.overridden.is_some(),
        window_start(at_ms, rule)
    ];
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    let mut best: Option<T> = None;
    while let Some(r) = rows.next()? {
        let hold = read(r)?;
        if best.as_ref().is_none_or(|b| hold.tells_more_than(b)) {
            best = Some(hold);
        }
    }
    Ok(best)
}

/// The oldest moment an accepted call still holds its callee as of `at_ms`.
pub(super) fn window_start(at_ms: i64, rule: &ClaimRule) -> i64 {
    let window_ms = i64::try_from(rule.window.as_millis()).unwrap_or(i64::MAX);
    at_ms.saturating_sub(window_ms)
}

fn find_task_holder(
    conn: &rusqlite::Connection,
    line: &Line<'_>,
    at_ms: i64,
    rule: &ClaimRule,
) -> rusqlite::Result<Option<TaskHolder>> {
    query_hold(conn, TASK_HOLDER, line, at_ms, rule, task_holder_row)
}

/// A task holder from the columns of `TASK_HOLDER`, in its order.
pub(super) fn task_holder_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskHolder> {
    let status: String = r.get(4)?;
    Ok(TaskHolder {
        task_key: r.get(0)?,
        part: r.get(1)?,
        name: r.get(2)?,
        task_id: r.get::<_, Option<i64>>(3)?.map(|t| t as u64),
        status: TaskPartStatus::parse(&status).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        line: r.get::<_, i64>(5)?.max(0) as u64,
        created_at_ms: r.get(6)?,
    })
}

/// The attempt that holds `line` as of `at_ms` under `rule`, if any.
fn find_holder(
    conn: &rusqlite::Connection,
    line: &Line<'_>,
    at_ms: i64,
    rule: &ClaimRule,
) -> rusqlite::Result<Option<Holder>> {
    query_hold(conn, HOLDER, line, at_ms, rule, holder_row)
}

/// An attempt holder from the columns of `HOLDER`, in its order.
pub(super) fn holder_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Holder> {
    let batch_id: Option<String> = r.get(4)?;
    let row: Option<i64> = r.get(5)?;
    Ok(Holder {
        id: AttemptId(r.get(0)?),
        created_at_ms: r.get(1)?,
        status: r.get(2)?,
        session_id: r.get(3)?,
        batch: batch_id.zip(row).map(|(batch_id, row)| BatchRef {
            batch_id,
            row: row.max(0) as u64,
        }),
    })
}

impl Store {
    /// Records `a` as `queued` unless another attempt holds its callee: one queued (in
    /// flight, always), one whose outcome is unknown, or one accepted within `rule.window`
    /// of `a.created_at_ms` (unless overridden). Durable on `Won`: send only then.
    pub fn claim(&self, a: &NewAttempt, rule: &ClaimRule) -> Result<Claimed> {
        let line = Line {
            callee: &a.callee,
            sdk_app_id: a.sdk_app_id,
            endpoint: &a.endpoint,
        };
        let overridden = rule.overridden.as_ref().map(Override::as_stored);
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(hold) = find_hold(&tx, &line, a.created_at_ms, rule)? {
                return Ok(Claimed::Held(hold));
            }
            insert_queued(&tx, a, overridden.as_deref())?;
            tx.commit()?;
            Ok(Claimed::Won)
        })
    }

    /// What would hold `line` now, without claiming it: for a confirmation that names the
    /// earlier call, or a task that checks its callees before it is created.
    pub fn holder(&self, line: &Line<'_>, at_ms: i64, rule: &ClaimRule) -> Result<Option<Hold>> {
        self.with(|conn| Ok(find_hold(conn, line, at_ms, rule)?))
    }

    /// The override an attempt was recorded with, if any.
    pub fn claim_override(&self, id: &AttemptId) -> Result<Option<String>> {
        self.with(|conn| {
            conn.query_row(
                "SELECT claim_override FROM attempt WHERE id = ?1",
                [&id.0],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| HistoryError::NotFound(id.0.clone()))
        })
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    const HOUR_MS: i64 = 3_600_000;
    const T0: i64 = 1_800_000_000_000;

    pub(in crate::history) const ENDPOINT: &str = "http://127.0.0.1:4000";

    pub(in crate::history) fn attempt(callee: &str, at_ms: i64) -> NewAttempt {
        NewAttempt {
            id: AttemptId::new(),
            created_at_ms: at_ms,
            endpoint: ENDPOINT.into(),
            sdk_app_id: 1400000000,
            agent_id: 15,
            agent_name: None,
            callee: callee.into(),
            callers: vec![],
            variables: vec![],
            max_ring_timeout: None,
            acquire_timeout: None,
            request_json: "{}".into(),
            batch: None,
        }
    }

    pub(in crate::history) fn settle(store: &Store, id: &AttemptId, status: AttemptStatus) {
        // Only the status matters here; the event says which, in the stored vocabulary.
        let event = super::super::CallEvent::Unrecognized {
            kind: status.as_str().into(),
            detail: serde_json::Value::Null,
        };
        let update = super::super::EventUpdate::new(T0, event).status(status);
        store.record_event(id, update).unwrap();
    }

    fn held_by(claimed: Claimed) -> Holder {
        match claimed {
            Claimed::Held(Hold::Attempt(h)) => h,
            other => panic!("expected an attempt to hold the callee: {other:?}"),
        }
    }

    #[test]
    fn each_status_holds_or_frees_the_callee() {
        let rule = ClaimRule::default();
        for (status, holds) in [
            (AttemptStatus::Queued, true),
            (AttemptStatus::Unknown, true),
            (AttemptStatus::Accepted, true),
            (AttemptStatus::InProgress, true),
            (AttemptStatus::Finished, true),
            (AttemptStatus::Rejected, false),
            (AttemptStatus::NotSent, false),
        ] {
            let store = Store::open_in_memory().unwrap();
            let first = attempt("008613000000001", T0);
            assert_eq!(store.claim(&first, &rule).unwrap(), Claimed::Won);
            if status != AttemptStatus::Queued {
                settle(&store, &first.id, status);
            }
            let second = attempt("008613000000001", T0 + HOUR_MS);
            let got = store.claim(&second, &rule).unwrap();
            if holds {
                let h = held_by(got);
                assert_eq!((h.id, h.status), (first.id.clone(), status));
                assert!(store.get(&second.id).unwrap().is_none(), "nothing recorded");
            } else {
                assert_eq!(got, Claimed::Won, "{status}");
            }
        }
    }

    #[test]
    fn the_holder_is_named_without_a_claim() {
        let store = Store::open_in_memory().unwrap();
        let first = attempt("008613000000001", T0);
        store.claim(&first, &ClaimRule::default()).unwrap();
        let line = Line {
            callee: "008613000000001",
            sdk_app_id: first.sdk_app_id,
            endpoint: &first.endpoint,
        };
        let rule = ClaimRule::default();
        let Some(Hold::Attempt(h)) = store.holder(&line, T0 + 1, &rule).unwrap() else {
            panic!("the first attempt holds the callee");
        };
        assert_eq!(h.id, first.id);
        let other = Line {
            callee: "008613000000002",
            ..line.clone()
        };
        assert_eq!(store.holder(&other, T0 + 1, &rule).unwrap(), None);
        assert_eq!(store.count(&Default::default()).unwrap(), 1);
    }

    #[test]
    fn the_window_frees_an_old_accepted_call_but_never_an_unknown_one() {
        let store = Store::open_in_memory().unwrap();
        let rule = ClaimRule::default();
        let accepted = attempt("008613000000001", T0);
        let unknown = attempt("008613000000002", T0);
        for (a, s) in [
            (&accepted, AttemptStatus::Accepted),
            (&unknown, AttemptStatus::Unknown),
        ] {
            store.claim(a, &rule).unwrap();
            settle(&store, &a.id, s);
        }
        let day_later = T0 + 24 * HOUR_MS + 1;
        let again = attempt("008613000000001", day_later);
        assert_eq!(store.claim(&again, &rule).unwrap(), Claimed::Won);
        let again = attempt("008613000000002", day_later);
        assert_eq!(held_by(store.claim(&again, &rule).unwrap()).id, unknown.id);
    }

    #[test]
    fn another_sdk_app_id_or_port_is_another_phone_line() {
        let store = Store::open_in_memory().unwrap();
        let rule = ClaimRule::default();
        store.claim(&attempt("008613000000001", T0), &rule).unwrap();
        let other_app = NewAttempt {
            sdk_app_id: 1400000001,
            ..attempt("008613000000001", T0)
        };
        assert_eq!(store.claim(&other_app, &rule).unwrap(), Claimed::Won);
        let other_port = NewAttempt {
            endpoint: "http://127.0.0.1:4001".into(),
            ..attempt("008613000000001", T0)
        };
        assert_eq!(store.claim(&other_port, &rule).unwrap(), Claimed::Won);
    }

    #[test]
    fn an_override_passes_recent_calls_is_recorded_and_never_passes_one_in_flight() {
        let store = Store::open_in_memory().unwrap();
        let first = attempt("008613000000001", T0);
        store.claim(&first, &ClaimRule::default()).unwrap();
        let rule = ClaimRule {
            overridden: Some(Override::AllowRecent),
            ..ClaimRule::default()
        };
        let second = attempt("008613000000001", T0 + 1);
        assert_eq!(
            held_by(store.claim(&second, &rule).unwrap()).status,
            AttemptStatus::Queued
        );
        settle(&store, &first.id, AttemptStatus::Accepted);
        assert_eq!(store.claim(&second, &rule).unwrap(), Claimed::Won);
        assert_eq!(
            store.claim_override(&second.id).unwrap().as_deref(),
            Some("allow-recent")
        );
        assert_eq!(store.claim_override(&first.id).unwrap(), None);
        settle(&store, &second.id, AttemptStatus::Unknown);
        let redial = ClaimRule {
            overridden: Some(Override::Intent("redial".into())),
            ..ClaimRule::default()
        };
        let third = attempt("008613000000001", T0 + 2);
        assert_eq!(store.claim(&third, &redial).unwrap(), Claimed::Won);
        assert_eq!(
            store.claim_override(&third.id).unwrap().as_deref(),
            Some("intent:redial")
        );
    }

    /// Several attempts hold one callee, recorded out of time order: the one named is the one
    /// in flight, else the unknown one, else the newest, alone and in the bulk check alike.
    #[test]
    fn of_several_holders_the_most_telling_is_named() {
        let store = Store::open_in_memory().unwrap();
        let again = ClaimRule {
            overridden: Some(Override::AllowRecent),
            ..ClaimRule::default()
        };
        let callee = "008613000000001";
        let mut recorded = vec![];
        for (at, status) in [
            (T0 + 2 * HOUR_MS, AttemptStatus::Accepted),
            (T0 + 3 * HOUR_MS, AttemptStatus::Finished),
            (T0, AttemptStatus::Unknown),
            (T0 + HOUR_MS, AttemptStatus::InProgress),
        ] {
            let a = attempt(callee, at);
            assert_eq!(store.claim(&a, &again).unwrap(), Claimed::Won);
            settle(&store, &a.id, status);
            recorded.push(a.id);
        }
        let line = Line {
            callee,
            sdk_app_id: 1400000000,
            endpoint: ENDPOINT,
        };
        let named = |at_ms: i64, rule: &ClaimRule| {
            let alone = match store.holder(&line, at_ms, rule).unwrap() {
                Some(Hold::Attempt(h)) => Some(h.id),
                None => None,
                other => panic!("expected an attempt: {other:?}"),
            };
            let lines = super::super::Lines {
                callees: &[callee],
                sdk_app_id: 1400000000,
                endpoint: ENDPOINT,
            };
            let bulk = store.holders(&lines, at_ms, rule).unwrap();
            let in_bulk = match bulk.get(callee) {
                Some(Hold::Attempt(h)) => Some(h.id.clone()),
                None => None,
                other => panic!("expected an attempt: {other:?}"),
            };
            assert_eq!(alone, in_bulk, "the bulk check names the same hold");
            alone
        };
        let now = T0 + 4 * HOUR_MS;
        assert_eq!(named(now, &ClaimRule::default()), Some(recorded[2].clone()));
        settle(&store, &recorded[2], AttemptStatus::Rejected);
        assert_eq!(named(now, &ClaimRule::default()), Some(recorded[1].clone()));
        assert_eq!(
            named(now, &again),
            None,
            "an override passes all settled ones"
        );
        let queued = attempt(callee, T0 - HOUR_MS);
        assert_eq!(store.claim(&queued, &again).unwrap(), Claimed::Won);
        assert_eq!(named(now, &ClaimRule::default()), Some(queued.id.clone()));
        assert_eq!(named(now, &again), Some(queued.id));
    }

    /// A sort or a list of statuses would each build a temporary table, and with it a page
    /// cache, at every call; the bulk checks sort nothing either.
    #[test]
    fn the_checks_build_no_temporary_table() {
        let store = Store::open_in_memory().unwrap();
        let ops = |sql: &str| -> Vec<String> {
            store
                .with(|conn| {
                    let mut explain = conn.prepare(&format!("EXPLAIN {sql}"))?;
                    let ops = explain
                        .query_map(params!["[]", 0, "", 0, 0], |r| r.get(1))?
                        .collect::<rusqlite::Result<_>>()?;
                    Ok(ops)
                })
                .unwrap()
        };
        for sql in [HOLDER, TASK_HOLDER] {
            let made: Vec<String> = ops(sql)
                .into_iter()
                .filter(|op| op.contains("Ephemeral") || op.starts_with("Sorter"))
                .collect();
            assert!(made.is_empty(), "{made:?} in {sql}");
        }
        for sql in [HOLDERS, TASK_HOLDERS] {
            assert!(!ops(sql).iter().any(|op| op.starts_with("Sorter")), "{sql}");
        }
    }

    #[test]
    fn racing_processes_on_one_file_let_exactly_one_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        Store::open(&path).unwrap();
        for round in 0..20 {
            let callee = format!("0086130{round:08}");
            let winners: usize = std::thread::scope(|s| {
                let racers: Vec<_> = (0..3)
                    .map(|_| {
                        let (path, callee) = (&path, &callee);
                        s.spawn(move || {
                            // A handle each: its own connection, like another process.
                            let (store, _) = Store::open(path).unwrap();
                            let a = attempt(callee, T0);
                            store.claim(&a, &ClaimRule::default()).unwrap() == Claimed::Won
                        })
                    })
                    .collect();
                racers
                    .into_iter()
                    .filter_map(|r| r.join().unwrap().then_some(()))
                    .count()
            });
            assert_eq!(winners, 1, "round {round}");
        }
    }
}
