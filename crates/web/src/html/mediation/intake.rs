//! The fast intake of a dispute: its facts, and its two parties with their facts (ID numbers
//! and phones sealed), written together.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mediation::{
    DisputeType, Mediator, MediatorId, NewDispute, OrganizationId, OrganizationView, Source,
};
use serde::Deserialize;

use super::super::power::form_date;
use super::super::{Choice, Layout, choices, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Form;
use crate::session::Session;

#[derive(Deserialize, Default, Clone)]
pub struct IntakeForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    received_on: String,
    #[serde(default, rename = "type")]
    dispute_type: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    mediator: String,
    #[serde(default)]
    parties: String,
    #[serde(default)]
    summary: String,
    /// Two parties with their facts (a dispute has two sides; more are added on its page).
    #[serde(default)]
    p1_name: String,
    #[serde(default)]
    p1_sex: String,
    #[serde(default)]
    p1_id: String,
    #[serde(default)]
    p1_address: String,
    #[serde(default)]
    p1_phone: String,
    #[serde(default)]
    p2_name: String,
    #[serde(default)]
    p2_sex: String,
    #[serde(default)]
    p2_id: String,
    #[serde(default)]
    p2_address: String,
    #[serde(default)]
    p2_phone: String,
}

impl IntakeForm {
    /// The two parties' fields as typed: number, label, and name, sex, ID, address, phone.
    fn party_fields(&self) -> [(&'static str, &'static str, [&str; 5]); 2] {
        [
            (
                "1",
                "当事人一",
                [
                    &self.p1_name,
                    &self.p1_sex,
                    &self.p1_id,
                    &self.p1_address,
                    &self.p1_phone,
                ],
            ),
            (
                "2",
                "当事人二",
                [
                    &self.p2_name,
                    &self.p2_sex,
                    &self.p2_id,
                    &self.p2_address,
                    &self.p2_phone,
                ],
            ),
        ]
    }

    fn party_records(&self) -> Vec<mediation::NewParty> {
        self.party_fields()
            .into_iter()
            .map(
                |(_, _, [name, sex, id, address, phone])| mediation::NewParty {
                    name: name.to_string(),
                    sex: mediation::model::Sex::parse(sex),
                    id_number: id.to_string(),
                    address: address.to_string(),
                    phone: phone.to_string(),
                },
            )
            .collect()
    }
}

#[derive(Template)]
#[template(path = "mediation/new.html")]
struct IntakePage {
    layout: Layout,
    form: IntakeForm,
    types: Vec<Choice>,
    sources: Vec<Choice>,
    organizations: Vec<Choice>,
    mediators: Vec<(String, String, String)>,
    party_rows: Vec<PartyRow>,
    error: Option<String>,
}

/// One party's fields on the intake form, as typed.
struct PartyRow {
    n: &'static str,
    label: &'static str,
    name: String,
    sex: String,
    id: String,
    address: String,
    phone: String,
}

async fn intake_page(
    state: &AppState,
    session: &Session,
    form: IntakeForm,
    error: Option<String>,
) -> PageResult<IntakePage> {
    let organizations: Vec<OrganizationView> =
        state.mediation.organizations(&session.0.actor).await?;
    let roster: Vec<Mediator> = state.mediation.roster(&session.0.actor).await?;
    Ok(IntakePage {
        layout: Layout::staff(&session.0, "登记矛盾纠纷", "mediation"),
        types: choices(
            DisputeType::ALL,
            DisputeType::code,
            DisputeType::label,
            &form.dispute_type,
        ),
        sources: choices(Source::ALL, Source::code, Source::label, &form.source),
        organizations: organizations
            .into_iter()
            .map(|o| Choice {
                selected: o.organization.id.as_str() == form.organization,
                value: o.organization.id.to_string(),
                label: format!("{}（{}）", o.organization.name, o.organization.town_name),
            })
            .collect(),
        mediators: roster
            .into_iter()
            .map(|m| (m.id.to_string(), m.name, m.organization_name))
            .collect(),
        party_rows: form
            .party_fields()
            .into_iter()
            .map(|(n, label, [name, sex, id, address, phone])| PartyRow {
                n,
                label,
                name: name.to_string(),
                sex: sex.to_string(),
                id: id.to_string(),
                address: address.to_string(),
                phone: phone.to_string(),
            })
            .collect(),
        form,
        error,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    let form = IntakeForm {
        received_on: kernel::time::china_today().to_string(),
        ..Default::default()
    };
    render(intake_page(&state, &session, form, None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<IntakeForm>,
) -> PageResult<Response> {
    let result = async {
        let new = NewDispute {
            number: form.number.clone(),
            received_on: form_date(&form.received_on, "受理日期")?,
            dispute_type: DisputeType::parse(&form.dispute_type)
                .ok_or_else(|| WebError::invalid("请选择纠纷类型"))?,
            source: Source::parse(&form.source)
                .ok_or_else(|| WebError::invalid("请选择纠纷来源"))?,
            organization_id: OrganizationId::from_stored(form.organization.clone()),
            mediator_id: (!form.mediator.is_empty())
                .then(|| MediatorId::from_stored(form.mediator.clone())),
            parties: form.parties.clone(),
            summary: form.summary.clone(),
            party_records: form.party_records(),
        };
        Ok::<_, WebError>(
            state
                .mediation
                .register_dispute(&session.0.actor, new)
                .await?,
        )
    }
    .await;
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/mediation/{}?ok=created", d.id)).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(intake_page(&state, &session, form, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
