//! Coding out through the API, on SQLite and (with DATABASE_URL) PostgreSQL: the amounts
//! HMRC holds, the taxpayer's amendment and its deletion, each reaching the calculation,
//! then the final declaration closing the year to further amendment; and an opt-out
//! keeping a balancing payment out of the code.

#[macro_use]
mod common;

use axum::http::{Method, StatusCode};
use common::{Backend, NINO, TestApp};
use itsa_server::config::Mode;
use serde_json::{Value, json};

on_both_backends!(amend_delete_declare, opting_out_keeps_the_balancing_payment_out);

const YEAR: &str = "2025-26";

fn case() -> Value {
    json!({
        "id": "coded", "tax_year": YEAR, "regime": "rUK",
        "employment_income": 40_000, "paye_tax_deducted": 6_084, "sa_underpayment_coded_out": 600
    })
}

/// Trigger, compute and read back the calculation's coded-out figures:
/// (saUnderpaymentsCodedOut, totalIncomeTaxAndNicsDue).
async fn coded_out_in_calculation(app: &TestApp, token: &str, kind: &str) -> (f64, f64, String) {
    let id = app.trigger(NINO, YEAR, kind, token).await;
    app.compute_all().await;
    let r = app
        .api("9.0", Method::GET, &format!("/individuals/calculations/{NINO}/self-assessment/{YEAR}/{id}"), token, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let tc = &r.body["calculation"]["taxCalculation"];
    (tc["saUnderpaymentsCodedOut"].as_f64().unwrap_or(0.0), tc["totalIncomeTaxAndNicsDue"].as_f64().unwrap(), id)
}

async fn amend_delete_declare(app: &TestApp) {
    let token = app.individual(NINO).await;
    let coding = format!("/accounts/self-assessment/{NINO}/{YEAR}/collection/tax-code");
    app.pin_clock("2026-05-10T09:00:00Z").await;
    app.seed(NINO, case()).await;

    // What HMRC holds: the £600 balancing payment of 2023-24, coded into 2025-26.
    let r = app.api("4.0", Method::GET, &coding, &token, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["taxCodeComponents"]["selfAssessmentUnderpayment"][0]["amount"], 600);
    assert_eq!(r.body["taxCodeComponents"]["selfAssessmentUnderpayment"][0]["source"], "hmrcHeld");
    assert_eq!(r.body["taxCodeComponents"]["selfAssessmentUnderpayment"][0]["relatedTaxYear"], "2023-24");
    let (coded, due, _) = coded_out_in_calculation(app, &token, "in-year").await;
    // 27,430 x 20% = 5,486 charged; 6,084 deducted less 600 that paid 2023-24: 2 due.
    assert_eq!((coded, due), (600.0, 2.0));

    // The taxpayer says only £450 was collected.
    let amended =
        json!({"taxCodeComponents": {"selfAssessmentUnderpayment": [{"id": 1_000_000_001u64, "amount": 450}]}});
    let r = app
        .send(
            Method::PUT,
            &coding,
            &[("accept", "application/vnd.hmrc.4.0+json"), ("authorization", &format!("Bearer {token}"))],
            Some(amended),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = app.api("4.0", Method::GET, &format!("{coding}?source=user"), &token, &[]).await;
    assert_eq!(r.body["taxCodeComponents"]["selfAssessmentUnderpayment"][0]["amount"], 450);
    let r = app.api("4.0", Method::GET, &format!("{coding}?source=hmrcHeld"), &token, &[]).await;
    assert_eq!(r.body["taxCodeComponents"]["selfAssessmentUnderpayment"][0]["amount"], 600, "HMRC's figure is kept");
    let (coded, due, _) = coded_out_in_calculation(app, &token, "in-year").await;
    assert_eq!((coded, due), (450.0, -148.0), "150 more of the PAYE counts for 2025-26");

    // Deleting the amendment brings HMRC's figure back.
    let r = app.api("4.0", Method::DELETE, &coding, &token, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.api("4.0", Method::DELETE, &coding, &token, &[]).await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("MATCHING_RESOURCE_NOT_FOUND")));
    let (coded, due, _) = coded_out_in_calculation(app, &token, "intent-to-finalise").await;
    assert_eq!((coded, due), (600.0, 2.0));

    // Declared final: the coded-out amounts can no longer be changed.
    let intent = app
        .api(
            "8.0",
            Method::GET,
            &format!("/individuals/calculations/{NINO}/self-assessment/{YEAR}?calculationType=intent-to-finalise"),
            &token,
            &[],
        )
        .await;
    let id = intent.body["calculations"][0]["calculationId"].as_str().unwrap().to_owned();
    let r = app
        .api(
            "8.0",
            Method::POST,
            &format!("/individuals/calculations/{NINO}/self-assessment/{YEAR}/{id}/final-declaration"),
            &token,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let again = json!({"taxCodeComponents": {"selfAssessmentUnderpayment": [{"id": 1, "amount": 1}]}});
    let r = app
        .send(
            Method::PUT,
            &coding,
            &[("accept", "application/vnd.hmrc.4.0+json"), ("authorization", &format!("Bearer {token}"))],
            Some(again),
        )
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("RULE_OUTSIDE_AMENDMENT_WINDOW")));
}

async fn opting_out_keeps_the_balancing_payment_out(app: &TestApp) {
    let token = app.individual(NINO).await;
    app.pin_clock("2026-05-10T09:00:00Z").await;
    app.seed(NINO, case()).await;
    // The £600 relates to 2023-24; opting out for 2023-24 keeps it out of the 2025-26 code.
    let opt_out = format!("/accounts/self-assessment/{NINO}/2023-24/collection/tax-code/coding-out/opt-out");
    let r = app.api("4.0", Method::POST, &opt_out, &token, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.api("4.0", Method::POST, &opt_out, &token, &[]).await;
    assert_eq!(r.body["code"], "RULE_ALREADY_OPTED_OUT");
    let r = app
        .api(
            "4.0",
            Method::GET,
            &format!("/accounts/self-assessment/{NINO}/2023-24/collection/tax-code/coding-out/status"),
            &token,
            &[],
        )
        .await;
    assert_eq!(r.body["optOutIndicator"], true);
    let (coded, due, _) = coded_out_in_calculation(app, &token, "in-year").await;
    assert_eq!((coded, due), (0.0, -598.0), "all the PAYE deducted counts for 2025-26");
}
