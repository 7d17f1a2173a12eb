//! Runs side by side: which variables and tags differ, each run's outcome and latency, and
//! their conversations aligned by round.

use serde_json::{Value, json};

use super::rounds::{self, Round};
use super::{Run, Stage, ms};
use crate::dialer::elapsed;

/// One named value across the runs (`None` where a run does not have it).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub values: Vec<Option<String>>,
    /// Not every run has the same value.
    pub differs: bool,
}

impl Row {
    fn new(name: String, values: Vec<Option<String>>) -> Row {
        let differs = values.windows(2).any(|w| w[0] != w[1]);
        Row {
            name,
            values,
            differs,
        }
    }
}

/// A line of the comparison table: a heading, a cell per run, and whether they differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub heading: String,
    pub cells: Vec<String>,
    pub differs: bool,
    /// The cells are sentences (a round of the transcript): wrapped rather than cut.
    pub prose: bool,
}

/// Two or more runs compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub runs: Vec<Run>,
    /// Every variable any run set, in first-seen order.
    pub variables: Vec<Row>,
    /// Every extracted tag any run has, in first-seen order.
    pub tags: Vec<Row>,
    /// Every round any run's transcript has, in order.
    pub rounds: Vec<Round>,
}

/// The names in first-seen order across `lists`, with each list's value of each name.
fn rows<'a>(lists: &[Vec<(&'a str, &'a str)>]) -> Vec<Row> {
    let mut names: Vec<&str> = Vec::new();
    for list in lists {
        for (name, _) in list {
            if !names.contains(name) {
                names.push(name);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let values = lists
                .iter()
                .map(|l| {
                    l.iter()
                        .rev()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.to_string())
                })
                .collect();
            Row::new(name.to_owned(), values)
        })
        .collect()
}

impl Comparison {
    pub fn new(runs: Vec<Run>) -> Comparison {
        let variables: Vec<Vec<(&str, &str)>> = runs
            .iter()
            .map(|r| {
                r.attempt
                    .variables
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect()
            })
            .collect();
        let tags: Vec<Vec<(&str, &str)>> = runs
            .iter()
            .map(|r| {
                r.report
                    .tags
                    .iter()
                    .map(|t| (t.name.as_str(), t.value.as_str()))
                    .collect()
            })
            .collect();
        let (variables, tags) = (rows(&variables), rows(&tags));
        Comparison {
            rounds: rounds::align(&runs),
            runs,
            variables,
            tags,
        }
    }

    /// The comparison as JSON, with the service's field names where it has them.
    pub fn to_json(&self) -> Value {
        let runs: Vec<Value> = self.runs.iter().map(run_json).collect();
        let differing = |rows: &[Row], key: &str| -> Vec<Value> {
            rows.iter()
                .filter(|r| r.differs)
                .map(|r| json!({ key: r.name, "Values": r.values }))
                .collect()
        };
        json!({
            "Runs": runs,
            "Differences": {
                "Variables": differing(&self.variables, "Key"),
                "ExtractResults": differing(&self.tags, "InfoName"),
            },
            "Transcript": rounds::to_json(&self.rounds),
        })
    }

    /// The table: what each run is, its variables and tags, its outcome and latency, then
    /// what the callee and the agent said in each round (blank where a run has no such
    /// round). With `collapse`, variables every run shares are left out.
    pub fn lines(&self, collapse: bool) -> Vec<Line> {
        let each =
            |f: &dyn Fn(&Run) -> String| -> Vec<String> { self.runs.iter().map(f).collect() };
        let line = |heading: &str, cells: Vec<String>| {
            let differs = cells.windows(2).any(|w| w[0] != w[1]);
            Line {
                heading: heading.to_owned(),
                cells,
                differs,
                prose: false,
            }
        };
        // Runs always differ by id: that row names the columns.
        let names = Line {
            heading: "attempt".into(),
            cells: each(&|r| r.attempt.id.short().to_owned()),
            differs: false,
            prose: false,
        };
        let mut out = vec![
            names,
            line("labels", each(&|r| r.notes.labels.join(" "))),
            line(
                "agent",
                each(&|r| match &r.attempt.agent_name {
                    Some(n) => format!("{} {n}", r.attempt.agent_id),
                    None => r.attempt.agent_id.to_string(),
                }),
            ),
            line("callee", each(&|r| r.attempt.callee.clone())),
        ];
        let valued = |row: &Row| -> Vec<String> {
            row.values
                .iter()
                .map(|v| v.clone().unwrap_or_else(|| "-".into()))
                .collect()
        };
        for v in self.variables.iter().filter(|v| v.differs || !collapse) {
            out.push(line(&format!("var {}", v.name), valued(v)));
        }
        out.push(line("outcome", each(&|r| r.outcome_line())));
        let secs = |s: Option<i64>| s.map_or_else(|| "-".to_owned(), |s| elapsed(s * 1_000));
        out.push(line("ring", each(&|r| secs(r.report.ring_secs))));
        out.push(line("talk", each(&|r| secs(r.report.talk_secs))));
        for t in &self.tags {
            out.push(line(&format!("tag {}", t.name), valued(t)));
        }
        out.push(line("rounds", each(&|r| r.rounds().to_string())));
        for stage in Stage::ALL {
            out.push(line(
                &format!("{} med/p90", stage.label()),
                each(&|r| {
                    let s = r.stat(stage);
                    format!("{} / {}", ms(s.median), ms(s.p90))
                }),
            ));
        }
        for round in &self.rounds {
            for (who, text) in [
                (
                    "callee",
                    (|s: &rounds::Said| s.callee.clone()) as fn(&_) -> _,
                ),
                ("agent", |s| s.agent.clone()),
            ] {
                let cells: Vec<String> = round
                    .runs
                    .iter()
                    .map(|s| s.as_ref().and_then(text).unwrap_or_default())
                    .collect();
                if cells.iter().any(|c| !c.is_empty()) {
                    out.push(Line {
                        prose: true,
                        ..line(&format!("round {} {who}", round.index), cells)
                    });
                }
            }
        }
        out
    }
}

fn run_json(r: &Run) -> Value {
    let a = &r.attempt;
    let report = &r.report;
    let latency = r.latency_json(
        Stage::service_name,
        |s| json!({ "MiddleLatency": s.median, "P90Latency": s.p90 }),
    );
    json!({
        "AttemptId": a.id,
        "SessionId": report.session_id,
        "SdkAppId": a.sdk_app_id,
        "AIAgentId": a.agent_id,
        "AIAgentName": a.agent_name,
        "Callee": a.callee,
        "Labels": r.notes.labels,
        "Note": r.notes.note,
        "Variables": a.variables.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect::<Vec<_>>(),
        "Status": a.status,
        "Outcome": report.word.map(|w| w.as_str()),
        "EndStatus": report.end_status,
        "EndStatusString": report.end_status_string,
        "RingSeconds": report.ring_secs,
        "Duration": report.talk_secs,
        "ExtractResults": report.tags.iter()
            .map(|t| json!({ "InfoName": t.name, "InfoType": t.kind, "Result": t.value }))
            .collect::<Vec<_>>(),
        "Rounds": r.rounds(),
        "AILatencyStatistics": latency,
    })
}
