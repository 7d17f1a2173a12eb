//! The conversation in the order it happened: what the agent said and heard (the
//! interaction records), with the text pushed and the prompts sent to the LLM from this app
//! placed where they were sent, not after the last answer.

use crate::ccc::actions::InteractionEvent;
use crate::history::PushKind;

use super::report::Steer;

/// Who a transcript line is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The AI agent, speaking.
    Agent,
    /// The callee, as speech recognition heard them.
    Callee,
    /// Sent from this app: pushed text, an LLM prompt, or last words.
    Operator(PushKind),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptLine {
    /// Unix ms: the service's clock for the records, this machine's for what was sent.
    pub at_ms: i64,
    pub speaker: Speaker,
    pub text: String,
    /// What the service said when it refused a line sent from this app.
    pub refused: Option<String>,
}

/// The agent's and the callee's lines from `rounds`, merged with `steers` by time. A message
/// without a timestamp keeps its place after the line before it.
pub fn transcript(rounds: &[InteractionEvent], steers: &[Steer]) -> Vec<TranscriptLine> {
    let mut lines = Vec::new();
    let mut last_ms = i64::MIN;
    for m in rounds.iter().flat_map(|r| &r.messages) {
        let at_ms = m.timestamp.unwrap_or(last_ms);
        last_ms = at_ms;
        let heard = m.user_reply.as_ref().and_then(|u| u.asr_transcript.clone());
        let said = m.ai_speak.as_ref().and_then(|a| a.spoken_text.clone());
        for (speaker, text) in [(Speaker::Callee, heard), (Speaker::Agent, said)] {
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                lines.push(TranscriptLine {
                    at_ms,
                    speaker,
                    text,
                    refused: None,
                });
            }
        }
    }
    lines.extend(steers.iter().map(|s| TranscriptLine {
        at_ms: s.at_ms,
        speaker: Speaker::Operator(s.kind),
        text: s.text.clone(),
        refused: s.refused.clone(),
    }));
    // Stable: lines of one moment keep the order the service gave them.
    lines.sort_by_key(|l| l.at_ms);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pushed_lines_sit_where_they_were_sent() {
        let rounds: Vec<InteractionEvent> = serde_json::from_value(json!([
            {"RoundIndex": 0, "Messages": [
                {"Timestamp": 1_000, "AISpeak": {"SpokenText": "Hello"}}]},
            {"RoundIndex": 1, "Messages": [
                {"Timestamp": 5_000, "UserReply": {"ASRTranscript": "How much?"}},
                {"AISpeak": {"SpokenText": "Ten."}}]},
            // The service lists the pushed line's answer as a round of its own at the end.
            {"RoundIndex": 2, "Messages": [
                {"Timestamp": 3_500, "AISpeak": {"SpokenText": "We have an offer."}}]}
        ]))
        .unwrap();
        let steers = [
            Steer {
                at_ms: 3_000,
                kind: PushKind::Text,
                text: "We have an offer.".into(),
                refused: None,
            },
            Steer {
                at_ms: 9_000,
                kind: PushKind::Llm,
                text: "close politely".into(),
                refused: Some("not in control".into()),
            },
        ];
        let lines = transcript(&rounds, &steers);
        let order: Vec<(i64, Speaker, &str)> = lines
            .iter()
            .map(|l| (l.at_ms, l.speaker, l.text.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![
                (1_000, Speaker::Agent, "Hello"),
                (
                    3_000,
                    Speaker::Operator(PushKind::Text),
                    "We have an offer."
                ),
                (3_500, Speaker::Agent, "We have an offer."),
                (5_000, Speaker::Callee, "How much?"),
                (5_000, Speaker::Agent, "Ten."),
                (9_000, Speaker::Operator(PushKind::Llm), "close politely"),
            ]
        );
        assert_eq!(lines[5].refused.as_deref(), Some("not in control"));
    }
}
