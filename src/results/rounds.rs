//! Runs' conversations side by side, round by round: what the callee said and what the agent
//! said in each of the service's rounds, so that a run with fewer rounds leaves its later
//! rounds empty rather than moving its text up against another run's.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Run;
use crate::ccc::actions::InteractionEvent;
use crate::dialer::Interactions;

/// What was said in one round of one run; either may be missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Said {
    /// The callee, as speech recognition heard them (`ASRTranscript`).
    pub callee: Option<String>,
    /// The agent (`SpokenText`).
    pub agent: Option<String>,
}

impl Said {
    fn add(to: &mut Option<String>, text: Option<&str>) {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        match to {
            Some(s) => {
                s.push(' ');
                s.push_str(text);
            }
            None => *to = Some(text.to_owned()),
        }
    }
}

/// One round across the runs: `None` where a run has no such round.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The service's `RoundIndex`.
    pub index: i64,
    pub runs: Vec<Option<Said>>,
}

/// A run's rounds by index: the service's `RoundIndex`, else the round's place in the list.
fn said(rounds: &[InteractionEvent]) -> BTreeMap<i64, Said> {
    let mut out: BTreeMap<i64, Said> = BTreeMap::new();
    for (place, round) in rounds.iter().enumerate() {
        let said = out
            .entry(round.round_index.unwrap_or(place as i64))
            .or_default();
        for m in &round.messages {
            let heard = m
                .user_reply
                .as_ref()
                .and_then(|u| u.asr_transcript.as_deref());
            Said::add(&mut said.callee, heard);
            let spoken = m.ai_speak.as_ref().and_then(|a| a.spoken_text.as_deref());
            Said::add(&mut said.agent, spoken);
        }
    }
    out
}

/// Every round any run has, in order, with each run's words in it.
pub fn align(runs: &[Run]) -> Vec<Round> {
    let each: Vec<BTreeMap<i64, Said>> = runs
        .iter()
        .map(|r| match &r.report.interactions {
            Interactions::Records(rounds) => said(rounds),
            _ => BTreeMap::new(),
        })
        .collect();
    let mut indexes: Vec<i64> = each.iter().flat_map(|m| m.keys().copied()).collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
        .into_iter()
        .map(|index| Round {
            index,
            runs: each.iter().map(|m| m.get(&index).cloned()).collect(),
        })
        .collect()
}

/// The rounds as JSON with the service's field names; `null` where a run has no such round.
pub fn to_json(rounds: &[Round]) -> Value {
    rounds
        .iter()
        .map(|r| {
            let runs: Vec<Value> = r
                .runs
                .iter()
                .map(|s| {
                    s.as_ref().map_or(
                        Value::Null,
                        |s| json!({ "ASRTranscript": s.callee, "SpokenText": s.agent }),
                    )
                })
                .collect();
            json!({ "RoundIndex": r.index, "Runs": runs })
        })
        .collect::<Vec<_>>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(v: Value) -> Vec<InteractionEvent> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn rounds_keep_their_index_and_merge_their_messages() {
        let rounds = events(json!([
            {"RoundIndex": 0, "Messages": [{"AISpeak": {"SpokenText": "Hello"}}]},
            {"RoundIndex": 2, "Messages": [
                {"UserReply": {"ASRTranscript": "How much?"}},
                {"UserReply": {"ASRTranscript": " Really? "}},
                {"AISpeak": {"SpokenText": "Ten."}},
                {"AISpeak": {"SpokenText": "  "}}]},
            {"Messages": [{"AISpeak": {"SpokenText": "Bye"}}]}
        ]));
        let said = said(&rounds);
        assert_eq!(said.keys().copied().collect::<Vec<_>>(), [0, 2]);
        assert_eq!(
            said[&2],
            Said {
                callee: Some("How much? Really?".into()),
                agent: Some("Ten. Bye".into()),
            },
            "a round without an index is the one at its place (2)"
        );
        assert_eq!(said[&0].callee, None);
    }
}
