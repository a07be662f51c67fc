//! Individual Calculations 1.0, as the seed documentation of autumn 2019 describes it:
//! list, trigger, the metadata and five sub-resources of a calculation, and the
//! crystallisation endpoints (intent to crystallise, crystallise).
//!
//! Each handler follows HMRC's order for this version: for the endpoints with a JSON
//! body, the body is parsed first (415, 400); then the NINO pre-check and the client
//! check; then the parameters in levels, the first level with errors answering; then,
//! in the sandbox, the `Gov-Test-Scenario` header; then the business rules on stored
//! state. Rule errors are 403 in this version. The journey is the one every version
//! shares (`service.rs`): a 1.0 in-year trigger is an in-year calculation, intent to
//! crystallise an intent to finalise, and crystallising the final declaration.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use itsa_engine::TaxYear;
use itsa_hmrc::v1::scenario::{Endpoint, Scenario, scenario_header};
use itsa_hmrc::v1::{MessageFilter, requests};
use itsa_hmrc::views::v1::{
    ListItemV1, MetadataV1, SubResource, filter_messages, intent_to_crystallise_response_v1, list_v1, metadata_v1,
    sub_resources_v1, trigger_response_v1, with_links,
};
use itsa_hmrc::{ApiError, CalculationId, CalculationType, Era, ErrorCode, Nino, RequestedBy};
use itsa_store::Uuid;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::reply::Reply;
use crate::routes::{ApiRoutes, Segments};
use crate::service::{Calculations, Rule, ServiceError, Submission, TriggerKind, tax_year_on};
use crate::stored::{calculation_id, calculation_timestamp, declared_at, effective_type, requested_by, total_due};
use crate::{AppState, CorrelationId, TestScenario, declares_json, examples, render, subject};

const SELF_ASSESSMENT: &str = "/individuals/calculations/{nino}/self-assessment";
const CRYSTALLISATION: &str = "/individuals/calculations/crystallisation/{nino}/{tax_year}";

pub fn routes() -> ApiRoutes {
    let calculation = format!("{SELF_ASSESSMENT}/{{calculation_id}}");
    ApiRoutes::new()
        .get(SELF_ASSESSMENT, list)
        .post(SELF_ASSESSMENT, trigger)
        .get(&calculation, metadata)
        .get(&format!("{calculation}/income-tax-nics-calculated"), income_tax_nics_calculated)
        .get(&format!("{calculation}/taxable-income"), taxable_income)
        .get(&format!("{calculation}/allowances-deductions-reliefs"), allowances_deductions_reliefs)
        .get(&format!("{calculation}/end-of-year-estimate"), end_of_year_estimate)
        .get(&format!("{calculation}/messages"), messages)
        .post(&format!("{CRYSTALLISATION}/intent-to-crystallise"), intent_to_crystallise)
        .post(&format!("{CRYSTALLISATION}/crystallise"), crystallise)
}

fn scenario(state: &AppState, endpoint: Endpoint, test: &TestScenario) -> Scenario {
    scenario_header(endpoint, test.value(state))
}

/// HMRC's JSON body parser, which runs before the endpoint: anything but a JSON content
/// type is `415 INVALID_BODY_TYPE`, and a body that is not JSON (an empty one included)
/// `400 INVALID_REQUEST`.
pub(crate) fn json_body(headers: &HeaderMap, body: &[u8], era: Era) -> Result<Value, Reply> {
    if !declares_json(headers) {
        return Err(Reply::Early(ApiError::new(ErrorCode::INVALID_BODY_TYPE, era)));
    }
    serde_json::from_slice(body).map_err(|_| Reply::Early(ApiError::new(ErrorCode::INVALID_REQUEST, era)))
}

/// For endpoints that take no body: one declared as JSON must still be JSON.
pub(crate) fn no_malformed_json(headers: &HeaderMap, body: &[u8], era: Era) -> Result<(), Reply> {
    if declares_json(headers) && !body.iter().all(u8::is_ascii_whitespace) {
        json_body(headers, body, era)?;
    }
    Ok(())
}

/// The answer to an error scenario (a documented error, or an unknown value).
pub(crate) fn scenario_answer(scenario: Scenario, era: Era) -> Reply {
    match scenario.error(era) {
        Some(error) => error.into(),
        None => internal("a scenario with no answer here", era),
    }
}

pub(crate) fn internal(why: impl std::fmt::Display, era: Era) -> Reply {
    tracing::error!(error = %why, "cannot answer");
    ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, era).into()
}

/// A business rule's answer in 1.0: 403 for the rule errors, with HMRC's 1.0 codes
/// (`RULE_NO_SUBMISSIONS_EXIST` for intent to crystallise); a year not yet ended is
/// `RULE_TAX_YEAR_NOT_ENDED`.
fn service_error(error: ServiceError, intent: bool) -> Reply {
    let rule = match error {
        ServiceError::Rule(rule) => rule,
        ServiceError::Store(e) => return internal(e, Era::V1),
        ServiceError::CalculationFailed(why) => return internal(why, Era::V1),
    };
    let code = match rule {
        Rule::NoIncomeSubmissionsExist if intent => ErrorCode::RULE_NO_SUBMISSIONS_EXIST,
        Rule::PrematureFinalisation => ErrorCode::RULE_TAX_YEAR_NOT_ENDED,
        other => ErrorCode::from_code(other.code()).unwrap_or(ErrorCode::INTERNAL_SERVER_ERROR),
    };
    let error = ApiError::new(code, Era::V1);
    match rule {
        Rule::SubmissionFailed => error.with_status(403).into(),
        _ => error.into(),
    }
}

/// The current tax year by the (sandbox-pinnable) clock; the sandbox's examples use the
/// latest year the engine supports when the clock is past it.
async fn current_tax_year(state: &AppState) -> TaxYear {
    tax_year_on(state.clock.now().await)
}

async fn example_year(state: &AppState) -> TaxYear {
    let year = current_tax_year(state).await;
    if year.is_supported() { year } else { TaxYear::supported().last().expect("the engine supports some year") }
}

async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino]): Segments<1>,
    Query(query): Query<Vec<(String, String)>>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let tax_year = query.iter().find(|(k, _)| k == "taxYear").map(|(_, v)| v.as_str());
    let year = match requests::list(tax_year, current_tax_year(&state).await) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::List, &test) {
        Scenario::Stateful => {}
        Scenario::Canned(name) => return Reply::json(StatusCode::OK, canned_list(&state, &nino, name).await),
        other => return scenario_answer(other, Era::V1),
    }
    let views = match Calculations::of(&state).list(nino.as_str(), year, None).await {
        Ok(v) => v,
        Err(e) => return service_error(e, false),
    };
    let items: Vec<ListItemV1> = views
        .iter()
        .filter_map(|view| {
            Some(ListItemV1 {
                calculation_id: calculation_id(view.id)?,
                calculation_timestamp: calculation_timestamp(view),
                calculation_type: CalculationType::parse(effective_type(view))?,
                requested_by: requested_by(&view.requested_by),
            })
        })
        .filter(|item| itsa_hmrc::views::v1::v1_calculation_type(item.calculation_type).is_some())
        .collect();
    if items.is_empty() {
        return ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::V1).into();
    }
    Reply::json(StatusCode::OK, list_v1(&nino, &items))
}

/// The list's `MULTIPLE_CALCULATIONS` (an in-year and a crystallisation calculation) and
/// `CRYSTALLISATION` (a crystallisation calculation) answers.
async fn canned_list(state: &AppState, nino: &Nino, name: &str) -> Value {
    let now = state.clock.now().await;
    let item = |id: &str, kind| ListItemV1 {
        calculation_id: CalculationId::parse(id).expect("a valid id"),
        calculation_timestamp: now,
        calculation_type: kind,
        requested_by: RequestedBy::Customer,
    };
    let crystallisation = item(CANNED_CRYSTALLISATION_ID, CalculationType::IntentToFinalise);
    let items = match name {
        "MULTIPLE_CALCULATIONS" => vec![item(CANNED_ID, CalculationType::InYear), crystallisation],
        _ => vec![crystallisation],
    };
    list_v1(nino, &items)
}

const CANNED_ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";
const CANNED_CRYSTALLISATION_ID: &str = "5b1c9d42-7e3a-4f8b-9c6d-2e4f6a8b0c1d";

async fn trigger(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Extension(correlation): Extension<CorrelationId>,
    Segments([nino]): Segments<1>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let body = match json_body(&headers, &body, Era::V1) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let nino = match subject(&principal, &nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let year = match requests::trigger(&body) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Trigger, &TestScenario::from_headers(&headers)) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V1),
    }
    let triggered = Calculations::of(&state)
        .trigger(nino.as_str(), year, TriggerKind::InYear, principal.requested_by(), correlation.as_str())
        .await;
    match triggered.map(calculation_id) {
        Ok(Some(id)) => Reply::json(StatusCode::ACCEPTED, trigger_response_v1(&nino, &id)),
        Ok(None) => internal("a stored id is not a calculation id", Era::V1),
        Err(e) => service_error(e, false),
    }
}

/// A calculation as 1.0 sees it: its stored sub-resources and what the metadata says.
struct Found {
    metadata: MetadataV1,
    documents: Value,
}

/// The taxpayer's calculation `id`, if it is one 1.0 can show (not an amendment).
async fn find(state: &AppState, nino: &Nino, id: &CalculationId) -> Result<Found, Reply> {
    let not_found = || Reply::from(ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::V1));
    let uuid = Uuid::parse_str(id.as_str()).map_err(|_| not_found())?;
    let view = Calculations::of(state).find(nino.as_str(), uuid).await.map_err(|e| service_error(e, false))?;

    let kind = CalculationType::parse(effective_type(&view)).ok_or_else(not_found)?;
    itsa_hmrc::views::v1::v1_calculation_type(kind).ok_or_else(not_found)?;
    let calculations = Calculations::of(state);
    let document = calculations.document(&view, "v1").await.map_err(|e| service_error(e, false))?;
    let metadata = MetadataV1 {
        calculation_id: id.clone(),
        tax_year: TaxYear::starting(view.tax_year as u16),
        requested_by: requested_by(&view.requested_by),
        calculation_timestamp: calculation_timestamp(&view),
        calculation_type: kind,
        crystallised: declared_at(&view).is_some(),
        total_income_tax_and_nics_due: total_due(&view),
        error_count: document["errorCount"].as_u64().unwrap_or(0) as u32,
    };
    Ok(Found { metadata, documents: document["v1"].clone() })
}

/// The sub-resources that have data, in the metadata's order.
fn available(documents: &Value) -> Vec<SubResource> {
    SubResource::ALL.into_iter().filter(|sub| documents.get(sub.path()).is_some()).collect()
}

async fn metadata(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, calculation_id]): Segments<2>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let id = match requests::calculation(&calculation_id) {
        Ok(id) => id,
        Err(e) => return e.into(),
    };
    let found = match scenario(&state, Endpoint::Metadata, &test) {
        Scenario::Stateful => find(&state, &nino, &id).await,
        Scenario::Canned(name) => canned(&state, &id, name).await,
        other => return scenario_answer(other, Era::V1),
    };
    match found {
        Ok(found) => match metadata_v1(&found.metadata, &nino, &available(&found.documents)) {
            Some(body) => Reply::json(StatusCode::OK, body),
            None => ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::V1).into(),
        },
        Err(reply) => reply,
    }
}

/// A sandbox answer: one of the seven examples (the engine's in-year calculation of that
/// taxpayer for the current tax year), `CRYSTALLISATION_METADATA` (the first example's
/// taxpayer's crystallisation calculation for the year before, declared), or
/// `ERROR_MESSAGES_EXIST` (a calculation that ended in an error message).
async fn canned(state: &AppState, id: &CalculationId, name: &str) -> Result<Found, Reply> {
    let now = state.clock.now().await;
    let year = example_year(state).await;
    let metadata = |year, kind, total, error_count| MetadataV1 {
        calculation_id: id.clone(),
        tax_year: year,
        requested_by: RequestedBy::Customer,
        calculation_timestamp: now,
        calculation_type: kind,
        crystallised: kind != CalculationType::InYear,
        total_income_tax_and_nics_due: total,
        error_count,
    };
    if name == "ERROR_MESSAGES_EXIST" {
        let documents = json!({"messages": {"errors": [canned_error()]}});
        return Ok(Found { metadata: metadata(year, CalculationType::InYear, None, 1), documents });
    }
    let (example, year, kind) = match name {
        "CRYSTALLISATION_METADATA" => {
            let ended = if year.start_year() > 2017 { year.previous() } else { year };
            ("UK_MULTIPLE_INCOMES_EXAMPLE", ended, CalculationType::IntentToFinalise)
        }
        example => (example, year, CalculationType::InYear),
    };
    let Some((_, calculation)) = examples::example_calculation(example, year) else {
        return Err(internal(format!("no example {example} for {year}"), Era::V1));
    };
    let documents = sub_resources_v1(&calculation, kind != CalculationType::InYear);
    let total = Some(calculation.tax_calculation.total_income_tax_and_nics_due);
    Ok(Found { metadata: metadata(year, kind, total, 0), documents })
}

fn canned_error() -> Value {
    json!({"id": render::ENGINE_ERROR_MESSAGE_ID, "text": render::CANNED_ERROR_TEXT})
}

/// A sub-resource's answer from the calculation's stored documents: 403 when the
/// calculation has errors (its messages excepted), or 404 with the sub-resource's own
/// code when it has no data.
fn sub_resource_answer(found: &Found, sub: SubResource, filter: &MessageFilter) -> Result<Value, ApiError> {
    let error = |code| ApiError::new(code, Era::V1);
    if found.metadata.error_count > 0 && sub != SubResource::Messages {
        return Err(error(ErrorCode::RULE_CALCULATION_ERROR_MESSAGES_EXIST));
    }
    let body = found.documents.get(sub.path());
    let body = match sub {
        SubResource::Messages => filter_messages(body, filter),
        _ => body.cloned(),
    };
    body.ok_or_else(|| {
        error(match sub {
            SubResource::AllowancesDeductionsReliefs => ErrorCode::NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST,
            SubResource::EndOfYearEstimate => ErrorCode::END_OF_YEAR_ESTIMATE_NOT_PRESENT,
            SubResource::Messages => ErrorCode::NO_MESSAGES_PRESENT,
            _ => ErrorCode::MATCHING_RESOURCE_NOT_FOUND,
        })
    })
}

/// The messages endpoint's canned sets: information, warnings and errors of itsa's own.
fn canned_messages(name: &str) -> Value {
    let info = json!([
        {"id": "C22201", "text": "Your basic rate limit has been raised by the gross amount of your Gift Aid donations."},
        {"id": "C22203", "text": "No Class 2 National Insurance is due: your trading profits are below the small profits threshold."}
    ]);
    let warnings = json!([
        {"id": "ITSA0002", "text": "A trading loss is carried forward to set against the same business's future profits."}
    ]);
    let errors = json!([canned_error()]);
    match name {
        "MESSAGES_INFO" => json!({"info": info}),
        "MESSAGES_INFO_WARNINGS" => json!({"info": info, "warnings": warnings}),
        "MESSAGES_WARNINGS" => json!({"warnings": warnings}),
        "MESSAGES_WARNINGS_ERRORS" => json!({"warnings": warnings, "errors": errors}),
        _ => json!({"errors": errors}),
    }
}

async fn read_sub_resource(
    state: &AppState,
    principal: &Principal,
    raw_nino: &str,
    raw_id: &str,
    test: &TestScenario,
    sub: SubResource,
    types: &[String],
) -> Reply {
    let nino = match subject(principal, raw_nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let (id, filter) = if sub == SubResource::Messages {
        match requests::messages(raw_id, types) {
            Ok(r) => (r.calculation_id, r.filter),
            Err(e) => return e.into(),
        }
    } else {
        match requests::calculation(raw_id) {
            Ok(id) => (id, MessageFilter::all()),
            Err(e) => return e.into(),
        }
    };
    let endpoint = match sub {
        SubResource::IncomeTaxNicsCalculated => Endpoint::IncomeTaxNicsCalculated,
        SubResource::TaxableIncome => Endpoint::TaxableIncome,
        SubResource::AllowancesDeductionsReliefs => Endpoint::AllowancesDeductionsReliefs,
        SubResource::EndOfYearEstimate => Endpoint::EndOfYearEstimate,
        SubResource::Messages => Endpoint::Messages,
    };
    let found = match scenario(state, endpoint, test) {
        Scenario::Stateful => find(state, &nino, &id).await,
        Scenario::Canned(name) if itsa_hmrc::v1::scenario::MESSAGE_SCENARIOS.contains(&name) => {
            canned(state, &id, "UK_MULTIPLE_INCOMES_EXAMPLE").await.map(|mut found| {
                found.documents["messages"] = canned_messages(name);
                found
            })
        }
        Scenario::Canned(name) => canned(state, &id, name).await,
        other => return scenario_answer(other, Era::V1),
    };
    let found = match found {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    match sub_resource_answer(&found, sub, &filter) {
        Ok(body) => Reply::json(StatusCode::OK, with_links(body, &nino, &id, sub)),
        Err(e) => e.into(),
    }
}

macro_rules! sub_resource_handler {
    ($name:ident, $sub:expr) => {
        async fn $name(
            State(state): State<AppState>,
            Extension(principal): Extension<std::sync::Arc<Principal>>,
            Segments([nino, calculation_id]): Segments<2>,
            test: TestScenario,
        ) -> Reply {
            read_sub_resource(&state, &principal, &nino, &calculation_id, &test, $sub, &[]).await
        }
    };
}

sub_resource_handler!(income_tax_nics_calculated, SubResource::IncomeTaxNicsCalculated);
sub_resource_handler!(taxable_income, SubResource::TaxableIncome);
sub_resource_handler!(allowances_deductions_reliefs, SubResource::AllowancesDeductionsReliefs);
sub_resource_handler!(end_of_year_estimate, SubResource::EndOfYearEstimate);

async fn messages(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, calculation_id]): Segments<2>,
    Query(query): Query<Vec<(String, String)>>,
    test: TestScenario,
) -> Reply {
    let types: Vec<String> = query.into_iter().filter(|(k, _)| k == "type").map(|(_, v)| v).collect();
    read_sub_resource(&state, &principal, &nino, &calculation_id, &test, SubResource::Messages, &types).await
}

async fn intent_to_crystallise(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Extension(correlation): Extension<CorrelationId>,
    Segments([nino, tax_year]): Segments<2>,
    test: TestScenario,
) -> Reply {
    let nino = match subject(&principal, &nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let year = match requests::intent_to_crystallise(&tax_year) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::IntentToCrystallise, &test) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V1),
    }
    let triggered = Calculations::of(&state)
        .trigger(nino.as_str(), year, TriggerKind::IntentToFinalise, principal.requested_by(), correlation.as_str())
        .await;
    match triggered.map(calculation_id) {
        Ok(Some(id)) => Reply::json(StatusCode::OK, intent_to_crystallise_response_v1(&nino, year, &id)),
        Ok(None) => internal("a stored id is not a calculation id", Era::V1),
        Err(e) => service_error(e, true),
    }
}

async fn crystallise(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let body = match json_body(&headers, &body, Era::V1) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let nino = match subject(&principal, &nino, Era::V1) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let request = match requests::crystallise(&tax_year, &body) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match scenario(&state, Endpoint::Crystallise, &TestScenario::from_headers(&headers)) {
        Scenario::Stateful => {}
        other => return scenario_answer(other, Era::V1),
    }
    let Ok(id) = Uuid::parse_str(request.calculation_id.as_str()) else {
        return ApiError::new(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, Era::V1).into();
    };
    match Calculations::of(&state).submit(nino.as_str(), request.tax_year, id, Submission::FinalDeclaration).await {
        Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
        Err(e) => service_error(e, false),
    }
}
