//! 法治政府建设年度报告: the editor of a year's report (sections, check, preview, downloads,
//! publication), the records behind each figure, and the published reports on the portal.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use kernel::Permission;
use kernel::figures::RecordRef;
use report::{Figure, Finding, Links, SectionDraft, render};
use serde::Deserialize;

use super::{Layout, Pager, render as page};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

/// Last year's report is the one being written.
fn default_year() -> i32 {
    kernel::time::china_today().year() - 1
}

fn year_of(text: &str) -> PageResult<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (1949..=9998).contains(y))
        .ok_or_else(|| WebError::invalid(format!("年份“{text}”无效")).into())
}

#[derive(Deserialize, Default)]
pub struct IndexQuery {
    year: Option<i32>,
}

/// `/report`: straight to the report being written (or the year asked for).
pub async fn index(Query(q): Query<IndexQuery>) -> Redirect {
    Redirect::to(&format!("/report/{}", q.year.unwrap_or_else(default_year)))
}

/// A section in the editor, with the text the textarea holds and any error of its last save.
pub struct SectionView {
    pub draft: SectionDraft,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "report/editor.html")]
struct EditorPage {
    layout: Layout,
    year: i32,
    org: String,
    deadline: String,
    published: Option<(String, String)>,
    findings: Vec<Finding>,
    sections: Vec<SectionView>,
    figures: Vec<Figure>,
    people: platform::People,
    can_write: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EditorQuery {
    ok: Option<String>,
}

/// What a failed save sends back to the editor: the section, the text as typed, the error.
struct Failed {
    section: String,
    text: String,
    error: String,
}

async fn editor_page(
    state: &AppState,
    session: &Session,
    year: i32,
    failed: Option<Failed>,
    error: Option<String>,
    ok: Option<&str>,
) -> PageResult<Response> {
    let actor = &session.0.actor;
    let drafts = state.report.sections(actor, year).await?;
    let (figures, findings) = state.report.review(actor, year).await?;
    let org = state.report.org_of(actor).await?;
    let published = state
        .report
        .published(org.id.as_str(), year)
        .await?
        .map(|p| (p.published_on, p.published_by));
    let people = state.platform.people().await?;
    let published = published.map(|(on, by)| (on, people.label(&by)));
    // The texts as officers read them: every figure by its Chinese name.
    let readable = |t: &str| report::template::readable(t, |k| figures.get(k).map(|f| f.label()));
    let sections = drafts
        .into_iter()
        .map(|d| {
            let failed_here = failed.as_ref().filter(|f| f.section == d.key);
            SectionView {
                text: match failed_here {
                    Some(f) => f.text.clone(),
                    None => readable(
                        d.saved
                            .as_ref()
                            .map(|s| s.body.as_str())
                            .unwrap_or(d.default_text),
                    ),
                },
                error: failed_here.map(|f| f.error.clone()),
                draft: d,
            }
        })
        .collect();
    let title = format!("{year}年法治政府建设年度报告");
    Ok(page(EditorPage {
        layout: Layout::staff(&session.0, &title, "report").with_notice(ok),
        year,
        deadline: report::deadline(year).to_string(),
        org: org.name,
        published,
        findings,
        sections,
        figures: figures.all().cloned().collect(),
        people,
        can_write: actor.can(Permission::WriteRecords),
        error,
    })?
    .into_response())
}

pub async fn editor(
    State(state): State<AppState>,
    session: Session,
    Path(year): Path<String>,
    Query(q): Query<EditorQuery>,
) -> PageResult<Response> {
    let year = year_of(&year)?;
    editor_page(&state, &session, year, None, None, q.ok.as_deref()).await
}

#[derive(Deserialize, Default)]
pub struct SectionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    reset: String,
}

pub async fn save_section(
    State(state): State<AppState>,
    session: Session,
    Path((year, section)): Path<(String, String)>,
    Form(form): Form<SectionForm>,
) -> PageResult<Response> {
    let year = year_of(&year)?;
    let text = if form.reset.is_empty() {
        form.text.as_str()
    } else {
        ""
    };
    match state
        .report
        .save_section(&session.0.actor, year, &section, text)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/report/{year}?ok=saved#section-{section}")).into_response())
        }
        Err(report::Error::Invalid(message)) => {
            let failed = Failed {
                section,
                text: form.text,
                error: message,
            };
            editor_page(&state, &session, year, Some(failed), None, None).await
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    on: String,
}

pub async fn publish(
    State(state): State<AppState>,
    session: Session,
    Path(year): Path<String>,
    Form(form): Form<PublishForm>,
) -> PageResult<Response> {
    let year = year_of(&year)?;
    let on = if form.on.trim().is_empty() {
        kernel::time::china_today()
    } else {
        kernel::time::parse_date(&form.on).map_err(WebError::invalid)?
    };
    match state.report.publish(&session.0.actor, year, on).await {
        Ok(_) => Ok(Redirect::to(&format!("/report/{year}?ok=published")).into_response()),
        Err(report::Error::Rule(message)) => {
            editor_page(&state, &session, year, None, Some(message), None).await
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "report/preview.html")]
struct PreviewPage {
    layout: Layout,
    year: i32,
    body: String,
}

pub async fn preview(
    State(state): State<AppState>,
    session: Session,
    Path(year): Path<String>,
) -> PageResult<impl IntoResponse> {
    let year = year_of(&year)?;
    let r = state
        .report
        .draft(&session.0.actor, year, kernel::time::china_today())
        .await?;
    page(PreviewPage {
        layout: Layout::staff(&session.0, &format!("预览：{}", r.title), "report"),
        year,
        body: render::html_body(&r, Links::To("")),
    })
}

fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `/report/{year}/download/{format}`: .docx, .html or .md of the report as it reads now.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path((year, format)): Path<(String, String)>,
) -> PageResult<Response> {
    let year = year_of(&year)?;
    let r = state
        .report
        .draft(&session.0.actor, year, kernel::time::china_today())
        .await?;
    Ok(match format.as_str() {
        "docx" => {
            let name = format!("{}.docx", r.title);
            let bytes = state.platform.heavy(move || render::to_docx(&r)).await?;
            attachment(
                &name,
                DOCX,
                bytes.map_err(|e| WebError::invalid(e.to_string()))?,
            )
        }
        "html" => attachment(
            &format!("{}.html", r.title),
            "text/html; charset=utf-8",
            render::to_html(&r, Links::To("")).into_bytes(),
        ),
        "md" => attachment(
            &format!("{}.md", r.title),
            "text/markdown; charset=utf-8",
            render::to_markdown(&r).into_bytes(),
        ),
        _ => return Err(WebError::not_found().into()),
    })
}

/// A record behind a figure, with the page it lives on.
pub struct RecordLine {
    pub record: RecordRef,
    pub href: Option<String>,
}

/// Where each kind of record is shown.
fn href(r: &RecordRef) -> Option<String> {
    match r.kind {
        "power_item" => Some(format!("/power/{}", r.id)),
        "power_adjustment" => Some(format!("/power/adjustments/{}", r.id)),
        "reconsideration_case" => Some(format!("/reconsideration/{}", r.id)),
        "mediation_dispute" => Some(format!("/mediation/{}", r.id)),
        "mediation_organization" | "mediator" => Some("/mediation/organizations".into()),
        "enforcement_case" => Some(format!("/enforcement/cases/{}", r.id)),
        "enforcement_body" | "enforcement_officer" => Some("/enforcement/bodies".into()),
        "enforcement_inspection" => Some("/enforcement/inspections".into()),
        _ => None,
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "power_item" => "权力事项",
        "power_adjustment" => "事项调整",
        "org" => "部门",
        "reconsideration_case" => "行政复议案件",
        "mediation_dispute" => "矛盾纠纷",
        "mediation_organization" => "调解组织",
        "mediator" => "人民调解员",
        "enforcement_case" => "行政处罚案件",
        "enforcement_body" => "行政执法主体",
        "enforcement_officer" => "执法人员",
        "enforcement_inspection" => "行政检查",
        _ => "记录",
    }
}

#[derive(Template)]
#[template(path = "report/figure.html")]
struct FigurePage {
    layout: Layout,
    year: i32,
    figure: Figure,
    rows: Vec<RecordLine>,
    kind: &'static str,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct FigureQuery {
    page: Option<u32>,
}

pub async fn figure(
    State(state): State<AppState>,
    session: Session,
    Path((year, key)): Path<(String, String)>,
    Query(q): Query<FigureQuery>,
) -> PageResult<impl IntoResponse> {
    let year = year_of(&year)?;
    let (figure, records) = state
        .report
        .records_behind(
            &session.0.actor,
            year,
            &key,
            platform::PageRequest::new(q.page, Some(50)),
        )
        .await?;
    let kind = records
        .items
        .first()
        .map(|r| kind_label(r.kind))
        .unwrap_or("记录");
    let pager = Pager::new(&records, String::new());
    page(FigurePage {
        layout: Layout::staff(
            &session.0,
            &format!("{year}年 {}：{}", figure.label(), figure.value.shown()),
            "report",
        ),
        year,
        kind,
        rows: records
            .items
            .into_iter()
            .map(|r| RecordLine {
                href: href(&r),
                record: r,
            })
            .collect(),
        figure,
        pager,
    })
}

pub mod public {
    //! 政务公开: the published reports and their .docx.

    use super::*;

    #[derive(Template)]
    #[template(path = "portal/baogao.html")]
    struct ListPage {
        title: String,
        reports: Vec<(String, i32, String, String)>,
    }

    pub async fn list(State(state): State<AppState>) -> PageResult<impl IntoResponse> {
        let reports = state
            .report
            .all_published()
            .await?
            .into_iter()
            .map(|p| (p.org_id, p.year, p.report.title, p.published_on))
            .collect();
        page(ListPage {
            title: "法治政府建设年度报告".into(),
            reports,
        })
    }

    #[derive(Template)]
    #[template(path = "portal/baogao_report.html")]
    struct ReportPage {
        title: String,
        org_id: String,
        year: i32,
        published_on: String,
        body: String,
    }

    async fn published(state: &AppState, org: &str, year: &str) -> PageResult<report::Published> {
        let year = year_of(year)?;
        state
            .report
            .published(org, year)
            .await?
            .ok_or_else(|| WebError::not_found().into())
    }

    pub async fn report(
        State(state): State<AppState>,
        Path((org, year)): Path<(String, String)>,
    ) -> PageResult<impl IntoResponse> {
        let p = published(&state, &org, &year).await?;
        page(ReportPage {
            title: p.report.title.clone(),
            body: render::html_body(&p.report, Links::None),
            org_id: p.org_id,
            year: p.year,
            published_on: p.published_on,
        })
    }

    pub async fn docx(
        State(state): State<AppState>,
        Path((org, year)): Path<(String, String)>,
    ) -> PageResult<Response> {
        let p = published(&state, &org, &year).await?;
        let bytes = state
            .report
            .published_docx(&org, p.year)
            .await?
            .ok_or_else(WebError::not_found)?;
        Ok(attachment(&format!("{}.docx", p.report.title), DOCX, bytes))
    }
}

/// The dashboard line: last year's report waits for publication.
pub async fn task(
    state: &AppState,
    actor: &platform::Actor,
    today: NaiveDate,
) -> PageResult<Option<super::dashboard::Task>> {
    Ok(state.report.due(actor, today).await?.map(|d| {
        let (title, detail) = if d.days_left > 0 {
            (
                format!("{}年法治政府建设年度报告待公开", d.year),
                format!(
                    "应于{}前向社会公开（还有{}天；督察工作规定第二十四条）",
                    d.deadline, d.days_left
                ),
            )
        } else {
            (
                format!("{}年法治政府建设年度报告已逾期未公开", d.year),
                format!("应于{}前向社会公开（督察工作规定第二十四条）", d.deadline),
            )
        };
        super::dashboard::Task::one("report", title, detail, format!("/report/{}", d.year))
    }))
}
