//! A task part claims its callees like an attempt claims its one: in the same write
//! transaction that records it, none may be held by an attempt or another task. The check
//! is made in bulk, a query per chunk of callees, and the part with all its callees is
//! committed at once.

use rusqlite::{TransactionBehavior, params};

use super::HistoryError;
use super::claim::{ClaimRule, Hold, Override};
use super::claim_bulk::{Lines, find_holds};
use super::store::Store;
use super::task::{NewTaskPart, TaskPartStatus};

type Result<T> = std::result::Result<T, HistoryError>;

impl Store {
    /// Claims every callee of the part and commits it as `queued` with their lines, in one
    /// write transaction: the same claim as an attempt's, so a callee another attempt or task
    /// holds is returned (with what holds it) and nothing is recorded. Durable when the list
    /// is empty: call it before the request is sent, and do not send otherwise.
    pub fn claim_task_part(&self, p: &NewTaskPart, rule: &ClaimRule) -> Result<Vec<HeldCallee>> {
        let overridden = rule.overridden.as_ref().map(Override::as_stored);
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let callees: Vec<&str> = p.callees.iter().map(|(_, c)| c.as_str()).collect();
            let lines = Lines {
                callees: &callees,
                sdk_app_id: p.sdk_app_id,
                endpoint: &p.endpoint,
            };
            let holds = find_holds(&tx, &lines, p.at_ms, rule)?;
            let held: Vec<HeldCallee> = p
                .callees
                .iter()
                .filter_map(|(line, callee)| {
                    Some(HeldCallee {
                        line: *line,
                        callee: callee.clone(),
                        hold: holds.get(callee)?.clone(),
                    })
                })
                .collect();
            if !held.is_empty() {
                return Ok(held);
            }
            insert_part(&tx, p, overridden.as_deref())?;
            tx.commit()?;
            Ok(held)
        })
    }
}

/// A callee a task part may not take, and what holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldCallee {
    pub line: u64,
    pub callee: String,
    pub hold: Hold,
}

fn insert_part(
    tx: &rusqlite::Transaction<'_>,
    p: &NewTaskPart,
    claim_override: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO task (task_key, part, parts, name, endpoint, sdk_app_id, source,
            callees, request_json, status, created_at_ms, updated_at_ms, last_call_ms,
            claim_override)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13)",
        params![
            p.task_key,
            p.part,
            p.parts,
            p.name,
            p.endpoint,
            p.sdk_app_id,
            p.source,
            p.callees.len() as i64,
            p.request_json,
            TaskPartStatus::Queued.as_str(),
            p.at_ms,
            p.last_call_ms,
            claim_override,
        ],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO task_callee (task_key, part, seq, line, callee) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (seq, (line, callee)) in p.callees.iter().enumerate() {
        insert.execute(params![
            p.task_key,
            p.part,
            seq as i64,
            *line as i64,
            callee
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Claimed;
    use crate::history::claim::tests::attempt;
    use crate::history::task::tests::{T0, claim, part};

    const HOUR_MS: i64 = 3_600_000;

    #[test]
    fn a_recent_attempt_holds_a_part_back_and_nothing_is_recorded() {
        let store = Store::open_in_memory().unwrap();
        let earlier = attempt("008613000000102", T0 - HOUR_MS);
        assert_eq!(
            store.claim(&earlier, &ClaimRule::default()).unwrap(),
            Claimed::Won
        );
        let held = claim(&store, &part(1));
        assert_eq!(held.len(), 1);
        assert_eq!(
            (held[0].line, held[0].callee.as_str()),
            (4, "008613000000102")
        );
        assert!(matches!(&held[0].hold, Hold::Attempt(h) if h.id == earlier.id));
        assert!(
            store.task_parts("k").unwrap().is_empty(),
            "nothing recorded"
        );
        // A call in flight holds its callee even with --allow-recent.
        let allow = ClaimRule {
            overridden: Some(Override::AllowRecent),
            ..ClaimRule::default()
        };
        assert_eq!(store.claim_task_part(&part(1), &allow).unwrap().len(), 1);
    }

    #[test]
    fn a_created_task_holds_its_callees_for_a_later_call_until_the_window_has_passed() {
        let store = Store::open_in_memory().unwrap();
        let p = NewTaskPart {
            last_call_ms: T0 + 48 * HOUR_MS,
            ..part(1)
        };
        assert!(claim(&store, &p).is_empty());
        let callee = "008613000000101";
        let in_flight = store.claim(&attempt(callee, T0 + HOUR_MS), &ClaimRule::default());
        assert!(
            matches!(in_flight.unwrap(), Claimed::Held(Hold::Task(t)) if t.status == TaskPartStatus::Queued)
        );
        store
            .settle_task_part("k", 1, TaskPartStatus::Created, Some(7), None, T0)
            .unwrap();
        // Held through NotAfter and a window past it.
        let later = attempt(callee, T0 + 72 * HOUR_MS - 1);
        let got = store.claim(&later, &ClaimRule::default()).unwrap();
        assert!(matches!(got, Claimed::Held(Hold::Task(t)) if t.task_id == Some(7) && t.line == 2));
        let day_after = attempt(callee, T0 + 72 * HOUR_MS + 1);
        assert_eq!(
            store.claim(&day_after, &ClaimRule::default()).unwrap(),
            Claimed::Won
        );
    }

    #[test]
    fn allow_recent_passes_a_created_task_and_is_recorded_on_the_new_part() {
        let store = Store::open_in_memory().unwrap();
        assert!(claim(&store, &part(1)).is_empty());
        store
            .settle_task_part("k", 1, TaskPartStatus::Created, Some(7), None, T0)
            .unwrap();
        let allow = ClaimRule {
            overridden: Some(Override::AllowRecent),
            ..ClaimRule::default()
        };
        let again = NewTaskPart {
            task_key: "k2".into(),
            ..part(1)
        };
        assert!(
            claim(&store, &again).len() == 2,
            "held without the override"
        );
        assert!(store.claim_task_part(&again, &allow).unwrap().is_empty());
        let stored: Option<String> = store
            .with(|c| {
                Ok(c.query_row(
                    "SELECT claim_override FROM task WHERE task_key = 'k2'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(stored.as_deref(), Some("allow-recent"));
    }
}
