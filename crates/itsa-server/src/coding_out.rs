//! Self Assessment Accounts API coding-out endpoints, versions 1.0 to 4.0: view, create or
//! amend and delete the amounts collected through a tax code, and (3.0 on) the opt-out
//! status, opt-in and opt-out. Amounts HMRC holds come from the sandbox's income seeding;
//! the taxpayer's own submission is stored beside them, and the latest of the two is what
//! a calculation of that year uses.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use itsa_engine::TaxYear;
use itsa_hmrc::accounts::{self, AccountsVersion, Endpoint, Source, StoredAmounts};
use itsa_hmrc::{ApiError, Era, ErrorCode};
use itsa_store::{CodingOutRecord, Requires, Store, StoreError};
use serde_json::Value;
use std::collections::HashMap;

use crate::auth::Principal;
use crate::clock::from_millis;
use crate::reply::Reply;
use crate::routes::{ApiRoutes, Segments};
use crate::service::{amendments_closed, tax_year_ended};
use crate::{AppState, declares_json, subject};

const BASE: &str = "/accounts/self-assessment/{nino}/{tax_year}/collection/tax-code";
pub const HMRC_HELD: &str = "hmrcHeld";
pub const USER: &str = "user";

/// The routes of one version of the API.
pub fn routes(version: AccountsVersion) -> ApiRoutes {
    let mut routes = ApiRoutes::new().get(BASE, retrieve).put(BASE, create_or_amend).delete(BASE, delete);
    if version.has_opt_out() {
        routes = routes
            .get(&format!("{BASE}/coding-out/status"), status)
            .post(&format!("{BASE}/coding-out/opt-in"), opt_in)
            .post(&format!("{BASE}/coding-out/opt-out"), opt_out);
    }
    routes.with_extension(version)
}

fn era(version: AccountsVersion) -> Era {
    version.era()
}

fn internal(e: impl std::fmt::Display) -> Reply {
    tracing::error!(error = %e, "coding out failed");
    ApiError::new(ErrorCode::INTERNAL_SERVER_ERROR, Era::Current).into()
}

/// The sandbox scenario, if one answers instead of the stored state.
fn scenario(state: &AppState, endpoint: Endpoint, version: AccountsVersion, headers: &HeaderMap) -> Option<Reply> {
    let test = crate::TestScenario::from_headers(headers);
    match accounts::scenario(endpoint, version, test.value(state)) {
        Ok(None) => None,
        Ok(Some(e)) | Err(e) => Some(e.into()),
    }
}

async fn retrieve(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    Extension(version): Extension<AccountsVersion>,
) -> Reply {
    let nino = match subject(&principal, &nino, era(version)) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let (year, source) = match accounts::retrieve(version, &tax_year, query.get("source").map(String::as_str)) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    if let Some(reply) = scenario(&state, Endpoint::Retrieve, version, &headers) {
        return reply;
    }
    let stored = match state.store.coding_out(nino.as_str(), year.start_year() as i32).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let find = |s: &str| stored.iter().find(|r| r.source == s);
    let chosen = match source {
        Source::HmrcHeld => find(HMRC_HELD),
        Source::User => find(USER),
        Source::Latest => find(USER).or_else(|| find(HMRC_HELD)),
    };
    let Some(record) = chosen else { return accounts::not_found(version).into() };
    let Ok(document) = serde_json::from_str::<Value>(&record.document) else {
        return internal("unreadable coding-out document");
    };
    let amounts =
        StoredAmounts { document: &document, source: &record.source, submitted_on: from_millis(record.submitted_at) };
    Reply::json(StatusCode::OK, accounts::retrieve_response(version, &amounts, nino.as_str(), year))
}

/// Whether the year's coded-out amounts can no longer be changed: after the final
/// declaration, or (from 2025-26) once the amendment window has closed. The store checks
/// the declaration again in the transaction that changes the amounts.
async fn closed(state: &AppState, nino: &str, year: TaxYear) -> Result<bool, itsa_store::StoreError> {
    let declared = state.store.final_declaration(nino, year.start_year() as i32).await?.is_some();
    let now = state.clock.now_millis().await;
    Ok(declared || (year.start_year() >= 2025 && amendments_closed(year, now)))
}

/// A change refused because the year was declared meanwhile, or the store's error.
fn write_failed(e: StoreError, version: AccountsVersion) -> Reply {
    match e {
        StoreError::Conflict(_) => accounts::rule(ErrorCode::RULE_OUTSIDE_AMENDMENT_WINDOW, version).into(),
        other => internal(other),
    }
}

async fn create_or_amend(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    headers: HeaderMap,
    Extension(version): Extension<AccountsVersion>,
    body: Bytes,
) -> Reply {
    // The body is read before the NINO is checked, as HMRC's JSON actions do.
    let body: Option<Value> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else if !declares_json(&headers) {
        return Reply::Early(ApiError::new(ErrorCode::INVALID_BODY_TYPE, era(version)));
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(_) => return Reply::Early(ApiError::new(ErrorCode::INVALID_REQUEST, Era::Current)),
        }
    };
    let nino = match subject(&principal, &nino, era(version)) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let suspended = headers.get("suspend-temporal-validations").and_then(|v| v.to_str().ok()) == Some("true");
    let now = state.clock.now_millis().await;
    let not_ended = |y: TaxYear| !suspended && !tax_year_ended(y, now);
    let (year, components) = match accounts::create_or_amend(version, &tax_year, body.as_ref(), not_ended) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    if let Some(reply) = scenario(&state, Endpoint::CreateOrAmend, version, &headers) {
        return reply;
    }
    match closed(&state, nino.as_str(), year).await {
        Ok(true) => return accounts::rule(ErrorCode::RULE_OUTSIDE_AMENDMENT_WINDOW, version).into(),
        Ok(false) => {}
        Err(e) => return internal(e),
    }
    if components.has_duplicate_ids() {
        return accounts::rule(ErrorCode::RULE_DUPLICATE_ID_NOT_ALLOWED, version).into();
    }
    let record = CodingOutRecord {
        nino: nino.as_str().to_owned(),
        tax_year: year.start_year() as i32,
        source: USER.into(),
        document: components.to_document().to_string(),
        submitted_at: now,
    };
    if let Err(e) = state.store.put_coding_out(&record, Requires::NoFinalDeclaration).await {
        return write_failed(e, version);
    }
    if version.has_links() {
        Reply::json(StatusCode::OK, serde_json::json!({"links": accounts::links(nino.as_str(), year)}))
    } else {
        Reply::empty(StatusCode::NO_CONTENT)
    }
}

async fn delete(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    headers: HeaderMap,
    Extension(version): Extension<AccountsVersion>,
) -> Reply {
    let nino = match subject(&principal, &nino, era(version)) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let year = match accounts::delete(version, &tax_year) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    if let Some(reply) = scenario(&state, Endpoint::Delete, version, &headers) {
        return reply;
    }
    match closed(&state, nino.as_str(), year).await {
        Ok(true) => return accounts::rule(ErrorCode::RULE_OUTSIDE_AMENDMENT_WINDOW, version).into(),
        Ok(false) => {}
        Err(e) => return internal(e),
    }
    match state
        .store
        .delete_coding_out(nino.as_str(), year.start_year() as i32, USER, Requires::NoFinalDeclaration)
        .await
    {
        Ok(true) => Reply::empty(StatusCode::NO_CONTENT),
        Ok(false) => accounts::not_found(version).into(),
        Err(e) => write_failed(e, version),
    }
}

async fn status(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    headers: HeaderMap,
    Extension(version): Extension<AccountsVersion>,
) -> Reply {
    let nino = match subject(&principal, &nino, era(version)) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let year = match accounts::opt_out_year(version, &tax_year) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    if let Some(reply) = scenario(&state, Endpoint::Status, version, &headers) {
        return reply;
    }
    match state.store.coding_out_opt_out(nino.as_str(), year.start_year() as i32).await {
        Ok(opted_out) => {
            let now = state.clock.now().await;
            Reply::json(StatusCode::OK, accounts::status_response(now, nino.as_str(), year, opted_out.unwrap_or(false)))
        }
        Err(e) => internal(e),
    }
}

async fn opt_in(
    state: State<AppState>,
    principal: Extension<std::sync::Arc<Principal>>,
    path: Segments<2>,
    headers: HeaderMap,
    version: Extension<AccountsVersion>,
) -> Reply {
    opt(state, principal, path, headers, version, false).await
}

async fn opt_out(
    state: State<AppState>,
    principal: Extension<std::sync::Arc<Principal>>,
    path: Segments<2>,
    headers: HeaderMap,
    version: Extension<AccountsVersion>,
) -> Reply {
    opt(state, principal, path, headers, version, true).await
}

/// Opt out (`opt_out`) or back in.
async fn opt(
    State(state): State<AppState>,
    Extension(principal): Extension<std::sync::Arc<Principal>>,
    Segments([nino, tax_year]): Segments<2>,
    headers: HeaderMap,
    Extension(version): Extension<AccountsVersion>,
    opt_out: bool,
) -> Reply {
    let nino = match subject(&principal, &nino, era(version)) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let year = match accounts::opt_out_year(version, &tax_year) {
        Ok(y) => y,
        Err(e) => return e.into(),
    };
    let endpoint = if opt_out { Endpoint::OptOut } else { Endpoint::OptIn };
    if let Some(reply) = scenario(&state, endpoint, version, &headers) {
        return reply;
    }
    let y = year.start_year() as i32;
    let now = state.clock.now_millis().await;
    // One statement changes the indicator only if it says otherwise, so of two requests at
    // once exactly one changes it and the other is told it was already so.
    match state.store.set_coding_out_opt_out(nino.as_str(), y, opt_out, now).await {
        Ok(true) => Reply::empty(StatusCode::NO_CONTENT),
        Ok(false) => {
            let code = if opt_out { ErrorCode::RULE_ALREADY_OPTED_OUT } else { ErrorCode::RULE_ALREADY_OPTED_IN };
            accounts::rule(code, version).into()
        }
        Err(e) => internal(e),
    }
}
