//! The per-row results of a batch, written as each row ends: CSV or JSON lines.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    /// `--format`, else the extension of `--out`.
    pub fn choose(flag: Option<Format>, out: Option<&Path>) -> Result<Option<Format>, String> {
        if flag.is_some() {
            return Ok(flag);
        }
        let Some(out) = out else { return Ok(None) };
        match out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Some(Format::Csv)),
            Some("jsonl" | "ndjson") => Ok(Some(Format::Jsonl)),
            _ => Err(format!(
                "cannot tell the format of {} from its name; end it in .csv or .jsonl, or add \
                 --format csv|jsonl",
                out.display()
            )),
        }
    }
}

/// One row's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RowResult {
    pub line: u64,
    pub callee: String,
    /// accepted, rejected, unknown, not_sent, not_recorded, invalid, or skipped_<status> for a
    /// row an earlier run already dialed.
    pub outcome: String,
    pub session_id: Option<String>,
    pub request_id: Option<String>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub attempt_id: Option<String>,
}

pub enum Results {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(BufWriter<Box<dyn Write>>),
}

impl Results {
    /// Writes to `out`, or stdout.
    pub fn create(format: Format, out: Option<&PathBuf>) -> Result<Results, String> {
        let sink: Box<dyn Write> = match out {
            Some(path) => Box::new(
                private_file(path)
                    .map_err(|e| format!("cannot write the results to {}: {e}", path.display()))?,
            ),
            None => Box::new(io::stdout()),
        };
        Ok(match format {
            Format::Csv => Results::Csv(Box::new(csv::Writer::from_writer(sink))),
            Format::Jsonl => Results::Jsonl(BufWriter::new(sink)),
        })
    }

    /// Writes one row and flushes it, so the file is complete up to the last row that ended.
    pub fn write(&mut self, row: &RowResult) -> io::Result<()> {
        match self {
            Results::Csv(w) => {
                w.serialize(row).map_err(io::Error::other)?;
                w.flush()
            }
            Results::Jsonl(w) => {
                serde_json::to_writer(&mut *w, row)?;
                w.write_all(b"\n")?;
                w.flush()
            }
        }
    }
}

/// The results hold phone numbers: created 0600, and an existing file is made so.
fn private_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_private_even_over_an_open_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        Results::create(Format::Csv, Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn format_comes_from_the_flag_or_the_extension() {
        assert_eq!(
            Format::choose(None, Some(Path::new("r.CSV"))),
            Ok(Some(Format::Csv))
        );
        assert_eq!(
            Format::choose(None, Some(Path::new("r.jsonl"))),
            Ok(Some(Format::Jsonl))
        );
        assert_eq!(
            Format::choose(Some(Format::Csv), Some(Path::new("r.txt"))),
            Ok(Some(Format::Csv))
        );
        assert_eq!(Format::choose(None, None), Ok(None));
        assert!(
            Format::choose(None, Some(Path::new("r.txt")))
                .unwrap_err()
                .contains("--format")
        );
    }
}
