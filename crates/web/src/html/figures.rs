//! A module's year figures as its statistics page shows them: each by its Chinese name, its
//! value (rates with two decimals) and its definition; the counts by category (`by_…`) each in
//! a table of their own. One call for 权责清单, 行政复议 and 人民调解 — the call `fazhi stats`
//! and the report make.

use platform::Org;
use report::{Figures, Module};

use crate::AppState;
use crate::error::WebError;

/// One figure on a statistics page.
pub struct FigureRow {
    /// The key, kept for the element's id and the link to the records behind it.
    pub key: String,
    pub name: String,
    pub value: String,
    pub definition: String,
}

/// The counts of one `by_…` map.
pub struct FigureMap {
    pub key: String,
    pub name: String,
    pub definition: String,
    pub rows: Vec<(String, String)>,
}

/// A chart of a statistics page: the figures it draws, for ECharts (see static/fazhi.js).
#[derive(Clone, Debug)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    /// {"type", "title", "labels", "values"} as JSON.
    pub spec: String,
}

impl ChartView {
    pub fn new(
        id: &str,
        kind: &str,
        title: &str,
        labels: Vec<String>,
        values: Vec<f64>,
    ) -> ChartView {
        ChartView {
            id: id.to_string(),
            title: title.to_string(),
            spec: serde_json::json!({
                "type": kind,
                "title": title,
                "labels": labels,
                "values": values,
            })
            .to_string(),
        }
    }

    /// The year by month (1月 … 12月).
    pub fn monthly(id: &str, title: &str, months: [u64; 12]) -> ChartView {
        ChartView::new(
            id,
            "line",
            title,
            (1..=12).map(|m| format!("{m}月")).collect(),
            months.iter().map(|n| *n as f64).collect(),
        )
    }
}

/// A module's figures of `year` for `org` (None: everything).
pub struct ModuleView {
    pub figures: Vec<FigureRow>,
    pub maps: Vec<FigureMap>,
    /// The year by month, and each count by category, as charts.
    pub charts: Vec<ChartView>,
}

pub async fn module_view(
    state: &AppState,
    module: Module,
    year: i32,
    org: Option<&Org>,
) -> Result<ModuleView, WebError> {
    let m = report::module_figures(&state.platform, module, year, org).await?;
    let mut figures = Figures::empty(year);
    figures.add(module, &m);
    let definition = |key: &str| {
        m.definitions
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    };
    let mut view = ModuleView {
        figures: Vec::new(),
        maps: Vec::new(),
        charts: Vec::new(),
    };
    let months = match module {
        Module::Reconsideration => Some((
            "收到申请数（按月）",
            state.reconsideration.monthly(year, org).await?,
        )),
        Module::Mediation => Some((
            "受理纠纷数（按月）",
            state.mediation.monthly(year, org).await?,
        )),
        Module::Enforcement => Some((
            "行政处罚决定数（按月）",
            state.enforcement.monthly(year, org).await?,
        )),
        Module::Power => None,
    };
    if let Some((title, months)) = months {
        view.charts
            .push(ChartView::monthly("monthly", title, months));
    }
    // In the module's own order (its definitions), maps after the plain figures.
    for (key, _) in &m.definitions {
        let full = format!("{}.{key}", module.code());
        if let Some(f) = figures.get(&full) {
            view.figures.push(FigureRow {
                key: key.clone(),
                name: report::figures::name(module, key),
                value: f.value.shown(),
                definition: f.definition.clone(),
            });
        } else {
            let prefix = format!("{full}.");
            let rows: Vec<(String, String)> = figures
                .all()
                .filter_map(|f| {
                    let word = f.key.strip_prefix(&prefix)?;
                    Some((word.to_string(), f.value.shown()))
                })
                .collect();
            let values: Vec<f64> = rows
                .iter()
                .map(|(_, v)| v.trim_end_matches('%').parse().unwrap_or(0.0))
                .collect();
            if values.iter().any(|v| *v > 0.0) {
                view.charts.push(ChartView::new(
                    key,
                    "bar",
                    &report::figures::name(module, key),
                    rows.iter().map(|(w, _)| w.clone()).collect(),
                    values,
                ));
            }
            view.maps.push(FigureMap {
                key: key.clone(),
                name: report::figures::name(module, key),
                definition: definition(key),
                rows,
            });
        }
    }
    Ok(view)
}

/// A statistics page's table as a workbook: 数据项, 数值, 统计口径 (counts by category one row
/// each, named 名称·类别).
const STATS_SHEET: ledger::Layout = ledger::Layout {
    kind: "stats",
    title: "统计",
    columns: &[
        ledger::Column::required("数据项", ""),
        ledger::Column::required("数值", ""),
        ledger::Column::required("统计口径", ""),
    ],
};

/// The workbook of a module's figures of `year` (built on a heavy-work thread).
pub async fn view_xlsx(state: &AppState, view: ModuleView) -> Result<Vec<u8>, WebError> {
    let mut rows: Vec<Vec<String>> = view
        .figures
        .into_iter()
        .map(|f| vec![f.name, f.value, f.definition])
        .collect();
    for m in view.maps {
        for (word, value) in m.rows {
            rows.push(vec![
                format!("{}·{word}", m.name),
                value,
                format!("{}：{word}", m.definition),
            ]);
        }
    }
    let bytes = state
        .platform
        .heavy(move || ledger::to_xlsx(&STATS_SHEET, &rows))
        .await?
        .map_err(platform::Error::from)?;
    Ok(bytes)
}

/// The organisation whose figures a reader sees: None (the whole database) for a reader of
/// everything or of the top government; otherwise the root of the reader's scope (a department
/// sees its own).
pub async fn reader_org(
    state: &AppState,
    actor: &platform::Actor,
) -> Result<Option<Org>, WebError> {
    Ok(match &actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => {
            let org = state.platform.org(root).await?;
            (org.parent_id.is_some() || !org.kind.is_government()).then_some(org)
        }
    })
}

/// A statistics page's table as a workbook to download, named `name`.
pub async fn xlsx_response(
    state: &AppState,
    view: ModuleView,
    name: &str,
) -> Result<axum::response::Response, WebError> {
    let bytes = view_xlsx(state, view).await?;
    Ok(super::orgs::xlsx_download(name, bytes))
}
