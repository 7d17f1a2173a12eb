//! Settings kept between runs, saved with confy as TOML in the user's configuration
//! directory, or at `$CCC_DIAL_CONFIG`. They hold no secrets: credentials live in the
//! credential files (see `credentials`).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::credentials::Env;
use crate::endpoint::{self, Endpoint, INTERNATIONAL_HOST, MAINLAND_HOST};

pub const APP_NAME: &str = "ccc-dial";
pub const CONFIG_NAME: &str = "settings";
/// Overrides where the settings file lives.
pub const ENV_CONFIG: &str = "CCC_DIAL_CONFIG";
/// The service's limit on outbound calls per second.
pub const MAX_RATE_PER_SEC: u32 = 20;
/// Polling faster than this only spends the API's rate limit.
pub const MIN_POLL_INTERVAL_MS: u64 = 200;

/// Which CCC endpoint to use. Saved as `"international"`, `"mainland-china"`, or the host or
/// URL of a custom one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EndpointChoice {
    /// `ccc.intl.tencentcloudapi.com`
    #[default]
    International,
    /// `ccc.tencentcloudapi.com`
    MainlandChina,
    /// A host or URL, checked by [`endpoint::endpoint_url`].
    Custom(String),
}

impl EndpointChoice {
    /// The host or URL this choice stands for.
    pub fn host_or_url(&self) -> &str {
        match self {
            EndpointChoice::International => INTERNATIONAL_HOST,
            EndpointChoice::MainlandChina => MAINLAND_HOST,
            EndpointChoice::Custom(text) => text,
        }
    }

    pub fn endpoint(&self) -> Result<Endpoint, String> {
        endpoint::endpoint_url(self.host_or_url())
    }

    fn saved_name(&self) -> &str {
        match self {
            EndpointChoice::International => "international",
            EndpointChoice::MainlandChina => "mainland-china",
            EndpointChoice::Custom(text) => text,
        }
    }

    /// The saved form back; the two official hosts are recognised as their choices.
    fn from_saved(text: &str) -> Self {
        let lower = text.trim().to_ascii_lowercase();
        match lower.as_str() {
            "international" | INTERNATIONAL_HOST => EndpointChoice::International,
            "mainland-china" | MAINLAND_HOST => EndpointChoice::MainlandChina,
            _ => EndpointChoice::Custom(text.trim().to_string()),
        }
    }
}

impl fmt::Display for EndpointChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointChoice::International => write!(f, "International ({INTERNATIONAL_HOST})"),
            EndpointChoice::MainlandChina => write!(f, "Mainland China ({MAINLAND_HOST})"),
            EndpointChoice::Custom(text) => write!(f, "Custom ({text})"),
        }
    }
}

impl Serialize for EndpointChoice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.saved_name())
    }
}

impl<'de> Deserialize<'de> for EndpointChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| EndpointChoice::from_saved(&text))
    }
}

/// Everything the app remembers. Missing fields take their defaults, so older files load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub endpoint: EndpointChoice,
    /// Sent as X-TC-Region; CCC does not require one.
    pub region: Option<String>,
    pub default_sdk_app_id: Option<i64>,
    pub confirm_before_dial: bool,
    /// Calls started per second, 1..=20.
    pub rate_limit_per_sec: u32,
    /// How often a live call's status is polled.
    pub poll_interval_ms: u64,
    /// Credential profile; when set, it counts as `--profile` (the environment is skipped).
    pub profile: Option<String>,
    /// Seconds to wait for each API answer.
    pub timeout_secs: f64,
    /// The dialer's colours: for dark or for light terminals.
    pub theme: ThemeName,
}

/// The dialer's colour themes, each readable (4.5:1 and better) on its own background.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

impl ThemeName {
    pub const ALL: [ThemeName; 2] = [ThemeName::Dark, ThemeName::Light];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
        }
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ThemeName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ThemeName::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("no theme `{s}`; the themes are dark and light"))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint: EndpointChoice::International,
            region: None,
            default_sdk_app_id: None,
            confirm_before_dial: true,
            rate_limit_per_sec: MAX_RATE_PER_SEC,
            poll_interval_ms: 1000,
            profile: None,
            timeout_secs: 15.0,
            theme: ThemeName::Dark,
        }
    }
}

/// Where the settings live: `$CCC_DIAL_CONFIG` (`settings.toml` inside it when it names a
/// directory), else confy's place for `ccc-dial/settings` (on Linux
/// `~/.config/ccc-dial/settings.toml`).
pub fn settings_path(env: &Env) -> Result<PathBuf, String> {
    match env.var(ENV_CONFIG) {
        Some(path) if Path::new(&path).is_dir() => {
            Ok(Path::new(&path).join(format!("{CONFIG_NAME}.toml")))
        }
        Some(path) => Ok(PathBuf::from(path)),
        None => confy::get_configuration_file_path(APP_NAME, CONFIG_NAME).map_err(|e| {
            format!("cannot tell where the settings file belongs ({e}); set {ENV_CONFIG}")
        }),
    }
}

impl Settings {
    /// Loads the settings from `path` (or [`settings_path`]). Never fails: a file that cannot
    /// be read or parsed gives the defaults and a notice saying so; a missing file gives the
    /// defaults quietly (nothing is written until [`Settings::save`]). A bad value is
    /// corrected or defaulted alone, with a notice; the other fields stay.
    pub fn load(path: Option<&Path>) -> (Settings, Option<String>) {
        match Settings::load_checked(path) {
            Ok(loaded) => loaded,
            Err(message) => (
                Settings::default(),
                Some(format!(
                    "{message}; using the defaults. Fix the file, or save new settings to \
                     replace it"
                )),
            ),
        }
    }

    /// Like [`Settings::load`], but a file that exists and cannot be read or parsed at all is
    /// an error: a command about to dial must not fall back to another endpoint.
    pub fn load_checked(path: Option<&Path>) -> Result<(Settings, Option<String>), String> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => settings_path(&Env::from_process())?,
        };
        if !path.exists() {
            return Ok((Settings::default(), None));
        }
        let unusable =
            |why: String| format!("settings file {} could not be used ({why})", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| unusable(e.to_string()))?;
        let file: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| unusable(one_line(&e.to_string())))?;
        let (mut settings, mut notices) = Settings::field_by_field(file);
        notices.extend(settings.validate());
        let notice = (!notices.is_empty())
            .then(|| format!("settings file {}: {}", path.display(), notices.join("; ")));
        Ok((settings, notice))
    }

    /// Takes each field of `file` that reads as its type; one that does not is reported and
    /// left at its default, so one bad value never drops the endpoint or the profile.
    fn field_by_field(file: toml::Table) -> (Settings, Vec<String>) {
        let mut good = toml::Table::new();
        let mut notices = Vec::new();
        for (key, value) in file {
            let mut trial = good.clone();
            trial.insert(key.clone(), value.clone());
            match trial.try_into::<Settings>() {
                Ok(_) => good.insert(key, value),
                Err(e) => {
                    notices.push(format!(
                        "{key} = {value} is not valid ({}); using the default",
                        one_line(e.message())
                    ));
                    None
                }
            };
        }
        let settings = good.try_into().unwrap_or_default();
        (settings, notices)
    }

    /// Saves to `path` (or [`settings_path`]) and returns where.
    pub fn save(&self, path: Option<&Path>) -> Result<PathBuf, String> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => settings_path(&Env::from_process())?,
        };
        confy::store_path(&path, self)
            .map_err(|e| format!("cannot save the settings to {}: {e}", path.display()))?;
        Ok(path)
    }

    pub fn endpoint(&self) -> Result<Endpoint, String> {
        self.endpoint.endpoint()
    }

    /// Brings every value into range and returns a message for each one changed.
    pub fn validate(&mut self) -> Vec<String> {
        let mut notices = Vec::new();
        let rate = self.rate_limit_per_sec.clamp(1, MAX_RATE_PER_SEC);
        if rate != self.rate_limit_per_sec {
            notices.push(format!(
                "rate_limit_per_sec {} is outside 1..={MAX_RATE_PER_SEC} (the service allows \
                 at most {MAX_RATE_PER_SEC} calls a second); using {rate}",
                self.rate_limit_per_sec
            ));
            self.rate_limit_per_sec = rate;
        }
        if self.poll_interval_ms < MIN_POLL_INTERVAL_MS {
            notices.push(format!(
                "poll_interval_ms {} is below {MIN_POLL_INTERVAL_MS}; using {MIN_POLL_INTERVAL_MS}",
                self.poll_interval_ms
            ));
            self.poll_interval_ms = MIN_POLL_INTERVAL_MS;
        }
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            let default = Settings::default().timeout_secs;
            notices.push(format!(
                "timeout_secs {} must be a positive number of seconds; using {default}",
                self.timeout_secs
            ));
            self.timeout_secs = default;
        }
        for (name, value) in [("region", &mut self.region), ("profile", &mut self.profile)] {
            if let Some(text) = value.as_deref()
                && text.trim() != text
            {
                notices.push(format!(
                    "{name} `{text}` had surrounding whitespace; trimmed"
                ));
                *value = Some(text.trim().to_string());
            }
            if value.as_deref() == Some("") {
                *value = None;
            }
        }
        if let Err(message) = self.endpoint.endpoint() {
            notices.push(format!(
                "{message} (the endpoint is kept, but calls will fail)"
            ));
        }
        notices
    }
}

/// TOML errors draw the offending line over several lines; a notice keeps the first (where)
/// and the last (what).
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => String::new(),
        [only] => only.to_string(),
        [first, .., last] => format!("{first}: {last}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("settings.toml");
        (dir, path)
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let s = Settings::default();
        assert_eq!(s.endpoint, EndpointChoice::International);
        assert_eq!(
            s.endpoint().unwrap().url.as_str(),
            "https://ccc.intl.tencentcloudapi.com/"
        );
        assert!(s.confirm_before_dial);
        assert_eq!(s.rate_limit_per_sec, 20);
        assert_eq!(s.poll_interval_ms, 1000);
        assert_eq!(s.timeout_secs, 15.0);
        assert_eq!(
            (s.region, s.profile, s.default_sdk_app_id),
            (None, None, None)
        );
    }

    #[test]
    fn missing_file_gives_defaults_quietly_and_writes_nothing() {
        let (_dir, path) = temp();
        assert_eq!(Settings::load(Some(&path)), (Settings::default(), None));
        assert!(!path.exists());
    }

    #[test]
    fn round_trip_every_field() {
        let (_dir, path) = temp();
        for endpoint in [
            EndpointChoice::International,
            EndpointChoice::MainlandChina,
            EndpointChoice::Custom("http://127.0.0.1:8080".into()),
        ] {
            let settings = Settings {
                endpoint,
                region: Some("ap-singapore".into()),
                default_sdk_app_id: Some(1_400_000_000),
                confirm_before_dial: false,
                rate_limit_per_sec: 5,
                poll_interval_ms: 2500,
                profile: Some("work".into()),
                timeout_secs: 7.5,
                theme: ThemeName::Light,
            };
            assert_eq!(settings.save(Some(&path)), Ok(path.clone()));
            assert_eq!(Settings::load(Some(&path)), (settings, None));
        }
    }

    #[test]
    fn saved_file_is_readable_toml() {
        let (_dir, path) = temp();
        let settings = Settings {
            endpoint: EndpointChoice::MainlandChina,
            ..Settings::default()
        };
        settings.save(Some(&path)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("endpoint = \"mainland-china\""), "{text}");
        assert!(text.contains("rate_limit_per_sec = 20"), "{text}");
    }

    #[test]
    fn partial_file_takes_defaults_for_the_rest() {
        let (dir, _) = temp();
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "endpoint = \"ccc.tencentcloudapi.com\"\ntimeout_secs = 30\nfuture_option = 1\n",
        )
        .unwrap();
        let (s, notice) = Settings::load(Some(&path));
        assert_eq!(notice, None);
        assert_eq!(s.endpoint, EndpointChoice::MainlandChina);
        assert_eq!(s.timeout_secs, 30.0);
        assert_eq!(s.rate_limit_per_sec, 20);
    }

    #[test]
    fn one_bad_field_keeps_the_others() {
        let (dir, _) = temp();
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "endpoint = \"http://127.0.0.1:4000\"\nprofile = \"rehearsal\"\n\
             rate_limit_per_sec = -5\ntimeout_secs = \"long\"\n",
        )
        .unwrap();
        let (s, notice) = Settings::load_checked(Some(&path)).unwrap();
        assert_eq!(s.endpoint.host_or_url(), "http://127.0.0.1:4000");
        assert_eq!(s.profile.as_deref(), Some("rehearsal"));
        assert_eq!(s.rate_limit_per_sec, 20);
        assert_eq!(s.timeout_secs, 15.0);
        let notice = notice.unwrap();
        assert!(
            notice.contains("rate_limit_per_sec = -5 is not valid"),
            "{notice}"
        );
        assert!(
            notice.contains("timeout_secs = \"long\" is not valid"),
            "{notice}"
        );
        assert!(!notice.contains('\n'), "{notice}");
    }

    #[test]
    fn a_file_that_cannot_be_parsed_is_an_error_when_checked() {
        let (dir, _) = temp();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "endpoint = \"http://127.0.0.1:4000\"\n[[[\n").unwrap();
        let e = Settings::load_checked(Some(&path)).unwrap_err();
        assert!(e.contains("could not be used"), "{e}");
        assert!(
            Settings::load_checked(Some(dir.path())).is_err(),
            "a directory"
        );
    }

    #[test]
    fn corrupt_or_unreadable_file_falls_back_with_a_notice() {
        let (dir, _) = temp();
        let path = dir.path().join("s.toml");
        for bad in ["endpoint = \n", "\u{0}\u{1}binary"] {
            std::fs::write(&path, bad).unwrap();
            let (s, notice) = Settings::load(Some(&path));
            assert_eq!(s, Settings::default());
            let notice = notice.expect("a notice");
            assert!(notice.contains(&path.display().to_string()), "{notice}");
            assert!(notice.contains("using the defaults"), "{notice}");
            assert!(!notice.contains('\n'), "{notice}");
        }
        std::fs::write(&path, "endpoint = \n").unwrap();
        let notice = Settings::load(Some(&path)).1.unwrap();
        assert!(notice.contains("line 1, column"), "{notice}");
        // A directory where the file should be.
        let (s, notice) = Settings::load(Some(dir.path()));
        assert_eq!(s, Settings::default());
        assert!(notice.unwrap().contains("could not be used"));
    }

    #[test]
    fn out_of_range_values_are_clamped_with_a_message() {
        let (dir, _) = temp();
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "rate_limit_per_sec = 50\npoll_interval_ms = 0\ntimeout_secs = -1.0\n\
             region = \" ap-singapore \"\nprofile = \"\"\n",
        )
        .unwrap();
        let (s, notice) = Settings::load(Some(&path));
        assert_eq!(s.rate_limit_per_sec, 20);
        assert_eq!(s.poll_interval_ms, MIN_POLL_INTERVAL_MS);
        assert_eq!(s.timeout_secs, 15.0);
        assert_eq!(s.region.as_deref(), Some("ap-singapore"));
        assert_eq!(s.profile, None);
        let notice = notice.unwrap();
        assert!(
            notice.contains("rate_limit_per_sec 50 is outside 1..=20"),
            "{notice}"
        );
        assert!(notice.contains("poll_interval_ms 0"), "{notice}");
        assert!(notice.contains("timeout_secs -1"), "{notice}");

        let mut zero = Settings {
            rate_limit_per_sec: 0,
            ..Settings::default()
        };
        assert_eq!(zero.validate().len(), 1);
        assert_eq!(zero.rate_limit_per_sec, 1);
        assert!(Settings::default().validate().is_empty());
    }

    #[test]
    fn a_bad_custom_endpoint_is_kept_but_reported() {
        let mut s = Settings {
            endpoint: EndpointChoice::Custom("http://example.com".into()),
            ..Settings::default()
        };
        let notices = s.validate();
        assert_eq!(notices.len(), 1);
        assert!(notices[0].contains("in the clear"), "{}", notices[0]);
        assert_eq!(s.endpoint.host_or_url(), "http://example.com");
    }

    #[test]
    fn config_path_honours_the_environment() {
        let env = Env::new("/nonexistent-home").with_var(ENV_CONFIG, "/tmp/x/ccc.toml");
        assert_eq!(settings_path(&env), Ok(PathBuf::from("/tmp/x/ccc.toml")));
        let dir = tempfile::tempdir().unwrap();
        let env = Env::new("/nonexistent-home").with_var(ENV_CONFIG, dir.path().to_str().unwrap());
        assert_eq!(settings_path(&env), Ok(dir.path().join("settings.toml")));
        // Empty counts as unset: confy's own place.
        let env = Env::new("/nonexistent-home").with_var(ENV_CONFIG, "");
        let path = settings_path(&env).unwrap();
        assert!(path.ends_with("settings.toml"), "{}", path.display());
        assert!(path.to_string_lossy().contains(APP_NAME));
    }
}
