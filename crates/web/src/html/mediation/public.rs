//! The public roster of people's mediators (phones masked) and the list of mediation rooms.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use mediation::{Mediator, Organization};

use crate::AppState;
use crate::error::PageResult;
use crate::html::{Layout, render};

#[derive(Template)]
#[template(path = "portal/tiaojie.html")]
struct RosterPage {
    layout: Layout,
    roster: Vec<Mediator>,
    organizations: Vec<Organization>,
}

pub async fn roster(State(state): State<AppState>) -> PageResult<impl IntoResponse> {
    let today = kernel::time::china_today();
    render(RosterPage {
        layout: Layout::portal("人民调解员名册与调解组织"),
        roster: state.mediation.public_roster(today).await?,
        organizations: state.mediation.public_organizations().await?,
    })
}
