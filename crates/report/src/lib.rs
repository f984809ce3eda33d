//! 法治政府建设年度报告: the annual report written from the modules' figures (asked of each module
//! through its public API), with the sections staff write, checked, published to the portal, and
//! every figure traceable to the records behind it. The door is [`Report`].

pub mod figures;
pub mod model;
pub mod render;
pub mod sections;
mod store;
pub mod template;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use db::{Changes, DbError, Event, Page, PageRequest};
use kernel::figures::RecordRef;
use kernel::{ErrorCode, Permission};
use platform::{Actor, Org, Platform, Scope};
use serde::Serialize;

pub use figures::{Figure, Figures, Module, ModuleFigures, Value, full_name, module_figures};
pub use model::{AnnualReport, Piece, Section};
pub use render::Links;
pub use sections::{Author, SECTIONS, SectionDef};
pub use store::SavedText;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Rule(String),
    #[error("未找到{0}")]
    NotFound(String),
    /// A key that names no figure (the records behind it asked for): why, in words.
    #[error("{0}")]
    UnknownFigure(String),
    #[error(transparent)]
    Platform(#[from] platform::Error),
    #[error(transparent)]
    Power(#[from] power::Error),
    #[error(transparent)]
    Reconsideration(#[from] reconsideration::Error),
    #[error(transparent)]
    Mediation(#[from] mediation::Error),
    #[error(transparent)]
    Enforcement(#[from] enforcement::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Rule(_) => ErrorCode::RuleViolation,
            Error::NotFound(_) | Error::UnknownFigure(_) => ErrorCode::NotFound,
            Error::Platform(e) => e.code(),
            Error::Power(e) => e.code(),
            Error::Reconsideration(e) => e.code(),
            Error::Mediation(e) => e.code(),
            Error::Enforcement(e) => e.code(),
            Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The day before which the report of `year` is published: 1 April of the next year
/// (法治政府建设与责任落实督察工作规定 第二十四条).
pub fn deadline(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 4, 1).unwrap_or_default()
}

/// What the check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The section's heading ("" for the whole report).
    pub section: String,
    pub section_key: String,
    /// Publication waits until this is mended.
    pub blocking: bool,
    pub message: String,
}

/// A section in the editor: its default text and what staff saved.
#[derive(Clone, Debug, Serialize)]
pub struct SectionDraft {
    pub key: &'static str,
    pub level: u8,
    pub heading: String,
    pub default_text: &'static str,
    pub saved: Option<SavedText>,
}

/// A published report.
#[derive(Clone, Debug, Serialize)]
pub struct Published {
    pub org_id: String,
    pub year: i32,
    pub published_on: String,
    pub published_by: String,
    pub report: AnnualReport,
}

/// Who signs the government's report.
pub const ISSUER: kernel::settings::SettingDef = kernel::settings::SettingDef {
    key: "report.issuer",
    label: "年度报告署名机关",
    help: "政府年度报告落款的全称，如 常州市新北区人民政府；留空则由机构树生成（上级政府名称 + 本级名称 + 人民政府）",
    default: "",
    kind: kernel::settings::SettingKind::Text,
    permission: kernel::Permission::ManageOrganisations,
};

/// The report's settings, for the settings page.
pub const SETTINGS: &[kernel::settings::SettingDef] = &[ISSUER];

/// The publication task of a year's report, for the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Due {
    pub year: i32,
    pub deadline: NaiveDate,
    /// Days until the deadline (negative once it has passed).
    pub days_left: i64,
    pub org: String,
}

/// The door to the annual report.
#[derive(Clone, Debug)]
pub struct Report {
    platform: Platform,
}

impl Report {
    pub fn new(platform: Platform) -> Report {
        Report { platform }
    }

    /// The organisation whose report the actor writes and reads: the top of their scope (the
    /// district for the 司法局, a department for its officers); the root of the tree for the
    /// command line.
    pub async fn org_of(&self, actor: &Actor) -> Result<Org> {
        match &actor.scope {
            Scope::Subtree { root, .. } => Ok(self.platform.org_for(actor, root).await?),
            Scope::Everything => self.root().await,
        }
    }

    async fn root(&self) -> Result<Org> {
        self.platform
            .directory()
            .await?
            .into_iter()
            .find(|o| o.parent_id.is_none())
            .ok_or_else(|| Error::NotFound("任何机构（请先导入机构）".into()))
    }

    /// The organisation named on the command line, or the root.
    pub async fn org_named(&self, name: Option<&str>) -> Result<Org> {
        match name {
            Some(n) => Ok(self.platform.resolve_org(n).await?),
            None => self.root().await,
        }
    }

    /// The figures of `year` for `org` (the root: the whole database).
    pub async fn figures(&self, year: i32, org: &Org) -> Result<Figures> {
        let within = org.parent_id.is_some().then_some(org);
        Figures::of_year(&self.platform, year, within).await
    }

    async fn texts(&self, org: &Org, year: i32) -> Result<Vec<SavedText>> {
        let mut conn = self.platform.db().conn().await?;
        Ok(store::texts(&mut conn, org.id.as_str(), year).await?)
    }

    /// The report of `year` for `org` as it reads now, dated `date`.
    pub async fn draft_for(&self, org: &Org, year: i32, date: NaiveDate) -> Result<AnnualReport> {
        check_year(year)?;
        let figures = self.figures(year, org).await?;
        self.draft_from(org, year, date, &figures).await
    }

    /// The report from figures already computed.
    async fn draft_from(
        &self,
        org: &Org,
        year: i32,
        date: NaiveDate,
        figures: &Figures,
    ) -> Result<AnnualReport> {
        let staff: HashMap<String, String> = self
            .texts(org, year)
            .await?
            .into_iter()
            .map(|t| (t.section, t.body))
            .collect();
        let mut report =
            AnnualReport::build(year, (org.id.as_str(), &org.name), date, figures, &staff);
        report.issuer = self.issuer(org).await?;
        Ok(report)
    }

    /// Who signs the report of `org`: the setting 署名机关 for the top government, otherwise the
    /// full name from the organisation tree (常州市 + 新北区 + 人民政府; 常州市新北区 + 司法局).
    async fn issuer(&self, org: &Org) -> Result<String> {
        let setting = db::settings::load(self.platform.db()).await?.value(&ISSUER);
        if org.parent_id.is_none() && !setting.trim().is_empty() {
            return Ok(setting.trim().to_string());
        }
        Ok(self.platform.full_name(org, true).await?)
    }

    /// The actor's report of `year` as it reads now: the published report, dated with its
    /// publication, when nothing changed since; otherwise a draft dated `date` and marked 草稿.
    pub async fn draft(&self, actor: &Actor, year: i32, date: NaiveDate) -> Result<AnnualReport> {
        let org = self.readable(actor, year).await?;
        let mut report = self.draft_for(&org, year, date).await?;
        report.draft = true;
        if let Some(p) = self.published(org.id.as_str(), year).await?
            && p.report.sections == report.sections
            && p.report.figures == report.figures
        {
            report.date = p.report.date;
            report.draft = false;
        }
        Ok(report)
    }

    async fn readable(&self, actor: &Actor, year: i32) -> Result<Org> {
        self.platform
            .require(actor, Permission::ReadRecords, "report", &year.to_string())
            .await?;
        self.org_of(actor).await
    }

    /// The sections as the editor shows them.
    pub async fn sections(&self, actor: &Actor, year: i32) -> Result<Vec<SectionDraft>> {
        let org = self.readable(actor, year).await?;
        let saved = self.texts(&org, year).await?;
        let next = (year + 1).to_string();
        Ok(SECTIONS
            .iter()
            .map(|d| SectionDraft {
                key: d.key,
                level: d.level,
                heading: d
                    .heading
                    .replace("{year}", &year.to_string())
                    .replace("{next_year}", &next),
                default_text: d.default_text,
                saved: saved.iter().find(|t| t.section == d.key).cloned(),
            })
            .collect())
    }

    /// Saves staff's text of a section (empty: back to the default text). Every `{key}` must
    /// name a figure of the year: an unknown key is refused here, with its line and why.
    pub async fn save_section(
        &self,
        actor: &Actor,
        year: i32,
        section: &str,
        text: &str,
    ) -> Result<()> {
        check_year(year)?;
        let id = format!("{year}/{section}");
        self.platform
            .require(actor, Permission::WriteRecords, "report_section", &id)
            .await?;
        let org = self.org_of(actor).await?;
        let def = sections::section(section)
            .ok_or_else(|| Error::NotFound(format!("报告章节“{section}”")))?;
        let text = text.replace("\r\n", "\n").trim().to_string();
        if !text.is_empty() {
            let figures = self.figures(year, &org).await?;
            validate(&text, &figures)?;
        }
        let who = actor.audit_name();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::save_text(
                        tx,
                        org.id.as_str(),
                        year,
                        def.key,
                        (!text.is_empty()).then_some(text.as_str()),
                        &who,
                    )
                    .await?;
                    tx.record(
                        Event::new(
                            "report_section",
                            &id,
                            if text.is_empty() { "reset" } else { "update" },
                        )
                        .org(Some(org.id.as_str()))
                        .changes(Changes::new().set("chars", text.chars().count().to_string())),
                    )
                    .await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(())
    }

    /// What the report of `year` still lacks.
    pub async fn check(&self, actor: &Actor, year: i32) -> Result<Vec<Finding>> {
        let org = self.readable(actor, year).await?;
        self.check_for(&org, year).await
    }

    pub async fn check_for(&self, org: &Org, year: i32) -> Result<Vec<Finding>> {
        Ok(self.review_for(org, year).await?.1)
    }

    /// The year's figures and what the check finds, computed once (the editor shows both).
    pub async fn review(&self, actor: &Actor, year: i32) -> Result<(Figures, Vec<Finding>)> {
        let org = self.readable(actor, year).await?;
        self.review_for(&org, year).await
    }

    async fn review_for(&self, org: &Org, year: i32) -> Result<(Figures, Vec<Finding>)> {
        check_year(year)?;
        let figures = self.figures(year, org).await?;
        let report = self
            .draft_from(org, year, kernel::time::china_today(), &figures)
            .await?;
        let findings = check(&report, &figures);
        Ok((figures, findings))
    }

    /// Publishes the report of `year` as it reads now, dated `on`: refused while the check finds
    /// something blocking. Publishing again replaces the published text.
    pub async fn publish(&self, actor: &Actor, year: i32, on: NaiveDate) -> Result<Published> {
        let id = year.to_string();
        self.platform
            .require(actor, Permission::WriteRecords, "report", &id)
            .await?;
        let org = self.org_of(actor).await?;
        check_year(year)?;
        let figures = self.figures(year, &org).await?;
        let report = self.draft_from(&org, year, on, &figures).await?;
        let blocking: Vec<String> = check(&report, &figures)
            .into_iter()
            .filter(|f| f.blocking)
            .map(|f| format!("{}：{}", f.section, f.message))
            .collect();
        if !blocking.is_empty() {
            return Err(Error::Rule(format!(
                "报告尚不能公开：{}",
                blocking.join("；")
            )));
        }
        let docx = render::to_docx(&report).map_err(|e| Error::Invalid(e.to_string()))?;
        let row = store::PublishedRow {
            org_id: org.id.to_string(),
            year,
            published_on: on.format("%Y-%m-%d").to_string(),
            published_by: actor.audit_name(),
            content: serde_json::to_string(&report).map_err(|e| Error::Invalid(e.to_string()))?,
        };
        let (written, figures) = (row.clone(), report.figures.len());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let row = written;
                    store::publish(tx, &row, &docx).await?;
                    tx.record(
                        Event::new("report", &id, "publish")
                            .org(Some(org.id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("published_on", &row.published_on)
                                    .set("figures", figures.to_string()),
                            ),
                    )
                    .await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(Published {
            org_id: row.org_id,
            year,
            published_on: row.published_on,
            published_by: row.published_by,
            report,
        })
    }

    /// A published report (public).
    pub async fn published(&self, org_id: &str, year: i32) -> Result<Option<Published>> {
        let mut conn = self.platform.db().conn().await?;
        store::published(&mut conn, org_id, year)
            .await?
            .map(read_published)
            .transpose()
    }

    /// Every published report, newest year first (public).
    pub async fn all_published(&self) -> Result<Vec<Published>> {
        let mut conn = self.platform.db().conn().await?;
        store::all_published(&mut conn)
            .await?
            .into_iter()
            .map(read_published)
            .collect()
    }

    /// The .docx of a published report (public).
    pub async fn published_docx(&self, org_id: &str, year: i32) -> Result<Option<Vec<u8>>> {
        let mut conn = self.platform.db().conn().await?;
        store::published_docx(&mut conn, org_id, year)
            .await?
            .map(|h| hex::decode(h).map_err(|e| Error::Invalid(e.to_string())))
            .transpose()
    }

    /// The publication of last year's report while it waits (from 1 January on), for the
    /// dashboard of those who write it.
    pub async fn due(&self, actor: &Actor, today: NaiveDate) -> Result<Option<Due>> {
        // Those who write a report: the 司法局 for the government, departments for their own;
        // a town officer's town reports through the district.
        if !actor.can(Permission::WriteRecords) || actor.role == Some(kernel::Role::TownOfficer) {
            return Ok(None);
        }
        let org = self.org_of(actor).await?;
        let year = today.year() - 1;
        let mut conn = self.platform.db().conn().await?;
        if store::is_published(&mut conn, org.id.as_str(), year).await? {
            return Ok(None);
        }
        let deadline = deadline(year);
        Ok(Some(Due {
            year,
            deadline,
            days_left: (deadline - today).num_days(),
            org: org.name,
        }))
    }

    /// The records behind the figure `key` (`reconsideration.direct_corrections`) of the
    /// actor's report, a page at a time: the module's own counting, one row per record.
    pub async fn records_behind(
        &self,
        actor: &Actor,
        year: i32,
        key: &str,
        page: PageRequest,
    ) -> Result<(Figure, Page<RecordRef>)> {
        let org = self.readable(actor, year).await?;
        check_year(year)?;
        let within = org.parent_id.is_some().then_some(&org);
        // The large figures are paged in SQL (a province's 1.5 million disputes): the figure is
        // then the count of its records, without computing the year's other figures.
        if let Some((module, rest)) = key
            .split_once('.')
            .and_then(|(m, r)| Some((Module::parse(m)?, r)))
        {
            let paged = match module {
                Module::Power => {
                    power::Power::new(self.platform.clone())
                        .records_page(year, within, rest, page.offset(), page.limit())
                        .await?
                }
                Module::Mediation => {
                    mediation::Mediation::new(self.platform.clone())
                        .records_page(year, within, rest, page.offset(), page.limit())
                        .await?
                }
                Module::Reconsideration | Module::Enforcement => None,
            };
            if let Some((items, total)) = paged {
                // A rate lists its numerator's records; its value needs the denominator too.
                let value = match (module, rest) {
                    (Module::Mediation, "success_rate") => {
                        let concluded = mediation::Mediation::new(self.platform.clone())
                            .records_page(year, within, "concluded", 0, 0)
                            .await?
                            .map(|(_, n)| n)
                            .unwrap_or(0);
                        Some(Value::Rate(kernel::figures::percent(total, concluded)))
                    }
                    (_, rest) if figures::is_rate(rest) || rest.ends_with("_yuan") => None,
                    _ => Some(Value::Count(total)),
                };
                if let Some(value) = value {
                    let figure = Figure {
                        key: key.to_string(),
                        name: figures::full_name(key),
                        value,
                        definition: figures::definition(module, rest),
                    };
                    return Ok((figure, Page::new(items, page, total as i64)));
                }
            }
        }
        // The other figures: their module's figures, and its statistics' own classification
        // collecting the key's records (a few thousand at most).
        let mut figures = figures::Figures::empty(year);
        let module = key.split_once('.').and_then(|(m, _)| Module::parse(m));
        match module {
            Some(m) => figures.add(m, &module_figures(&self.platform, m, year, within).await?),
            None => figures = self.figures(year, &org).await?,
        }
        let figure = figures
            .get(key)
            .cloned()
            .ok_or_else(|| Error::UnknownFigure(figures.why_unknown(key)))?;
        let (module, rest) = key
            .split_once('.')
            .and_then(|(m, r)| Some((Module::parse(m)?, r)))
            .ok_or_else(|| Error::UnknownFigure(figures.why_unknown(key)))?;
        let records = match module {
            Module::Power => {
                power::Power::new(self.platform.clone())
                    .records_behind(year, within, rest)
                    .await?
            }
            Module::Reconsideration => {
                reconsideration::Reconsideration::new(self.platform.clone())
                    .records_behind(year, within, rest)
                    .await?
            }
            Module::Mediation => {
                mediation::Mediation::new(self.platform.clone())
                    .records_behind(year, within, rest)
                    .await?
            }
            Module::Enforcement => {
                enforcement::Enforcement::new(self.platform.clone())
                    .records_behind(year, within, rest)
                    .await?
            }
        };
        let total = records.len() as i64;
        let items = records
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.limit() as usize)
            .collect();
        Ok((figure, Page::new(items, page, total)))
    }
}

fn check_year(year: i32) -> Result<()> {
    if (1949..=9998).contains(&year) {
        Ok(())
    } else {
        Err(Error::Invalid(format!("年份{year}无效")))
    }
}

fn read_published(row: store::PublishedRow) -> Result<Published> {
    Ok(Published {
        report: serde_json::from_str(&row.content)
            .map_err(|e| Error::Invalid(format!("已公开的报告无法读取：{e}")))?,
        org_id: row.org_id,
        year: row.year,
        published_on: row.published_on,
        published_by: row.published_by,
    })
}

/// Refuses a text whose braces are broken or whose keys name no figure of the year.
pub fn validate(text: &str, figures: &Figures) -> Result<()> {
    let keys = template::keys(text).map_err(|e| Error::Invalid(e.0))?;
    let unknown: Vec<String> = keys
        .into_iter()
        .filter(|(_, k)| !template::CONTEXT_KEYS.contains(k) && figures.get(k).is_none())
        .map(|(line, k)| format!("第{line}行{{{k}}}：{}", figures.why_unknown(k)))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "文中有无法识别的数据项：{}",
            unknown.join("；")
        )))
    }
}

/// What a report still lacks: staff sections still on their default text, module sections whose
/// staff text leaves out a figure they must state, modules without records for the year, and keys
/// that no longer name a figure.
pub fn check(report: &AnnualReport, figures: &Figures) -> Vec<Finding> {
    let mut out = Vec::new();
    for def in SECTIONS {
        let Some(section) = report.sections.iter().find(|s| s.key == def.key) else {
            continue;
        };
        let heading = if section.heading.is_empty() {
            "开头".to_string()
        } else {
            section.heading.clone()
        };
        let mut find = |blocking: bool, message: String| {
            out.push(Finding {
                section: heading.clone(),
                section_key: def.key.to_string(),
                blocking,
                message,
            })
        };
        if def.author == Author::Staff && !section.by_staff {
            find(true, "尚未填写（仍为系统生成的提示文字）".into());
        }
        let stated = report.keys_of(def.key);
        for key in def.required {
            if !stated.contains(key) {
                let definition = figures
                    .get(key)
                    .map(|f| f.definition.as_str())
                    .unwrap_or("");
                find(false, format!("未写明数据项{{{key}}}（{definition}）"));
            }
        }
        if let Some(module) = def.module
            && figures
                .get(module.headline())
                .is_none_or(|f| f.value.is_zero())
        {
            find(
                false,
                format!(
                    "{}没有{}年的记录（{{{}}}为0），请先导入或录入",
                    module.label(),
                    report.year,
                    module.headline()
                ),
            );
        }
        for piece in section.paragraphs.iter().flatten() {
            if let Piece::Unknown { key } = piece {
                find(true, format!("{{{key}}}：{}", figures.why_unknown(key)));
            }
        }
    }
    out
}
