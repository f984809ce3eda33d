//! 行政执法 in a real browser: a department's officer opens a case with two officers, notifies
//! the party, holds the hearing the party asked for, passes the legal review, decides a fine
//! and publishes it; the decision is on /gongkai/zhifa and the year's on-time rate moves.

mod common;

use chrono::{Datelike, Days};
use common::browser::{Steps, browser, start_driver};
use common::{PASSWORD, TestApp};
use enforcement::Regime;
use enforcement::workflow::check::earliest_hearing;
use ledger::ImportMode;

const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\n";
const BODIES: &str = "执法主体,主体类型,委托机关,生效日期,终止日期\n示例区市场监督管理局,法定行政机关,,2019-01-01,\n";
const OFFICERS: &str = "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n张一,32000000001,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,是\n李二,32000000002,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,否\n王三,32000000003,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,否\n周六,32000000006,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,否\n";

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

/// Goes to the case, opens a step's form, sets its fields and records it.
async fn record(s: &Steps, case: &str, kind: &str, fields: &[(&str, String)]) {
    s.goto(case).await;
    s.click(&format!("open {kind}"), &format!("#step-{kind} summary"))
        .await;
    for (name, value) in fields {
        let css = format!("#step-{kind} [name={name}]");
        if *name == "opinion" || *name == "decision" {
            s.select(&format!("{kind} {name}"), &css, value).await;
        } else {
            s.set_value(&format!("{kind} {name}"), &css, value).await;
        }
    }
    s.click_and_wait(&format!("record {kind}"), &format!("#submit-{kind}"))
        .await;
}

#[tokio::test]
async fn a_fine_is_decided_after_a_hearing_and_review_and_published_on_time() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let cli = platform::Actor::cli("test");
    let ok = ImportMode::default();
    power::Power::new(app.platform.clone())
        .import_items(&cli, &records(&power::ledger::ITEMS, ITEMS), None, ok)
        .await
        .unwrap();
    let e = enforcement::Enforcement::new(app.platform.clone());
    e.import_bodies(&cli, &records(&enforcement::ledger::BODIES, BODIES), ok)
        .await
        .unwrap();
    e.import_officers(&cli, &records(&enforcement::ledger::OFFICERS, OFFICERS), ok)
        .await
        .unwrap();
    let today = kernel::time::china_today();
    let opened = today - Days::new(40);
    let day = |n: u64| (opened + Days::new(n)).to_string();
    let notified = opened + Days::new(4);
    let requested = opened + Days::new(5);
    let hearing = earliest_hearing(kernel::Calendar::official(), Regime::Law2021, requested)
        .expect("the calendar knows the year");
    let year = hearing.year();
    let s = Steps {
        client: browser(&driver).await,
        name: "enforcement",
    };
    s.login(&app, "market", PASSWORD).await;
    let stats = app.url(&format!("/enforcement/stats?year={year}"));
    s.goto(&stats).await;
    let before = s
        .text(
            "the rate before",
            "#figure-publication_on_time_rate .figure",
        )
        .await;

    // 立案 with two officers of the body.
    s.goto(&app.url("/enforcement/new")).await;
    s.fill("number", "#number", "新市监罚〔2026〕101号").await;
    s.fill("item", "#item_code", "E0002").await;
    s.select("party kind", "#party_kind", "organisation").await;
    s.fill("party", "#party", "示例餐饮有限公司").await;
    s.set_value("opened", "#opened_on", &opened.to_string())
        .await;
    s.fill("officers", "#officers", "32000000002、32000000003")
        .await;
    s.submit("open the case", "#intake-submit", "/enforcement/new")
        .await;
    s.expect_text("opened", "#stage", "已立案").await;
    let case = app.url(&s.path().await);

    record(
        &s,
        &case,
        "investigate",
        &[("on", day(1)), ("text", "现场检查，制作笔录".into())],
    )
    .await;
    // A fine of 80,000 yuan for an organisation gives the right to a hearing.
    record(
        &s,
        &case,
        "notify",
        &[
            ("on", notified.to_string()),
            ("penalties", "罚款".into()),
            ("amount", "80000".into()),
            ("text", "未取得食品经营许可从事食品经营活动".into()),
        ],
    )
    .await;
    s.expect_text("the hearing right", "#steps", "当事人有权要求听证")
        .await;
    record(&s, &case, "hearing_request", &[("on", day(5))]).await;
    // Notified too late for the hearing's day: refused, naming the articles.
    record(
        &s,
        &case,
        "hearing_notice",
        &[("on", day(5)), ("date", day(7))],
    )
    .await;
    s.wait_text("refused with its article", "#step-error", "第六十四条")
        .await;
    record(
        &s,
        &case,
        "hearing_notice",
        &[("on", requested.to_string()), ("date", hearing.to_string())],
    )
    .await;
    record(
        &s,
        &case,
        "hearing",
        &[
            ("on", hearing.to_string()),
            ("officers", "32000000006".into()),
            ("text", "当事人到场陈述申辩".into()),
        ],
    )
    .await;
    record(
        &s,
        &case,
        "legal_review",
        &[
            ("on", hearing.to_string()),
            ("officers", "32000000001".into()),
            ("opinion", "agree".into()),
        ],
    )
    .await;
    record(
        &s,
        &case,
        "decide",
        &[
            ("on", hearing.to_string()),
            ("decision", "penalty".into()),
            ("penalties", "罚款".into()),
            ("amount", "60000".into()),
        ],
    )
    .await;
    s.expect_text("decided", "#decision", "给予行政处罚").await;
    record(&s, &case, "publish", &[("on", hearing.to_string())]).await;
    s.expect_text("published", "#published", &hearing.to_string())
        .await;
    s.expect_text("the timeline", "#steps", "法制审核").await;
    s.keep_screenshot("case").await;

    // On the public page, and the on-time rate moved.
    s.goto(&app.url(&format!("/gongkai/zhifa?year={year}")))
        .await;
    s.expect_text("public", "main", "新市监罚〔2026〕101号")
        .await;
    s.goto(&stats).await;
    s.expect_text(
        "the rate moved",
        "#figure-publication_on_time_rate .figure",
        "100",
    )
    .await;
    if before.contains("100") {
        s.fail("the rate moved", format!("it was already {before}"))
            .await;
    }
    let _ = s.client.close().await;
    app.db.finish().await;
}
