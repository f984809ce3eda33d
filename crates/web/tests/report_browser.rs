//! The annual report in headless Chromium: a legal officer opens last year's report, types a
//! figure key wrongly and is told which key was meant with the text kept, saves it, previews the
//! report and follows a figure to the records behind it.
//! (This file writes unknown keys on purpose.)

mod common;

use common::browser::{Steps, browser, start_driver};
use common::{PASSWORD, TestApp};
use ledger::ImportMode;

const CASES: &str = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕1号,张某,示例区市场监督管理局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,撤销,是,否,是,\n示复〔2020〕3号,王某,示例区市场监督管理局,行政处罚,2020-08-03,受理,2020-08-05,普通程序,2020-09-25,决定,,维持,否,否,否,\n";

#[tokio::test]
async fn a_legal_officer_writes_a_section_and_follows_a_figure_to_its_records() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let records = ledger::read_bytes("x.csv", CASES.as_bytes())
        .unwrap()
        .records(&reconsideration::ledger::CASES)
        .unwrap();
    reconsideration::Reconsideration::new(app.platform.clone())
        .import_cases(
            &platform::Actor::cli("test"),
            &records,
            ImportMode::default(),
        )
        .await
        .unwrap();
    let s = Steps {
        client: browser(&driver).await,
        name: "report",
    };
    s.login(&app, "justice", PASSWORD).await;
    s.goto(&app.url("/report?year=2020")).await;
    s.expect_path("the editor of 2020", "/report/2020").await;
    s.expect_text(
        "the check lists the staff sections",
        "#findings",
        "【须完善】",
    )
    .await;

    // A mistyped key: refused, with the key it most likely meant, and the text kept.
    s.fill(
        "type a section",
        "#text-reconsideration",
        "全年收到行政复议申请{reconsideration.recieved}件，直接纠错率{reconsideration.direct_correction_rate}。",
    )
    .await;
    s.click("save it", "#save-reconsideration").await;
    s.wait_text(
        "told which key",
        "#error-reconsideration",
        "是否是“reconsideration.received”",
    )
    .await;
    s.expect_text(
        "the text is kept",
        "#text-reconsideration",
        "{reconsideration.recieved}",
    )
    .await;
    // The picker writes a figure by its Chinese name where the text ends.
    s.fill(
        "start again",
        "#text-reconsideration",
        "全年收到行政复议申请",
    )
    .await;
    s.select(
        "pick a figure by its name",
        "#picker-reconsideration",
        "行政复议·收到申请数",
    )
    .await;
    s.click_and_wait("save the picked figure", "#save-reconsideration")
        .await;
    s.wait_text("saved", "p.notice", "已保存").await;
    s.goto(&app.url("/report/2020/preview")).await;
    s.expect_text("the picked figure", "#report", "全年收到行政复议申请2")
        .await;
    s.goto(&app.url("/report/2020")).await;
    s.fill(
        "correct it",
        "#text-reconsideration",
        "全年收到行政复议申请{行政复议·收到申请数}件，直接纠错率{reconsideration.direct_correction_rate}。",
    )
    .await;
    s.click_and_wait("save again", "#save-reconsideration")
        .await;
    s.wait_text("saved", "p.notice", "已保存").await;

    // The preview states the figures (names and keys alike); one leads to its records.
    s.goto(&app.url("/report/2020/preview")).await;
    s.expect_text(
        "the staff text with its figures",
        "#report",
        "全年收到行政复议申请2件，直接纠错率50.00%。",
    )
    .await;
    s.click_and_wait(
        "follow the rate",
        "a.figure[data-key='reconsideration.direct_correction_rate']",
    )
    .await;
    s.expect_text("the rate's definition", "dl.facts", "直接纠错数 ÷ 结案数")
        .await;
    s.expect_text("the case behind it", "#records", "示复〔2020〕1号")
        .await;
    let listed = s.text("only that case", "#records tbody").await;
    assert!(!listed.contains("示复〔2020〕3号"), "{listed}");
    s.click_and_wait("open the case", "#records a").await;
    s.expect_text("the case page", "main", "示复〔2020〕1号")
        .await;

    let _ = s.client.close().await;
    app.db.finish().await;
}
