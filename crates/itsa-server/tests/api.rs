//! The service through its router: HMRC's platform answers, authorisation, the whole
//! calculation journey on stored state with the clock moved across 5 April and past the
//! amendment window, and every retrieve and list response checked against HMRC's JSON
//! schema for its version and tax-year variant. Each test runs on SQLite and, when
//! `DATABASE_URL` is set, on PostgreSQL.

#[macro_use]
mod common;

use axum::http::{Method, StatusCode};
use common::{Backend, NINO, TestApp, case};
use itsa_engine::TaxYear;
use itsa_hmrc::{ListVariant, SchemaVariant};
use itsa_server::config::Mode;
use serde_json::json;

on_both_backends!(
    platform_answers_come_before_the_endpoint,
    bad_input_is_refused_at_the_door,
    authorisation,
    journey_from_in_year_to_amendment,
    responses_match_hmrcs_schemas
);

const CALCS: &str = "/individuals/calculations";

/// Every answer of the OpenAPI-documented versions carries a correlation id (a UUID)
/// and nosniff, the platform's early rejections included.
fn has_correlation_id(r: &common::Response) -> bool {
    r.headers.get("x-correlationid").is_some_and(|id| id.len() == 36)
        && r.headers.get("x-content-type-options").is_some_and(|v| v == "nosniff")
}

async fn platform_answers_come_before_the_endpoint(app: &TestApp) {
    let token = app.individual(NINO).await;
    let list = format!("{CALCS}/{NINO}/self-assessment/2025-26");
    let auth = format!("Bearer {token}");

    for accept in [
        None,
        Some("application/json"),
        Some("application/vnd.hmrc.8.0+json; charset=utf-8"),
        Some("application/vnd.hmrc.10.0+json"),
    ] {
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(a) = accept {
            headers.push(("accept", a));
        }
        let r = app.send(Method::GET, &list, &headers, None).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::NOT_ACCEPTABLE, Some("ACCEPT_HEADER_INVALID")),
            "{accept:?}"
        );
        assert!(has_correlation_id(&r));
    }
    let r = app.api("4.5", Method::GET, &list, &token, &[]).await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));

    // Unknown routes and wrong methods are HMRC's 404, never 405, and come before credentials.
    for (method, path) in [
        (Method::DELETE, list.clone()),
        (Method::GET, format!("{list}/a/b/c")),
        (Method::GET, format!("{CALCS}/nothing")),
    ] {
        let r = app.send(method.clone(), &path, &[("accept", "application/vnd.hmrc.8.0+json")], None).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("MATCHING_RESOURCE_NOT_FOUND")),
            "{method} {path}"
        );
        assert!(has_correlation_id(&r));
    }

    // Handled answers carry the correlation id and nosniff; the id is a UUID.
    let r = app.api("8.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/2016-17"), &token, &[]).await;
    assert_eq!(r.body["code"], "RULE_TAX_YEAR_NOT_SUPPORTED");
    assert!(has_correlation_id(&r));
    assert_eq!(r.headers["content-type"], "application/json");
    // Version 3.0's early rejections carry none, as its platform sent none.
    let r = app.api("3.0", Method::GET, &format!("{CALCS}/AA12345A/self-assessment"), &token, &[]).await;
    assert_eq!(r.body["code"], "FORMAT_NINO");
    assert!(!r.headers.contains_key("x-correlationid"));
    let r = app
        .send(
            Method::GET,
            &format!("{CALCS}/{NINO}/self-assessment"),
            &[("accept", "application/vnd.hmrc.3.0+json")],
            None,
        )
        .await;
    assert_eq!(r.body["code"], "MISSING_CREDENTIALS");
    assert!(!r.headers.contains_key("x-correlationid"));

    // All parameter errors together, merged and sorted by code (v8).
    let r = app
        .api("8.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/2025?calculationType=foo"), &token, &[])
        .await;
    assert_eq!(r.body["code"], "INVALID_REQUEST");
    let codes: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["FORMAT_CALCULATION_TYPE", "FORMAT_TAX_YEAR"]);

    // Nothing stored: a list is not found.
    let r = app.api("9.0", Method::GET, &list, &token, &[]).await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("MATCHING_RESOURCE_NOT_FOUND")));

    // The documentation endpoints.
    let r = app.send(Method::GET, "/api/definition", &[], None).await;
    assert_eq!(r.body["api"]["context"], "individuals/calculations");
    let r = app.send(Method::GET, "/api/conf/9.0/application.yaml", &[], None).await;
    assert!(String::from_utf8_lossy(&r.raw).contains("openapi: 3.0.3"));
}

async fn bad_input_is_refused_at_the_door(app: &TestApp) {
    let seed = |year: &str, case: serde_json::Value| {
        let path = format!("/test-support/individuals/{NINO}/{year}/income");
        async move { app.send(Method::PUT, &path, &[], Some(case)).await }
    };
    let with = |field: &str, value: serde_json::Value| {
        let mut c = common::case("2025-26");
        c[field] = value;
        c
    };
    for (case, named) in [
        (with("employment_income", json!(32000.005)), "employment_income"),
        (with("dividends", json!(-10)), "dividends"),
        (with("paye_tax_deducted", json!(-0.01)), "paye_tax_deducted"),
        (with("savings_interest", json!(1e12)), "savings_interest"),
    ] {
        let r = seed("2025-26", case).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{named}: {:?}", r.body);
        assert!(r.body["message"].as_str().unwrap().starts_with(named), "{:?}", r.body);
    }
    for year in ["2016-17", "2027-28"] {
        let r = seed(year, common::case(year)).await;
        assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("RULE_TAX_YEAR_NOT_SUPPORTED")));
    }
    // Nothing refused was stored.
    let token = app.individual(NINO).await;
    let trigger = format!("{CALCS}/{NINO}/self-assessment/2025-26/trigger/in-year");
    let r = app.api("9.0", Method::POST, &trigger, &token, &[]).await;
    assert_eq!(r.body["code"], "RULE_NO_INCOME_SUBMISSIONS_EXIST");

    // A year beyond the rules is HMRC's unsupported tax year, sandbox examples included,
    // in every version; no 500.
    let id = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";
    for (version, path) in [
        ("8.0", format!("{CALCS}/{NINO}/self-assessment/2027-28/{id}")),
        ("9.0", format!("{CALCS}/{NINO}/self-assessment/2030-31/{id}")),
        ("3.0", format!("{CALCS}/{NINO}/self-assessment/2027-28/{id}")),
    ] {
        for scenario in ["UK_MULTIPLE_INCOMES_EXAMPLE", "DYNAMIC", "STATEFUL"] {
            let r = app.api(version, Method::GET, &path, &token, &[("gov-test-scenario", scenario)]).await;
            assert_eq!(
                (r.status, r.body["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("RULE_TAX_YEAR_NOT_SUPPORTED")),
                "{version} {scenario}"
            );
        }
    }
    let r = app
        .api("9.0", Method::POST, &format!("{CALCS}/{NINO}/self-assessment/2027-28/trigger/in-year"), &token, &[])
        .await;
    assert_eq!(r.body["code"], "RULE_TAX_YEAR_NOT_SUPPORTED");
    // A scenario the endpoint does not document is an incorrect scenario.
    let r = app.api("9.0", Method::POST, &trigger, &token, &[("gov-test-scenario", "NOT_FOUND")]).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("RULE_INCORRECT_GOV_TEST_SCENARIO"))
    );
}

async fn authorisation(app: &TestApp) {
    let list = format!("{CALCS}/{NINO}/self-assessment/2025-26");
    let accept = ("accept", "application/vnd.hmrc.8.0+json");
    let code = |r: &common::Response| (r.status, r.body["code"].as_str().map(str::to_owned));

    let r = app.send(Method::GET, &list, &[accept], None).await;
    assert_eq!(code(&r), (StatusCode::UNAUTHORIZED, Some("MISSING_CREDENTIALS".into())));
    assert!(has_correlation_id(&r));
    let r = app.send(Method::GET, &list, &[accept, ("authorization", "Bearer bad-token")], None).await;
    assert_eq!(code(&r), (StatusCode::UNAUTHORIZED, Some("INVALID_CREDENTIALS".into())));
    // A missing token beats a bad NINO.
    let r = app.send(Method::GET, &format!("{CALCS}/AA12345A/self-assessment/2025-26"), &[accept], None).await;
    assert_eq!(code(&r), (StatusCode::UNAUTHORIZED, Some("MISSING_CREDENTIALS".into())));

    let read_only = app.token(json!({"role": "individual", "nino": NINO, "scopes": ["read:self-assessment"]})).await;
    let r = app.api("8.0", Method::POST, &format!("{list}/trigger/in-year"), &read_only, &[]).await;
    assert_eq!(code(&r), (StatusCode::FORBIDDEN, Some("INVALID_SCOPE".into())));

    let mine = app.individual(NINO).await;
    let r = app.api("8.0", Method::GET, &format!("{CALCS}/AA12345A/self-assessment/2025-26"), &mine, &[]).await;
    assert_eq!(code(&r), (StatusCode::BAD_REQUEST, Some("FORMAT_NINO".into())));
    assert!(has_correlation_id(&r));

    let someone_else = app.individual("AA654321B").await;
    let both = ["read:self-assessment", "write:self-assessment"];
    let stranger_agent = app.token(json!({"role": "agent", "clients": [], "scopes": both})).await;
    let supporting = app.token(json!({"role": "supporting-agent", "clients": [NINO], "scopes": both})).await;
    for token in [&someone_else, &stranger_agent, &supporting] {
        let r = app.api("8.0", Method::GET, &list, token, &[]).await;
        assert_eq!(code(&r), (StatusCode::FORBIDDEN, Some("CLIENT_OR_AGENT_NOT_AUTHORISED".into())));
        assert!(has_correlation_id(&r));
    }

    // A main agent acts for a client, and the calculation says an agent asked for it.
    app.pin_clock("2026-06-15T09:00:00Z").await;
    app.seed(NINO, case("2025-26")).await;
    let agent = app.token(json!({"role": "agent", "clients": [NINO], "scopes": both})).await;
    let id = app.trigger(NINO, "2025-26", "in-year", &agent).await;
    app.compute_all().await;
    let r = app.api("8.0", Method::GET, &format!("{list}/{id}"), &agent, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["metadata"]["requestedBy"], "agent");
    // And the taxpayer's own token reads it; nobody else's does.
    assert_eq!(app.api("8.0", Method::GET, &format!("{list}/{id}"), &mine, &[]).await.status, StatusCode::OK);
    assert_eq!(
        app.api("8.0", Method::GET, &format!("{list}/{id}"), &someone_else, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn journey_from_in_year_to_amendment(app: &TestApp) {
    let token = app.individual(NINO).await;
    let base = format!("{CALCS}/{NINO}/self-assessment/2025-26");
    let code = |r: &common::Response| r.body["code"].as_str().unwrap_or("").to_owned();

    // During the year: nothing submitted, then an in-year calculation.
    app.pin_clock("2025-11-20T10:00:00Z").await;
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/in-year"), &token, &[]).await;
    assert_eq!((r.status, code(&r)), (StatusCode::BAD_REQUEST, "RULE_NO_INCOME_SUBMISSIONS_EXIST".into()));
    app.seed(NINO, case("2025-26")).await;
    let in_year = app.trigger(NINO, "2025-26", "in-year", &token).await;
    // Until it is computed it cannot be read, and no other calculation can start.
    assert_eq!(
        app.api("8.0", Method::GET, &format!("{base}/{in_year}"), &token, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/in-year"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_CALCULATION_IN_PROGRESS");
    assert_eq!(app.compute_all().await, 1);
    let r = app.api("8.0", Method::GET, &format!("{base}/{in_year}"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["metadata"]["calculationType"], "in-year");
    assert!(r.body["calculation"]["endOfYearEstimate"].is_object(), "an in-year calculation has an estimate");
    let due = r.body["calculation"]["taxCalculation"]["totalIncomeTaxAndNicsDue"].as_f64().unwrap();
    assert!(due > 0.0);

    // Finalising before the year ends is premature.
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/intent-to-finalise"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_PREMATURE_FINALISATION");
    let r = app.api("8.0", Method::POST, &format!("{base}/{in_year}/final-declaration"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_FINAL_DECLARATION_TAX_YEAR");

    // After 5 April: intent to finalise, then the final declaration.
    app.pin_clock("2026-06-15T09:00:00Z").await;
    let intent = app.trigger(NINO, "2025-26", "intent-to-finalise", &token).await;
    let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/final-declaration"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_FINAL_DECLARATION_IN_PROGRESS", "still being computed");
    app.compute_all().await;
    // Income submitted after the intent calculation must be calculated first.
    app.seed(NINO, case("2025-26")).await;
    let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/final-declaration"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_RECENT_SUBMISSIONS_EXIST");
    let intent = app.trigger(NINO, "2025-26", "intent-to-finalise", &token).await;
    app.compute_all().await;
    // An amendment before any declaration is refused.
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/intent-to-amend"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_DECLARATION_NOT_RECEIVED");
    let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/final-declaration"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert!(r.raw.is_empty());

    // A second declaration, or a new intent, is refused.
    let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/final-declaration"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_FINAL_DECLARATION_RECEIVED");
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/intent-to-finalise"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_FINAL_DECLARATION_RECEIVED");
    let r = app.api("8.0", Method::GET, &format!("{base}?calculationType=final-declaration"), &token, &[]).await;
    assert_eq!(r.body["calculations"][0]["calculationId"], intent.as_str());
    let r = app.api("8.0", Method::GET, &format!("{base}/{intent}"), &token, &[]).await;
    assert_eq!(r.body["metadata"]["calculationType"], "declare-finalisation");
    assert!(r.body["metadata"]["finalisationTimestamp"].as_str().unwrap().starts_with("2026-06-15T"));

    // The amendment: intent to amend, then confirm.
    let amend = app.trigger(NINO, "2025-26", "intent-to-amend", &token).await;
    app.compute_all().await;
    let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/confirm-amendment"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_FINAL_DECLARATION_RECEIVED", "the declared calculation itself cannot be an amendment");
    let r = app.api("8.0", Method::POST, &format!("{base}/{amend}/confirm-amendment"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = app.api("8.0", Method::GET, &format!("{base}?calculationType=confirm-amendment"), &token, &[]).await;
    assert_eq!(r.body["calculations"][0]["calculationId"], amend.as_str());
    let r = app.api("8.0", Method::GET, &base, &token, &[]).await;
    assert_eq!(r.body["calculations"].as_array().unwrap().len(), 4, "in-year, two intents, the amendment");

    // Past the window (12 months after the 31 January 2027 filing date): no more amendments.
    app.pin_clock("2028-01-31T23:00:00Z").await;
    let late = app.trigger(NINO, "2025-26", "intent-to-amend", &token).await;
    app.compute_all().await;
    app.pin_clock("2028-02-01T00:00:01Z").await;
    let r = app.api("8.0", Method::POST, &format!("{base}/trigger/intent-to-amend"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_OUTSIDE_AMENDMENT_WINDOW");
    let r = app.api("8.0", Method::POST, &format!("{base}/{late}/confirm-amendment"), &token, &[]).await;
    assert_eq!(code(&r), "RULE_OUTSIDE_AMENDMENT_WINDOW");

    // Years before 2025-26 have no amendments at all.
    let r = app
        .api(
            "8.0",
            Method::POST,
            &format!("{CALCS}/{NINO}/self-assessment/2024-25/trigger/intent-to-amend"),
            &token,
            &[],
        )
        .await;
    assert_eq!(code(&r), "RULE_CALCULATION_TYPE_NOT_ALLOWED");
}

/// Every tax year, so every schema variant (def1 to 2023-24, def2 2024-25, def3 2025-26,
/// def4 2026-27; list def1 to 2022-23, def2 to 2024-25, def3 after), in 8.0 and 9.0.
async fn responses_match_hmrcs_schemas(app: &TestApp) {
    let Some(dir) = itsa_testkit::calculations_api_dir() else { return };
    let token = app.individual(NINO).await;
    app.pin_clock("2027-06-15T09:00:00Z").await;
    let mut checked = 0;
    let mut failures = Vec::new();
    for year in TaxYear::supported() {
        let y = year.to_string();
        let mut c = case(&y);
        if year.start_year() % 2 == 0 {
            c["regime"] = json!("Scotland");
        }
        app.seed(NINO, c).await;
        let id = app.trigger(NINO, &y, "in-year", &token).await;
        app.compute_all().await;
        let intent = app.trigger(NINO, &y, "intent-to-finalise", &token).await;
        app.compute_all().await;
        let base = format!("{CALCS}/{NINO}/self-assessment/{y}");
        let r = app.api("8.0", Method::POST, &format!("{base}/{intent}/final-declaration"), &token, &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{y}: {:?}", r.body);
        for version in ["8.0", "9.0"] {
            for calculation in [&id, &intent] {
                let r = app.api(version, Method::GET, &format!("{base}/{calculation}"), &token, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{y}: {:?}", r.body);
                for schema in itsa_testkit::retrieve_schemas(&dir, SchemaVariant::for_tax_year(year)) {
                    if schema.label.starts_with(version) {
                        failures.extend(schema.violations(&format!("{y} retrieve"), &r.body));
                        checked += 1;
                    }
                }
            }
            let r = app.api(version, Method::GET, &base, &token, &[]).await;
            assert_eq!(r.status, StatusCode::OK);
            for schema in itsa_testkit::list_schemas(&dir, ListVariant::for_tax_year(year)) {
                if schema.label.starts_with(version) {
                    failures.extend(schema.violations(&format!("{y} list"), &r.body));
                    checked += 1;
                }
            }
        }
    }
    println!("{checked} responses validated");
    assert!(failures.is_empty(), "{} schema violations:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn gov_test_scenarios_in_the_sandbox() {
    let app = TestApp::start(Backend::Sqlite, Mode::Sandbox).await.unwrap();
    let token = app.individual(NINO).await;
    let id = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";
    let retrieve = format!("{CALCS}/{NINO}/self-assessment/2025-26/{id}");
    let r = app.api("8.0", Method::GET, &retrieve, &token, &[("gov-test-scenario", "NO_SUCH_THING")]).await;
    assert_eq!(r.body["code"], "RULE_INCORRECT_GOV_TEST_SCENARIO");
    let r = app
        .api(
            "8.0",
            Method::POST,
            &format!("{CALCS}/{NINO}/self-assessment/2025-26/trigger/in-year"),
            &token,
            &[("gov-test-scenario", "TAX_YEAR_NOT_ENDED")],
        )
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("RULE_TAX_YEAR_NOT_ENDED")));
    // A realistic example is a real calculation of that kind of taxpayer, valid against the schema.
    let r = app.api("9.0", Method::GET, &retrieve, &token, &[("gov-test-scenario", "UK_SE_GIFTAID_EXAMPLE")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["calculation"]["giftAid"]["grossGiftAidPayments"].as_f64().unwrap() > 0.0);
    assert!(r.body["calculation"]["taxCalculation"]["nics"]["class4Nics"].is_object());
    if let Some(dir) = itsa_testkit::calculations_api_dir() {
        for schema in itsa_testkit::retrieve_schemas(&dir, SchemaVariant::Def3) {
            let v = schema.violations("example", &r.body);
            assert!(v.is_empty(), "{v:?}");
        }
    }
    // Scenarios change nothing: the list is still empty.
    let r = app.api("8.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/2025-26"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn production_mode_has_no_test_support_and_ignores_scenarios() {
    let app = TestApp::start(Backend::Sqlite, Mode::Production).await.unwrap();
    let r = app
        .send(
            Method::POST,
            "/test-support/tokens",
            &[],
            Some(json!({"role": "individual", "nino": NINO, "scopes": ["read:self-assessment"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.send(Method::PUT, "/test-support/clock", &[], Some(json!({"now": null}))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.finish().await;
}
