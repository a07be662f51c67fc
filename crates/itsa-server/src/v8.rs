//! Individual Calculations 8.0 and 9.0: list, trigger, retrieve and submit.
//!
//! Each handler follows HMRC's order: the NINO pre-check and client check (no correlation
//! id), then all parameter errors together (merged and sorted by code), then in the
//! sandbox the `Gov-Test-Scenario` header, then the business rules on stored state.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use itsa_engine::TaxYear;
use itsa_hmrc::v8::scenario::scenario_header;
use itsa_hmrc::v8::{Endpoint, Scenario, requests};
use itsa_hmrc::{
    ApiError, CalculationId, CalculationOutcome, CalculationTrigger, CalculationType, Era, ErrorCode, ListItem,
    ListVariant, MetadataInput, Nino, SchemaVariant,
};
use itsa_store::{CalculationRecord, CalculationSummary, Uuid};
use serde_json::{Value, json};
use std::collections::HashMap;

use crate::auth::Principal;
use crate::clock::from_millis;
use crate::examples;
use crate::reply::Reply;
use crate::routes::{ApiRoutes, Segments};
use crate::service::{Calculations, Rule, ServiceError, Submission, TriggerKind};
use crate::stored::{calculation_id, calculation_timestamp, declared_at, effective_type, requested_by, total_due};
use crate::versions::ApiVersion;
use crate::{AppState, CorrelationId, TestScenario, render, subject};

const BASE: &str = "/individuals/calculations/{nino}/self-assessment/{tax_year}";

/// The four routes; 8.0 and 9.0 behave alike (9.0 differs only in HMRC's newer schemas,
/// which itsa's views already satisfy).
pub fn routes(_version: ApiVersion) -> ApiRoutes {
    ApiRoutes::new()
        .get(BASE, list)
        .post(&format!("{BASE}/trigger/{{calculation_type}}"), trigger)
        .get(&format!("{BASE}/{{calculation_id}}"), retrieve)
        .post(&format!("{BASE}/{{calculation_id}}/{{calculation_type}}"), submit)
}

/// The name of the v8/v9 retrieve body in the per-node cache.
const CACHE_VIEW: &str = "v8";

/// The scenario asked for, in the sandbox; production ignores the header.
fn scenario(state: &AppState, endpoint: Endpoint, test: &TestScenario) -> Scenario {
    scenario_header(endpoint, test.value(state).map(str::as_bytes))
}

fn service_error(error: ServiceError) -> Reply {
    match error {
        ServiceError::Rule(Rule::NotFound) => {
            ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current).into()
        }
        ServiceError::Rule(rule) => ErrorCode::from_code(rule.code())
            .map(|code| ApiError::new(code, Era::Current))
            .unwrap_or_else(|| ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current))
            .into(),
        ServiceError::Store(e) => {
            tracing::error!(error = %e, "store error");
            ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into()
        }
        ServiceError::CalculationFailed(why) => {
            tracing::error!(error = %why, "calculation failed");
            ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into()
        }
    }
}

async fn trigger(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Extension(correlation): Extension<CorrelationId>,
    Segments([nino, tax_year, calculation_type]): Segments<3>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::Current) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::trigger(&tax_year, &calculation_type) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Trigger, &test) {
        Scenario::Stateful => {}
        other => return other.error().unwrap_or_else(itsa_hmrc::v8::scenario::unknown_scenario).into(),
    }
    let kind = match request.calculation_type() {
        CalculationType::IntentToFinalise => TriggerKind::IntentToFinalise,
        CalculationType::IntentToAmend => TriggerKind::IntentToAmend,
        _ => TriggerKind::InYear,
    };
    match Calculations::of(&state)
        .trigger(nino.as_str(), request.tax_year(), kind, principal.requested_by(), correlation.as_str())
        .await
    {
        Ok(id) => Reply::json(StatusCode::ACCEPTED, json!({"calculationId": id.to_string()})),
        Err(e) => service_error(e),
    }
}

async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    Query(query): Query<HashMap<String, String>>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::Current) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::list(&tax_year, query.get("calculationType").map(String::as_str)) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    let year = request.tax_year();
    match scenario(&state, Endpoint::List, &test) {
        Scenario::Stateful => {}
        Scenario::Dynamic => return Reply::json(StatusCode::OK, dynamic_list(&state, year, &principal).await),
        other => return other.error().unwrap_or_else(itsa_hmrc::v8::scenario::unknown_scenario).into(),
    }
    let filter = request.calculation_type().map(CalculationType::as_str);
    let views = match Calculations::of(&state).list(nino.as_str(), year, filter).await {
        Ok(v) => v,
        Err(e) => return service_error(e),
    };
    if views.is_empty() {
        return ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current).into();
    }
    let items: Vec<ListItem> = views.iter().filter_map(|v| list_item(v, year)).collect();
    let body = itsa_hmrc::list_v8_text(&items, ListVariant::for_tax_year(year));
    Reply::Raw(StatusCode::OK, axum::body::Bytes::from(body))
}

fn list_item(view: &CalculationSummary, year: TaxYear) -> Option<ListItem> {
    Some(ListItem {
        calculation_id: calculation_id(view.id)?,
        tax_year: year,
        calculation_timestamp: calculation_timestamp(view),
        calculation_type: CalculationType::parse(effective_type(view))?,
        requested_by: requested_by(&view.requested_by),
        calculation_trigger: CalculationTrigger::Attended,
        calculation_outcome: CalculationOutcome::Processed,
        total_income_tax_and_nics_due: total_due(view),
        finalisation_timestamp: declared_at(view),
        from_date: Some(year.first_day()),
        to_date: Some(year.last_day()),
    })
}

async fn retrieve(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year, calculation_id]): Segments<3>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::Current) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::retrieve(&tax_year, &calculation_id) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    let year = request.tax_year();
    match scenario(&state, Endpoint::Retrieve, &test).in_tax_year(year) {
        Scenario::Stateful => {}
        Scenario::Dynamic => {
            return example_response(&state, &nino, year, "UK_MULTIPLE_INCOMES_EXAMPLE", request.calculation_id())
                .await;
        }
        Scenario::Example(name) => return example_response(&state, &nino, year, name, request.calculation_id()).await,
        other => return other.error().unwrap_or_else(itsa_hmrc::v8::scenario::unknown_scenario).into(),
    }
    let Ok(id) = Uuid::parse_str(request.calculation_id().as_str()) else {
        return ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current).into();
    };
    let y = year.start_year() as i32;
    if let Some(body) = state.caches.body(id, CACHE_VIEW, nino.as_str(), y) {
        return Reply::Raw(StatusCode::OK, body);
    }
    let view = match Calculations::of(&state).get(nino.as_str(), year, id).await {
        Ok(v) => v,
        Err(e) => return service_error(e),
    };
    match retrieve_body(&view, year) {
        Some(body) => {
            let body = axum::body::Bytes::from(body.to_string());
            state.caches.remember_body(id, CACHE_VIEW, nino.as_str(), y, body.clone());
            Reply::Raw(StatusCode::OK, body)
        }
        None => ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into(),
    }
}

/// The stored views of a calculation with metadata written from its journey so far.
fn retrieve_body(record: &CalculationRecord, year: TaxYear) -> Option<Value> {
    let document = render::document(record)?;
    let mut metadata = MetadataInput::new(
        calculation_id(record.id)?,
        year,
        CalculationType::parse(effective_type(record))?,
        from_millis(record.requested_at),
    );
    metadata.requested_by = requested_by(&record.requested_by);
    metadata.calculation_timestamp = calculation_timestamp(record);
    if let Some(d) = &record.declaration {
        match d.kind.as_str() {
            "final-declaration" => metadata.finalisation_timestamp = Some(from_millis(d.declared_at)),
            _ => metadata.confirmation_timestamp = Some(from_millis(d.declared_at)),
        }
    }
    let variant = SchemaVariant::for_tax_year(year);
    let v8 = &document["v8"];
    let mut body = json!({
        "metadata": itsa_hmrc::metadata_v8(&metadata, variant),
        "inputs": v8["inputs"].clone(),
    });
    for part in ["calculation", "messages"] {
        if !v8[part].is_null() {
            body[part] = v8[part].clone();
        }
    }
    Some(body)
}

/// A sandbox example: the engine's calculation of the scenario's taxpayer for the year, or
/// for `ERROR_MESSAGES_EXIST` a calculation that ended in error messages.
async fn example_response(state: &AppState, nino: &Nino, year: TaxYear, name: &str, id: &CalculationId) -> Reply {
    let variant = SchemaVariant::for_tax_year(year);
    let now = state.clock.now().await;
    let metadata = itsa_hmrc::metadata_v8(&MetadataInput::new(id.clone(), year, CalculationType::InYear, now), variant);
    if name == "ERROR_MESSAGES_EXIST" {
        return Reply::json(
            StatusCode::OK,
            json!({
                "metadata": metadata,
                "inputs": {"personalInformation": {"identifier": nino.as_str(), "taxRegime": "uk"}, "incomeSources": {}},
                "messages": {"errors": [{"id": render::ENGINE_ERROR_MESSAGE_ID, "text": render::CANNED_ERROR_TEXT}]}
            }),
        );
    }
    let Some(case) = examples::example_case(name, year) else {
        return itsa_hmrc::v8::scenario::unknown_scenario().into();
    };
    let Ok((_, inputs)) = itsa_cases::parse_case(&case) else {
        return ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into();
    };
    match itsa_engine::calculate(&inputs) {
        Ok(calculation) => {
            let inputs_json = itsa_hmrc::inputs_v8(&inputs, nino, now, variant);
            Reply::json(StatusCode::OK, itsa_hmrc::retrieve_response_v8(metadata, inputs_json, &calculation, variant))
        }
        Err(_) => ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into(),
    }
}

/// The list's `DYNAMIC` scenario: one calculation of the year asked for, stamped now.
async fn dynamic_list(state: &AppState, year: TaxYear, principal: &Principal) -> Value {
    let now = state.clock.now().await;
    let item = ListItem {
        calculation_id: CalculationId::parse("f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c").expect("a valid id"),
        tax_year: year,
        calculation_timestamp: now,
        calculation_type: CalculationType::InYear,
        requested_by: requested_by(principal.requested_by()),
        calculation_trigger: CalculationTrigger::Attended,
        calculation_outcome: CalculationOutcome::Processed,
        total_income_tax_and_nics_due: None,
        finalisation_timestamp: None,
        from_date: Some(year.first_day()),
        to_date: Some(year.last_day()),
    };
    itsa_hmrc::list_v8(&[item], ListVariant::for_tax_year(year))
}

async fn submit(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year, calculation_id, calculation_type]): Segments<4>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::Current) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::submit(&tax_year, &calculation_id, &calculation_type) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Submit, &test) {
        Scenario::Stateful => {}
        other => return other.error().unwrap_or_else(itsa_hmrc::v8::scenario::unknown_scenario).into(),
    }
    let submission = match request.calculation_type() {
        CalculationType::ConfirmAmendment => Submission::ConfirmAmendment,
        _ => Submission::FinalDeclaration,
    };
    let Ok(id) = Uuid::parse_str(request.calculation_id().as_str()) else {
        return ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::Current).into();
    };
    let outcome = Calculations::of(&state).submit(nino.as_str(), request.tax_year(), id, submission).await;
    state.caches.forget_taxpayer(nino.as_str());
    match outcome {
        Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
        Err(e) => service_error(e),
    }
}
