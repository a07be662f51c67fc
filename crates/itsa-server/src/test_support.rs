//! The sandbox's test-support API (shared/conformance/RUNNER.md section 3): issue tokens,
//! seed a taxpayer's income for a year from a calculation case, wipe a taxpayer, and pin
//! the clock. Only mounted in sandbox mode; no token or versioned `Accept` needed.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post, put};
use axum::{Json, Router};
use itsa_engine::TaxYear;
use itsa_store::{CodingOutRecord, IncomeRecord, Requires, Store, TokenRecord};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::auth::{self, READ_SCOPE, WRITE_SCOPE};
use crate::clock::real_millis;
use crate::coding_out::HMRC_HELD;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", post(issue_token))
        .route("/individuals/{nino}", delete(wipe))
        .route("/individuals/{nino}/{tax_year}/income", put(seed_income))
        .route("/clock", put(pin_clock))
}

fn problem(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (status, Json(json!({"code": code, "message": message.into()}))).into_response()
}

fn bad_request(message: impl Into<String>) -> Response {
    problem(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "test support failed");
    problem(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "An internal server error occurred")
}

/// The request body, or what was wrong with it.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, String> {
    body.map(|Json(b)| b).map_err(|e| e.body_text())
}

fn valid_nino(text: &str) -> bool {
    itsa_hmrc::domain::Nino::parse(text).is_some()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    role: String,
    scopes: Vec<String>,
    nino: Option<String>,
    clients: Option<Vec<String>>,
}

async fn issue_token(State(state): State<AppState>, request: Result<Json<TokenRequest>, JsonRejection>) -> Response {
    let request = match body(request) {
        Ok(r) => r,
        Err(e) => return bad_request(e),
    };
    if !["individual", "agent", "supporting-agent"].contains(&request.role.as_str()) {
        return bad_request("role must be individual, agent or supporting-agent");
    }
    if request.scopes.is_empty() || request.scopes.iter().any(|s| s != READ_SCOPE && s != WRITE_SCOPE) {
        return bad_request("scopes must be a non-empty list of read:self-assessment and write:self-assessment");
    }
    let (nino, clients) = if request.role == "individual" {
        match request.nino {
            Some(n) if valid_nino(&n) && request.clients.is_none() => (Some(n), Vec::new()),
            _ => return bad_request("an individual's token needs a valid nino and no clients"),
        }
    } else {
        let clients = request.clients.unwrap_or_default();
        if request.nino.is_some() || clients.iter().any(|c| !valid_nino(c)) {
            return bad_request("an agent's token takes clients, each a valid NINO, and no nino");
        }
        (None, clients)
    };
    let token = auth::new_token();
    let now = real_millis();
    let lifetime = state.config.token_lifetime_seconds;
    let mut scopes = request.scopes;
    scopes.sort();
    scopes.dedup();
    let record = TokenRecord {
        token_hash: auth::hash_secret(&token),
        role: request.role,
        nino,
        clients,
        scopes: scopes.clone(),
        created_at: now,
        expires_at: now + lifetime * 1000,
    };
    if let Err(e) = state.store.insert_token(&record).await {
        return internal(e);
    }
    (
        StatusCode::CREATED,
        Json(json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime, "scope": scopes.join(" ")})),
    )
        .into_response()
}

async fn wipe(State(state): State<AppState>, Path(nino): Path<String>) -> Response {
    if !valid_nino(&nino) {
        return problem(StatusCode::BAD_REQUEST, "FORMAT_NINO", "The NINO format is invalid");
    }
    state.caches.forget_taxpayer(&nino);
    match state.store.wipe_taxpayer(&nino).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

async fn seed_income(
    State(state): State<AppState>,
    Path((nino, tax_year)): Path<(String, String)>,
    body: String,
) -> Response {
    if !valid_nino(&nino) {
        return problem(StatusCode::BAD_REQUEST, "FORMAT_NINO", "The NINO format is invalid");
    }
    let Ok(year) = TaxYear::parse(&tax_year) else {
        return problem(StatusCode::BAD_REQUEST, "FORMAT_TAX_YEAR", "The provided tax year format is invalid");
    };
    if !year.is_supported() {
        return problem(
            StatusCode::BAD_REQUEST,
            "RULE_TAX_YEAR_NOT_SUPPORTED",
            format!(
                "The tax year specified does not lie within the supported range ({} to {})",
                TaxYear::FIRST_SUPPORTED,
                TaxYear::LAST_SUPPORTED
            ),
        );
    }
    // Refused here, naming the field, what HMRC would refuse on submission (pence, sign,
    // size, the year), rather than accepted and turned into an error in a calculation.
    let (_, inputs) = match itsa_cases::parse_case(&body) {
        Ok(parsed) => parsed,
        Err(e) => return bad_request(e.to_string()),
    };
    if inputs.tax_year != year {
        return bad_request(format!("the case is for {}, not {year}", inputs.tax_year));
    }
    let submitted_at = state.clock.now_millis().await;
    let y = year.start_year() as i32;
    let hmrc_held = hmrc_held_coded_out(&inputs.coded_out, year);
    let record = IncomeRecord { nino: nino.clone(), tax_year: y, document: body, submitted_at };
    let stored = async {
        state.store.put_income(&record).await?;
        match hmrc_held {
            Some(document) => {
                let coded = CodingOutRecord {
                    nino: nino.clone(),
                    tax_year: y,
                    source: HMRC_HELD.into(),
                    document,
                    submitted_at,
                };
                state.store.put_coding_out(&coded, Requires::Nothing).await
            }
            None => state.store.delete_coding_out(&nino, y, HMRC_HELD, Requires::Nothing).await.map(|_| ()),
        }
    };
    match stored.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

/// The amounts HMRC holds as coded out in `year` for a seeded case: its Self Assessment
/// underpayment (a balancing payment of two years before) and its PAYE underpayment (of
/// the year before), one item each with an id of HMRC's form.
fn hmrc_held_coded_out(coded_out: &itsa_engine::inputs::CodedOut, year: TaxYear) -> Option<String> {
    let mut document = serde_json::Map::new();
    let item = |id: u64, amount: itsa_engine::Money, related: TaxYear| json!([{"id": id, "amount": itsa_hmrc::json_number(amount.amount()), "relatedTaxYear": related.to_string()}]);
    if coded_out.sa_underpayments.is_positive() {
        document.insert(
            "selfAssessmentUnderpayment".into(),
            item(1_000_000_001, coded_out.sa_underpayments, year.previous().previous()),
        );
    }
    if coded_out.paye_underpayments.is_positive() {
        document.insert("payeUnderpayment".into(), item(1_000_000_002, coded_out.paye_underpayments, year.previous()));
    }
    (!document.is_empty()).then(|| Value::Object(document).to_string())
}

async fn pin_clock(State(state): State<AppState>, request: Result<Json<Value>, JsonRejection>) -> Response {
    let request = match body(request) {
        Ok(r) => r,
        Err(e) => return bad_request(e),
    };
    let now = match request.get("now") {
        Some(Value::Null) => None,
        Some(Value::String(text)) => match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(t) => Some(t),
            Err(_) => return bad_request("now must be an RFC 3339 timestamp or null"),
        },
        _ => return bad_request("the body must be {\"now\": <RFC 3339 timestamp or null>}"),
    };
    match state.clock.set(now).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}
