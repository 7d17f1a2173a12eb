//! The settings screen (F2): the saved settings and a way to enter credentials. The SecretKey
//! is typed into a masked field and only ever leaves it to be written to a 0600 profile.

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use super::keymap::plain_char;
use super::msg::Effect;
use crate::config::{EndpointChoice, MAX_RATE_PER_SEC, Settings, ThemeName};
use crate::credentials::{Credential, check_profile_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingField {
    Endpoint,
    Custom,
    Region,
    DefaultSdkAppId,
    Confirm,
    RateLimit,
    Profile,
    SecretId,
    SecretKey,
    Theme,
}

impl SettingField {
    pub const ALL: [SettingField; 10] = [
        SettingField::Endpoint,
        SettingField::Custom,
        SettingField::Region,
        SettingField::DefaultSdkAppId,
        SettingField::Confirm,
        SettingField::RateLimit,
        SettingField::Profile,
        SettingField::SecretId,
        SettingField::SecretKey,
        SettingField::Theme,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SettingField::Endpoint => "Endpoint",
            SettingField::Custom => "Custom endpoint",
            SettingField::Region => "Region",
            SettingField::DefaultSdkAppId => "Default SdkAppId",
            SettingField::Confirm => "Confirm before dial",
            SettingField::Theme => "Theme",
            SettingField::RateLimit => "Calls per second",
            SettingField::Profile => "Profile",
            SettingField::SecretId => "SecretId",
            SettingField::SecretKey => "SecretKey",
        }
    }

    fn is_text(self) -> bool {
        !matches!(
            self,
            SettingField::Endpoint | SettingField::Confirm | SettingField::Theme
        )
    }
}

/// The three endpoint choices, in the order Left/Right cycles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    International,
    MainlandChina,
    Custom,
}

#[derive(Debug, Clone)]
pub struct SettingsForm {
    pub selected: usize,
    pub editing: bool,
    pub endpoint: EndpointKind,
    pub confirm: bool,
    pub theme: ThemeName,
    /// Text fields, by the index of their [`SettingField`] in `ALL`.
    inputs: Vec<Input>,
    pub problems: Vec<(SettingField, String)>,
    /// Settings not on this screen, kept as they were.
    base: Settings,
}

pub enum Outcome {
    Stay,
    Close,
    Save {
        settings: Settings,
        credential: Option<Credential>,
    },
}

/// The effects that write saved settings (and the keys, to their profile), and whether some
/// of it applies only from the next start.
pub fn saved(
    before: &Settings,
    settings: &Settings,
    credential: Option<Credential>,
) -> (Vec<Effect>, bool) {
    let next_start = before.endpoint != settings.endpoint
        || before.profile != settings.profile
        || before.region != settings.region
        || credential.is_some();
    let profile = settings
        .profile
        .clone()
        .unwrap_or_else(|| crate::credentials::DEFAULT_PROFILE.to_string());
    let mut effects = vec![Effect::SaveSettings(settings.clone())];
    if let Some(credential) = credential {
        effects.push(Effect::WriteProfile {
            profile,
            credential,
        });
    }
    (effects, next_start)
}

impl SettingsForm {
    pub fn new(s: &Settings) -> SettingsForm {
        let (endpoint, custom) = match &s.endpoint {
            EndpointChoice::International => (EndpointKind::International, ""),
            EndpointChoice::MainlandChina => (EndpointKind::MainlandChina, ""),
            EndpointChoice::Custom(text) => (EndpointKind::Custom, text.as_str()),
        };
        let text = |f: SettingField| -> String {
            match f {
                SettingField::Custom => custom.to_string(),
                SettingField::Region => s.region.clone().unwrap_or_default(),
                SettingField::DefaultSdkAppId => s
                    .default_sdk_app_id
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                SettingField::RateLimit => s.rate_limit_per_sec.to_string(),
                SettingField::Profile => s.profile.clone().unwrap_or_default(),
                _ => String::new(),
            }
        };
        SettingsForm {
            selected: 0,
            editing: false,
            endpoint,
            confirm: s.confirm_before_dial,
            theme: s.theme,
            inputs: SettingField::ALL
                .iter()
                .map(|f| Input::new(&text(*f)))
                .collect(),
            problems: Vec::new(),
            base: s.clone(),
        }
    }

    pub fn field(&self) -> SettingField {
        SettingField::ALL[self.selected]
    }

    pub fn input(&self, f: SettingField) -> &Input {
        &self.inputs[SettingField::ALL.iter().position(|x| *x == f).unwrap_or(0)]
    }

    fn input_mut(&mut self, f: SettingField) -> &mut Input {
        &mut self.inputs[SettingField::ALL.iter().position(|x| *x == f).unwrap_or(0)]
    }

    /// What a field shows; the SecretKey only as dots.
    pub fn shown(&self, f: SettingField) -> String {
        match f {
            SettingField::Endpoint => match self.endpoint {
                EndpointKind::International => "International (ccc.intl.tencentcloudapi.com)",
                EndpointKind::MainlandChina => "Mainland China (ccc.tencentcloudapi.com)",
                EndpointKind::Custom => "Custom (below)",
            }
            .to_string(),
            SettingField::Confirm => if self.confirm { "[x] yes" } else { "[ ] no" }.to_string(),
            SettingField::Theme => match self.theme {
                ThemeName::Dark => "dark (for dark terminals) · ←→ light",
                ThemeName::Light => "light (for light terminals) · ←→ dark",
            }
            .to_string(),
            SettingField::SecretKey => "•".repeat(self.input(f).text().chars().count()),
            _ => self.input(f).text().to_string(),
        }
    }

    pub fn problem(&self, f: SettingField) -> Option<&str> {
        self.problems
            .iter()
            .find(|(p, _)| *p == f)
            .map(|(_, m)| m.as_str())
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let field = self.field();
        if self.editing {
            match key.code {
                KeyCode::Enter | KeyCode::Esc | KeyCode::Tab => self.editing = false,
                _ => {
                    self.input_mut(field).handle(key);
                }
            }
            return Outcome::Stay;
        }
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Up | KeyCode::BackTab => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => {
                self.selected = (self.selected + 1).min(SettingField::ALL.len() - 1)
            }
            KeyCode::Left | KeyCode::Right if field == SettingField::Endpoint => {
                let order = [
                    EndpointKind::International,
                    EndpointKind::MainlandChina,
                    EndpointKind::Custom,
                ];
                let i = order.iter().position(|k| *k == self.endpoint).unwrap_or(0);
                let j = if key.code == KeyCode::Right {
                    (i + 1) % 3
                } else {
                    (i + 2) % 3
                };
                self.endpoint = order[j];
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Enter | KeyCode::Char(' ')
                if field == SettingField::Theme =>
            {
                self.theme = match self.theme {
                    ThemeName::Dark => ThemeName::Light,
                    ThemeName::Light => ThemeName::Dark,
                };
            }
            KeyCode::Enter | KeyCode::Char(' ') => match field {
                SettingField::Confirm => self.confirm = !self.confirm,
                SettingField::Endpoint => {
                    return self.on_key(KeyEvent::from(KeyCode::Right));
                }
                _ => self.editing = true,
            },
            _ => {
                if let Some(c) = plain_char(&key)
                    && field.is_text()
                {
                    self.editing = true;
                    self.input_mut(field)
                        .insert_str(c.encode_utf8(&mut [0u8; 4]));
                }
            }
        }
        Outcome::Stay
    }

    /// The settings and credential typed, or stays open with the problems marked.
    pub fn save(&mut self) -> Outcome {
        self.editing = false;
        let mut problems = Vec::new();
        let text = |f| self.input(f).text().trim().to_string();
        let opt = |f| Some(text(f)).filter(|t: &String| !t.is_empty());
        let mut s = self.base.clone();
        s.endpoint = match self.endpoint {
            EndpointKind::International => EndpointChoice::International,
            EndpointKind::MainlandChina => EndpointChoice::MainlandChina,
            EndpointKind::Custom => EndpointChoice::Custom(text(SettingField::Custom)),
        };
        if let Err(e) = s.endpoint.endpoint() {
            let f = if self.endpoint == EndpointKind::Custom {
                SettingField::Custom
            } else {
                SettingField::Endpoint
            };
            problems.push((f, e));
        }
        s.region = opt(SettingField::Region);
        s.profile = opt(SettingField::Profile);
        // The start-up refuses a name the credentials file could not hold: never save one.
        if let Some(Err(e)) = s.profile.as_deref().map(check_profile_name) {
            problems.push((SettingField::Profile, e.to_string()));
        }
        s.confirm_before_dial = self.confirm;
        s.theme = self.theme;
        match opt(SettingField::DefaultSdkAppId).map(|t| t.parse::<i64>()) {
            None => s.default_sdk_app_id = None,
            Some(Ok(v)) if v > 0 => s.default_sdk_app_id = Some(v),
            Some(_) => problems.push((
                SettingField::DefaultSdkAppId,
                "a positive whole number, or empty".into(),
            )),
        }
        match text(SettingField::RateLimit).parse::<u32>() {
            Ok(v) if (1..=MAX_RATE_PER_SEC).contains(&v) => s.rate_limit_per_sec = v,
            _ => problems.push((
                SettingField::RateLimit,
                format!("1 to {MAX_RATE_PER_SEC} (the service's limit)"),
            )),
        }
        let id = text(SettingField::SecretId);
        let key = self.input(SettingField::SecretKey).text().to_string();
        let credential = match (id.is_empty(), key.is_empty()) {
            (true, true) => None,
            (false, false) => match Credential::new(id, key, None) {
                Ok(c) => Some(c),
                Err(e) => {
                    problems.push((SettingField::SecretId, e.to_string()));
                    None
                }
            },
            (true, false) => {
                problems.push((SettingField::SecretId, "enter the SecretId too".into()));
                None
            }
            (false, true) => {
                problems.push((SettingField::SecretKey, "enter the SecretKey too".into()));
                None
            }
        };
        self.problems = problems;
        if !self.problems.is_empty() {
            return Outcome::Stay;
        }
        Outcome::Save {
            settings: s,
            credential,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut SettingsForm, code: KeyCode) {
        let _ = form.on_key(KeyEvent::from(code));
    }

    fn type_profile(form: &mut SettingsForm, name: &str) {
        while form.field() != SettingField::Profile {
            press(form, KeyCode::Down);
        }
        press(form, KeyCode::Enter);
        while !form.input(SettingField::Profile).text().is_empty() {
            press(form, KeyCode::Backspace);
        }
        for c in name.chars() {
            press(form, KeyCode::Char(c));
        }
        press(form, KeyCode::Enter);
    }

    #[test]
    fn a_profile_name_the_credentials_file_cannot_hold_is_never_saved() {
        let mut form = SettingsForm::new(&Settings::default());
        for bad in ["my profile", ".hidden", "work]", "ré"] {
            type_profile(&mut form, bad);
            assert!(matches!(form.save(), Outcome::Stay), "{bad:?}");
            let problem = form.problem(SettingField::Profile).unwrap_or_default();
            assert!(problem.contains("is not valid"), "{bad:?}: {problem}");
        }
        type_profile(&mut form, "rehearsal-2.eu");
        let Outcome::Save { settings, .. } = form.save() else {
            panic!("a good name is saved: {:?}", form.problems)
        };
        assert_eq!(settings.profile.as_deref(), Some("rehearsal-2.eu"));
        assert!(check_profile_name("rehearsal-2.eu").is_ok());
        type_profile(&mut form, "");
        let Outcome::Save { settings, .. } = form.save() else {
            panic!("an empty profile is none")
        };
        assert_eq!(settings.profile, None);
    }
}
