//! Platform services on SQLite and PostgreSQL: organisations, the organizations ledger, accounts,
//! login and lockout, scope, and the audit chain behind all of it.

use db::PageRequest;
use db::audit::{self, EventFilter};
use kernel::crypto::SealKey;
use kernel::ids::OrgId;
use kernel::{OrgKind, Role};
use ledger::ImportMode;
use platform::{Actor, Error, NewOrg, NewUser, OrgUpdate, Platform};

const CONTRACT_ORGS: &str = "\u{feff}名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n";
const PASSWORD: &str = "Fazhi@2020";

fn cli() -> Actor {
    Actor::cli("tester")
}

fn records(csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("orgs.csv", csv.as_bytes())
        .unwrap()
        .records(&platform::ORGANIZATIONS)
        .unwrap()
}

async fn import(p: &Platform, csv: &str) -> Result<ledger::ImportReport, Error> {
    p.import_orgs(&cli(), &records(csv), ImportMode::default())
        .await
}

async fn org_named(p: &Platform, name: &str) -> OrgId {
    p.resolve_org(name).await.unwrap().id
}

async fn user(p: &Platform, username: &str, org: &str, role: Role) {
    let org_id = org_named(p, org).await;
    p.create_user(
        &cli(),
        NewUser {
            username: username.into(),
            display_name: format!("{username}姓名"),
            org_id,
            role,
            password: PASSWORD.into(),
            phone: Some("13800000001".into()),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
}

async fn login(p: &Platform, username: &str) -> Actor {
    p.login(username, PASSWORD, "test")
        .await
        .unwrap()
        .session
        .actor
}

#[tokio::test]
async fn the_organizations_ledger_imports_once_and_reimports_unchanged() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        let first = import(&p, CONTRACT_ORGS).await.unwrap();
        assert_eq!(
            (first.rows, first.created, first.unchanged),
            (4, 4, 0),
            "{}",
            t.name()
        );
        let again = import(&p, CONTRACT_ORGS).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
        let district = p.resolve_org("示例区").await.unwrap();
        assert_eq!(district.division_code.as_deref(), Some("320411"));
        assert_eq!(district.kind, OrgKind::District);
        let town = p.resolve_org("示例镇").await.unwrap();
        assert_eq!(town.parent_id, Some(district.id.clone()));
        assert_eq!(p.subtree_ids(&district).await.unwrap().len(), 4);
        // Export, then import the export: nothing changes.
        let rows = p.export_orgs(&cli()).await.unwrap();
        let csv = ledger::to_csv(&platform::ORGANIZATIONS, &rows).unwrap();
        let round = import(&p, std::str::from_utf8(&csv).unwrap())
            .await
            .unwrap();
        assert_eq!((round.created, round.updated, round.unchanged), (0, 0, 4));
        audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn every_bad_row_is_reported_and_nothing_is_imported() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        let bad = "名称,类型,上级,行政区划代码,统一社会信用代码\n甲区,区,,320411,\n甲区司法局,部门,甲区,,\n乙镇,村,甲区,,\n丙部门,部门,不存在的区,,\n丁镇,镇,甲区司法局,,\n戊,部门,甲区,99,\n己局,部门,甲区,,91110000600037341N\n庚科,科室,己局,,\n";
        let Err(Error::Rejected(rejected)) = import(&p, bad).await else {
            panic!("expected a rejection")
        };
        let lines: Vec<(usize, &str)> = rejected
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (4, "类型"),
                (5, "上级"),
                (6, "类型"),
                (7, "行政区划代码"),
                (8, "统一社会信用代码"),
                (9, "上级")
            ],
            "{rejected}"
        );
        assert!(
            rejected
                .to_string()
                .contains("第9行「上级」：上级机构“己局”在第8行，该行有错误"),
            "{rejected}"
        );
        assert!(
            rejected
                .to_string()
                .contains("第6行「类型」：镇不能设在部门之下"),
            "{rejected}"
        );
        assert!(p.resolve_org("甲区").await.is_err(), "nothing imported");
        // Dry run of a good file writes nothing either.
        let report = p
            .import_orgs(
                &cli(),
                &records(CONTRACT_ORGS),
                ImportMode {
                    dry_run: true,
                    only_valid: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(report.created, 4);
        assert!(p.resolve_org("示例区").await.is_err());
        // Keeping the good rows only.
        let report = p
            .import_orgs(
                &cli(),
                &records(bad),
                ImportMode {
                    dry_run: false,
                    only_valid: true,
                },
            )
            .await
            .unwrap();
        assert_eq!((report.created, report.errors.len()), (2, 6), "{report}");
        t.finish().await;
    }
}

#[tokio::test]
async fn parents_may_come_later_and_duplicate_names_need_paths() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        let csv = "名称,类型,上级\n司法局,部门,甲区\n甲区,区,\n乙区,区,\n司法局,部门,乙区\n";
        assert_eq!(import(&p, csv).await.unwrap().created, 4);
        let err = p.resolve_org("司法局").await.unwrap_err().to_string();
        assert!(err.contains("不唯一") && err.contains("/司法局"), "{err}");
        assert!(p.resolve_org("乙区/司法局").await.is_ok());
        let ambiguous = "名称,类型,上级\n法制科,科室,司法局\n";
        let Err(Error::Rejected(r)) = import(&p, ambiguous).await else {
            panic!()
        };
        assert!(r.errors[0].reason.contains("不唯一"), "{r}");
        assert_eq!(
            import(&p, "名称,类型,上级\n法制科,科室,甲区/司法局\n")
                .await
                .unwrap()
                .created,
            1
        );
        let dup = "名称,类型,上级\n丙科,科室,甲区/司法局\n丙科,科室,甲区/司法局\n";
        let Err(Error::Rejected(r)) = import(&p, dup).await else {
            panic!()
        };
        assert!(r.errors[0].reason.contains("与第2行重复"), "{r}");
        t.finish().await;
    }
}

#[tokio::test]
async fn organisations_are_created_moved_and_kept_in_shape() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        let district = org_named(&p, "示例区").await;
        let bureau = org_named(&p, "示例区司法局").await;
        let section = p
            .create_org(
                &cli(),
                NewOrg {
                    name: "法制科".into(),
                    kind: OrgKind::Section,
                    parent_id: Some(bureau.clone()),
                    division_code: None,
                    uscc: None,
                },
            )
            .await
            .unwrap();
        let dup = p
            .create_org(
                &cli(),
                NewOrg {
                    name: "法制科".into(),
                    kind: OrgKind::Section,
                    parent_id: Some(bureau.clone()),
                    division_code: None,
                    uscc: None,
                },
            )
            .await;
        assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
        let town_under_dept = p
            .create_org(
                &cli(),
                NewOrg {
                    name: "某镇".into(),
                    kind: OrgKind::Town,
                    parent_id: Some(bureau.clone()),
                    division_code: None,
                    uscc: None,
                },
            )
            .await;
        assert!(matches!(town_under_dept, Err(Error::Rule(_))));
        // Move the section under the market bureau: its path follows.
        let market = org_named(&p, "示例区市场监督管理局").await;
        let moved = p
            .update_org(
                &cli(),
                &section.id,
                OrgUpdate {
                    parent_id: Some(Some(market.clone())),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(moved.path.contains(market.as_str()));
        assert_eq!(p.org(&section.id).await.unwrap().path, moved.path);
        let cycle = p
            .update_org(
                &cli(),
                &district,
                OrgUpdate {
                    parent_id: Some(Some(section.id.clone())),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(cycle, Err(Error::Rule(_))));
        audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

/// 100 wrong passwords sent at once are each counted: the name is locked and the right password
/// is then refused (the count is read and moved in one job of the one writer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_sent_at_once_all_count_and_lock() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(&p, "officer", "示例区司法局", Role::LegalAffairs).await;
        let tries: Vec<_> = (0..100)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.login("officer", "wrong", "test").await })
            })
            .collect();
        let mut locked = 0;
        for t in tries {
            match t.await.unwrap() {
                Err(Error::Locked { .. }) => locked += 1,
                Err(Error::LoginFailed) => {}
                other => panic!("a wrong password was answered {other:?}"),
            }
        }
        assert!(locked >= 1, "no attempt saw the lock");
        let failures = t
            .count("SELECT failures FROM login_throttle WHERE username = 'officer'")
            .await;
        assert!(failures >= 5, "{failures} failures counted");
        assert!(
            matches!(
                p.login("officer", PASSWORD, "test").await,
                Err(Error::Locked { .. })
            ),
            "locked even with the right password"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn login_lockout_and_unlock() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(&p, "officer", "示例区司法局", Role::LegalAffairs).await;
        user(&p, "security", "示例区", Role::SecurityAdmin).await;
        assert!(matches!(
            p.login("officer", "wrong", "test").await,
            Err(Error::LoginFailed)
        ));
        assert!(
            matches!(
                p.login("nobody", PASSWORD, "test").await,
                Err(Error::LoginFailed)
            ),
            "same answer for an unknown name"
        );
        for _ in 0..3 {
            assert!(matches!(
                p.login("officer", "wrong", "test").await,
                Err(Error::LoginFailed)
            ));
        }
        assert!(
            matches!(
                p.login("officer", "wrong", "test").await,
                Err(Error::Locked { .. })
            ),
            "the fifth failure locks"
        );
        assert!(
            matches!(
                p.login("officer", PASSWORD, "test").await,
                Err(Error::Locked { .. })
            ),
            "locked even with the right password"
        );
        for _ in 0..5 {
            let _ = p.login("nobody", "wrong", "test").await;
        }
        assert!(
            matches!(
                p.login("nobody", "wrong", "test").await,
                Err(Error::Locked { .. })
            ),
            "unknown names lock the same way"
        );
        let security = login(&p, "security").await;
        let officer = p
            .users(&security, PageRequest::default(), &Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|u| u.username == "officer")
            .unwrap();
        assert!(officer.locked_until.is_some());
        assert_eq!(officer.phone_masked.as_deref(), Some("138****0001"));
        p.unlock(&security, &officer.id).await.unwrap();
        let session = p.login("OFFICER", PASSWORD, "test").await.unwrap();
        assert!(!session.session.must_change_password);
        p.logout(&session.token).await.unwrap();
        assert!(matches!(
            p.session(&session.token).await,
            Err(Error::SessionExpired)
        ));
        let events = audit::list(
            &t.db,
            &EventFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        for action in [
            "login",
            "login_failed",
            "account_locked",
            "login_refused",
            "unlock",
            "logout",
        ] {
            assert!(
                actions.contains(&action),
                "{action} missing from {actions:?}"
            );
        }
        audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn idle_sessions_expire() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(&p, "officer", "示例区司法局", Role::LegalAffairs).await;
        let session = p.login("officer", PASSWORD, "test").await.unwrap();
        p.session(&session.token).await.unwrap();
        // Time passes: the session was last seen long ago (written as fazhi writes, so that the
        // kept session follows).
        t.db.upkeep(|tx| {
            Box::pin(async move {
                db::query("UPDATE sessions SET last_seen_at = '2020-01-01T00:00:00.000000Z'")
                    .execute(tx.conn())
                    .await
                    .map(|_| ())
            })
        })
        .await
        .unwrap();
        assert!(matches!(
            p.session(&session.token).await,
            Err(Error::SessionExpired)
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn scope_is_enforced_and_refusals_are_recorded() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(
            &p,
            "market",
            "示例区市场监督管理局",
            Role::DepartmentOfficer,
        )
        .await;
        user(&p, "justice", "示例区司法局", Role::LegalAffairs).await;
        user(&p, "town", "示例镇", Role::TownOfficer).await;
        let market = login(&p, "market").await;
        let justice = login(&p, "justice").await;
        let town = login(&p, "town").await;
        let bureau = org_named(&p, "示例区司法局").await;
        let town_id = org_named(&p, "示例镇").await;
        // A department officer reaches their department only.
        assert!(
            p.org_in_scope(&market, &org_named(&p, "示例区市场监督管理局").await)
                .await
                .is_ok()
        );
        assert!(matches!(
            p.org_in_scope(&market, &bureau).await,
            Err(Error::OutOfScope(_))
        ));
        assert!(matches!(
            p.org_in_scope(&town, &bureau).await,
            Err(Error::OutOfScope(_))
        ));
        // Legal-affairs staff reach the whole district.
        assert!(p.org_in_scope(&justice, &town_id).await.is_ok());
        assert_eq!(p.orgs_in_scope(&justice).await.unwrap().len(), 4);
        assert_eq!(p.orgs_in_scope(&market).await.unwrap().len(), 1);
        let denied = audit::list(
            &t.db,
            &EventFilter {
                action: Some("denied".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(denied.len(), 2, "{}", t.name());
        assert_eq!(denied[1].actor, "user:market");
        // Business users administer nothing.
        assert!(matches!(
            p.users(&justice, PageRequest::default(), &Default::default())
                .await,
            Err(Error::Forbidden(_))
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn the_three_administrators_are_separate() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(&p, "sysadmin", "示例区", Role::SystemAdmin).await;
        user(&p, "secadmin", "示例区", Role::SecurityAdmin).await;
        let sys = login(&p, "sysadmin").await;
        let sec = login(&p, "secadmin").await;
        let district = org_named(&p, "示例区").await;
        let new = |role: Role, name: &str| NewUser {
            username: name.into(),
            display_name: "新用户".into(),
            org_id: district.clone(),
            role,
            password: PASSWORD.into(),
            phone: None,
            must_change_password: true,
        };
        // The system administrator makes business accounts, not administrators.
        assert!(matches!(
            p.create_user(&sys, new(Role::AuditAdmin, "auditor")).await,
            Err(Error::Forbidden(_))
        ));
        let viewer = p
            .create_user(&sys, new(Role::Viewer, "viewer"))
            .await
            .unwrap();
        assert!(viewer.must_change_password);
        // Weak passwords and taken names are refused.
        let weak = NewUser {
            password: "password".into(),
            ..new(Role::Viewer, "weak")
        };
        assert!(matches!(
            p.create_user(&sys, weak).await,
            Err(Error::Password(_))
        ));
        assert!(matches!(
            p.create_user(&sys, new(Role::Viewer, "viewer")).await,
            Err(Error::Conflict(_))
        ));
        // The security administrator grants administrator roles.
        let auditor = p
            .create_user(&sec, new(Role::AuditAdmin, "auditor"))
            .await
            .unwrap();
        assert!(matches!(
            p.change_role(&sys, &viewer.id, Role::SystemAdmin).await,
            Err(Error::Forbidden(_))
        ));
        p.change_role(&sec, &viewer.id, Role::SecurityAdmin)
            .await
            .unwrap();
        assert!(matches!(
            p.change_role(&sec, &sec.user_id().unwrap().clone(), Role::Viewer)
                .await,
            Err(Error::Rule(_))
        ));
        // A town officer must sit in a town.
        let town_officer = NewUser {
            role: Role::TownOfficer,
            ..new(Role::TownOfficer, "wrongplace")
        };
        assert!(matches!(
            p.create_user(&sys, town_officer).await,
            Err(Error::Rule(_))
        ));
        let role_changes = audit::list(
            &t.db,
            &EventFilter {
                action: Some("role_change".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(role_changes.len(), 1);
        assert!(role_changes[0].changes.contains("security_admin"));
        // Password change on first login.
        let first = p.login("auditor", PASSWORD, "test").await.unwrap();
        assert!(first.session.must_change_password);
        let actor = first.session.actor;
        assert!(matches!(
            p.change_own_password(&actor, "wrong", "Newpass#2021", None)
                .await,
            Err(Error::Password(_))
        ));
        p.change_own_password(&actor, PASSWORD, "Newpass#2021", None)
            .await
            .unwrap();
        assert!(
            !p.login("auditor", "Newpass#2021", "test")
                .await
                .unwrap()
                .session
                .must_change_password
        );
        let _ = auditor;
        audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn settings_and_notices_need_their_permission() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(&p, CONTRACT_ORGS).await.unwrap();
        user(&p, "sysadmin", "示例区", Role::SystemAdmin).await;
        user(&p, "secadmin", "示例区", Role::SecurityAdmin).await;
        let sys = login(&p, "sysadmin").await;
        let sec = login(&p, "secadmin").await;
        assert!(matches!(
            p.update_setting(&sys, "security.lockout_threshold", "3")
                .await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            p.update_setting(&sec, "security.lockout_threshold", "0")
                .await,
            Err(Error::Invalid(_))
        ));
        p.update_setting(&sec, "security.lockout_threshold", "3")
            .await
            .unwrap();
        for _ in 0..2 {
            assert!(matches!(
                p.login("sysadmin", "x", "t").await,
                Err(Error::LoginFailed)
            ));
        }
        assert!(
            matches!(
                p.login("sysadmin", "x", "t").await,
                Err(Error::Locked { .. })
            ),
            "threshold 3 in force"
        );
        let notice =
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
        assert!(matches!(
            p.load_notices(&sec, notice).await,
            Err(Error::Forbidden(_))
        ));
        assert_eq!(p.load_notices(&cli(), notice).await.unwrap(), vec![2027]);
        assert!(p.calendar().await.unwrap().known_years().contains(&2027));
        assert!(p.load_notices(&cli(), "not a notice").await.is_err());
        t.finish().await;
    }
}

/// Two servers on one database, each keeping sessions in memory: a logout, a password change,
/// a disabled account, a reset or a new role on one ends the session on the other at once.
#[tokio::test]
async fn a_session_ended_on_one_server_ends_on_every_server() {
    for t in testkit::backends().await {
        let a = Platform::new(t.db.clone(), SealKey::generate());
        let b = Platform::new(db::Db::open(&t.url).await.unwrap(), SealKey::generate());
        import(&a, CONTRACT_ORGS).await.unwrap();
        user(&a, "officer", "示例区司法局", Role::LegalAffairs).await;
        user(&a, "sysadmin", "示例区", Role::SystemAdmin).await;
        user(&a, "security", "示例区", Role::SecurityAdmin).await;
        let sysadmin = login(&a, "sysadmin").await;
        let security = login(&a, "security").await;
        let id = b
            .login("officer", PASSWORD, "test")
            .await
            .unwrap()
            .session
            .actor
            .user_id()
            .cloned()
            .unwrap();
        type End<'a> =
            Box<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>> + 'a>;
        let endings: Vec<(&str, End)> = vec![
            (
                "a new role",
                Box::new(|| {
                    Box::pin(async {
                        a.change_role(&sysadmin, &id, Role::Viewer).await.unwrap();
                        a.change_role(&sysadmin, &id, Role::LegalAffairs)
                            .await
                            .unwrap();
                    })
                }),
            ),
            (
                "a reset",
                Box::new(|| {
                    Box::pin(async {
                        a.reset_password(&security, &id, "Reset#2020x")
                            .await
                            .unwrap();
                    })
                }),
            ),
            (
                "a disabled account",
                Box::new(|| {
                    Box::pin(async {
                        a.set_disabled(&sysadmin, &id, true).await.unwrap();
                        a.set_disabled(&sysadmin, &id, false).await.unwrap();
                    })
                }),
            ),
        ];
        let mut password = PASSWORD.to_string();
        for (what, end) in &endings {
            // Logged in on A, the session is used (and kept) on B.
            let token = a.login("officer", &password, "test").await.unwrap().token;
            for _ in 0..3 {
                b.session(&token).await.unwrap();
            }
            end().await;
            assert!(
                matches!(b.session(&token).await, Err(Error::SessionExpired)),
                "{}: the session outlived {what} on the other server",
                t.name()
            );
            if *what == "a reset" {
                password = "Reset#2020x".into();
            }
        }
        // A logout on A, and one's own password change on A.
        let token = a.login("officer", &password, "test").await.unwrap().token;
        b.session(&token).await.unwrap();
        a.logout(&token).await.unwrap();
        assert!(matches!(
            b.session(&token).await,
            Err(Error::SessionExpired)
        ));
        b.db().close().await;
        t.finish().await;
    }
}

#[tokio::test]
async fn documents_name_organisations_by_their_full_name() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        import(
            &p,
            "名称,类型,上级,行政区划代码,统一社会信用代码\n江苏省,省,,320000,\n常州市,市,江苏省,320400,\n新北区,区,常州市,320411,\n司法局,部门,新北区,,\n新北区住建局,部门,新北区,,\n孟河镇,镇,新北区,,\n",
        )
        .await
        .unwrap();
        let full = |name: &'static str, government: bool| {
            let p = p.clone();
            async move {
                let org = p.resolve_org(name).await.unwrap();
                p.full_name(&org, government).await.unwrap()
            }
        };
        // The governments above, not the province; a name that already says its district
        // is not said twice.
        assert_eq!(full("新北区", true).await, "常州市新北区人民政府");
        assert_eq!(full("新北区", false).await, "常州市新北区");
        assert_eq!(full("司法局", true).await, "常州市新北区司法局");
        assert_eq!(full("新北区住建局", true).await, "常州市新北区住建局");
        assert_eq!(full("孟河镇", true).await, "常州市新北区孟河镇人民政府");
        t.finish().await;
    }
}
