//! Individual Calculations 3.0, as the seed documentation of 2022 describes it: list,
//! trigger (`finalDeclaration=true` for a calculation to declare with), retrieve, and
//! submit a final declaration.
//!
//! The order is HMRC's: a body declared as JSON must be JSON (these endpoints take none);
//! the NINO pre-check and the client check; the parameters in levels; in the sandbox the
//! `Gov-Test-Scenario` header; then the business rules on stored state, answered with
//! the seed era's statuses (403 for the rule errors it lists, 400 for the others).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use itsa_engine::TaxYear;
use itsa_hmrc::v1::scenario::Scenario;
use itsa_hmrc::v3::requests;
use itsa_hmrc::v3::scenario::{Endpoint, rule_error, scenario_header};
use itsa_hmrc::views::v3::{
    ListItemV3, calculation_v3, inputs_v3, list_v3, metadata_v3, retrieve_response_v3, trigger_response_v3,
};
use itsa_hmrc::{ApiError, CalculationId, CalculationType, Era, ErrorCode, MetadataInput, Nino, messages_v8};
use itsa_store::Uuid;
use serde_json::json;

use crate::auth::Principal;
use crate::reply::Reply;
use crate::routes::{ApiRoutes, Segments};
use crate::service::{Calculations, Rule, ServiceError, Submission, TriggerKind, tax_year_on};
use crate::stored::{calculation_id, calculation_timestamp, declared_at, effective_type, requested_by, total_due};
use crate::v1::{internal, no_malformed_json, scenario_answer};
use crate::{AppState, CorrelationId, TestScenario, examples, render, subject};

const SELF_ASSESSMENT: &str = "/individuals/calculations/{nino}/self-assessment";

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .get(SELF_ASSESSMENT, list)
        .post(&format!("{SELF_ASSESSMENT}/{{tax_year}}"), trigger)
        .get(&format!("{SELF_ASSESSMENT}/{{tax_year}}/{{calculation_id}}"), retrieve)
        .post(&format!("{SELF_ASSESSMENT}/{{tax_year}}/{{calculation_id}}/final-declaration"), submit)
}

fn scenario(state: &AppState, endpoint: Endpoint, test: &TestScenario) -> Scenario {
    scenario_header(endpoint, test.value(state))
}

/// A business rule's answer on `endpoint` in 3.0. A final declaration asked for before
/// the year has ended is `RULE_TAX_YEAR_NOT_ENDED`, 3.0's code for it.
fn service_error(error: ServiceError, endpoint: Endpoint) -> Reply {
    let rule = match error {
        ServiceError::Rule(rule) => rule,
        ServiceError::Store(e) => return internal(e, Era::V3),
        ServiceError::CalculationFailed(why) => return internal(why, Era::V3),
    };
    let code = match rule {
        Rule::PrematureFinalisation => ErrorCode::RULE_TAX_YEAR_NOT_ENDED,
        other => ErrorCode::from_code(other.code()).unwrap_or(ErrorCode::INTERNAL_SERVER_ERROR),
    };
    rule_error(endpoint, code).into()
}

fn not_found() -> Reply {
    ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::V3).into()
}

async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino]): Segments<1>,
    Query(query): Query<Vec<(String, String)>>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::V3) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let tax_year = query.iter().find(|(k, _)| k == "taxYear").map(|(_, v)| v.as_str());
    let year = match requests::list(tax_year, tax_year_on(state.clock.now().await)) {
        Ok(r) => r.tax_year,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::List, &test) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V3),
    }
    let views = match Calculations::of(&state).list(nino.as_str(), year, None).await {
        Ok(v) => v,
        Err(e) => return service_error(e, Endpoint::List),
    };
    let items: Vec<ListItemV3> = views.iter().filter_map(|view| list_item(view, year)).collect();
    if items.is_empty() {
        return not_found();
    }
    Reply::json(StatusCode::OK, list_v3(&nino, year, &items))
}

/// A calculation as the list shows it; `None` for an amendment (3.0 has none).
fn list_item(view: &itsa_store::CalculationSummary, year: TaxYear) -> Option<ListItemV3> {
    let kind = CalculationType::parse(effective_type(view))?;
    itsa_hmrc::views::v3::v3_calculation_type(kind)?;
    Some(ListItemV3 {
        calculation_id: calculation_id(view.id)?,
        tax_year: year,
        calculation_timestamp: calculation_timestamp(view),
        calculation_type: kind,
        requested_by: requested_by(&view.requested_by).as_str(),
        total_income_tax_and_nics_due: total_due(view).unwrap_or(itsa_engine::Money::ZERO),
        finalisation_timestamp: declared_at(view),
    })
}

async fn trigger(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Extension(correlation): Extension<CorrelationId>,
    Segments([nino, tax_year]): Segments<2>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    if let Err(reply) = no_malformed_json(&headers, &body, Era::V3) {
        return reply;
    }
    let nino = match subject(&principal, &nino, Era::V3) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let final_declaration = query.iter().find(|(k, _)| k == "finalDeclaration").map(|(_, v)| v.as_str());
    let request = match requests::trigger(&tax_year, final_declaration) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Trigger, &TestScenario::from_headers(&headers)) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V3),
    }
    let kind = if request.final_declaration { TriggerKind::IntentToFinalise } else { TriggerKind::InYear };
    let triggered = Calculations::of(&state)
        .trigger(nino.as_str(), request.tax_year, kind, principal.requested_by(), correlation.as_str())
        .await;
    match triggered.map(calculation_id) {
        Ok(Some(id)) => Reply::json(StatusCode::ACCEPTED, trigger_response_v3(&nino, request.tax_year, &id)),
        Ok(None) => internal("a stored id is not a calculation id", Era::V3),
        Err(e) => service_error(e, Endpoint::Trigger),
    }
}

async fn retrieve(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year, calculation_id]): Segments<3>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::V3) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::retrieve(&tax_year, &calculation_id) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Retrieve, &test) {
        Scenario::Stateful => {}
        Scenario::Canned(name) => {
            return canned_retrieve(&state, &nino, request.tax_year, &request.calculation_id, name).await;
        }
        other => return scenario_answer(other, Era::V3),
    }
    let Ok(id) = Uuid::parse_str(request.calculation_id.as_str()) else {
        return not_found();
    };
    let view = match Calculations::of(&state).get(nino.as_str(), request.tax_year, id).await {
        Ok(v) => v,
        Err(e) => return service_error(e, Endpoint::Retrieve),
    };
    let Some(kind) = CalculationType::parse(effective_type(&view)) else {
        return not_found();
    };
    let mut metadata = MetadataInput::new(
        request.calculation_id.clone(),
        request.tax_year,
        kind,
        crate::clock::from_millis(view.requested_at),
    );
    metadata.requested_by = requested_by(&view.requested_by);
    metadata.calculation_timestamp = calculation_timestamp(&view);
    metadata.finalisation_timestamp = declared_at(&view);
    let Some(metadata) = metadata_v3(&metadata) else {
        return not_found();
    };
    let document = match Calculations::of(&state).document(&view, "v3").await {
        Ok(d) => d,
        Err(e) => return service_error(e, Endpoint::Retrieve),
    };
    let part = &document["v3"];
    let optional = |key: &str| part.get(key).cloned();
    let inputs = optional("inputs").unwrap_or_else(|| json!({}));
    Reply::json(
        StatusCode::OK,
        retrieve_response_v3(&nino, metadata, inputs, optional("calculation"), optional("messages")),
    )
}

/// A sandbox answer: one of the seven examples (the engine's in-year calculation of that
/// taxpayer for the tax year asked), or `ERROR_MESSAGES_EXIST` (a calculation that ended
/// in an error message and has no figures).
async fn canned_retrieve(state: &AppState, nino: &Nino, year: TaxYear, id: &CalculationId, name: &str) -> Reply {
    let now = state.clock.now().await;
    let metadata = metadata_v3(&MetadataInput::new(id.clone(), year, CalculationType::InYear, now)).expect("in-year");
    if name == "ERROR_MESSAGES_EXIST" {
        let messages = json!({"errors": [{"id": render::ENGINE_ERROR_MESSAGE_ID, "text": render::CANNED_ERROR_TEXT}]});
        let inputs = itsa_hmrc::views::v3::failed_inputs_v3(nino.as_str());
        return Reply::json(StatusCode::OK, retrieve_response_v3(nino, metadata, inputs, None, Some(messages)));
    }
    let Some((inputs, calculation)) = examples::example_calculation(name, year) else {
        return internal(format!("no example {name} for {year}"), Era::V3);
    };
    let body = retrieve_response_v3(
        nino,
        metadata,
        inputs_v3(&inputs, nino, now),
        Some(calculation_v3(&calculation)),
        messages_v8(&calculation.messages),
    );
    Reply::json(StatusCode::OK, body)
}

async fn submit(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year, calculation_id]): Segments<3>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    if let Err(reply) = no_malformed_json(&headers, &body, Era::V3) {
        return reply;
    }
    let nino = match subject(&principal, &nino, Era::V3) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::submit(&tax_year, &calculation_id) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Submit, &TestScenario::from_headers(&headers)) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V3),
    }
    let Ok(id) = Uuid::parse_str(request.calculation_id.as_str()) else {
        return not_found();
    };
    match Calculations::of(&state).submit(nino.as_str(), request.tax_year, id, Submission::FinalDeclaration).await {
        Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
        Err(e) => service_error(e, Endpoint::Submit),
    }
}
