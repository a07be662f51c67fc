//! Documentation endpoints as HMRC's platform has them: `GET /api/definition` and
//! `GET /api/conf/{version}/application.yaml`, describing itsa's own implementation, and
//! the deprecation headers for versions configured as deprecated.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::{Date, Duration, Month};

use crate::AppState;

const CALCULATIONS_OPENAPI: &str = include_str!("../openapi/individual-calculations.yaml");
const CALCULATIONS_OPENAPI_1_0: &str = include_str!("../openapi/individual-calculations-1.0.yaml");
const CALCULATIONS_OPENAPI_3_0: &str = include_str!("../openapi/individual-calculations-3.0.yaml");
const CALCULATION_VERSIONS: [&str; 4] = ["1.0", "3.0", "8.0", "9.0"];

pub async fn definition(State(state): State<AppState>) -> Response {
    let status =
        |version: &str| if state.config.deprecated_versions.contains_key(version) { "DEPRECATED" } else { "BETA" };
    let versions: Vec<_> = CALCULATION_VERSIONS
        .iter()
        .map(|v| json!({"version": v, "status": status(v), "endpointsEnabled": true}))
        .collect();
    Json(json!({
        "scopes": [
            {"key": "read:self-assessment", "name": "View your Self Assessment information", "description": "Read Self Assessment data"},
            {"key": "write:self-assessment", "name": "Change your Self Assessment information", "description": "Change Self Assessment data"}
        ],
        "api": {
            "name": "Individual Calculations (MTD)",
            "description": "Trigger, list and retrieve Self Assessment tax calculations, computed by itsa",
            "context": "individuals/calculations",
            "categories": ["INCOME_TAX_MTD"],
            "versions": versions
        }
    }))
    .into_response()
}

pub async fn application_yaml(Path(version): Path<String>) -> Response {
    if !CALCULATION_VERSIONS.contains(&version.as_str()) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"code": "NOT_FOUND", "message": "The requested resource could not be found"})),
        )
            .into_response();
    }
    let body = match version.as_str() {
        "1.0" => CALCULATIONS_OPENAPI_1_0.to_owned(),
        "3.0" => CALCULATIONS_OPENAPI_3_0.to_owned(),
        _ => CALCULATIONS_OPENAPI.replace("{{VERSION}}", &version),
    };
    ([(header::CONTENT_TYPE, "application/yaml")], body).into_response()
}

/// `Deprecation` (the day it was deprecated, at 23:59:59 GMT), `Sunset` (six months
/// later) and `Link` to the API's documentation, as HMRC sends them.
pub fn add_deprecation_headers(headers: &mut HeaderMap, deprecated_on: Date, context: &str) {
    let format =
        time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year] 23:59:59 GMT");
    let sunset = add_months(deprecated_on, 6);
    let api =
        if context.contains("calculations") { "individual-calculations-api" } else { "self-assessment-accounts-api" };
    if let (Ok(deprecation), Ok(sunset)) = (deprecated_on.format(&format), sunset.format(&format)) {
        for (name, value) in [
            ("deprecation", deprecation),
            ("sunset", sunset),
            ("link", format!("https://developer.service.hmrc.gov.uk/api-documentation/docs/api/service/{api}")),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
}

fn add_months(date: Date, months: u8) -> Date {
    let total = date.month() as u8 - 1 + months;
    let year = date.year() + (total / 12) as i32;
    let month = Month::try_from(total % 12 + 1).unwrap_or(Month::January);
    let mut day = date.day();
    loop {
        if let Ok(d) = Date::from_calendar_date(year, month, day) {
            return d;
        }
        day -= 1;
        if day == 0 {
            return date + Duration::days(183);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn deprecation_headers_match_hmrcs_format() {
        let mut headers = HeaderMap::new();
        add_deprecation_headers(&mut headers, date!(2025 - 10 - 16), "/individuals/calculations");
        assert_eq!(headers["deprecation"], "Thu, 16 Oct 2025 23:59:59 GMT");
        assert_eq!(headers["sunset"], "Thu, 16 Apr 2026 23:59:59 GMT");
        assert!(headers["link"].to_str().unwrap().ends_with("individual-calculations-api"));
    }
}
