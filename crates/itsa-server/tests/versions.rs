//! Individual Calculations 1.0 and 3.0 through the router: one calculation read through
//! every version with equal figures, every 1.0 and 3.0 response checked against HMRC's
//! JSON schemas across the tax years (Scottish taxpayers included), and snapshots of the
//! sandbox's seven realistic examples. Stateful tests run on SQLite and, when
//! `DATABASE_URL` is set, on PostgreSQL.

#[macro_use]
mod common;

use axum::http::{Method, StatusCode};
use common::{Backend, NINO, TestApp, case};
use itsa_engine::TaxYear;
use itsa_server::config::Mode;
use itsa_testkit::{Schema, V1Response, V3Response, v1_schema, v3_schema};
use serde_json::{Value, json};

on_both_backends!(one_calculation_through_every_version, responses_match_hmrcs_1_0_and_3_0_schemas);

const CALCS: &str = "/individuals/calculations";
const SUB_RESOURCES: [&str; 5] = [
    "income-tax-nics-calculated",
    "taxable-income",
    "allowances-deductions-reliefs",
    "end-of-year-estimate",
    "messages",
];

/// A JSON-bodied request (1.0's trigger and crystallise).
async fn post_json(app: &TestApp, version: &str, path: &str, token: &str, body: Value) -> common::Response {
    let accept = format!("application/vnd.hmrc.{version}+json");
    let bearer = format!("Bearer {token}");
    app.send(Method::POST, path, &[("accept", accept.as_str()), ("authorization", bearer.as_str())], Some(body)).await
}

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"))
}

/// The headline figures of one calculation as 1.0 shows them.
async fn figures_v1(app: &TestApp, token: &str, id: &str) -> [f64; 3] {
    let base = format!("{CALCS}/{NINO}/self-assessment/{id}");
    let metadata = app.api("1.0", Method::GET, &base, token, &[]).await;
    assert_eq!(metadata.status, StatusCode::OK, "{:?}", metadata.body);
    let tax = app.api("1.0", Method::GET, &format!("{base}/income-tax-nics-calculated"), token, &[]).await;
    let income = app.api("1.0", Method::GET, &format!("{base}/taxable-income"), token, &[]).await;
    assert_eq!(
        number(&metadata.body["totalIncomeTaxAndNicsDue"]),
        number(&tax.body["summary"]["totalIncomeTaxAndNicsDue"])
    );
    [
        number(&metadata.body["totalIncomeTaxAndNicsDue"]),
        number(&tax.body["summary"]["incomeTax"]["incomeTaxCharged"]),
        number(&income.body["summary"]["totalTaxableIncome"]),
    ]
}

/// The same figures from a 3.0 or 8.0 retrieve response.
async fn figures_v3_or_v8(app: &TestApp, version: &str, token: &str, year: &str, id: &str) -> [f64; 3] {
    let r = app.api(version, Method::GET, &format!("{CALCS}/{NINO}/self-assessment/{year}/{id}"), token, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{version}: {:?}", r.body);
    let t = &r.body["calculation"]["taxCalculation"];
    [
        number(&t["totalIncomeTaxAndNicsDue"]),
        number(&t["incomeTax"]["incomeTaxCharged"]),
        number(&t["incomeTax"]["totalTaxableIncome"]),
    ]
}

/// A calculation triggered through any of 1.0, 3.0 and 8.0 reads the same through the
/// other two; a declaration made through one version shows in the others.
async fn one_calculation_through_every_version(app: &TestApp) {
    let token = app.individual(NINO).await;
    let year = "2021-22";
    app.pin_clock("2022-06-15T09:00:00Z").await;
    let mut c = case(year);
    c["regime"] = json!("Scotland");
    app.seed(NINO, c).await;

    let r = post_json(app, "1.0", &format!("{CALCS}/{NINO}/self-assessment"), &token, json!({"taxYear": year})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let by_v1 = r.body["id"].as_str().unwrap().to_owned();
    app.compute_all().await;
    let r = app.api("3.0", Method::POST, &format!("{CALCS}/{NINO}/self-assessment/{year}"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let by_v3 = r.body["calculationId"].as_str().unwrap().to_owned();
    app.compute_all().await;
    let by_v8 = app.trigger(NINO, year, "in-year", &token).await;
    app.compute_all().await;

    let mut all = Vec::new();
    for id in [&by_v1, &by_v3, &by_v8] {
        let v1 = figures_v1(app, &token, id).await;
        let v3 = figures_v3_or_v8(app, "3.0", &token, year, id).await;
        let v8 = figures_v3_or_v8(app, "8.0", &token, year, id).await;
        assert_eq!(v1, v3, "1.0 and 3.0 disagree on {id}");
        assert_eq!(v3, v8, "3.0 and 8.0 disagree on {id}");
        assert!(v1[0] > 0.0 && v1[2] > 0.0);
        all.push(v1);
    }
    assert!(all.windows(2).all(|w| w[0] == w[1]), "the same income gives the same figures: {all:?}");

    // Every version lists all three.
    let r = app.api("1.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment?taxYear={year}"), &token, &[]).await;
    assert_eq!(r.body["calculations"].as_array().unwrap().len(), 3);
    let r = app.api("3.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment?taxYear={year}"), &token, &[]).await;
    assert_eq!(r.body["calculations"].as_array().unwrap().len(), 3);

    // Intent to crystallise through 1.0, declared through 3.0, seen declared by 1.0 and 8.0.
    let intent_path = format!("{CALCS}/crystallisation/{NINO}/{year}/intent-to-crystallise");
    let r = app.api("1.0", Method::POST, &intent_path, &token, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let intent = r.body["calculationId"].as_str().unwrap().to_owned();
    app.compute_all().await;
    let retrieve = format!("{CALCS}/{NINO}/self-assessment/{year}/{intent}");
    let r = app.api("3.0", Method::GET, &retrieve, &token, &[]).await;
    assert_eq!(r.body["metadata"]["calculationType"], "finalDeclaration");
    assert_eq!(r.body["metadata"]["intentToSubmitFinalDeclaration"], true);
    let rels: Vec<&str> = r.body["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert_eq!(rels, ["trigger", "self", "submit-final-declaration"]);
    let r = app.api("3.0", Method::POST, &format!("{retrieve}/final-declaration"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);

    let r = app.api("1.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/{intent}"), &token, &[]).await;
    assert_eq!(
        (r.body["calculationType"].as_str(), r.body["crystallised"].as_bool()),
        (Some("crystallisation"), Some(true))
    );
    let r = app.api("8.0", Method::GET, &retrieve, &token, &[]).await;
    assert_eq!(r.body["metadata"]["finalDeclaration"], true);
    // The declaration is made once, whichever version asks again.
    let r = post_json(
        app,
        "1.0",
        &format!("{CALCS}/crystallisation/{NINO}/{year}/crystallise"),
        &token,
        json!({"calculationId": intent}),
    )
    .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("RULE_FINAL_DECLARATION_RECEIVED")));
    let r = app
        .api("3.0", Method::POST, &format!("{CALCS}/{NINO}/self-assessment/{year}?finalDeclaration=true"), &token, &[])
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("RULE_FINAL_DECLARATION_RECEIVED")));
    // The end-of-year estimate is an in-year calculation's only.
    let r = app
        .api("1.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/{intent}/end-of-year-estimate"), &token, &[])
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("END_OF_YEAR_ESTIMATE_NOT_PRESENT")));
}

fn check(failures: &mut Vec<String>, checked: &mut usize, schema: &Schema, what: &str, body: &Value) {
    failures.extend(schema.violations(what, body));
    *checked += 1;
}

/// Every 1.0 and 3.0 endpoint with a body, for every supported tax year, alternately
/// for an rUK and a Scottish taxpayer, in-year and crystallisation calculations, before
/// and after the declaration.
async fn responses_match_hmrcs_1_0_and_3_0_schemas(app: &TestApp) {
    let Some(dir) = itsa_testkit::calculations_api_dir() else { return };
    let v1: Vec<(V1Response, Schema)> = V1Response::ALL.into_iter().map(|r| (r, v1_schema(&dir, r))).collect();
    let schema_v1 = |r: V1Response| &v1.iter().find(|(x, _)| *x == r).unwrap().1;
    let (v3_list, v3_trigger, v3_retrieve) = (
        v3_schema(&dir, V3Response::List),
        v3_schema(&dir, V3Response::Trigger),
        v3_schema(&dir, V3Response::Retrieve),
    );
    let token = app.individual(NINO).await;
    app.pin_clock("2027-06-15T09:00:00Z").await;
    let (mut checked, mut failures) = (0, Vec::new());
    for year in TaxYear::supported() {
        let y = year.to_string();
        let mut c = case(&y);
        if year.start_year() % 2 == 0 {
            c["regime"] = json!("Scotland");
        }
        if year.start_year() % 3 == 0 {
            c["self_employment_profit"] = json!(-3_000);
            c["blind"] = json!(true);
        }
        app.seed(NINO, c).await;

        let r = post_json(app, "1.0", &format!("{CALCS}/{NINO}/self-assessment"), &token, json!({"taxYear": y})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{y}: {:?}", r.body);
        check(&mut failures, &mut checked, schema_v1(V1Response::Trigger), &format!("{y} 1.0 trigger"), &r.body);
        let in_year = r.body["id"].as_str().unwrap().to_owned();
        app.compute_all().await;
        let r = app
            .api("3.0", Method::POST, &format!("{CALCS}/{NINO}/self-assessment/{y}?finalDeclaration=true"), &token, &[])
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{y}: {:?}", r.body);
        check(&mut failures, &mut checked, &v3_trigger, &format!("{y} 3.0 trigger"), &r.body);
        let intent = r.body["calculationId"].as_str().unwrap().to_owned();
        app.compute_all().await;

        for declared in [false, true] {
            if declared {
                let r = if year.start_year() % 2 == 0 {
                    let path = format!("{CALCS}/{NINO}/self-assessment/{y}/{intent}/final-declaration");
                    app.api("3.0", Method::POST, &path, &token, &[]).await
                } else {
                    let path = format!("{CALCS}/crystallisation/{NINO}/{y}/crystallise");
                    post_json(app, "1.0", &path, &token, json!({"calculationId": intent})).await
                };
                assert_eq!(r.status, StatusCode::NO_CONTENT, "{y}: {:?}", r.body);
            }
            let r =
                app.api("1.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment?taxYear={y}"), &token, &[]).await;
            check(&mut failures, &mut checked, schema_v1(V1Response::List), &format!("{y} 1.0 list"), &r.body);
            let r =
                app.api("3.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment?taxYear={y}"), &token, &[]).await;
            check(&mut failures, &mut checked, &v3_list, &format!("{y} 3.0 list"), &r.body);
            for id in [&in_year, &intent] {
                let base = format!("{CALCS}/{NINO}/self-assessment/{id}");
                let r = app.api("1.0", Method::GET, &base, &token, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{y}: {:?}", r.body);
                check(
                    &mut failures,
                    &mut checked,
                    schema_v1(V1Response::Metadata),
                    &format!("{y} 1.0 metadata"),
                    &r.body,
                );
                for (sub, response) in SUB_RESOURCES.into_iter().zip(&V1Response::ALL[3..]) {
                    let r = app.api("1.0", Method::GET, &format!("{base}/{sub}"), &token, &[]).await;
                    if r.status == StatusCode::OK {
                        check(&mut failures, &mut checked, schema_v1(*response), &format!("{y} 1.0 {sub}"), &r.body);
                    } else {
                        let expected = [
                            "END_OF_YEAR_ESTIMATE_NOT_PRESENT",
                            "NO_MESSAGES_PRESENT",
                            "NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST",
                        ];
                        assert!(expected.contains(&r.body["code"].as_str().unwrap_or("")), "{y} {sub}: {:?}", r.body);
                    }
                }
                let r =
                    app.api("3.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment/{y}/{id}"), &token, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{y}: {:?}", r.body);
                check(&mut failures, &mut checked, &v3_retrieve, &format!("{y} 3.0 retrieve"), &r.body);
            }
        }
    }
    println!("{checked} responses validated against 1.0 and 3.0 schemas");
    assert!(failures.is_empty(), "{} schema violations:\n{}", failures.len(), failures.join("\n"));
}

/// The sandbox's canned answers validate too, and change nothing.
#[tokio::test]
async fn sandbox_scenarios_match_the_schemas() {
    let app = TestApp::start(Backend::Sqlite, Mode::Sandbox).await.unwrap();
    let token = app.individual(NINO).await;
    app.pin_clock("2020-06-15T09:00:00Z").await;
    let id = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";
    let base = format!("{CALCS}/{NINO}/self-assessment/{id}");
    let scenario = |value: &'static str| [("gov-test-scenario", value)];
    let Some(dir) = itsa_testkit::calculations_api_dir() else { return };
    let mut failures = Vec::new();

    for name in ["MULTIPLE_CALCULATIONS", "CRYSTALLISATION"] {
        let r = app.api("1.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment"), &token, &scenario(name)).await;
        assert_eq!(r.status, StatusCode::OK);
        failures.extend(v1_schema(&dir, V1Response::List).violations(name, &r.body));
    }
    for name in ["ERROR_MESSAGES_EXIST", "CRYSTALLISATION_METADATA"] {
        let r = app.api("1.0", Method::GET, &base, &token, &scenario(name)).await;
        assert_eq!(r.status, StatusCode::OK);
        failures.extend(v1_schema(&dir, V1Response::Metadata).violations(name, &r.body));
    }
    let r = app.api("1.0", Method::GET, &base, &token, &scenario("ERROR_MESSAGES_EXIST")).await;
    assert!(r.body.get("totalIncomeTaxAndNicsDue").is_none());
    assert_eq!(r.body["calculationErrorCount"], 1);
    for name in
        ["MESSAGES_INFO", "MESSAGES_INFO_WARNINGS", "MESSAGES_WARNINGS", "MESSAGES_WARNINGS_ERRORS", "MESSAGES_ERRORS"]
    {
        let r = app.api("1.0", Method::GET, &format!("{base}/messages"), &token, &scenario(name)).await;
        assert_eq!(r.status, StatusCode::OK);
        failures.extend(v1_schema(&dir, V1Response::Messages).violations(name, &r.body));
    }
    let r = app
        .api("1.0", Method::GET, &format!("{base}/messages?type=warning"), &token, &scenario("MESSAGES_INFO_WARNINGS"))
        .await;
    assert_eq!(r.body.as_object().unwrap().keys().collect::<Vec<_>>(), ["warnings", "links"]);
    let r = app
        .api(
            "1.0",
            Method::GET,
            &format!("{base}/messages?type=error&type=info"),
            &token,
            &scenario("MESSAGES_WARNINGS"),
        )
        .await;
    assert_eq!(r.body["code"], "NO_MESSAGES_PRESENT");

    app.pin_clock("2022-06-15T09:00:00Z").await;
    let retrieve = format!("{CALCS}/{NINO}/self-assessment/2021-22/{id}");
    let r = app.api("3.0", Method::GET, &retrieve, &token, &scenario("ERROR_MESSAGES_EXIST")).await;
    assert_eq!(r.status, StatusCode::OK);
    failures.extend(v3_schema(&dir, V3Response::Retrieve).violations("ERROR_MESSAGES_EXIST", &r.body));
    assert!(r.body.get("calculation").is_none());

    // Nothing was stored.
    let r = app.api("3.0", Method::GET, &format!("{CALCS}/{NINO}/self-assessment?taxYear=2021-22"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(failures.is_empty(), "{failures:#?}");
    app.finish().await;
}

/// The order of checks and the seed era's answers that the shared cases do not pin.
#[tokio::test]
async fn seed_era_answers() {
    let app = TestApp::start(Backend::Sqlite, Mode::Sandbox).await.unwrap();
    let token = app.individual(NINO).await;
    app.pin_clock("2020-06-15T09:00:00Z").await;
    let trigger = format!("{CALCS}/{NINO}/self-assessment");
    let bearer = format!("Bearer {token}");
    let accept = ("accept", "application/vnd.hmrc.1.0+json");
    let auth = ("authorization", bearer.as_str());

    // The JSON body is parsed before the NINO is looked at.
    let r = app
        .send(
            Method::POST,
            "/individuals/calculations/AA12345A/self-assessment",
            &[accept, auth, ("content-type", "text/plain")],
            None,
        )
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("INVALID_BODY_TYPE")));
    let r = app.send(Method::POST, &trigger, &[accept, auth], None).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app
        .send(
            Method::POST,
            "/individuals/calculations/AA12345A/self-assessment",
            &[accept, auth, ("content-type", "application/json")],
            None,
        )
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST")));
    let r = post_json(&app, "1.0", "/individuals/calculations/AA12345A/self-assessment", &token, json!({})).await;
    assert_eq!(r.body["code"], "FORMAT_NINO");
    assert!(!r.headers.contains_key("x-correlationid"));

    // Nothing submitted: 403 in 1.0; the list is not found.
    let r = post_json(&app, "1.0", &trigger, &token, json!({"taxYear": "2020-21"})).await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("RULE_NO_INCOME_SUBMISSIONS_EXIST")));
    assert_eq!(r.body["message"], "No income submissions exist for the tax year");
    let r = app.api("1.0", Method::GET, &trigger, &token, &[]).await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("MATCHING_RESOURCE_NOT_FOUND")));
    let r = app
        .api("1.0", Method::POST, &format!("{CALCS}/crystallisation/{NINO}/2019-20/intent-to-crystallise"), &token, &[])
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("RULE_NO_SUBMISSIONS_EXIST")));

    // Intent to crystallise before the year has ended.
    app.seed(NINO, case("2020-21")).await;
    let r = app
        .api("1.0", Method::POST, &format!("{CALCS}/crystallisation/{NINO}/2020-21/intent-to-crystallise"), &token, &[])
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("RULE_TAX_YEAR_NOT_ENDED")));
    // An in-year calculation cannot be crystallised.
    let r = post_json(&app, "1.0", &trigger, &token, json!({"taxYear": "2020-21"})).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    app.compute_all().await;
    let r = post_json(
        &app,
        "1.0",
        &format!("{CALCS}/crystallisation/{NINO}/2020-21/crystallise"),
        &token,
        json!({"calculationId": id}),
    )
    .await;
    assert_eq!(r.body["code"], "RULE_FINAL_DECLARATION_TAX_YEAR");
    // Metadata links only to the sub-resources with data; sub-resources link back.
    let r = app.api("1.0", Method::GET, &format!("{trigger}/{id}"), &token, &[]).await;
    let rels: Vec<&str> = r.body["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert_eq!(
        &rels[..4],
        ["self", "income-tax-and-nics-calculated", "taxable-income", "allowances-deductions-reliefs"]
    );
    assert!(rels.contains(&"end-of-year-estimate"));
    let r = app.api("1.0", Method::GET, &format!("{trigger}/{id}/taxable-income"), &token, &[]).await;
    assert_eq!(r.body["links"][1]["href"], format!("{trigger}/{id}"));
    // 3.0's retrieve of a 1.0 calculation in another year is not found.
    let r = app.api("3.0", Method::GET, &format!("{trigger}/2019-20/{id}"), &token, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // An unknown scenario.
    let r = app.api("1.0", Method::GET, &trigger, &token, &[("gov-test-scenario", "NOPE")]).await;
    assert_eq!(r.body["code"], "RULE_INCORRECT_GOV_TEST_SCENARIO");

    // The documentation endpoints describe both versions.
    let r = app.send(Method::GET, "/api/definition", &[], None).await;
    let versions: Vec<&str> =
        r.body["api"]["versions"].as_array().unwrap().iter().map(|v| v["version"].as_str().unwrap()).collect();
    assert_eq!(versions, ["1.0", "3.0", "8.0", "9.0"]);
    for (version, path) in [("1.0", "/crystallisation/{nino}/{taxYear}/crystallise"), ("3.0", "/final-declaration:")] {
        let r = app.send(Method::GET, &format!("/api/conf/{version}/application.yaml"), &[], None).await;
        let text = String::from_utf8_lossy(&r.raw);
        assert!(text.starts_with("openapi: 3.0.3") && text.contains(path), "{version}");
    }
    app.finish().await;
}

/// The 1.0 metadata and sub-resources, and the 3.0 retrieve, for the seven realistic
/// examples (real engine calculations): ids and timestamps redacted.
#[tokio::test]
async fn realistic_examples_snapshots() {
    let app = TestApp::start(Backend::Sqlite, Mode::Sandbox).await.unwrap();
    let token = app.individual(NINO).await;
    let id = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";
    let mut settings = insta::Settings::clone_current();
    for key in [
        "calculationTimestamp",
        "requestedTimestamp",
        "latestReceivedDateTime",
        "finalDeclarationTimestamp",
        "calculationId",
    ] {
        settings.add_redaction(&format!(".**.{key}"), format!("[{key}]"));
    }
    settings.add_redaction(".id", "[id]");
    settings.add_dynamic_redaction(".**.href", move |value, _| {
        value.as_str().map_or(value.clone(), |href| href.replace(id, "[id]").into())
    });
    settings.set_sort_maps(false);
    let _guard = settings.bind_to_scope();

    let examples = [
        "UK_MULTIPLE_INCOMES_EXAMPLE",
        "UK_PROP_DIVIDENDS_EXAMPLE",
        "UK_PROP_GIFTAID_EXAMPLE",
        "UK_PROP_SAVINGS_EXAMPLE",
        "UK_SE_GIFTAID_EXAMPLE",
        "UK_SE_SAVINGS_EXAMPLE",
        "SCOT_SE_DIVIDENDS_EXAMPLE",
    ];
    app.pin_clock("2020-06-15T09:00:00Z").await;
    for name in examples {
        let scenario = [("gov-test-scenario", name)];
        let base = format!("{CALCS}/{NINO}/self-assessment/{id}");
        let r = app.api("1.0", Method::GET, &base, &token, &scenario).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {:?}", r.body);
        insta::assert_json_snapshot!(format!("v1_{}_metadata", name.to_lowercase()), r.body);
        for sub in SUB_RESOURCES {
            let r = app.api("1.0", Method::GET, &format!("{base}/{sub}"), &token, &scenario).await;
            let answer = json!({"status": r.status.as_u16(), "body": r.body});
            insta::assert_json_snapshot!(format!("v1_{}_{}", name.to_lowercase(), sub.replace('-', "_")), answer);
        }
    }
    app.pin_clock("2022-06-15T09:00:00Z").await;
    for name in examples {
        let r = app
            .api(
                "3.0",
                Method::GET,
                &format!("{CALCS}/{NINO}/self-assessment/2021-22/{id}"),
                &token,
                &[("gov-test-scenario", name)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {:?}", r.body);
        insta::assert_json_snapshot!(format!("v3_{}_retrieve", name.to_lowercase()), r.body);
    }
    app.finish().await;
}
