//! Live must look dangerous: a red banner with the endpoint and its port, and a
//! confirmation that says a real phone rings; the simulator's says it does not.

mod tui_support;

use ccc_dial::config::Settings;
use ccc_dial::dialer::DialDraft;
use ccc_dial::tui::app::{App, BackendInfo, Overlay};
use ccc_dial::tui::time::TimeFmt;
use tui_support::*;

fn live() -> App {
    let draft = DialDraft {
        sdk_app_id: "1400000000".into(),
        agent_id: "15".into(),
        callee: "008613012345678".into(),
        ..Default::default()
    };
    let backend = BackendInfo {
        simulator: false,
        label: "https://ccc.tencentcloudapi.com".into(),
        credentials: Some("AKID****1234 from TENCENTCLOUD_SECRET_ID".into()),
    };
    let mut app = App::new(draft, Settings::default(), backend, TimeFmt::Utc);
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    app
}

#[test]
fn the_live_banner_and_confirmation() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut app = live();
        let screen = render(&mut app, w, h);
        let title = screen.lines().next().unwrap().to_string();
        assert!(title.contains("LIVE · real phones ring"), "{title}");
        ctrl(&mut app, 's');
        assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
        let screen = render(&mut app, w, h);
        insta::assert_snapshot!(format!("live_confirmation_{w}x{h}"), screen);
        assert!(
            screen.contains("LIVE · a real phone rings · Dial 008613012345678"),
            "{screen}"
        );
        let mode = screen.lines().last().unwrap();
        assert!(
            mode.contains("confirm · Enter/y dial · Esc/n cancel"),
            "{mode}"
        );
        if w >= 120 {
            assert!(title.contains("ccc.tencentcloudapi.com:443"), "{title}");
        }
    }
}

#[test]
fn the_simulator_confirmation_says_so() {
    let mut app = app();
    app.draft.agent_id = "15".into();
    app.draft.callee = "008613012345678".into();
    ctrl(&mut app, 's');
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains(" SIMULATOR · Dial 008613012345678"),
        "{screen}"
    );
    assert!(!screen.contains("LIVE"));
}
