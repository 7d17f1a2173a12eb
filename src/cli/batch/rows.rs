//! The rows of a batch file: a CSV with a `callee` column, and optionally `callers`
//! (`;`-separated), `agent`, `uui` (data carried with a server task's call) and one
//! `var.<name>` column per variable.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::dialer::{DialDraft, DialRequest, Field, Problem};

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

impl Defaults {
    /// Problems with the options every row inherits, named by option. Checked before any
    /// row: a typo in one of them stops the whole run, even for rows that fill the column.
    pub fn problems(&self) -> Vec<String> {
        // A valid stand-in for what only rows give, so that only the options are judged.
        let draft = DialDraft {
            sdk_app_id: self.sdk_app_id.clone(),
            agent_id: self.agent.clone().unwrap_or_else(|| "1".into()),
            agent_name: None,
            callee: "008613000000000".into(),
            callers: self.callers.clone(),
            variables: Vec::new(),
            max_ring_timeout: self.max_ring.clone(),
            acquire_timeout: self.queue_timeout.clone(),
        };
        let Err(problems) = draft.validate() else {
            return Vec::new();
        };
        problems
            .iter()
            .filter_map(|p| {
                let option = match p.field {
                    Field::SdkAppId => "--sdk-app-id",
                    Field::AgentId => "--agent",
                    Field::Caller(_) => "--caller",
                    Field::MaxRingTimeout => "--max-ring",
                    Field::AcquireTimeout => "--queue-timeout",
                    Field::Callee | Field::Variable(_) => return None,
                };
                Some(format!("{option}: {}", p.message))
            })
            .collect()
    }
}

/// A row ready to dial, by its line in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub request: DialRequest,
    /// The `uui` cell, for server tasks; a single call has no such field.
    pub uui: Option<String>,
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
    Uui,
    Variable,
}

const VAR_PREFIX: &str = "var.";

/// Longest cell taken, in characters: longer is a stray quote or a pasted file, not a value.
pub const MAX_CELL_CHARS: usize = 4000;

/// What a first pass over a file found, holding no row: the rows to dial are read again
/// with [`rows`].
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Rows that are ready to dial.
    pub rows: usize,
    pub bad: Vec<BadRow>,
}

/// Reads and validates every row, in time linear in the file, keeping only the bad rows and
/// a compact set of the callees met (to find one on two rows). A bad header, or a problem
/// with the file's shape (a quoted cell spanning lines, a cell over [`MAX_CELL_CHARS`], a
/// callee on two rows), is an error for the whole file that lists every such line, so
/// nothing is dialed from a file that is not what it seems. A row with bad data is reported
/// and the others go on.
pub fn check(bytes: &[u8], defaults: &Defaults) -> Result<Checked, String> {
    let mut rows = 0;
    let bad = read(bytes, defaults, |_| rows += 1)?;
    Ok(Checked { rows, bad })
}

/// Every row at once, checked as [`check`] does.
pub fn parse(bytes: &[u8], defaults: &Defaults) -> Result<(Vec<Row>, Vec<BadRow>), String> {
    let mut rows = Vec::new();
    let bad = read(bytes, defaults, |row| rows.push(row))?;
    Ok((rows, bad))
}

/// The rows ready to dial, one at a time, in the order of the file; for a file that
/// [`check`] found sound (bad rows are passed over here).
pub fn rows<'a>(bytes: &'a [u8], defaults: &'a Defaults) -> impl Iterator<Item = Row> + 'a {
    Records::new(bytes, defaults)
        .into_iter()
        .flatten()
        .filter_map(|record| match record {
            Record::Row(row) => Some(row),
            Record::Bad(_) | Record::Shape(_) => None,
        })
}

/// One pass over the file: each good row goes to `keep`; returns the bad rows.
fn read(
    bytes: &[u8],
    defaults: &Defaults,
    mut keep: impl FnMut(Row),
) -> Result<Vec<BadRow>, String> {
    let mut shape = Vec::new();
    let mut callees = Callees::default();
    let mut bad = Vec::new();
    for record in Records::new(bytes, defaults)? {
        match record {
            Record::Row(row) => {
                // A sweep calls its one callee once per set, on purpose.
                if defaults.callee.is_none()
                    && let Some(first) = callees.first_line(&row.request.callee, row.line)
                {
                    shape.push(format!(
                        "line {}: callee {} is also on line {first}; each callee once per file",
                        row.line, row.request.callee
                    ));
                }
                keep(row);
            }
            Record::Bad(b) => bad.push(b),
            Record::Shape(problem) => shape.push(problem),
        }
    }
    if !shape.is_empty() {
        return Err(whole_file_error(&shape));
    }
    Ok(bad)
}

/// What one record of the file is.
enum Record {
    Row(Row),
    Bad(BadRow),
    /// A problem with the file's shape, in words with its line.
    Shape(String),
}

/// The records of a file, read and judged one at a time.
struct Records<'a> {
    reader: csv::Reader<&'a [u8]>,
    header: csv::StringRecord,
    /// Where the callee, callers, agent and uui columns are.
    at: [Option<usize>; 4],
    lines: Lines<'a>,
    record: csv::StringRecord,
    defaults: &'a Defaults,
}

impl<'a> Records<'a> {
    fn new(bytes: &'a [u8], defaults: &'a Defaults) -> Result<Records<'a>, String> {
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
        let columns = columns(&header, defaults)?;
        let position = |c: Column| columns.iter().position(|k| *k == c);
        Ok(Records {
            reader,
            at: [Column::Callee, Column::Callers, Column::Agent, Column::Uui].map(position),
            header,
            lines: Lines::new(bytes),
            record: csv::StringRecord::new(),
            defaults,
        })
    }

    /// The record just read, judged.
    fn judge(&mut self) -> Record {
        let (record, header, defaults) = (&self.record, &self.header, self.defaults);
        let line = record
            .position()
            .map_or(0, |p| self.lines.line_of(p.byte()));
        if let Some(problem) = shape_problem(record, header, line) {
            return Record::Shape(problem);
        }
        let [callee_at, callers_at, agent_at, uui_at] = self.at;
        let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("");
        let callee = match (cell(callee_at), &defaults.callee) {
            ("", Some(callee)) => callee.clone(),
            (callee, _) => callee.to_string(),
        };
        if record.len() > header.len() {
            return Record::Bad(BadRow {
                line,
                callee,
                problems: vec![format!(
                    "has {} fields, the header {}; quote a value that holds a comma",
                    record.len(),
                    header.len()
                )],
            });
        }
        let cells = [callee.as_str(), cell(callers_at), cell(agent_at)];
        let draft = draft(header, record, defaults, cells);
        match draft.validate() {
            Ok(request) => Record::Row(Row {
                line,
                request,
                uui: Some(cell(uui_at))
                    .filter(|u| !u.is_empty())
                    .map(String::from),
            }),
            Err(problems) => Record::Bad(BadRow {
                line,
                callee,
                problems: problem_texts(&problems, &draft),
            }),
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(self.judge()),
            Err(e) => {
                let line = e.position().map_or(0, |p| self.lines.line_of(p.byte()));
                Some(Record::Bad(BadRow {
                    line,
                    callee: String::new(),
                    problems: vec![format!("cannot be read: {e}")],
                }))
            }
        }
    }
}

/// The callees met so far, each with the first line it is on. One of digits only (every
/// valid callee) is kept as a number rather than a string: a million rows fit in some 35 MB.
#[derive(Default)]
struct Callees {
    digits: HashMap<u64, u64>,
    other: HashMap<String, u64>,
}

impl Callees {
    /// The line `callee` was first met on, if before; otherwise it is noted at `line`.
    fn first_line(&mut self, callee: &str, line: u64) -> Option<u64> {
        match packed(callee) {
            Some(key) => first_of(self.digits.entry(key), line),
            None => first_of(self.other.entry(callee.to_string()), line),
        }
    }
}

fn first_of<K>(entry: Entry<'_, K, u64>, line: u64) -> Option<u64> {
    match entry {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(v) => {
            v.insert(line);
            None
        }
    }
}

/// A "1" then the digits, as a number: one number per string of up to 18 digits, leading
/// zeros included.
fn packed(digits: &str) -> Option<u64> {
    if digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .bytes()
            .fold(1u64, |n, b| n * 10 + u64::from(b - b'0')),
    )
}

/// A row's problems in words; a missing agent says where an agent may come from.
fn problem_texts(problems: &[Problem], draft: &DialDraft) -> Vec<String> {
    problems
        .iter()
        .map(|p| match p.field {
            Field::AgentId if draft.agent_id.is_empty() => {
                "no agent: give --agent or fill the agent column".to_string()
            }
            _ => p.to_string(),
        })
        .collect()
}

/// Every line whose shape is wrong, so all of them can be fixed before one run.
fn whole_file_error(shape: &[String]) -> String {
    format!(
        "nothing was dialed; fix {} and run again:\n  {}",
        if shape.len() == 1 {
            "this line"
        } else {
            "these lines"
        },
        shape.join("\n  ")
    )
}

fn columns(header: &csv::StringRecord, defaults: &Defaults) -> Result<Vec<Column>, String> {
    let mut columns = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let column = match name {
            "callee" => Column::Callee,
            "callers" => Column::Callers,
            "agent" => Column::Agent,
            "uui" => Column::Uui,
            n if n.starts_with(VAR_PREFIX) && n.len() > VAR_PREFIX.len() => Column::Variable,
            other => {
                return Err(format!(
                    "column {} {other:?} is not one of: callee, callers, agent, uui, var.<name> \
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
    Ok(columns)
}

/// A record that shows the file is not what it seems: a quote left open swallows the lines
/// after it into one cell.
fn shape_problem(
    record: &csv::StringRecord,
    header: &csv::StringRecord,
    line: u64,
) -> Option<String> {
    let spanned = record
        .iter()
        .map(|cell| cell.bytes().filter(|b| *b == b'\n').count() as u64)
        .sum::<u64>();
    if spanned > 0 {
        return Some(format!(
            "line {line}: a quoted cell runs on to line {}; a quote is missing or stray \
             (a cell that holds a quote is written \"like \"\"this\"\"\")",
            line + spanned
        ));
    }
    let (i, long) = record
        .iter()
        .enumerate()
        .find(|(_, cell)| cell.len() > MAX_CELL_CHARS && cell.chars().count() > MAX_CELL_CHARS)?;
    Some(format!(
        "line {line}: the {} cell has {} characters, more than {MAX_CELL_CHARS}",
        header.get(i).unwrap_or("extra"),
        long.chars().count()
    ))
}

fn draft(
    header: &csv::StringRecord,
    record: &csv::StringRecord,
    defaults: &Defaults,
    [callee, callers, agent]: [&str; 3],
) -> DialDraft {
    let callers = match callers {
        "" => defaults.callers.clone(),
        list => list
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect(),
    };
    let agent = match (agent, &defaults.agent) {
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
    DialDraft {
        sdk_app_id: defaults.sdk_app_id.clone(),
        agent_id: agent,
        agent_name: None,
        callee: callee.to_string(),
        callers,
        variables,
        max_ring_timeout: defaults.max_ring.clone(),
        acquire_timeout: defaults.queue_timeout.clone(),
    }
}

/// Line numbers of byte offsets met in increasing order, counted once over the file.
struct Lines<'a> {
    bytes: &'a [u8],
    /// Offset counted up to, and the line it is on.
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line a record read from `offset` is on. The reader places a record at the start
    /// of the comment and blank lines before it (and counts lines without them), so those
    /// are skipped here.
    fn line_of(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.bytes.len());
        if offset < self.at {
            *self = Lines::new(self.bytes);
        }
        self.line += self.bytes[self.at..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.at = offset;
        let (mut at, mut line) = (offset, self.line);
        loop {
            let rest = &self.bytes[at..];
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

    fn thousand_rows() -> String {
        let mut csv = String::from("callee,var.name\n");
        for i in 1..=1000 {
            csv.push_str(&format!("0086130{i:08},person {i}\n"));
        }
        csv
    }

    #[test]
    fn a_stray_quote_in_row_3_of_1000_refuses_the_file_naming_the_line() {
        let csv = thousand_rows().replacen("person 3\n", "\"person 3\n", 1);
        let e = parse(csv.as_bytes(), &defaults()).unwrap_err();
        assert!(e.starts_with("nothing was dialed"), "{e}");
        // Header on line 1, row 3 on line 4; the open quote runs to the end of the file.
        assert!(
            e.contains("line 4: a quoted cell runs on to line 1001"),
            "{e}"
        );
        assert_eq!(e.lines().count(), 2, "{e}");
    }

    #[test]
    fn over_long_cells_and_repeated_callees_are_all_listed() {
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let csv = format!(
            "callee,var.note\n008613000000001,a\n008613000000002,{long}\n\
             +86 130 0000 0001,b\n008613000000003,c\n008613000000003,d\n"
        );
        let e = parse(csv.as_bytes(), &defaults()).unwrap_err();
        let lines: Vec<&str> = e.lines().skip(1).map(str::trim).collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(
            lines[0].starts_with("line 3: the var.note cell has 4001 characters"),
            "{e}"
        );
        assert!(
            lines[1].starts_with("line 4: callee 008613000000001 is also on line 2"),
            "{e}"
        );
        assert!(
            lines[2].starts_with("line 6: callee 008613000000003 is also on line 5"),
            "{e}"
        );
        let at_limit = "x".repeat(MAX_CELL_CHARS);
        let csv = format!("callee,var.note\n008613000000001,{at_limit}\n");
        assert_eq!(parse(csv.as_bytes(), &defaults()).unwrap().0.len(), 1);
    }

    #[test]
    fn lines_are_counted_once_in_order() {
        let bytes = b"a\n#c\n\nb\nc\n";
        let mut lines = Lines::new(bytes);
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 4, "comment and blank skipped");
        assert_eq!(lines.line_of(8), 5);
        assert_eq!(lines.line_of(0), 1, "going back counts again");
    }

    #[test]
    fn callees_are_told_apart_by_every_digit_and_leading_zero() {
        assert_ne!(packed("0086130"), packed("086130"));
        assert_eq!(packed("008613012345678"), Some(1_008_613_012_345_678));
        assert_eq!(
            packed("123456789012345678"),
            Some(1_123_456_789_012_345_678)
        );
        assert_eq!(packed("1234567890123456789"), None, "19 digits");
        assert_eq!(packed("+86"), None);
        let mut callees = Callees::default();
        assert_eq!(callees.first_line("0086130", 2), None);
        assert_eq!(callees.first_line("086130", 3), None);
        assert_eq!(callees.first_line("x1", 4), None);
        assert_eq!(callees.first_line("0086130", 5), Some(2));
        assert_eq!(callees.first_line("x1", 6), Some(4));
    }

    #[test]
    fn a_second_pass_gives_the_rows_the_check_counted() {
        let csv = thousand_rows().replacen("person 3\n", "person 3,extra\n", 1);
        let checked = check(csv.as_bytes(), &defaults()).unwrap();
        assert_eq!(checked.rows, 999);
        assert_eq!(checked.bad.len(), 1);
        assert_eq!(checked.bad[0].line, 4);
        let again: Vec<Row> = rows(csv.as_bytes(), &defaults()).collect();
        assert_eq!(again, parse(csv.as_bytes(), &defaults()).unwrap().0);
        assert_eq!(again.len(), 999);
        assert_eq!(again[2].line, 5);
    }

    #[test]
    fn a_hundred_thousand_rows_read_whole() {
        let mut csv = String::from("callee,var.name\n");
        for i in 0..100_000 {
            csv.push_str(&format!("0086130{i:08},p{i}\n"));
        }
        let (rows, bad) = parse(csv.as_bytes(), &defaults()).unwrap();
        assert!(bad.is_empty());
        assert_eq!(rows.len(), 100_000);
        assert_eq!(rows[99_999].line, 100_001);
    }

    #[test]
    fn a_typo_in_an_option_is_named_whatever_the_rows_say() {
        assert!(defaults().problems().is_empty());
        let typo = Defaults {
            sdk_app_id: "14000O0000".into(),
            agent: Some("1S".into()),
            callers: vec!["0086010x".into()],
            queue_timeout: "9".into(),
            ..defaults()
        };
        let problems = typo.problems();
        assert_eq!(problems.len(), 4, "{problems:?}");
        for option in ["--sdk-app-id", "--agent", "--caller", "--queue-timeout"] {
            assert!(
                problems.iter().any(|p| p.starts_with(option)),
                "{option}: {problems:?}"
            );
        }
    }
}
