//! The form's draft, kept as JSON beside the settings file (`draft.json`) so it survives a
//! restart. It holds phone numbers, so it is written readable by the user alone.

use std::path::{Path, PathBuf};

use crate::dialer::DialDraft;
use crate::fsutil::write_atomically;

pub const FILE_NAME: &str = "draft.json";

/// `draft.json` in the directory of the settings file.
pub fn path_beside(settings_file: &Path) -> PathBuf {
    settings_file
        .parent()
        .unwrap_or(Path::new("."))
        .join(FILE_NAME)
}

/// The saved draft; none yet gives an empty one. A file that cannot be read gives an empty
/// draft and a notice, and is left in place until the next save replaces it.
pub fn load(path: &Path) -> (DialDraft, Option<String>) {
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(d) => (d, None),
            Err(e) => (
                DialDraft::default(),
                Some(format!(
                    "the saved form {} could not be read ({e}); starting empty",
                    path.display()
                )),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (DialDraft::default(), None),
        Err(e) => (
            DialDraft::default(),
            Some(format!(
                "the saved form {} could not be read ({e})",
                path.display()
            )),
        ),
    }
}

/// Writes the draft atomically and durably, readable by the user alone.
pub fn save(path: &Path, draft: &DialDraft) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot save the form to {}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let text = serde_json::to_string_pretty(draft).map_err(|e| e.to_string())?;
    write_atomically(path, text.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_beside(&dir.path().join("settings.toml"));
        assert_eq!(load(&path), (DialDraft::default(), None));
        let d = DialDraft {
            callee: "+86 130".into(),
            variables: vec![("name".into(), "张三".into())],
            ..Default::default()
        };
        save(&path, &d).unwrap();
        assert_eq!(load(&path).0, d);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "{not json").unwrap();
        let (d, notice) = load(&path);
        assert_eq!(d, DialDraft::default());
        assert!(notice.unwrap().contains("could not be read"));
    }
}
