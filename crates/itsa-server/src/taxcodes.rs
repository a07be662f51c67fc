//! `GET /tax-codes/{code}?taxYear=2025-26`: itsa's own extension, not an HMRC API. It
//! explains a PAYE tax code as JSON: the keys of `itsa taxcode explain --json`
//! (shared/taxcodes/FORMAT.md), then `summary`, `parts` (`{"part", "meaning"}`),
//! `emergency_code` and `is_emergency_code`. No token and no versioned `Accept` header
//! are needed. Without `taxYear`, the tax year of the service's clock is used. An invalid
//! code or year is a 400 with `{"code", "message"}`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use itsa_taxcode::{Date, TaxCode, TaxCodeError, TaxYear};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(rename = "taxYear")]
    tax_year: Option<String>,
}

fn bad_request(code: &str, message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"code": code, "message": message}))).into_response()
}

pub async fn explain(
    State(state): State<AppState>,
    Path(code): Path<String>,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("INVALID_REQUEST", "the query string could not be read".into());
    };
    let tax_year = match params.tax_year.as_deref() {
        Some(text) => match TaxYear::parse(text) {
            Ok(year) => year,
            Err(e) => return bad_request("FORMAT_TAX_YEAR", e.to_string()),
        },
        None => {
            let now = state.clock.now().await;
            let today = Date::new(now.year(), u8::from(now.month()), now.day()).expect("the clock gives a date");
            itsa_taxcode::tax_year_of(today)
        }
    };
    let code = match TaxCode::parse(&code) {
        Ok(code) => code,
        Err(e) => return bad_request("FORMAT_TAX_CODE", e.to_string()),
    };
    match itsa_taxcode::explain(&code, tax_year) {
        Ok(explanation) => Json(itsa_taxcode::json::explanation_with_words(&explanation)).into_response(),
        Err(e @ TaxCodeError::UnsupportedTaxYear(_)) => bad_request("RULE_TAX_YEAR_NOT_SUPPORTED", e.to_string()),
        Err(e @ TaxCodeError::NotValidInYear { .. }) => {
            bad_request("RULE_TAX_CODE_NOT_VALID_FOR_TAX_YEAR", e.to_string())
        }
        Err(e @ TaxCodeError::Invalid { .. }) => bad_request("FORMAT_TAX_CODE", e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use itsa_store::{AnyStore, SqliteStore, Store};
    use serde_json::Value;
    use tower::ServiceExt;

    use crate::config::Config;
    use crate::{AppState, router};

    async fn get(path: &str) -> (StatusCode, Value) {
        let dir = std::env::temp_dir().join(format!("itsa-taxcodes-test-{}", uuid::Uuid::new_v4().simple()));
        let store = AnyStore::Sqlite(SqliteStore::open(&dir.join("itsa.sqlite3")).await.expect("open sqlite"));
        store.migrate().await.expect("migrate");
        let app = router(AppState::new(Arc::new(store), Config::default()));
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let _ = std::fs::remove_dir_all(&dir);
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    use super::*;

    #[tokio::test]
    async fn explains_a_code() {
        let (status, body) = get("/tax-codes/s1257l%20m1?taxYear=2025-26").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["code"], "S1257L M1");
        assert_eq!(body["regime"], "Scotland");
        assert_eq!(body["basis"], "non-cumulative");
        assert_eq!(body["monthly_pay_adjustment"], json!(1048.26));
        assert_eq!(body["emergency_code"], "S1257L");
        assert_eq!(body["is_emergency_code"], true);
        let parts: Vec<&str> = body["parts"].as_array().unwrap().iter().map(|p| p["part"].as_str().unwrap()).collect();
        assert_eq!(parts, ["S", "1257", "L", "M1"]);
        assert!(body["summary"].as_str().unwrap().contains("£12,579"));
    }

    #[tokio::test]
    async fn defaults_to_the_tax_year_of_the_clock() {
        let (status, body) = get("/tax-codes/K475").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["annual_pay_adjustment"], json!(-4759));
        assert!(body["tax_year"].as_str().is_some_and(|y| y.len() == 7));
    }

    #[tokio::test]
    async fn refuses_invalid_codes_and_years() {
        for (path, code) in [
            ("/tax-codes/SNT?taxYear=2025-26", "FORMAT_TAX_CODE"),
            ("/tax-codes/1257L?taxYear=2025", "FORMAT_TAX_YEAR"),
            ("/tax-codes/1257L?taxYear=2030-31", "RULE_TAX_YEAR_NOT_SUPPORTED"),
            ("/tax-codes/SD3?taxYear=2023-24", "RULE_TAX_CODE_NOT_VALID_FOR_TAX_YEAR"),
        ] {
            let (status, body) = get(path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(body["code"], code, "{path}: {body}");
            assert!(body["message"].as_str().is_some_and(|m| m.len() > 10), "{path}: {body}");
        }
    }
}
