//! The demo district's 行政复议: the 2020 caseload of the 新北区 report (26 applications, all
//! concluded; 4 corrected directly; 7 withdrawn after mediation, settlement or the respondent's
//! own correction; 7 opinion letters), driven through the product's own services step by step,
//! and a few cases under the 2023 law since 2024 — simplified procedure, a hearing, deemed
//! acceptance, a refusal, a 确认无效 decision — with two still open so the dashboard has deadlines.
//! The figures come from these records, never from the figures themselves.

use chrono::{Days, NaiveDate};
use platform::{Actor, Platform};
use reconsideration::{
    DecisionType, DocumentKind, Method, NewCase, Procedure, Reconsideration, SimplifiedGround,
    StepKind, StepRequest, WithdrawalReason,
};

/// How a 2020 case ends.
#[derive(Clone, Copy)]
enum End {
    Decide(DecisionType),
    Withdraw(WithdrawalReason),
}

/// The 26 cases of 2020: (respondent, act, received (month, day), end, opinion letter, field
/// investigation).
type Case2020 = (&'static str, &'static str, (u32, u32), End, bool, bool);

const CASES_2020: &[Case2020] = &[
    (
        "市场监管局",
        "行政处罚",
        (1, 6),
        End::Decide(DecisionType::Uphold),
        true,
        true,
    ),
    (
        "公安分局",
        "行政处罚",
        (1, 20),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "自然资源和规划分局",
        "政府信息公开",
        (2, 24),
        End::Withdraw(WithdrawalReason::AfterMediation),
        false,
        false,
    ),
    (
        "人社局",
        "行政确认",
        (3, 2),
        End::Decide(DecisionType::SetAside),
        true,
        true,
    ),
    (
        "市场监管局",
        "行政处罚",
        (3, 16),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "住建局",
        "行政处罚",
        (3, 30),
        End::Withdraw(WithdrawalReason::AfterCorrection),
        false,
        true,
    ),
    (
        "公安分局",
        "行政处罚",
        (4, 13),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "城管局",
        "行政强制",
        (4, 27),
        End::Decide(DecisionType::Unlawful),
        true,
        true,
    ),
    (
        "生态环境局",
        "行政处罚",
        (5, 11),
        End::Withdraw(WithdrawalReason::AfterMediation),
        false,
        false,
    ),
    (
        "市场监管局",
        "行政处罚",
        (5, 25),
        End::Decide(DecisionType::Uphold),
        true,
        false,
    ),
    (
        "人社局",
        "行政确认",
        (6, 8),
        End::Decide(DecisionType::Dismiss),
        false,
        false,
    ),
    (
        "孟河镇",
        "行政不作为",
        (6, 22),
        End::Decide(DecisionType::Perform),
        true,
        true,
    ),
    (
        "公安分局",
        "行政处罚",
        (7, 6),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "综合行政执法局",
        "行政处罚",
        (7, 20),
        End::Withdraw(WithdrawalReason::AfterMediation),
        false,
        true,
    ),
    (
        "自然资源和规划分局",
        "政府信息公开",
        (8, 3),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "交通局",
        "行政处罚",
        (8, 17),
        End::Decide(DecisionType::Uphold),
        true,
        false,
    ),
    (
        "卫健局",
        "行政处罚",
        (8, 31),
        End::Withdraw(WithdrawalReason::AfterMediation),
        false,
        false,
    ),
    (
        "市场监管局",
        "行政处罚",
        (9, 7),
        End::Decide(DecisionType::SetAside),
        false,
        true,
    ),
    (
        "公安分局",
        "行政处罚",
        (9, 14),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "住建局",
        "行政确认",
        (9, 21),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "应急管理局",
        "行政处罚",
        (10, 12),
        End::Withdraw(WithdrawalReason::AfterCorrection),
        false,
        false,
    ),
    (
        "市场监管局",
        "行政处罚",
        (10, 19),
        End::Decide(DecisionType::Uphold),
        true,
        false,
    ),
    (
        "人社局",
        "行政确认",
        (10, 26),
        End::Decide(DecisionType::Dismiss),
        false,
        false,
    ),
    (
        "薛家镇",
        "政府信息公开",
        (11, 2),
        End::Withdraw(WithdrawalReason::AfterMediation),
        false,
        false,
    ),
    (
        "公安分局",
        "行政处罚",
        (11, 9),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
    (
        "城管局",
        "行政处罚",
        (11, 16),
        End::Decide(DecisionType::Uphold),
        false,
        false,
    ),
];

const APPLICANTS: &[&str] = &[
    "王建国",
    "李秀英",
    "张伟",
    "刘芳",
    "陈明",
    "杨丽",
    "黄志强",
    "赵敏",
    "周杰",
    "吴静",
    "徐磊",
    "孙娟",
    "马超",
    "朱红",
    "胡斌",
    "郭燕",
    "何勇",
    "林霞",
    "高峰",
    "罗琳",
    "常州某某机械有限公司",
    "郑涛",
    "梁慧",
    "谢军",
    "宋洁",
    "唐亮",
    "韩雪",
    "冯刚",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

fn after(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("a date in range")
}

fn step(kind: StepKind, on: NaiveDate) -> StepRequest {
    StepRequest::new(kind, on)
}

struct Driver<'a> {
    r: &'a Reconsideration,
    staff: &'a Actor,
}

impl Driver<'_> {
    async fn register(
        &self,
        number: &str,
        applicant: &str,
        respondent: &str,
        act: &str,
        received: NaiveDate,
    ) -> Result<String, String> {
        let new = NewCase {
            number: number.into(),
            applicant: applicant.into(),
            respondent: respondent.into(),
            act_category: act.into(),
            act_description: format!("{respondent}作出的{act}"),
            request: format!("请求撤销该{act}"),
            received_on: Some(received),
            ..Default::default()
        };
        let case = self
            .r
            .register(self.staff, new)
            .await
            .map_err(|e| e.to_string())?;
        Ok(case.id.to_string())
    }

    async fn step(&self, id: &str, req: StepRequest) -> Result<(), String> {
        let what = req.kind.label();
        self.r
            .record_step(self.staff, id, req)
            .await
            .map(|_| ())
            .map_err(|e| format!("{what}：{e}"))
    }
}

/// Loads the demo cases; `password` opens the 司法局 account whose hands they are in.
pub async fn load(platform: &Platform, password: &str) -> Result<String, String> {
    let r = Reconsideration::new(platform.clone());
    let staff = super::power::login(platform, "sfj", password).await?;
    let d = Driver {
        r: &r,
        staff: &staff,
    };
    for (i, (respondent, act, (m, dd), end, opinion, field)) in CASES_2020.iter().enumerate() {
        let received = day(2020, *m, *dd);
        let id = d
            .register(
                &format!("新复〔2020〕{}号", i + 1),
                APPLICANTS[i],
                respondent,
                act,
                received,
            )
            .await?;
        // Every fifth application was incomplete: a 补正 notice, materials two days later.
        let mut accept_on = after(received, 2);
        if i % 5 == 4 {
            d.step(
                &id,
                step(StepKind::CorrectionNotice, after(received, 1))
                    .text("行政处罚决定书复印件及身份证明"),
            )
            .await?;
            d.step(&id, step(StepKind::Corrected, after(received, 3)))
                .await?;
            accept_on = after(received, 4);
        }
        d.step(&id, step(StepKind::Accept, accept_on)).await?;
        d.step(&id, step(StepKind::CopySent, after(accept_on, 2)))
            .await?;
        d.step(
            &id,
            step(StepKind::Reply, after(accept_on, 9)).text("被申请人提交书面答复及证据材料"),
        )
        .await?;
        if *field {
            let mut inv = step(StepKind::Investigation, after(accept_on, 15)).text("赴现场核实");
            inv.staff = vec![
                "行政复议与应诉科 陈某".into(),
                "行政复议与应诉科 李某".into(),
            ];
            d.step(&id, inv).await?;
        }
        // One case was suspended for ten days while a question of law was answered.
        if i == 7 {
            d.step(
                &id,
                step(StepKind::Suspend, after(accept_on, 20))
                    .text("案件涉及法律适用问题，需要有权机关作出解释"),
            )
            .await?;
            d.step(&id, step(StepKind::Resume, after(accept_on, 30)))
                .await?;
        }
        // A withdrawal follows talks between the parties.
        if matches!(end, End::Withdraw(_)) {
            d.step(
                &id,
                step(StepKind::Mediation, after(accept_on, 35)).text("组织双方协商"),
            )
            .await?;
        }
        // One needed more time: an approved extension.
        if i == 11 {
            let mut ext =
                step(StepKind::Extend, after(accept_on, 50)).text("案情复杂，需进一步调查");
            ext.days = Some(30);
            ext.approved_by = "区政府分管副区长".into();
            d.step(&id, ext).await?;
        }
        let concluded = after(accept_on, if i == 11 { 70 } else { 40 });
        let mut end_step = step(StepKind::Conclude, concluded);
        match end {
            End::Decide(t) => {
                end_step.method = Some(Method::Decision);
                end_step.decision_type = Some(*t);
                end_step.text = "经审理查明的事实见决定书".into();
            }
            End::Withdraw(reason) => {
                end_step.method = Some(Method::Withdrawal);
                end_step.withdrawal_reason = Some(*reason);
                end_step.text = "申请人书面申请撤回，经审查同意".into();
            }
        }
        d.step(&id, end_step).await?;
        // What follows the conclusion, in date order: the letters, publication, the report on
        // the opinion letter.
        if *opinion {
            let mut letter =
                step(StepKind::OpinionLetter, after(concluded, 3)).text("执法程序不规范");
            letter.number = format!("新复意〔2020〕{}号", i + 1);
            d.step(&id, letter).await?;
        }
        if i == 0 {
            let mut rec = step(StepKind::RecommendationLetter, after(concluded, 5))
                .text("规范行政处罚自由裁量");
            rec.number = "新复建〔2020〕1号".into();
            d.step(&id, rec).await?;
        }
        if matches!(end, End::Decide(_)) {
            d.step(&id, step(StepKind::Publish, after(concluded, 7)))
                .await?;
        }
        if *opinion {
            d.step(
                &id,
                step(StepKind::OpinionReport, after(concluded, 40)).text("已整改并报送落实情况"),
            )
            .await?;
        }
        if i == 3 {
            for kind in [
                DocumentKind::AcceptanceNotice,
                DocumentKind::ReplyNotice,
                DocumentKind::Decision,
            ] {
                r.generate_document(&staff, &id, kind)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }

    // Under the 2023 law.
    let id = d
        .register(
            "新复〔2024〕1号",
            "冯刚",
            "公安分局",
            "行政处罚",
            day(2024, 3, 4),
        )
        .await?;
    let mut simple = step(StepKind::Accept, day(2024, 3, 6));
    simple.procedure = Some(Procedure::Simplified);
    simple.ground = Some(SimplifiedGround::Warning);
    d.step(&id, simple).await?;
    d.step(&id, step(StepKind::CopySent, day(2024, 3, 7)))
        .await?;
    d.step(
        &id,
        step(StepKind::Reply, day(2024, 3, 13)).text("被申请人认为警告适当"),
    )
    .await?;
    let mut decide = step(StepKind::Conclude, day(2024, 3, 28)).text("事实清楚，程序合法");
    decide.method = Some(Method::Decision);
    decide.decision_type = Some(DecisionType::Uphold);
    d.step(&id, decide).await?;

    let id = d
        .register(
            "新复〔2024〕2号",
            "韩雪",
            "自然资源和规划分局",
            "行政征收",
            day(2024, 5, 6),
        )
        .await?;
    d.step(&id, step(StepKind::Accept, day(2024, 5, 8))).await?;
    d.step(&id, step(StepKind::CopySent, day(2024, 5, 9)))
        .await?;
    let mut notice =
        step(StepKind::HearingNotice, day(2024, 5, 20)).text("区司法局听证室；补偿标准的适用");
    notice.date = Some(day(2024, 5, 29));
    d.step(&id, notice).await?;
    d.step(
        &id,
        step(StepKind::Hearing, day(2024, 5, 29)).text("双方到场陈述意见"),
    )
    .await?;
    d.step(
        &id,
        step(StepKind::Committee, day(2024, 6, 5)).text("委员会建议确认无效"),
    )
    .await?;
    let mut void =
        step(StepKind::Conclude, day(2024, 6, 20)).text("被申请人不具有作出该行为的法定职权");
    void.method = Some(Method::Decision);
    void.decision_type = Some(DecisionType::Void);
    d.step(&id, void).await?;
    d.step(&id, step(StepKind::Publish, day(2024, 6, 25)))
        .await?;

    let id = d
        .register(
            "新复〔2025〕1号",
            "唐亮",
            "市场监管局",
            "行政处罚",
            day(2025, 4, 7),
        )
        .await?;
    d.step(
        &id,
        step(StepKind::NotAccept, day(2025, 4, 10)).text("申请超过法定申请期限且无正当理由"),
    )
    .await?;

    // A case accepted late counts as accepted when the review period ended (第三十条).
    let id = d
        .register(
            "新复〔2025〕2号",
            "谢军",
            "城管局",
            "行政强制",
            day(2025, 9, 1),
        )
        .await?;
    d.step(&id, step(StepKind::Accept, day(2025, 9, 15)))
        .await?;
    d.step(&id, step(StepKind::CopySent, day(2025, 9, 16)))
        .await?;
    let mut withdraw =
        step(StepKind::Conclude, day(2025, 10, 20)).text("被申请人已自行撤销强制措施");
    withdraw.method = Some(Method::Withdrawal);
    withdraw.withdrawal_reason = Some(WithdrawalReason::AfterCorrection);
    d.step(&id, withdraw).await?;

    // Two open cases, so that the dashboard has a deadline coming and one passed.
    let today = kernel::time::china_today();
    let mut open = 0;
    for (number, applicant, accepted_days_ago) in [
        ("新复〔2026〕8号", "梁慧", 58_u64),
        ("新复〔2026〕9号", "郑涛", 70),
    ] {
        let received = today.checked_sub_days(Days::new(accepted_days_ago + 2));
        let Some(received) = received else { continue };
        let id = d
            .register(number, applicant, "住建局", "行政处罚", received)
            .await?;
        // A year the calendar does not know yet leaves the case waiting for acceptance.
        if d.step(&id, step(StepKind::Accept, after(received, 2)))
            .await
            .is_ok()
        {
            open += 1;
        }
    }
    let s = r.stats(2020, None).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "行政复议：2020年收到{}件、审结{}件，直接纠错{}件（{:.2}%），综合纠错{}件（{:.2}%）；2024年以来按2023年行政复议法办理4件，在办{open}件",
        s.received,
        s.concluded,
        s.direct_corrections,
        s.direct_correction_rate,
        s.comprehensive_corrections,
        s.comprehensive_correction_rate
    ))
}
