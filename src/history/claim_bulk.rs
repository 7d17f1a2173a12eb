//! The claim check for many callees at once (a task's list, a sweep's): one query per chunk of
//! callees on the attempts and one on the task parts, through the same indexes and with the
//! same decisions as the check for one callee.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rusqlite::params;

use super::HistoryError;
use super::claim::{
    ClaimRule, HOLDERS, Hold, Holder, TASK_HOLDERS, TaskHolder, Telling, holder_row, most_telling,
    task_holder_row, window_start,
};
use super::store::Store;

/// Callees per query: large enough that a list of 100,000 costs a hundred queries, small
/// enough that a chunk's JSON and rows stay a few hundred kilobytes.
const CHUNK: usize = 1_000;

/// The callees one bulk check is about, on one SdkAppId and endpoint (port included).
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a, S> {
    pub callees: &'a [S],
    pub sdk_app_id: i64,
    pub endpoint: &'a str,
}

/// What holds each of `lines`' callees as of `at_ms` under `rule`, for those held: the same
/// hold [`super::claim::find_hold`] names for each alone.
pub(super) fn find_holds<S: AsRef<str>>(
    conn: &rusqlite::Connection,
    lines: &Lines<'_, S>,
    at_ms: i64,
    rule: &ClaimRule,
) -> rusqlite::Result<HashMap<String, Hold>> {
    let mut held = HashMap::new();
    for chunk in lines.callees.chunks(CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(AsRef::as_ref).collect();
        let json = serde_json::to_string(&chunk)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let args = params![
            json,
            lines.sdk_app_id,
            lines.endpoint,
            rule.overridden.is_some(),
            window_start(at_ms, rule)
        ];
        let mut attempts: HashMap<String, Holder> =
            most_telling_per_callee(conn, HOLDERS, args, 6, holder_row)?;
        let mut tasks: HashMap<String, TaskHolder> =
            most_telling_per_callee(conn, TASK_HOLDERS, args, 7, task_holder_row)?;
        for callee in chunk {
            if let Some(hold) = most_telling(attempts.remove(callee), tasks.remove(callee)) {
                held.insert(callee.to_string(), hold);
            }
        }
    }
    Ok(held)
}

/// The most telling row of `sql` for each callee (named in column `callee_at`), read by
/// `read`, as the check for one callee picks it.
fn most_telling_per_callee<T: Telling>(
    conn: &rusqlite::Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
    callee_at: usize,
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<HashMap<String, T>> {
    let mut most: HashMap<String, T> = HashMap::new();
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        let callee: String = r.get(callee_at)?;
        let hold = read(r)?;
        match most.entry(callee) {
            Entry::Vacant(v) => {
                v.insert(hold);
            }
            Entry::Occupied(mut o) if hold.tells_more_than(o.get()) => {
                o.insert(hold);
            }
            Entry::Occupied(_) => {}
        }
    }
    Ok(most)
}

impl Store {
    /// What would hold each of `lines`' callees now, without claiming any: the callees held,
    /// each with its hold, exactly as [`Store::holder`] would name it for that callee alone.
    /// One read, a query per thousand callees: for a task or sweep that checks its list
    /// before it is created.
    pub fn holders<S: AsRef<str>>(
        &self,
        lines: &Lines<'_, S>,
        at_ms: i64,
        rule: &ClaimRule,
    ) -> Result<HashMap<String, Hold>, HistoryError> {
        self.with(|conn| {
            // One snapshot for every chunk.
            let tx = conn.transaction()?;
            let held = find_holds(&tx, lines, at_ms, rule)?;
            tx.finish()?;
            Ok(held)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::history::claim::tests::{ENDPOINT, attempt, settle};
    use crate::history::task::tests::{T0, part};
    use crate::history::{AttemptStatus, Line, NewAttempt, NewTaskPart, Override, TaskPartStatus};

    const HOUR_MS: i64 = 3_600_000;
    const NOW: i64 = T0 + 100 * HOUR_MS;
    /// More than two chunks, so that a chunk's edge falls inside the mix.
    const CALLEES: usize = 2 * CHUNK + 300;

    fn callee(i: usize) -> String {
        format!("0086131{i:08}")
    }

    fn call(store: &Store, a: NewAttempt, status: AttemptStatus) {
        store.record_queued(&a).unwrap();
        if status != AttemptStatus::Queued {
            settle(store, &a.id, status);
        }
    }

    /// A task part `n` holding `callees`, settled to `status` with its last call at `last`.
    fn task(store: &Store, n: u32, callees: Vec<String>, status: TaskPartStatus, last: i64) {
        let p = NewTaskPart {
            callees: callees.into_iter().map(|c| (u64::from(n), c)).collect(),
            last_call_ms: last,
            at_ms: last - HOUR_MS,
            ..part(n)
        };
        assert!(
            store
                .claim_task_part(&p, &ClaimRule::default())
                .unwrap()
                .is_empty()
        );
        if status != TaskPartStatus::Queued {
            store
                .settle_task_part("k", n, status, Some(u64::from(n)), None, NOW)
                .unwrap();
        }
    }

    /// Every kind of history a callee may have, one kind per callee in turn.
    fn mixed_history() -> Store {
        let store = Store::open_in_memory().unwrap();
        let (recent, old) = (NOW - HOUR_MS, NOW - 48 * HOUR_MS);
        let kind = |k: usize| (0..CALLEES).filter(move |i| i % 12 == k).map(callee);
        // Task parts first: a claim would refuse them after the attempts.
        task(&store, 1, kind(7).collect(), TaskPartStatus::Queued, recent);
        task(
            &store,
            2,
            kind(8).collect(),
            TaskPartStatus::Created,
            recent,
        );
        task(&store, 3, kind(9).collect(), TaskPartStatus::Created, old);
        task(&store, 4, kind(10).collect(), TaskPartStatus::Unknown, old);
        task(&store, 5, kind(11).collect(), TaskPartStatus::Queued, old);
        use AttemptStatus::*;
        for (k, calls) in [
            (1, vec![(Queued, recent)]),
            (2, vec![(Accepted, recent)]),
            (3, vec![(Finished, old)]),
            (4, vec![(Unknown, old)]),
            (5, vec![(Rejected, recent), (NotSent, recent)]),
            (
                6,
                vec![(Finished, old), (InProgress, recent), (Unknown, old)],
            ),
            (10, vec![(Accepted, recent)]),
            (11, vec![(Unknown, old)]),
        ] {
            for c in kind(k) {
                for (status, at) in &calls {
                    call(&store, attempt(&c, *at), *status);
                }
            }
        }
        // The same callees on another line hold nothing here.
        for c in kind(0) {
            let elsewhere = NewAttempt {
                endpoint: "http://127.0.0.1:4001".into(),
                ..attempt(&c, recent)
            };
            call(&store, elsewhere, Queued);
        }
        store
    }

    #[test]
    fn the_bulk_check_names_the_same_hold_as_the_check_for_one_callee() {
        let store = mixed_history();
        let callees: Vec<String> = (0..CALLEES).map(callee).collect();
        let lines = Lines {
            callees: &callees,
            sdk_app_id: 1_400_000_000,
            endpoint: ENDPOINT,
        };
        let rules = [
            ClaimRule::default(),
            ClaimRule {
                overridden: Some(Override::AllowRecent),
                ..ClaimRule::default()
            },
            ClaimRule {
                overridden: Some(Override::Intent("sweep".into())),
                ..ClaimRule::default()
            },
            ClaimRule {
                window: Duration::from_secs(72 * 3600),
                overridden: None,
            },
        ];
        for rule in &rules {
            let bulk = store.holders(&lines, NOW, rule).unwrap();
            let mut kinds = [0usize; 4];
            for c in &callees {
                let line = Line {
                    callee: c,
                    sdk_app_id: lines.sdk_app_id,
                    endpoint: ENDPOINT,
                };
                let one = store.holder(&line, NOW, rule).unwrap();
                assert_eq!(bulk.get(c), one.as_ref(), "{c} under {rule:?}");
                kinds[match &one {
                    None => 0,
                    Some(h) if h.in_flight() => 1,
                    Some(Hold::Attempt(_)) => 2,
                    Some(Hold::Task(_)) => 3,
                }] += 1;
            }
            assert_eq!(bulk.len(), CALLEES - kinds[0], "{rule:?}");
            // The mix is a mix: free, in flight, and held by each kind, or only in flight
            // when overridden.
            assert!(kinds[0] > 0 && kinds[1] > 0, "{rule:?}: {kinds:?}");
            if rule.overridden.is_none() {
                assert!(kinds[2] > 0 && kinds[3] > 0, "{rule:?}: {kinds:?}");
            } else {
                assert_eq!(kinds[2] + kinds[3], 0, "{rule:?}: {kinds:?}");
            }
        }
    }

    #[test]
    fn a_part_claimed_in_bulk_is_held_back_by_exactly_the_callees_each_check_names() {
        let store = mixed_history();
        let p = NewTaskPart {
            task_key: "k2".into(),
            callees: (0..CALLEES).map(|i| (i as u64 + 2, callee(i))).collect(),
            at_ms: NOW,
            last_call_ms: NOW,
            ..part(1)
        };
        let rule = ClaimRule::default();
        let held = store.claim_task_part(&p, &rule).unwrap();
        let expected: Vec<(u64, String)> = p
            .callees
            .iter()
            .filter(|(_, c)| {
                let line = Line {
                    callee: c,
                    sdk_app_id: p.sdk_app_id,
                    endpoint: &p.endpoint,
                };
                store.holder(&line, NOW, &rule).unwrap().is_some()
            })
            .cloned()
            .collect();
        let got: Vec<(u64, String)> = held.iter().map(|h| (h.line, h.callee.clone())).collect();
        assert_eq!(got, expected);
        assert!(
            store.task_parts("k2").unwrap().is_empty(),
            "nothing recorded"
        );
        // The free ones alone are claimed together, every line with them.
        let free = NewTaskPart {
            callees: p
                .callees
                .iter()
                .filter(|(line, _)| !got.iter().any(|(l, _)| l == line))
                .cloned()
                .collect(),
            ..p
        };
        assert!(store.claim_task_part(&free, &rule).unwrap().is_empty());
        assert_eq!(store.task_lines("k2", 1).unwrap(), free.callees);
    }
}
