//! A damaged history found when it is opened: checked whole when small, at most once an
//! hour, and after damage was met; otherwise by reading its newest attempts.

use std::fs;

use ccc_dial::history::{Filter, Page, QUICK_CHECK_MAX_BYTES, Store};

mod support;

use support::history::{T0, aside_files, new_attempt, temp_db};

#[test]
fn a_damaged_database_is_moved_aside() {
    let (_dir, path) = temp_db();
    {
        let (store, _) = Store::open(&path).unwrap();
        for i in 0..300 {
            store
                .record_queued(&new_attempt(T0 + i, "0086130"))
                .unwrap();
        }
    }
    // Keep the header page; scribble over the pages after it.
    let mut bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096);
    for (i, b) in bytes[4096..].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    fs::write(&path, &bytes).unwrap();

    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a notice says what happened");
    assert!(notice.contains("damaged"), "{notice}");
    let moved = aside_files(path.parent().unwrap(), "corrupt");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(fs::read(&moved[0]).unwrap(), bytes);
    assert_eq!(store.count(&Filter::default()).unwrap(), 0);
    store.record_queued(&new_attempt(T0, "0086130")).unwrap();
}

/// A large file is not checked whole on every open; damage met later is reported with the
/// way out, and the next open checks the whole file and moves it aside.
#[test]
fn damage_in_a_large_file_is_caught_on_the_next_open() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).unwrap());
    fill_marked(&path, 8_000, 4_000);
    assert!(fs::metadata(&path).unwrap().len() > QUICK_CHECK_MAX_BYTES);
    assert!(damage_marked(&path) > 100);

    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None, "the newest attempts read fine");
    assert_eq!(
        store
            .list(&Filter::default(), Page::first(50))
            .unwrap()
            .len(),
        50
    );
    let everything = Filter {
        text: Some("nothing matches this".into()),
        ..Default::default()
    };
    let err = store.count(&everything).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(
        err.contains("is damaged") && err.contains("Restart ccc-dial"),
        "{err}"
    );
    drop(store);

    opens_with_the_file_set_aside(&path, "the next open checks the whole file");
}

/// A small file read whole on opening is trusted for an hour: opens within it read the newest
/// attempts only, so damage among the oldest waits; the first open after the hour reads all
/// of it and moves it aside.
#[test]
fn a_small_file_is_checked_whole_once_an_hour() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).unwrap());
    fill_marked(&path, 400, 100);
    let checked = |path: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.query_row(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'checked_at_ms'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE meta SET value = '0' WHERE key = 'checked_at_ms'",
        [],
    )
    .unwrap();
    drop(conn);
    drop(Store::open(&path).unwrap());
    let first = checked(&path);
    assert!(first > 0, "a whole check is noted");

    assert!(fs::metadata(&path).unwrap().len() < QUICK_CHECK_MAX_BYTES);
    assert!(damage_marked(&path) > 10);

    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(
        notice, None,
        "within the hour only the newest attempts are read"
    );
    assert_eq!(
        store
            .list(&Filter::default(), Page::first(50))
            .unwrap()
            .len(),
        50
    );
    drop(store);
    assert_eq!(checked(&path), first, "no whole check within the hour");

    let two_hours_ago = now_ms() - 2 * 3_600_000;
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'checked_at_ms'",
        [two_hours_ago.to_string()],
    )
    .unwrap();
    drop(conn);
    opens_with_the_file_set_aside(&path, "after the hour the whole file is read");
}

/// Opening `path` (expecting a notice, for the reason `why`) sets the damaged file aside and
/// starts an empty history.
fn opens_with_the_file_set_aside(path: &std::path::Path, why: &str) {
    let (store, notice) = Store::open(path).unwrap();
    let notice = notice.expect(why);
    assert!(notice.contains("damaged"), "{notice}");
    assert_eq!(aside_files(path.parent().unwrap(), "corrupt").len(), 1);
    assert_eq!(store.count(&Filter::default()).unwrap(), 0);
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Adds `rows` finished attempts of some 1.5 KB each to the history at `path`, the oldest
/// `marked` carrying a mark to find their pages by.
fn fill_marked(path: &std::path::Path, rows: i64, marked: i64) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..rows {
        let request = if i < marked {
            "OLDROW".repeat(250)
        } else {
            "x".repeat(1_500)
        };
        tx.execute(
            "INSERT INTO attempt (id, created_at_ms, updated_at_ms, endpoint, sdk_app_id,
                agent_id, callee, callers, variables, request_json, status)
             VALUES (?1, ?2, ?2, 'simulator', 1, 15, '0086130', '[]', '[]', ?3, 'finished')",
            rusqlite::params![format!("id-{i}"), T0 + i, request],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// Overwrites the leaf pages holding marked attempts (an interior page may keep old bytes in
/// its free space: it is left alone); returns how many.
fn damage_marked(path: &std::path::Path) -> usize {
    let mut bytes = fs::read(path).unwrap();
    let mut damaged = 0;
    for page in bytes.chunks_mut(4096).skip(1) {
        if page[0] == 13 && page.windows(6).any(|w| w == b"OLDROW") {
            page.fill(0x55);
            damaged += 1;
        }
    }
    fs::write(path, &bytes).unwrap();
    damaged
}
