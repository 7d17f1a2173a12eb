//! Themes: dark and light, chosen in the settings file, in F2 or with `--theme`; every
//! character drawn on every screen reads at 4.5:1 or better against its background in
//! both, and every colour drawn comes from the theme.

mod tui_support;

use ccc_dial::ccc::actions::AIAgentInfo;
use ccc_dial::cli::Cli;
use ccc_dial::config::{Settings, ThemeName};
use ccc_dial::dialer::DialDraft;
use ccc_dial::tui::app::{App, BackendInfo, Effect, Level, Msg, Pane};
use ccc_dial::tui::theme::{Palette, Rgb};
use ccc_dial::tui::time::TimeFmt;
use ccc_dial::tui::view;
use clap::Parser;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use tui_support::*;

fn buffer(app: &mut App, w: u16, h: u16) -> Buffer {
    app.update(Msg::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    // The frame as drawn (the backend leaves out the cells a wide character covers).
    terminal
        .draw(|f| view::draw(f, app))
        .unwrap()
        .buffer
        .clone()
}

fn rgb(c: Color) -> Rgb {
    match c {
        Color::Rgb(r, g, b) => Rgb(r, g, b),
        other => panic!("{other:?} is not a colour of the theme"),
    }
}

/// Screens with every kind of text: outcomes of every kind, a live call's banner and
/// question, an error, the settings, the help and a form with problems.
fn screens(theme: ThemeName) -> Vec<(&'static str, App)> {
    let themed = |mut app: App| {
        app.settings.theme = theme;
        app
    };
    let mut outcomes = themed(every_outcome());
    outcomes.notify(Level::Warning, "a warning");
    let mut live = themed(app());
    live.backend = BackendInfo {
        simulator: false,
        label: "https://ccc.tencentcloudapi.com".into(),
        credentials: Some("AKID****1234 from TENCENTCLOUD_SECRET_ID".into()),
    };
    live.draft.agent_id = "15".into();
    live.draft.callee = "008613012345678".into();
    ctrl(&mut live, 's');
    let mut problems = themed(app());
    problems.draft.callee = "12".into();
    ctrl(&mut problems, 's');
    let mut settings = themed(app());
    key(&mut settings, KeyCode::F(2));
    let mut help = themed(app());
    help.focus = Pane::History;
    key(&mut help, KeyCode::Char('?'));
    let mut info = themed(app());
    info.notify(Level::Success, "Settings saved");
    // A screen that clears what is under it.
    let mut stats = themed(every_outcome());
    key(&mut stats, KeyCode::Char('S'));
    vec![
        ("stats", stats),
        ("outcomes", outcomes),
        ("live", live),
        ("problems", problems),
        ("settings", settings),
        ("help", help),
        ("info", info),
    ]
}

#[test]
fn every_character_reads_at_4_5_to_1_in_both_themes() {
    for theme in ThemeName::ALL {
        let palette = Palette::of(theme);
        for ((name, mut app), (w, h)) in screens(theme)
            .into_iter()
            .flat_map(|s| [(s.clone(), (120, 40)), (s, (160, 48))])
        {
            let buf = buffer(&mut app, w, h);
            for (i, cell) in buf.content().iter().enumerate() {
                let (mut fg, mut bg) = (rgb(cell.fg), rgb(cell.bg));
                if cell.modifier.contains(Modifier::REVERSED) {
                    (fg, bg) = (bg, fg);
                }
                if cell.symbol().trim().is_empty() {
                    continue;
                }
                let ratio = fg.contrast(bg);
                assert!(
                    ratio >= 4.5,
                    "{theme} {name} {w}x{h}: {:?} at ({}, {}) reads at {ratio:.2}:1",
                    cell.symbol(),
                    i % w as usize,
                    i / w as usize
                );
            }
            // The screen's background is the theme's.
            assert_eq!(rgb(buf.content().last().unwrap().bg), palette.bg, "{name}");
        }
    }
}

#[test]
fn the_light_theme_at_every_size() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut app = every_outcome();
        app.settings.theme = ThemeName::Light;
        let text = render(&mut app, w, h);
        // The text is the same in both themes; the colours are the light ones.
        let mut dark = every_outcome();
        assert_eq!(text, render(&mut dark, w, h));
        let buf = buffer(&mut app, w, h);
        let light = Palette::of(ThemeName::Light);
        assert_eq!(rgb(buf.content()[0].bg), light.bg);
        let colours: std::collections::BTreeSet<String> = buf
            .content()
            .iter()
            .map(|c| format!("{:?} on {:?}", c.fg, c.bg))
            .collect();
        let colours: Vec<String> = colours.into_iter().collect();
        insta::assert_snapshot!(
            format!("light_theme_{w}x{h}"),
            format!("{text}\n\ncolours drawn:\n{}", colours.join("\n"))
        );
    }
}

#[test]
fn the_theme_is_chosen_in_f2_and_applies_at_once() {
    let mut app = app();
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    key(&mut app, KeyCode::F(2));
    // The last field.
    for _ in 0..12 {
        key(&mut app, KeyCode::Down);
    }
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("Theme                dark"), "{screen}");
    key(&mut app, KeyCode::Right);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("Theme                light"), "{screen}");
    let effects = ctrl(&mut app, 's');
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveSettings(s) if s.theme == ThemeName::Light)),
        "{effects:?}"
    );
    assert_eq!(app.settings.theme, ThemeName::Light);
    let buf = buffer(&mut app, 80, 24);
    assert_eq!(rgb(buf.content()[0].bg), Palette::of(ThemeName::Light).bg);
}

#[test]
fn the_settings_file_names_the_theme_and_a_wrong_one_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "theme = \"light\"\n").unwrap();
    assert_eq!(Settings::load(Some(&path)).0.theme, ThemeName::Light);
    std::fs::write(&path, "theme = \"blue\"\nrate_limit_per_sec = 5\n").unwrap();
    let (settings, notice) = Settings::load(Some(&path));
    assert_eq!(settings.theme, ThemeName::Dark);
    assert_eq!(settings.rate_limit_per_sec, 5, "the other fields stay");
    let notice = notice.unwrap();
    assert!(notice.contains("theme = \"blue\" is not valid"), "{notice}");
}

#[test]
fn theme_on_the_command_line() {
    let cli = Cli::try_parse_from(["ccc-dial", "--theme", "light"]).unwrap();
    assert_eq!(cli.look.theme, Some(ThemeName::Light));
    assert_eq!(Cli::try_parse_from(["ccc-dial"]).unwrap().look.theme, None);
    let err = Cli::try_parse_from(["ccc-dial", "--theme", "blue"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("the themes are dark and light"), "{err}");
    // Only the dialer draws: the commands refuse it.
    assert!(Cli::try_parse_from(["ccc-dial", "history", "list", "--theme", "dark"]).is_err());
}

#[test]
fn no_color_draws_no_colour_in_the_light_theme_either() {
    let mut app = every_outcome();
    app.settings.theme = ThemeName::Light;
    app.color = false;
    let buf = buffer(&mut app, 80, 24);
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

/// An agent declaring variables, picked into the form.
fn declared() -> App {
    let agent: AIAgentInfo = serde_json::from_value(serde_json::json!({
        "AIAgentId": 27,
        "AIAgentName": "Survey bot",
        "VariableNames": ["name", "dify-inputs-user", "welcome-message-delay"],
    }))
    .unwrap();
    let draft = DialDraft {
        sdk_app_id: "1400000000".into(),
        callee: "008613012345678".into(),
        ..Default::default()
    };
    let mut app = App::new(draft, Settings::default(), sim_backend(), TimeFmt::Utc);
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app.pick_agent(agent);
    app.focus = Pane::Variables;
    app
}

#[test]
fn a_form_with_a_declared_variable_agent_at_every_size() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut app = declared();
        let screen = render(&mut app, w, h);
        insta::assert_snapshot!(format!("declared_variables_{w}x{h}"), screen);
        for var in ["name", "dify-inputs-user", "welcome-message-delay"] {
            assert!(screen.contains(var), "{w}x{h}: no {var}\n{screen}");
        }
        assert!(screen.contains("27"), "{screen}");
    }
}
