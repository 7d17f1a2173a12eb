//! DescribeAICallInteractionRecords: the rounds of a call in the documented formats. `Tags`
//! and `ExtractedSlots` are JSON array strings, or empty; `SpokenType` and `BranchType` take
//! values of their enums; a latency the round did not have is -1.

use serde_json::{Value, json};

use super::session::{Pushed, Session};

const REPLIES: &[&str] = &[
    "Yes, speaking.",
    "Tell me more.",
    "How much does it cost?",
    "That sounds fine.",
    "Thank you, goodbye.",
];

/// The tag a reply hits, as the JSON array string of `AICallInteractionRound.Tags`.
fn tags(reply: &str) -> String {
    if reply.contains("cost") {
        json!([{"TagName": "price question", "TagValue": "asked", "TagType": 1}]).to_string()
    } else {
        String::new()
    }
}

/// The slots a reply fills, as the JSON array string of `UserReplyEvent.ExtractedSlots`.
fn slots(reply: &str) -> String {
    if reply.contains("fine") {
        json!([{"TagName": "decision", "TagValue": "accepts", "TagType": 2}]).to_string()
    } else {
        String::new()
    }
}

fn metrics(asr: i64, first_token: i64, tts: i64, total: i64) -> Value {
    json!({"AsrLatency": asr, "LLMFirstTokenLatency": first_token, "TTSLatency": tts,
           "TotalLatency": total})
}

/// The scripted rounds held by `now_ms`, then the lines pushed into the call.
pub fn records(s: &Session, now_ms: i64) -> Value {
    let persona = s.persona();
    let mut events: Vec<Value> = s
        .rounds(now_ms)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let l = persona.latency(i);
            let mut messages = Vec::new();
            let spoken = persona.says(i, &s.agent_name);
            let (spoken_type, tag) = if i == 0 {
                ("Script", String::new())
            } else {
                let reply = REPLIES[(i - 1) % REPLIES.len()];
                let branch = if slots(reply).is_empty() {
                    "Intent"
                } else {
                    "SlotCollectionSuccess"
                };
                messages.push(json!({"Timestamp": t, "UserReply": {
                    "ASRTranscript": reply, "MatchedIntent": "", "ExtractedSlots": slots(reply),
                    "BranchType": branch}}));
                ("LLMFallback", tags(reply))
            };
            // The greeting follows no user speech: it has no ASR latency.
            let asr = if i == 0 { -1 } else { l.asr };
            messages.push(json!({"Timestamp": t + l.ete, "AISpeak": {
                "SpokenText": spoken, "SpokenType": spoken_type, "CanBeInterrupted": true,
                "LatencyMetrics": metrics(asr, l.first_token, l.tts, l.ete),
                "KnowledgeName": "", "TraverseReason": ""}}));
            json!({"RoundId": s.round_id(i), "RoundIndex": i, "Tags": tag, "Messages": messages,
                   "Paths": [{"NodeName": "Dialogue", "NodeType": "DIALOGUE", "Timestamp": t}]})
        })
        .collect();
    let pushed = s.pushed.iter().filter(|p| p.at_ms <= now_ms);
    for (i, p) in pushed.enumerate() {
        let index = events.len();
        events.push(
            json!({"RoundId": s.round_id(index), "RoundIndex": index, "Tags": "",
            "Paths": [], "Messages": [pushed_line(s, p, i)]}),
        );
    }
    json!(events)
}

/// What the agent said for a steering command: pushed text as it was sent; for InvokeLLM, the
/// model's answer (the prompt itself is never spoken).
fn pushed_line(s: &Session, p: &Pushed, i: usize) -> Value {
    let l = s.latency(10_000 + i);
    let (text, spoken_type, first_token, total) = match p.command.as_str() {
        "InvokeLLM" => (
            format!("Answer from {} to the operator's prompt.", s.agent_name),
            "LLMFallback",
            l.first_token,
            l.first_token + l.tts,
        ),
        _ => (p.text.clone(), "Other", -1, l.tts),
    };
    json!({"Timestamp": p.at_ms + total, "AISpeak": {
        "SpokenText": text, "SpokenType": spoken_type, "CanBeInterrupted": !p.stop_after_play,
        "LatencyMetrics": metrics(-1, first_token, l.tts, total),
        "KnowledgeName": "", "TraverseReason": ""}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::session::Script;

    #[test]
    fn records_keep_the_documented_formats() {
        let mut s = Session {
            id: "s".into(),
            room_id: "1".into(),
            record_id: "r".into(),
            agent_id: 15,
            agent_name: "Bot".into(),
            caller: "008601012345678".into(),
            callee: "008613012345678".into(),
            variables: vec![],
            created_ms: 0,
            script: Script::new(None, 1_000, 20_000, None),
            hung_up_ms: None,
            pushed: vec![],
        };
        s.pushed.push(Pushed {
            at_ms: 5_000,
            command: "InvokeLLM".into(),
            text: "secret prompt".into(),
            stop_after_play: false,
        });
        let v = records(&s, 21_000);
        let rounds = v.as_array().unwrap();
        assert!(rounds.len() > 5);
        for r in rounds {
            let tags = r["Tags"].as_str().unwrap();
            assert!(tags.is_empty() || tags.starts_with('['), "{tags}");
            for m in r["Messages"].as_array().unwrap() {
                if let Some(u) = m.get("UserReply") {
                    let slots = u["ExtractedSlots"].as_str().unwrap();
                    assert!(slots.is_empty() || slots.starts_with('['), "{slots}");
                    assert!(
                        ["Intent", "SlotCollectionSuccess"]
                            .contains(&u["BranchType"].as_str().unwrap())
                    );
                }
                if let Some(a) = m.get("AISpeak") {
                    let t = a["SpokenType"].as_str().unwrap();
                    assert!(["Script", "LLMFallback", "Other"].contains(&t), "{t}");
                    assert!(!a["SpokenText"].as_str().unwrap().contains("secret prompt"));
                }
            }
        }
        assert_eq!(
            rounds[0]["Messages"][0]["AISpeak"]["LatencyMetrics"]["AsrLatency"],
            -1
        );
        assert!(
            rounds
                .iter()
                .any(|r| !r["Tags"].as_str().unwrap().is_empty())
        );
    }
}
