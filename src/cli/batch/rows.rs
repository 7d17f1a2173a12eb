//! The rows of a batch file: a CSV with a `callee` column, and optionally `callers`
//! (`;`-separated), `agent` and one `var.<name>` column per variable.

use crate::dialer::{DialDraft, DialRequest};

/// What a row does not say, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub sdk_app_id: String,
    /// The callee of rows with no callee column (a sweep calls one number).
    pub callee: Option<String>,
    pub agent: Option<String>,
    pub callers: Vec<String>,
    pub max_ring: String,
    pub queue_timeout: String,
}

/// A row ready to dial, by its line in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub request: DialRequest,
}

/// A row with bad data: skipped, and reported with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    pub line: u64,
    pub callee: String,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Callee,
    Callers,
    Agent,
    Variable,
}

const VAR_PREFIX: &str = "var.";

/// Reads every row. A bad header is an error for the whole file; a bad row is reported and
/// the others go on.
pub fn parse(bytes: &[u8], defaults: &Defaults) -> Result<(Vec<Row>, Vec<BadRow>), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header line: {e}"))?
        .clone();
    let mut columns = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let column = match name {
            "callee" => Column::Callee,
            "callers" => Column::Callers,
            "agent" => Column::Agent,
            n if n.starts_with(VAR_PREFIX) && n.len() > VAR_PREFIX.len() => Column::Variable,
            other => {
                return Err(format!(
                    "column {} {other:?} is not one of: callee, callers, agent, var.<name> \
                     (e.g. var.name, var.dify-inputs-user)",
                    i + 1
                ));
            }
        };
        if header.iter().take(i).any(|earlier| earlier == name) {
            return Err(format!("column {name:?} appears twice in the header"));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Callee) && defaults.callee.is_none() {
        return Err("the header has no \"callee\" column: the numbers to call".into());
    }

    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(bytes, p.byte()));
                bad.push(BadRow {
                    line,
                    callee: String::new(),
                    problems: vec![format!("cannot be read: {e}")],
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
        let cell = |c: Column| {
            columns
                .iter()
                .position(|k| *k == c)
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        let callee = match (cell(Column::Callee), &defaults.callee) {
            ("", Some(callee)) => callee.clone(),
            (callee, _) => callee.to_string(),
        };
        if record.len() > header.len() {
            bad.push(BadRow {
                line,
                callee,
                problems: vec![format!(
                    "has {} fields, the header {}; quote a value that holds a comma",
                    record.len(),
                    header.len()
                )],
            });
            continue;
        }
        let callers = match cell(Column::Callers) {
            "" => defaults.callers.clone(),
            list => list
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
        };
        let agent = match (cell(Column::Agent), &defaults.agent) {
            ("", Some(agent)) => agent.clone(),
            (agent, _) => agent.to_string(),
        };
        // An empty cell leaves the variable out for this row.
        let variables = header
            .iter()
            .zip(record.iter())
            .filter_map(|(name, value)| {
                let key = name.strip_prefix(VAR_PREFIX)?;
                (!value.is_empty()).then(|| (key.to_string(), value.to_string()))
            })
            .collect();
        let draft = DialDraft {
            sdk_app_id: defaults.sdk_app_id.clone(),
            agent_id: agent,
            agent_name: None,
            callee: callee.clone(),
            callers,
            variables,
            max_ring_timeout: defaults.max_ring.clone(),
            acquire_timeout: defaults.queue_timeout.clone(),
        };
        match draft.validate() {
            Ok(request) => rows.push(Row { line, request }),
            Err(problems) => bad.push(BadRow {
                line,
                callee,
                problems: problems
                    .iter()
                    .map(|p| match p.field {
                        crate::dialer::Field::AgentId if draft.agent_id.is_empty() => {
                            "no agent: give --agent or fill the agent column".to_string()
                        }
                        _ => p.to_string(),
                    })
                    .collect(),
            }),
        }
    }
    Ok((rows, bad))
}

/// The line a record read from `offset` is on. The reader places a record at the start of
/// the comment and blank lines before it (and counts lines without them), so skip those here.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut at = (offset as usize).min(bytes.len());
    let mut line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
    loop {
        let rest = &bytes[at..];
        let end = rest.iter().position(|b| *b == b'\n');
        let text = &rest[..end.unwrap_or(rest.len())];
        let skipped = text.first() == Some(&b'#') || text.iter().all(|b| *b == b'\r');
        match end {
            Some(end) if skipped => {
                at += end + 1;
                line += 1;
            }
            _ => return line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            sdk_app_id: "1400000000".into(),
            callee: None,
            agent: Some("15".into()),
            callers: vec!["008601012345678".into()],
            ..Default::default()
        }
    }

    #[test]
    fn columns_override_the_options_and_bad_rows_keep_their_lines() {
        let csv = "\u{feff}callee,callers,agent,var.name,var.dify-inputs-user\n\
                   # a comment line\n\
                   \n\
                   +86 130 0000 0001,,,Ann,ann@example.com\n\
                   008613000000002,008601000000001; 008601000000002,16,,bob\n\
                   12,,,Cy,\n\
                   008613000000004,,x,,\n\
                   008613000000005,,,a,b,extra\n";
        let (rows, bad) = parse(csv.as_bytes(), &defaults()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].request.callee, "008613000000001");
        assert_eq!(rows[0].request.agent_id, 15);
        assert_eq!(rows[0].request.callers, vec!["008601012345678"]);
        assert_eq!(
            rows[0].request.variables,
            vec![
                ("name".to_string(), "Ann".to_string()),
                (
                    "dify-inputs-user".to_string(),
                    "ann@example.com".to_string()
                )
            ]
        );
        assert_eq!(rows[1].request.agent_id, 16);
        assert_eq!(
            rows[1].request.callers,
            vec!["008601000000001", "008601000000002"]
        );
        assert_eq!(
            rows[1].request.variables,
            vec![("dify-inputs-user".to_string(), "bob".to_string())]
        );
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![6, 7, 8]);
        assert!(bad[0].problems[0].starts_with("Callee"), "{:?}", bad[0]);
        assert!(bad[1].problems[0].starts_with("AIAgentId"), "{:?}", bad[1]);
        assert!(bad[2].problems[0].contains("6 fields"), "{:?}", bad[2]);
    }

    #[test]
    fn a_missing_agent_is_named() {
        let d = Defaults {
            agent: None,
            ..defaults()
        };
        let (rows, bad) = parse(b"callee\n008613000000001\n", &d).unwrap();
        assert!(rows.is_empty());
        assert!(bad[0].problems[0].contains("--agent"), "{:?}", bad);
    }

    #[test]
    fn bad_headers_stop_the_whole_file() {
        let e = parse(b"phone\n008613000000001\n", &defaults()).unwrap_err();
        assert!(e.contains("\"phone\""), "{e}");
        let e = parse(b"agent\n15\n", &defaults()).unwrap_err();
        assert!(e.contains("no \"callee\""), "{e}");
        let e = parse(b"callee,callee\n1,2\n", &defaults()).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        assert!(parse(b"callee,var.\n1,2\n", &defaults()).is_err());
    }
}
