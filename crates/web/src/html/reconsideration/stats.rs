//! 行政复议 statistics: the year's figures, each beside its definition.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use kernel::Permission;
use reconsideration::{Definition, ReconsiderationStats};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::html::{Layout, render};
use crate::session::Session;

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    pub year: Option<i32>,
}

/// A figure with its definition.
pub struct Figure {
    pub key: &'static str,
    pub value: String,
    pub definition: String,
}

#[derive(Template)]
#[template(path = "reconsideration/stats.html")]
struct StatsPage {
    layout: Layout,
    year: i32,
    figures: Vec<Figure>,
    by_decision: Vec<(String, u64)>,
}

fn figures(s: &ReconsiderationStats, definitions: Vec<Definition>) -> Vec<Figure> {
    let value = serde_json::to_value(s).unwrap_or_default();
    definitions
        .into_iter()
        .filter(|d| !matches!(d.key, "by_decision_type" | "by_method"))
        .map(|d| {
            let v = &value[d.key];
            let shown = match v {
                serde_json::Value::Number(n) if d.key.ends_with("_rate") => format!("{n}%"),
                other => other.to_string(),
            };
            Figure {
                key: d.key,
                value: shown,
                definition: d.text,
            }
        })
        .collect()
}

pub async fn stats(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<impl IntoResponse> {
    use chrono::Datelike;
    state
        .platform
        .require(
            &session.0.actor,
            Permission::ReadRecords,
            "reconsideration_stats",
            "view",
        )
        .await?;
    let year = q.year.unwrap_or_else(|| kernel::time::china_today().year());
    // Within the reader's scope: a department sees the figures of the cases against it.
    let org = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => {
            let org = state.platform.org(root).await?;
            (org.parent_id.is_some() || !org.kind.is_government()).then_some(org)
        }
    };
    let s = state.reconsideration.stats(year, org.as_ref()).await?;
    let definitions = state.reconsideration.definitions().await?;
    render(StatsPage {
        layout: Layout::staff(
            &session.0,
            &format!("{year}年行政复议统计"),
            "reconsideration",
        ),
        year,
        by_decision: s
            .by_decision_type
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        figures: figures(&s, definitions),
    })
}
