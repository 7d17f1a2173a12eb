//! How a simulated agent answers, given the call's variables: the greeting and the replies
//! use them, and the `dify-inputs-*` values move the extracted tags, the length of a round
//! (so how many rounds a call holds) and the latencies. All of it is a pure function of the
//! agent, the callee and the variables, so the same inputs reproduce the same report and
//! different inputs differ as they would on the real service.

use serde_json::{Value, json};

/// One round's latencies (ms).
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub asr: i64,
    pub llm: i64,
    pub first_token: i64,
    pub tts: i64,
    pub ete: i64,
}

/// How long one conversational round lasts when no `dify-inputs-*` variable is given.
pub const ROUND_MS: i64 = 2_000;

/// The prefix of the variables a dify agent reads.
const DIFY_INPUT: &str = "dify-inputs-";

/// FNV-1a: a small stable hash, the same on every platform and run.
pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The simulated agent of one call.
#[derive(Debug, Clone)]
pub struct Persona {
    seed: u64,
    /// Who the agent greets.
    user: Option<String>,
    /// The `dify-inputs-*` variables other than the user, as given.
    inputs: Vec<(String, String)>,
}

impl Persona {
    pub fn new(agent_id: u64, callee: &str, variables: &[(String, String)]) -> Persona {
        let mut key = format!("{agent_id}|{callee}");
        for (k, v) in variables {
            key.push_str(&format!("|{k}={v}"));
        }
        let user = variables
            .iter()
            .find(|(k, _)| k == "name" || k == "dify-inputs-user")
            .map(|(_, v)| v.clone());
        let inputs = variables
            .iter()
            .filter(|(k, _)| k.starts_with(DIFY_INPUT) && k != "dify-inputs-user")
            .cloned()
            .collect();
        Persona {
            seed: fnv(&key),
            user,
            inputs,
        }
    }

    /// Whether the dify inputs steer this call (any `dify-inputs-*` variable beyond the user).
    fn steered(&self) -> bool {
        !self.inputs.is_empty()
    }

    fn hash(&self, what: &str) -> u64 {
        fnv(&format!("{}#{what}", self.seed))
    }

    /// The length of a round: 2 s, or between 1.5 and 2.5 s as the inputs make the agent
    /// quicker or wordier.
    pub fn round_ms(&self) -> i64 {
        if self.steered() {
            1_500 + (self.hash("round") % 11) as i64 * 100
        } else {
            ROUND_MS
        }
    }

    /// Plausible, repeatable latencies of round `round`. Longer inputs make a slower LLM.
    pub fn latency(&self, round: usize) -> Latency {
        let h = self.hash(&round.to_string());
        let pick = |shift: u32, lo: i64, span: u64| lo + ((h >> shift) % span) as i64;
        let weight: usize = self.inputs.iter().map(|(_, v)| v.chars().count()).sum();
        let slower = (weight as i64 * 3).min(600);
        let asr = pick(0, 180, 220);
        let first_token = pick(10, 280, 420) + slower;
        let llm = first_token + pick(20, 250, 500);
        let tts = pick(30, 90, 160);
        Latency {
            asr,
            llm,
            first_token,
            tts,
            ete: asr + first_token + tts + pick(40, 20, 60),
        }
    }

    /// What the agent says in round `round` (0 is the greeting).
    pub fn says(&self, round: usize, agent_name: &str) -> String {
        let about = |i: usize| {
            self.inputs
                .get(i % self.inputs.len().max(1))
                .map(|(k, v)| format!(" About your {}: {v}.", &k[DIFY_INPUT.len()..]))
                .unwrap_or_default()
        };
        if round == 0 {
            let name = self.user.as_deref().unwrap_or("there");
            format!("Hello {name}, this is {agent_name}.{}", about(0))
        } else {
            format!("Answer {round} from {agent_name}.{}", about(round))
        }
    }

    /// The agent's extracted tags: the fixture's, with their values moved by the inputs.
    pub fn tags(&self, fixture: &[Value]) -> Vec<Value> {
        if !self.steered() {
            return fixture.to_vec();
        }
        fixture
            .iter()
            .map(|tag| {
                let mut tag = tag.clone();
                let name = tag["InfoName"].as_str().unwrap_or_default().to_owned();
                let h = self.hash(&name);
                let result = match tag["InfoType"].as_str() {
                    Some("Boolean") => json!({"Boolean": h.is_multiple_of(2)}),
                    Some("Number") => json!({"Number": (1 + h % 10) as f64}),
                    Some("Text") => {
                        let (k, v) = &self.inputs[(h % self.inputs.len() as u64) as usize];
                        json!({"Text": format!("{} ({}: {v})", tag["Result"]["Text"].as_str().unwrap_or(""), &k[DIFY_INPUT.len()..])})
                    }
                    _ => tag["Result"].clone(),
                };
                tag["Result"] = result;
                tag
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_same_inputs_answer_the_same() {
        let v = vars(&[("dify-inputs-user", "bob"), ("dify-inputs-tone", "formal")]);
        let (a, b) = (
            Persona::new(16, "0086130", &v),
            Persona::new(16, "0086130", &v),
        );
        assert_eq!(a.round_ms(), b.round_ms());
        assert_eq!(a.latency(3).ete, b.latency(3).ete);
        assert_eq!(a.says(0, "Bot"), b.says(0, "Bot"));
        assert_eq!(
            a.says(0, "Bot"),
            "Hello bob, this is Bot. About your tone: formal."
        );
    }

    #[test]
    fn dify_inputs_move_tags_rounds_and_latency() {
        let fixture = vec![
            json!({"InfoType": "Boolean", "InfoName": "Resolved", "Result": {"Boolean": false}}),
            json!({"InfoType": "Text", "InfoName": "Issue", "Result": {"Text": "Parcel"}}),
        ];
        let personas: Vec<Persona> = ["formal", "casual", "terse", "chatty", "angry", "calm"]
            .iter()
            .map(|tone| Persona::new(16, "0086130", &vars(&[("dify-inputs-tone", tone)])))
            .collect();
        let distinct = |f: &dyn Fn(&Persona) -> String| {
            let mut v: Vec<String> = personas.iter().map(f).collect();
            v.sort();
            v.dedup();
            v.len()
        };
        assert!(distinct(&|p| p.tags(&fixture)[0].to_string()) > 1);
        assert!(distinct(&|p| p.tags(&fixture)[1].to_string()) == personas.len());
        assert!(distinct(&|p| p.round_ms().to_string()) > 1);
        assert!(distinct(&|p| p.latency(0).ete.to_string()) > 1);
    }

    #[test]
    fn without_dify_inputs_the_fixture_and_two_second_rounds_stand() {
        let p = Persona::new(15, "0086130", &vars(&[("name", "Alice")]));
        let fixture = vec![
            json!({"InfoType": "Boolean", "InfoName": "Interested", "Result": {"Boolean": true}}),
        ];
        assert_eq!(p.tags(&fixture), fixture);
        assert_eq!(p.round_ms(), ROUND_MS);
        assert_eq!(p.says(0, "Sales bot"), "Hello Alice, this is Sales bot.");
    }
}
