//! The service as second witness: before dialing, its own records are asked whether a callee
//! was called within the window (`DescribeTelCdr` by `Phones`) or is on a call now
//! (`DescribePSTNActiveSessionList`), so a call placed from another machine, or before the
//! history was lost, holds the callee too.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::cdr::CLOCK_SLACK_S;
use super::ctx::{Dialer, now_ms};
use super::event::Failure;
use super::held::{HeldBack, Witness};
use super::report::CallReport;
use super::request::DialRequest;
use super::word::CallWord;
use crate::ccc::actions::{
    ACTIVE_SESSIONS_PAGE, DescribePSTNActiveSessionList, DescribeTelCdr, TelCdrInfo,
};
use crate::history::{AttemptStatus, Hold, Lines, Store};

/// Callees asked about per call-record query; records per page.
const PHONES_PER_QUERY: usize = 20;
const PAGE_SIZE: i64 = 100;
/// The widest window the call records take is just under 90 days.
const MAX_WINDOW_S: i64 = 89 * 86_400;
/// Calls in progress listed at most: 40 pages of 25; records per query at most 10 pages.
const MAX_ACTIVE_PAGES: i64 = 40;
const MAX_RECORD_PAGES: i64 = 10;

/// Whether `record` (as the service writes it) and `wanted` (`00` + country code + number)
/// are one number: the service may drop the `00` or the country code.
fn same_number(record: &str, wanted: &str) -> bool {
    let digits: String = record.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches("00");
    let wanted = wanted.trim_start_matches("00");
    !digits.is_empty() && (digits == wanted || (digits.len() >= 7 && wanted.ends_with(digits)))
}

fn matching<'a>(number: Option<&str>, callees: &'a [String]) -> Option<&'a String> {
    let number = number.filter(|n| !n.is_empty())?;
    callees.iter().find(|c| same_number(number, c))
}

impl Dialer {
    /// The earlier call in this machine's history that would hold back `request` now, under
    /// this dialer's rule: for a confirmation that names it before the user dials.
    pub async fn earlier_call(&self, request: &DialRequest) -> Result<Option<HeldBack>, String> {
        let held = self
            .held_in_history(request.sdk_app_id, std::slice::from_ref(&request.callee))
            .await?;
        Ok(held.into_values().next())
    }

    /// The callees a task or a sweep must leave out: those held in this machine's history
    /// and, with `ask_service`, those the service saw called or on a call now. None is
    /// claimed: a sweep claims its callee through its first dial.
    pub async fn held_back(
        &self,
        sdk_app_id: i64,
        callees: &[String],
        ask_service: bool,
    ) -> Result<HashMap<String, HeldBack>, String> {
        let mut held = self.held_in_history(sdk_app_id, callees).await?;
        if ask_service {
            let window = self.claim_rule().window;
            let witnessed = self
                .service_check(sdk_app_id, callees, window)
                .await
                .map_err(|f| format!("{} ({})", f.message, f.hint))?;
            for (callee, h) in witnessed {
                held.entry(callee).or_insert(h);
            }
        }
        Ok(held)
    }

    /// Before a dial the user asked for: the earlier call that holds its callee under this
    /// dialer's rule, from this machine's history, else from the service's records (calls
    /// in progress, and the window's call records). With an override only a call still under
    /// way holds. `Err` says the check could not be made, for the user to see.
    pub async fn check_callee(&self, request: &DialRequest) -> Result<Option<HeldBack>, String> {
        if let Some(held) = self.earlier_call(request).await? {
            return Ok(Some(held));
        }
        let callees = std::slice::from_ref(&request.callee);
        let rule = self.claim_rule();
        let mut witnessed = self
            .service_check(request.sdk_app_id, callees, rule.window)
            .await
            .map_err(|f| {
                format!(
                    "the service's call records could not be checked: {} ({})",
                    f.message, f.hint
                )
            })?;
        Ok(witnessed
            .remove(&request.callee)
            .filter(|h| rule.overridden.is_none() || h.in_flight()))
    }

    async fn held_in_history(
        &self,
        sdk_app_id: i64,
        callees: &[String],
    ) -> Result<HashMap<String, HeldBack>, String> {
        let callees = callees.to_vec();
        let endpoint = self.backend_label().to_owned();
        let rule = self.claim_rule().clone();
        self.blocking_store(move |store| {
            let lines = Lines {
                callees: &callees,
                sdk_app_id,
                endpoint: &endpoint,
            };
            let holds = store.holders(&lines, now_ms(), &rule)?;
            Ok(holds
                .into_iter()
                .map(|(callee, h)| {
                    let word = ended_as(store, &h);
                    let mut back = HeldBack::from_history(&callee, h);
                    if let Some(word) = word {
                        back.outcome = word.to_string();
                    }
                    (callee, back)
                })
                .collect())
        })
        .await
        .map_err(|e| e.to_string())
    }

    /// The callees among `callees` the service saw called within `window` or on a call now,
    /// each with the newest such call. One call-record query per 20 callees plus the list of
    /// calls in progress, inside the app's request budget. An error says the check could not
    /// be made: the caller shows it, never skips it silently.
    pub async fn service_check(
        &self,
        sdk_app_id: i64,
        callees: &[String],
        window: Duration,
    ) -> Result<HashMap<String, HeldBack>, Failure> {
        let mut held = self.active_calls(sdk_app_id, callees).await?;
        let now_s = now_ms().div_euclid(1_000);
        let window_s = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
        let from_s = now_s - window_s.min(MAX_WINDOW_S);
        let unique: Vec<String> = callees
            .iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .filter(|c| !held.contains_key(*c))
            .cloned()
            .collect();
        for chunk in unique.chunks(PHONES_PER_QUERY) {
            for record in self.records(sdk_app_id, chunk, from_s, now_s).await? {
                let Some(callee) = matching(record.callee.as_deref(), chunk) else {
                    continue;
                };
                let at_ms = record.start_timestamp.or(record.time).unwrap_or(0) * 1_000;
                if held.get(callee).is_some_and(|h| h.at_ms >= at_ms) {
                    continue;
                }
                let outcome = match (record.end_status, &record.end_status_string) {
                    (Some(code), _) => CallWord::from_end_status(code).to_string(),
                    (None, Some(s)) if !s.is_empty() => s.clone(),
                    _ => "a call record".into(),
                };
                held.insert(
                    callee.clone(),
                    HeldBack {
                        callee: callee.clone(),
                        at_ms,
                        outcome,
                        witness: Witness::Service {
                            session_id: record.session_id.clone().unwrap_or_default(),
                        },
                    },
                );
            }
        }
        Ok(held)
    }

    async fn active_calls(
        &self,
        sdk_app_id: i64,
        callees: &[String],
    ) -> Result<HashMap<String, HeldBack>, Failure> {
        let mut held = HashMap::new();
        for page in 0..MAX_ACTIVE_PAGES {
            let reply = self
                .send(&DescribePSTNActiveSessionList {
                    sdk_app_id,
                    offset: page * ACTIVE_SESSIONS_PAGE,
                    limit: ACTIVE_SESSIONS_PAGE,
                })
                .await
                .map_err(|e| Failure::from_error(&e))?;
            let got = reply.data.sessions.len() as i64;
            for s in reply.data.sessions {
                let Some(callee) = matching(s.callee.as_deref(), callees) else {
                    continue;
                };
                let start_s = s.start_timestamp.as_deref().and_then(|t| t.parse().ok());
                held.insert(
                    callee.clone(),
                    HeldBack {
                        callee: callee.clone(),
                        at_ms: start_s.or(s.ring_timestamp).unwrap_or(0) * 1_000,
                        outcome: match s.session_status.as_deref() {
                            Some("ringing") => "ringing".into(),
                            _ => "in progress".into(),
                        },
                        witness: Witness::Service {
                            session_id: s.session_id.unwrap_or_default(),
                        },
                    },
                );
            }
            let total = reply.data.total.unwrap_or(0);
            if got < ACTIVE_SESSIONS_PAGE || (page + 1) * ACTIVE_SESSIONS_PAGE >= total {
                break;
            }
        }
        Ok(held)
    }

    async fn records(
        &self,
        sdk_app_id: i64,
        phones: &[String],
        from_s: i64,
        to_s: i64,
    ) -> Result<Vec<TelCdrInfo>, Failure> {
        let mut records = Vec::new();
        for page in 0..MAX_RECORD_PAGES {
            let reply = self
                .send(&DescribeTelCdr {
                    start_time_stamp: from_s,
                    end_time_stamp: to_s + CLOCK_SLACK_S.min(MAX_WINDOW_S - (to_s - from_s)),
                    sdk_app_id,
                    page_size: PAGE_SIZE,
                    page_number: page,
                    phones: Some(phones.to_vec()),
                    ..Default::default()
                })
                .await
                .map_err(|e| Failure::from_error(&e))?;
            let got = reply.data.tel_cdr_list.len();
            records.extend(reply.data.tel_cdr_list);
            let total = reply.data.total_count.unwrap_or(0).max(0) as usize;
            if got < PAGE_SIZE as usize || records.len() >= total {
                break;
            }
        }
        Ok(records)
    }
}

/// How a finished call of the history ended (`answered`, `no answer`), from its events.
fn ended_as(store: &Store, hold: &Hold) -> Option<CallWord> {
    let Hold::Attempt(h) = hold else {
        return None;
    };
    if h.status != AttemptStatus::Finished {
        return None;
    }
    let attempt = store.get(&h.id).ok()??;
    let events = store.events(&h.id).ok()?;
    CallReport::from_events(&attempt, &events).word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_with_or_without_the_prefixes() {
        assert!(same_number("008613012345678", "008613012345678"));
        assert!(same_number("8613012345678", "008613012345678"));
        assert!(same_number("13012345678", "008613012345678"));
        assert!(same_number("+86 130 1234 5678", "008613012345678"));
        assert!(!same_number("008613012345679", "008613012345678"));
        assert!(!same_number("5678", "008613012345678"), "too short to tell");
        assert!(!same_number("", "008613012345678"));
    }
}
