//! `ccc-dial history`: list, export, show, label and prune past attempts.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone};
use clap::{Args, Subcommand};

use crate::history::{
    Attempt, AttemptId, AttemptStatus, ENV_PATH, Event, ExportFormat, Filter, HistoryError, Notes,
    Page, Store, event_json, parse_label,
};
use crate::results::export::run_json;
use crate::results::{Run, printable};

/// List past attempts (newest first), export them, show one, or prune old ones.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    #[command(flatten)]
    pub list: ListArgs,
    /// The history file [default: ~/.local/share/ccc-dial/history.db on Linux].
    #[arg(long, global = true, env = ENV_PATH, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Show one attempt with its full timeline, request and response.
    Show {
        /// A SessionId, an attempt id, or the start of an attempt id (8 characters suffice).
        key: String,
        /// Print it as one JSON object, with its events.
        #[arg(long)]
        json: bool,
    },
    /// Label an attempt (prompt-v2, baseline, …) and set its note; --remove takes labels off.
    ///
    /// With no label and no --note, prints the attempt's labels and note.
    Label {
        /// A SessionId, an attempt id, or the start of an attempt id (8 characters suffice).
        key: String,
        /// Labels: letters, digits and - _ . : / + = @, no spaces.
        #[arg(value_parser = parse_label)]
        names: Vec<String>,
        /// Take these labels off instead of adding them.
        #[arg(long)]
        remove: bool,
        /// Replace the note (an empty one clears it).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Delete attempts older than a duration, with their timelines.
    Prune {
        /// How old an attempt must be to go: 90d, 12w, 36h, 45m.
        #[arg(long, value_name = "AGE", value_parser = parse_age_ms)]
        older_than: i64,
        /// Say how many would go, and delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array of the attempts.
    #[arg(long, group = "format")]
    pub json: bool,
    /// Print one JSON object a line.
    #[arg(long, group = "format")]
    pub jsonl: bool,
    /// Print CSV with a header line.
    #[arg(long, group = "format")]
    pub csv: bool,
    /// Only attempts made since a date or for a duration back: 2026-11-01, "2026-11-01 14:00",
    /// 7d, 24h (local time).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only attempts made before a date or a duration back (as --since).
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only calls to this number (00 + country code + number; a leading + is read as 00).
    #[arg(long, value_name = "NUMBER")]
    pub callee: Option<String>,
    /// Only this agent (its id).
    #[arg(long, value_name = "ID")]
    pub agent: Option<u64>,
    /// Only this status: queued, accepted, rejected, not_sent, unknown, ringing,
    /// seat_joining, in_progress, finished.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<AttemptStatus>,
    /// Only this SessionId.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Only attempts with this label.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    /// Free text found in the callee, agent name, status, SessionId, attempt id, a label or
    /// the note.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// At most this many attempts [default: 50 in the table, all in exports].
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Skip this many of the newest matching attempts first.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
}

/// Rows of the table when no --limit is given.
const TABLE_ROWS: u64 = 50;

/// Opens the history at `db`, else the default place, telling the user of any notice.
pub fn open(db: Option<PathBuf>) -> anyhow::Result<Store> {
    open_with(db, |p| Store::open(p))
}

/// [`open`], to read only: it works on a full disk and on a file the user may not write.
pub fn open_to_read(db: Option<PathBuf>) -> anyhow::Result<Store> {
    open_with(db, |p| Store::open_read_only(p))
}

type Opener = fn(&std::path::Path) -> Result<(Store, Option<String>), HistoryError>;

fn open_with(db: Option<PathBuf>, opener: Opener) -> anyhow::Result<Store> {
    let path = match db {
        Some(p) => p,
        None => Store::default_path()?,
    };
    let (store, notice) = opener(&path)?;
    if let Some(notice) = notice {
        eprintln!("note: {notice}");
    }
    Ok(store)
}

pub fn run(args: HistoryArgs) -> anyhow::Result<()> {
    // Only labels write at once; a prune plans on a read-only handle and writes if it must.
    let store = match &args.action {
        Some(HistoryAction::Label { .. }) => open(args.db.clone())?,
        _ => open_to_read(args.db.clone())?,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match args.action {
        None => list(&store, &args.list, &mut out),
        Some(HistoryAction::Show { key, json }) => show(&store, &key, json, &mut out),
        Some(HistoryAction::Label {
            key,
            names,
            remove,
            note,
        }) => label(&store, &key, &names, remove, note.as_deref(), &mut out),
        Some(HistoryAction::Prune {
            older_than,
            dry_run,
        }) => prune(&store, args.db.clone(), older_than, dry_run, &mut out),
    };
    let result = result.and_then(|()| Ok(out.flush()?));
    match result {
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let io = cause
            .downcast_ref::<io::Error>()
            .or_else(|| match cause.downcast_ref() {
                Some(HistoryError::Io(io)) => Some(io),
                _ => None,
            });
        io.is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn filter_of(args: &ListArgs, now: DateTime<Local>) -> anyhow::Result<Filter> {
    let when = |flag: &str, value: &Option<String>| -> anyhow::Result<Option<i64>> {
        value
            .as_deref()
            .map(|v| parse_when(v, now).with_context(|| format!("--{flag} {v}")))
            .transpose()
    };
    Ok(Filter {
        callee: args.callee.as_deref().map(normalize_number),
        agent_id: args.agent,
        status: args.status,
        session_id: args.session.clone(),
        since_ms: when("since", &args.since)?,
        until_ms: when("until", &args.until)?,
        text: args.search.clone(),
        label: args.label.clone(),
        ..Default::default()
    })
}

fn normalize_number(n: &str) -> String {
    let n = n.trim();
    match n.strip_prefix('+') {
        Some(rest) => format!("00{rest}"),
        None => n.to_owned(),
    }
}

fn list(store: &Store, args: &ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let filter = filter_of(args, Local::now())?;
    let format = if args.json {
        Some(ExportFormat::JsonArray)
    } else if args.jsonl {
        Some(ExportFormat::JsonLines)
    } else if args.csv {
        Some(ExportFormat::Csv)
    } else {
        None
    };
    if let Some(format) = format {
        let page = Page {
            offset: args.offset,
            limit: args.limit.unwrap_or(Page::all().limit),
        };
        crate::results::export::export(store, &filter, page, format, out)?;
        return Ok(());
    }
    let page = Page {
        offset: args.offset,
        limit: args.limit.unwrap_or(TABLE_ROWS),
    };
    let attempts = store.list(&filter, page)?;
    let total = store.count(&filter)?;
    if attempts.is_empty() {
        let place = store
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if total == 0 && filter == Filter::default() {
            writeln!(out, "No attempts recorded yet in {place}.")?;
        } else {
            writeln!(out, "No attempts match ({total} match before --offset).")?;
        }
        return Ok(());
    }
    let labels = attempts
        .iter()
        .map(|a| Ok(store.notes(&a.id)?.labels.join(" ")))
        .collect::<Result<Vec<_>, HistoryError>>()?;
    write_table(&attempts, &labels, out)?;
    let first = args.offset + 1;
    let last = args.offset + attempts.len() as u64;
    writeln!(out, "\n{first}-{last} of {total}, newest first.")?;
    Ok(())
}

/// Local time of day with the date: `2026-11-01 14:02:11`.
fn local_time(ms: i64, format: &str) -> String {
    match Local.timestamp_millis_opt(ms).earliest() {
        Some(t) => t.format(format).to_string(),
        None => ms.to_string(),
    }
}

fn write_table(attempts: &[Attempt], labels: &[String], out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "TIME", "ATTEMPT", "CALLEE", "AGENT", "STATUS", "SESSION", "LABELS", "NOTE",
    ];
    let rows: Vec<[String; 8]> = attempts
        .iter()
        .zip(labels)
        .map(|(a, labels)| {
            let agent = match &a.agent_name {
                Some(name) => format!("{} {}", a.agent_id, name),
                None => a.agent_id.to_string(),
            };
            let note = match (&a.error_code, &a.error_message) {
                (Some(code), _) => code.clone(),
                (None, Some(msg)) => msg.clone(),
                (None, None) => String::new(),
            };
            [
                local_time(a.created_at_ms, "%Y-%m-%d %H:%M:%S"),
                a.id.short().to_owned(),
                a.callee.clone(),
                agent,
                a.status.to_string(),
                a.session_id.clone().unwrap_or_default(),
                labels.clone(),
                printable(&note),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    writeln!(out, "{}", line(&header))?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    Ok(())
}

fn show(store: &Store, key: &str, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let a = found(store, key)?;
    let sharing = sharing_the_session(store, &a)?;
    let entry = store.entry(a)?;
    if json {
        let mut value = run_json(&Run::new(entry.clone()));
        value["events"] = entry.events.iter().map(event_json).collect();
        if !sharing.is_empty() {
            value["same_session_attempts"] = sharing.iter().map(|id| id.as_str()).collect();
        }
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    write_details(&entry.attempt, &entry.notes, &entry.events, out)?;
    if !sharing.is_empty() {
        let ids: Vec<&str> = sharing.iter().map(|id| id.as_str()).collect();
        writeln!(
            out,
            "\nSessionId {} is also on {}: {}; show one by its attempt id",
            entry.attempt.session_id.as_deref().unwrap_or_default(),
            if ids.len() == 1 {
                "another attempt"
            } else {
                "other attempts"
            },
            ids.join(", ")
        )?;
    }
    Ok(())
}

/// The other attempts with the same SessionId (reconciled to one call, or recorded twice),
/// newest first, so that none is hidden behind the one shown.
fn sharing_the_session(store: &Store, a: &Attempt) -> anyhow::Result<Vec<AttemptId>> {
    let Some(session_id) = &a.session_id else {
        return Ok(Vec::new());
    };
    let filter = Filter {
        session_id: Some(session_id.clone()),
        ..Filter::default()
    };
    Ok(store
        .list(&filter, Page::all())?
        .into_iter()
        .map(|other| other.id)
        .filter(|id| *id != a.id)
        .collect())
}

fn label(
    store: &Store,
    key: &str,
    names: &[String],
    remove: bool,
    note: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let a = found(store, key)?;
    let (add, take): (&[String], &[String]) = if remove { (&[], names) } else { (names, &[]) };
    let notes = store.annotate(&a.id, add, take, note)?;
    let labels = if notes.labels.is_empty() {
        "no labels".to_owned()
    } else {
        notes.labels.join(" ")
    };
    writeln!(out, "{}  {labels}", a.id.short())?;
    if let Some(note) = &notes.note {
        writeln!(out, "note: {}", printable(note))?;
    }
    Ok(())
}

/// The attempt a key names, or an error saying how to find one.
pub fn found(store: &Store, key: &str) -> anyhow::Result<Attempt> {
    match store.find(key)? {
        Some(a) => Ok(a),
        None => {
            let place = store
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let key = key.trim();
            // Shorter starts are not looked up: they would name too many attempts.
            let hint = if key.len() < 4 && key.chars().all(|c| c.is_ascii_hexdigit()) {
                " (an attempt id's start needs 4 characters at least; 8 suffice)"
            } else {
                ""
            };
            bail!(
                "no attempt or SessionId `{key}` in the history at {place}{hint}; `ccc-dial history` lists them"
            )
        }
    }
}

fn write_details(
    a: &Attempt,
    notes: &Notes,
    events: &[Event],
    out: &mut dyn Write,
) -> io::Result<()> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "Attempt    {}", a.id)?;
    writeln!(out, "Status     {}", a.status)?;
    writeln!(
        out,
        "Created    {}",
        local_time(a.created_at_ms, "%Y-%m-%d %H:%M:%S%.3f %:z")
    )?;
    writeln!(out, "Callee     {}", a.callee)?;
    writeln!(out, "Callers    {}", a.callers.join(", "))?;
    let agent = match &a.agent_name {
        Some(name) => format!("{} · {name}", a.agent_id),
        None => a.agent_id.to_string(),
    };
    writeln!(out, "Agent      {agent}")?;
    writeln!(out, "SdkAppId   {}", a.sdk_app_id)?;
    writeln!(out, "Endpoint   {}", a.endpoint)?;
    writeln!(out, "SessionId  {}", opt(&a.session_id))?;
    writeln!(out, "RequestId  {}", opt(&a.request_id))?;
    if a.error_code.is_some() || a.error_message.is_some() {
        writeln!(
            out,
            "Error      {} {}",
            opt(&a.error_code),
            a.error_message.as_deref().unwrap_or("")
        )?;
    }
    if let Some(b) = &a.batch {
        writeln!(out, "Batch      {} row {}", b.batch_id, b.row)?;
    }
    if !notes.labels.is_empty() {
        writeln!(out, "Labels     {}", notes.labels.join(" "))?;
    }
    if let Some(note) = &notes.note {
        writeln!(out, "Note       {}", printable(note))?;
    }
    if a.max_ring_timeout.is_some() || a.acquire_timeout.is_some() {
        let secs = |t: Option<i64>| t.map_or_else(|| "-".to_owned(), |t| format!("{t} s"));
        writeln!(
            out,
            "Timeouts   ring {}, queue {}",
            secs(a.max_ring_timeout),
            secs(a.acquire_timeout)
        )?;
    }
    if !a.variables.is_empty() {
        writeln!(out, "Variables")?;
        for (k, v) in &a.variables {
            writeln!(out, "  {k} = {v}")?;
        }
    }
    writeln!(out, "Timeline")?;
    for e in events {
        let status = e.status.map(|s| s.to_string()).unwrap_or_default();
        let detail = match &e.detail {
            serde_json::Value::Null => String::new(),
            serde_json::Value::Object(m) if m.is_empty() => String::new(),
            d => d.to_string(),
        };
        let line = format!(
            "  {}  {:<11} {:<12} {detail}",
            local_time(e.at_ms, "%Y-%m-%d %H:%M:%S%.3f"),
            e.kind,
            status
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out, "Request")?;
    writeln!(out, "{}", indent(&pretty(&a.request_json)))?;
    if let Some(resp) = &a.response_json {
        writeln!(out, "Response")?;
        writeln!(out, "{}", indent(&pretty(resp)))?;
    }
    Ok(())
}

fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Counts on the read-only `store`; opens the history for writing only to delete something.
fn prune(
    store: &Store,
    db: Option<PathBuf>,
    age_ms: i64,
    dry_run: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let cutoff = Local::now().timestamp_millis().saturating_sub(age_ms);
    let when = local_time(cutoff, "%Y-%m-%d %H:%M:%S");
    let planned = store.count(&Filter {
        until_ms: Some(cutoff),
        ..Default::default()
    })?;
    if dry_run {
        writeln!(
            out,
            "{planned} attempts were made before {when}; nothing deleted (--dry-run)."
        )?;
    } else {
        let n = if planned == 0 {
            0
        } else {
            open(db)?.prune(cutoff)?
        };
        writeln!(out, "Deleted {n} attempts made before {when}.")?;
    }
    Ok(())
}

/// An age such as `90d`, `12w`, `36h`, `45m`, `30s`, in milliseconds.
pub fn parse_age_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let unit_ms: i64 = match unit.trim() {
        "w" => 7 * 86_400_000,
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" => 60_000,
        "s" => 1_000,
        _ => {
            return Err(format!(
                "`{s}` is not an age; write a number and a unit: 90d, 12w, 36h, 45m or 30s"
            ));
        }
    };
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not an age; write a number and a unit, e.g. 90d"))?;
    n.checked_mul(unit_ms)
        .ok_or_else(|| format!("`{s}` is too long an age"))
}

/// A point in time given as an age back from `now` (`7d`), a local date (`2026-11-01`,
/// meaning its midnight), a local date and time (`2026-11-01 14:00[:05]`, or with `T`), or
/// RFC 3339 with an offset. In ms since the epoch.
pub fn parse_when(s: &str, now: DateTime<Local>) -> anyhow::Result<i64> {
    let s = s.trim();
    if let Ok(age) = parse_age_ms(s) {
        return Ok(now.timestamp_millis().saturating_sub(age));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    let local = |naive: NaiveDateTime| -> anyhow::Result<i64> {
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp_millis())
            .with_context(|| format!("{naive} does not exist in the local time zone"))
    };
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return local(d.and_hms_opt(0, 0, 0).expect("midnight exists"));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return local(t);
        }
    }
    bail!(
        "`{s}` is not a time; write a date (2026-11-01), a date and time (\"2026-11-01 14:00\"), or an age back from now (7d, 24h)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age_ms("90d"), Ok(90 * 86_400_000));
        assert_eq!(parse_age_ms("2w"), Ok(14 * 86_400_000));
        assert_eq!(parse_age_ms("24h"), Ok(86_400_000));
        assert_eq!(parse_age_ms("45m"), Ok(45 * 60_000));
        for bad in ["", "d", "90", "90y", "-5d", "1.5d", "99999999999999999d"] {
            let err = parse_age_ms(bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn points_in_time() {
        let now = Local.with_ymd_and_hms(2026, 11, 10, 12, 0, 0).unwrap();
        let day = 86_400_000;
        assert_eq!(
            parse_when("7d", now).unwrap(),
            now.timestamp_millis() - 7 * day
        );
        let midnight = Local.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        assert_eq!(
            parse_when("2026-11-01", now).unwrap(),
            midnight.timestamp_millis()
        );
        let two = Local.with_ymd_and_hms(2026, 11, 1, 14, 0, 0).unwrap();
        assert_eq!(
            parse_when("2026-11-01 14:00", now).unwrap(),
            two.timestamp_millis()
        );
        assert_eq!(
            parse_when("2026-11-01T14:00:00", now).unwrap(),
            two.timestamp_millis()
        );
        assert_eq!(
            parse_when("2026-11-01T14:00:00Z", now).unwrap(),
            1_793_541_600_000
        );
        let err = parse_when("last tuesday", now).unwrap_err().to_string();
        assert!(
            err.contains("`last tuesday`") && err.contains("7d"),
            "{err}"
        );
    }

    #[test]
    fn plus_becomes_double_zero() {
        assert_eq!(normalize_number("+8613012345678"), "008613012345678");
        assert_eq!(normalize_number(" 008613012345678 "), "008613012345678");
    }
}
