//! The storage contract, run on SQLite and on PostgreSQL alike.

use db::audit::{self, EventFilter, VerifyError};
use db::{Changes, DatabaseUrl, Db, DbError, Event, Who};
use testkit::TestDb;

fn who() -> Who {
    Who {
        actor: "user:tester".into(),
        actor_org_id: Some("org1".into()),
        source: "test".into(),
    }
}

async fn write_events(db: &Db, n: usize) {
    for i in 0..n {
        let mut tx = db.begin(&who()).await.unwrap();
        tx.record(
            Event::new("thing", &format!("t{i}"), "create")
                .org(Some(if i % 2 == 0 { "org1" } else { "org2" }))
                .changes(Changes::new().set("name", format!("第{i}号")).set("n", i)),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn expect_broken_at(t: &TestDb, seq: i64) {
    match audit::verify(&t.db, |_| {}).await {
        Err(VerifyError::Broken(b)) => assert_eq!(b.seq, seq, "{} {b}", t.name()),
        other => panic!("{}: expected a break at {seq}, got {other:?}", t.name()),
    }
}

#[tokio::test]
async fn migrations_apply_once_and_again() {
    for t in testkit::backends().await {
        t.db.migrate().await.unwrap();
        t.db.migrate().await.unwrap();
        let (known, applied) = t.db.migration_status().await.unwrap();
        assert_eq!(known, applied, "{}", t.name());
        t.finish().await;
    }
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    for t in testkit::backends().await {
        let empty = audit::verify(&t.db, |_| {}).await.unwrap();
        assert_eq!(empty.events, 0);
        write_events(&t.db, 12).await;
        let report = audit::verify(&t.db, |_| {}).await.unwrap();
        assert_eq!((report.events, report.last_seq), (12, 12), "{}", t.name());
        assert_eq!(audit::head(&t.db).await.unwrap().1, report.last_hash);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_edited_event_is_caught_and_named() {
    for t in testkit::backends().await {
        write_events(&t.db, 10).await;
        sqlx::query("UPDATE audit_events SET changes = '{\"name\":\"篡改\"}' WHERE seq = 4")
            .execute(t.db.pool())
            .await
            .unwrap();
        expect_broken_at(&t, 4).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn an_edited_actor_or_hash_is_caught() {
    for t in testkit::backends().await {
        write_events(&t.db, 6).await;
        sqlx::query("UPDATE audit_events SET actor = 'user:someone' WHERE seq = 6")
            .execute(t.db.pool())
            .await
            .unwrap();
        expect_broken_at(&t, 6).await;
        t.finish().await;
    }
    for t in testkit::backends().await {
        write_events(&t.db, 6).await;
        sqlx::query("UPDATE audit_events SET hash = (SELECT hash FROM audit_events WHERE seq = 1) WHERE seq = 3")
            .execute(t.db.pool())
            .await
            .unwrap();
        expect_broken_at(&t, 3).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn deleted_events_are_caught() {
    for t in testkit::backends().await {
        write_events(&t.db, 8).await;
        sqlx::query("DELETE FROM audit_events WHERE seq = 5")
            .execute(t.db.pool())
            .await
            .unwrap();
        expect_broken_at(&t, 5).await;
        t.finish().await;
    }
    for t in testkit::backends().await {
        write_events(&t.db, 8).await;
        sqlx::query("DELETE FROM audit_events WHERE seq >= 7")
            .execute(t.db.pool())
            .await
            .unwrap();
        expect_broken_at(&t, 7).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn a_write_without_an_event_is_refused_and_rolled_back() {
    for t in testkit::backends().await {
        let mut tx = t.db.begin(&who()).await.unwrap();
        sqlx::query("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('k', 'v', 'now', 'x')")
            .execute(tx.conn())
            .await
            .unwrap();
        assert!(matches!(tx.commit().await, Err(DbError::Unaudited)));
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{}", t.name());
        t.finish().await;
    }
}

#[tokio::test]
async fn a_rolled_back_write_leaves_no_event() {
    for t in testkit::backends().await {
        let mut tx = t.db.begin(&who()).await.unwrap();
        tx.record(Event::new("thing", "x", "create")).await.unwrap();
        tx.rollback().await.unwrap();
        write_events(&t.db, 1).await;
        let report = audit::verify(&t.db, |_| {}).await.unwrap();
        assert_eq!(report.last_seq, 1, "{}", t.name());
        t.finish().await;
    }
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    for t in testkit::backends().await {
        let mut tasks = Vec::new();
        for w in 0..6 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..15 {
                    let mut tx = db.begin(&who()).await.unwrap();
                    // Read-then-write inside the transaction, as use cases do.
                    let _n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
                        .fetch_one(tx.conn())
                        .await
                        .unwrap();
                    tx.record(Event::new("thing", &format!("w{w}-{i}"), "create"))
                        .await
                        .unwrap();
                    tx.record(Event::new("thing", &format!("w{w}-{i}"), "update"))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let report = audit::verify(&t.db, |_| {}).await.unwrap();
        assert_eq!(report.events, 180, "{}", t.name());
        t.finish().await;
    }
}

#[tokio::test]
async fn the_audit_list_filters_and_pages() {
    for t in testkit::backends().await {
        write_events(&t.db, 10).await;
        let all = audit::list(
            &t.db,
            &EventFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.len(), 10);
        assert_eq!(all[0].seq, 10, "newest first");
        // org2 lies under org1: a scope reaches an organisation and everything below it.
        for (id, parent, path, depth) in [
            ("org1", None, "/org1/", 0i64),
            ("org2", Some("org1"), "/org1/org2/", 1),
        ] {
            sqlx::query(
                "INSERT INTO orgs (id, name, kind, parent_id, parent_key, path, depth, created_at, updated_at) \
                 VALUES ($1, $1, 'district', $2, $3, $4, $5, 'now', 'now')",
            )
            .bind(id)
            .bind(parent)
            .bind(parent.unwrap_or(""))
            .bind(path)
            .bind(depth)
            .execute(t.db.pool())
            .await
            .unwrap();
        }
        let under = |path: &str| EventFilter {
            orgs: Some(db::OrgScope::under(path)),
            limit: 100,
            ..Default::default()
        };
        let org2 = audit::list(&t.db, &under("/org1/org2/")).await.unwrap();
        assert_eq!(org2.len(), 5);
        assert!(org2.iter().all(|e| e.org_id.as_deref() == Some("org2")));
        let org1 = audit::list(&t.db, &under("/org1/")).await.unwrap();
        assert_eq!(org1.len(), 10);
        let page = audit::list(
            &t.db,
            &EventFilter {
                before: Some(4),
                limit: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 2]);
        let one = audit::list(
            &t.db,
            &EventFilter {
                record_id: Some("t3".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(one.len(), 1);
        assert!(one[0].changes.contains("第3号"));
        let today = kernel::time::china_today();
        let dated = audit::list(
            &t.db,
            &EventFilter {
                from: Some(today),
                to: Some(today),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(dated.len(), 10, "{}", t.name());
        let tomorrow = today.succ_opt().unwrap();
        let none = audit::list(
            &t.db,
            &EventFilter {
                from: Some(tomorrow),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(none.is_empty());
        let nobody = audit::list(&t.db, &under("/elsewhere/")).await.unwrap();
        assert!(nobody.is_empty());
        t.finish().await;
    }
}

#[tokio::test]
async fn unique_violations_are_recognised() {
    for t in testkit::backends().await {
        for round in 0..2 {
            let mut tx = t.db.begin(&who()).await.unwrap();
            let result = sqlx::query("INSERT INTO calendar_notices (year, notice, loaded_at, loaded_by) VALUES (2030, 'x', 'now', 'me')")
                .execute(tx.conn())
                .await
                .map_err(DbError::from);
            if round == 0 {
                result.unwrap();
                tx.record(Event::new("calendar_notice", "2030", "load"))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            } else {
                assert!(result.unwrap_err().is_unique_violation(), "{}", t.name());
            }
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn unopenable_databases_give_a_one_line_reason_without_the_password() {
    let url = DatabaseUrl::parse("postgres://fazhi:s3cret@127.0.0.1:1/fazhi").unwrap();
    let err = Db::open(&url).await.unwrap_err().to_string();
    assert!(
        err.contains("postgres://fazhi:***@127.0.0.1:1/fazhi"),
        "{err}"
    );
    assert!(!err.contains("s3cret") && !err.contains('\n'), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("not-a-db.db");
    std::fs::write(&garbage, vec![b'x'; 4096]).unwrap();
    let err = Db::open(&DatabaseUrl::sqlite_file(&garbage))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not-a-db.db"), "{err}");
}

#[tokio::test]
async fn settings_and_loaded_notices_round_trip() {
    for t in testkit::backends().await {
        let def = kernel::settings::LOCKOUT_THRESHOLD;
        let mut tx = t.db.begin(&who()).await.unwrap();
        db::settings::store(&mut tx, &def, "5", "7").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            db::settings::load(&t.db)
                .await
                .unwrap()
                .security()
                .lockout_threshold,
            7
        );
        // Read settings are held for a moment: a value written behind the process's back is
        // seen once they are forgotten (as a change through this process forgets them).
        sqlx::query("UPDATE settings SET value = '9' WHERE key = $1")
            .bind(def.key)
            .execute(t.db.pool())
            .await
            .unwrap();
        let held = db::settings::load(&t.db).await.unwrap();
        assert_eq!(held.security().lockout_threshold, 7, "{}", t.name());
        db::settings::forget(&t.db);
        let read = db::settings::load(&t.db).await.unwrap();
        assert_eq!(read.security().lockout_threshold, 9, "{}", t.name());

        let notice = kernel::calendar::YearNotice::parse_any(
            r#"{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
        )
        .unwrap();
        let mut tx = t.db.begin(&who()).await.unwrap();
        db::calendar::store(&mut tx, &notice[0]).await.unwrap();
        tx.commit().await.unwrap();
        let calendar = db::calendar::current(&t.db).await.unwrap().unwrap();
        assert!(calendar.known_years().contains(&2027), "{}", t.name());
        assert!(
            !calendar
                .is_workday(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
                .unwrap()
        );
        audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}
