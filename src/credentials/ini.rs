//! The SDKs' INI credentials file, parsed.

use std::collections::HashMap;

pub(super) type IniSections = HashMap<String, HashMap<String, String>>;

/// The INI dialect of the SDKs' credentials file: `[section]`, `key = value` (or `key: value`),
/// `#`/`;` comments; keys are case-insensitive; values are trimmed. Problems are reported by
/// line number only, since a line may hold a secret.
pub(super) fn parse_ini(text: &str) -> Result<IniSections, String> {
    let mut sections = IniSections::new();
    let mut current: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("line {n}: a section header must end with `]`"))?
                .trim();
            if name.is_empty() {
                return Err(format!("line {n}: empty section name `[]`"));
            }
            sections.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            continue;
        }
        let split = line
            .find(['=', ':'])
            .ok_or_else(|| format!("line {n}: expected `[section]`, `key = value` or a comment"))?;
        let key = line[..split].trim().to_ascii_lowercase();
        let value = line[split + 1..].trim();
        if key.is_empty() {
            return Err(format!("line {n}: a value without a key"));
        }
        let section = current
            .as_ref()
            .ok_or_else(|| format!("line {n}: `{key}` comes before any [section]"))?;
        let entries = sections.entry(section.clone()).or_default();
        if entries.insert(key.clone(), value.to_string()).is_some() {
            return Err(format!("line {n}: `{key}` is set twice in [{section}]"));
        }
    }
    Ok(sections)
}
