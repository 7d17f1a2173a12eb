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

/// `draft.backend` beside the draft: which backend (endpoint and key) it was filled for.
fn owner_path(draft: &Path) -> PathBuf {
    draft.with_extension("backend")
}

/// Makes the saved form the form of `backend` (the endpoint, or "simulator", with the masked
/// SecretId): a form filled for another backend loses its SdkAppId and agent, which belong to
/// that backend's account, and the notice says so. Remembers `backend` for the next start.
pub fn adopt(draft_file: &Path, draft: &mut DialDraft, backend: &str) -> Option<String> {
    let before = std::fs::read_to_string(owner_path(draft_file)).ok();
    let mut notice = None;
    if let Some(before) = before.as_deref().map(str::trim)
        && before != backend
    {
        let had = !draft.sdk_app_id.trim().is_empty() || !draft.agent_id.trim().is_empty();
        draft.sdk_app_id.clear();
        draft.agent_id.clear();
        draft.agent_name = None;
        if had {
            notice = Some(format!(
                "the saved form was filled for {before}; its SdkAppId and agent were cleared \
                 for {backend}: enter or pick this backend's"
            ));
        }
    }
    if before.as_deref().map(str::trim) != Some(backend)
        && let Err(e) = write_atomically(&owner_path(draft_file), backend.as_bytes())
    {
        notice = Some(format!("cannot note the form's backend: {e}"));
    }
    notice
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
    fn a_form_filled_for_another_backend_loses_its_sdk_app_id_and_agent() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_beside(&dir.path().join("settings.toml"));
        let filled = DialDraft {
            sdk_app_id: "1400000000".into(),
            agent_id: "15".into(),
            agent_name: Some("Sales bot".into()),
            callee: "008613012345678".into(),
            variables: vec![("name".into(), "Ann".into())],
            ..Default::default()
        };
        // The first start with this file only notes the backend.
        let mut d = filled.clone();
        assert_eq!(adopt(&path, &mut d, "simulator"), None);
        assert_eq!(d, filled);
        // The same backend again: nothing changes.
        assert_eq!(adopt(&path, &mut d, "simulator"), None);
        assert_eq!(d, filled);
        // Live now: the simulator's SdkAppId and agent go; the rest stays.
        let live = "ccc.tencentcloudapi.com AKID****wxyz from profile default";
        let notice = adopt(&path, &mut d, live).unwrap();
        assert!(notice.contains("filled for simulator"), "{notice}");
        assert!(
            notice.contains("SdkAppId and agent were cleared"),
            "{notice}"
        );
        assert_eq!((d.sdk_app_id.as_str(), d.agent_id.as_str()), ("", ""));
        assert_eq!(d.agent_name, None);
        assert_eq!(
            (d.callee.as_str(), d.variables.clone()),
            (filled.callee.as_str(), filled.variables.clone())
        );
        // Another profile on the same endpoint is another account.
        let mut d = filled.clone();
        let other = "ccc.tencentcloudapi.com AKID****abcd from profile rehearsal";
        assert!(adopt(&path, &mut d, other).is_some());
        assert_eq!(d.sdk_app_id, "");
    }

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
