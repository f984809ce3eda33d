//! The demo district's 2020 法治政府建设年度报告: the sections only staff can write, saved by the
//! 司法局's legal-affairs officer through the report's own editor path, then published. The
//! figures in them are `{key}`s, filled from the records like every other figure.

use platform::Platform;
use report::Report;

const FIRST_RESPONSIBLE: &str = "区委、区政府主要负责同志切实履行推进法治建设第一责任人职责，全年召开区政府常务会议专题研究法治政府建设工作，将法治政府建设纳入全区高质量发展综合考核。
区政府主要负责同志带头尊法学法守法用法，组织区政府常务会议会前学法，并在年终述职中专项述法。
各部门、各镇（街道）主要负责人逐级签订法治建设责任书，压紧压实法治建设责任。";

const PROBLEMS: &str = "对照法治政府建设要求，{org}法治政府建设仍存在一些不足：
一是权责清单与法规库的衔接有待加强，年末{power.pending_delegations}项拟下放事项尚待上级核准，基层承接能力仍需提升。
二是行政复议案件中直接纠错{reconsideration.direct_corrections}件，反映出部分行政机关依法行政水平仍有差距。
三是基层人民调解员专业化程度不高，{mediation.mediators}名调解员中专职调解员{mediation.mediators_full_time}名。
原因主要是部分单位对法治政府建设重视程度不够，基层法治工作力量相对薄弱。";

const PLAN: &str = "{next_year}年，{org}将重点做好以下工作：
一是深化权责清单动态管理，做好拟下放事项的核准与承接评估。
二是发挥行政复议化解行政争议主渠道作用，加强对被申请人纠错情况的跟踪。
三是推进矛盾纠纷多元化解，提高专职人民调解员比例，推动更多调解协议经司法确认。";

/// Writes the staff sections of the 2020 report as the 司法局's officer and publishes it.
pub async fn load(platform: &Platform, password: &str) -> Result<String, String> {
    let staff = super::power::login(platform, "sfj", password).await?;
    // The district's tree begins at 新北区; the report is signed with the government's full name.
    platform
        .update_setting_in(
            &platform::Actor::cli("demo"),
            report::SETTINGS,
            "report.issuer",
            "常州市新北区人民政府",
        )
        .await
        .map_err(|e| e.to_string())?;
    let report = Report::new(platform.clone());
    for (section, text) in [
        ("first_responsible", FIRST_RESPONSIBLE),
        ("problems", PROBLEMS),
        ("plan", PLAN),
    ] {
        report
            .save_section(&staff, 2020, section, text)
            .await
            .map_err(|e| e.to_string())?;
    }
    let on = chrono::NaiveDate::from_ymd_opt(2021, 3, 26).unwrap_or_default();
    let published = report
        .publish(&staff, 2020, on)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "年度报告：{}（{}个数据项，{}公开）",
        published.report.title,
        published.report.figures.len(),
        published.published_on
    ))
}
