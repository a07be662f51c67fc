//! The coding-out endpoints of HMRC's Self Assessment Accounts API, versions 1.0 to 4.0:
//! request validation in each version's order, the Gov-Test-Scenario tables, and the
//! response bodies. Pure functions; the server supplies the stored state.
//!
//! Versions 1.0 and 2.0 validate in levels (the first level with errors answers) and
//! accept any tax year of the form `2xxx-yy` before the range and minimum checks; 3.0
//! and 4.0 collect every parameter error, merge and sort them. 3.0 and 4.0 add the
//! coding-out status, opt-in and opt-out endpoints; 4.0 answers a create-or-amend with
//! 204 and has no links.

use std::str::FromStr;

use itsa_engine::TaxYear;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::domain::parse_tax_year;
use crate::errors::{ApiError, Era, ErrorCode};
use crate::views::hmrc_timestamp;
use crate::views::json_number;

/// The Self Assessment Accounts API versions with coding-out endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountsVersion {
    V1,
    V2,
    V3,
    V4,
}

impl AccountsVersion {
    /// The error-message era: v1 and v2 share the older wording.
    pub fn era(self) -> Era {
        if self <= AccountsVersion::V2 { Era::V1 } else { Era::Current }
    }

    /// Whether the version has the status, opt-in and opt-out endpoints.
    pub fn has_opt_out(self) -> bool {
        self >= AccountsVersion::V3
    }

    /// Whether responses carry HATEOAS links (HMRC removed them in 4.0).
    pub fn has_links(self) -> bool {
        self <= AccountsVersion::V3
    }

    fn accumulates(self) -> bool {
        self >= AccountsVersion::V3
    }
}

/// The earliest tax year whose coded-out amounts the endpoints accept (HMRC's
/// `minimumPermittedTaxYear`, 2019-20 in the sandbox).
pub const MINIMUM_TAX_YEAR: TaxYear = TaxYear::starting(2019);

fn error(code: ErrorCode, version: AccountsVersion) -> ApiError {
    let e = ApiError::new(code, version.era());
    match code {
        // The accounts API words these its own way.
        ErrorCode::FORMAT_TAX_YEAR => e.with_message("The taxYear format is invalid"),
        ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED => {
            e.with_message("The tax year specified does not lie within the supported range")
        }
        ErrorCode::RULE_TAX_YEAR_RANGE_INVALID => e.with_message("A tax year range of one year is required"),
        ErrorCode::RULE_TAX_YEAR_NOT_ENDED => e.with_message("The specified tax year has not yet ended"),
        ErrorCode::RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED => {
            e.with_message("An empty or non-matching body was submitted")
        }
        ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO if version.era() == Era::V1 => {
            e.with_message("The Gov-Test-Scenario was not found")
        }
        ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO => e.with_message("The supplied Gov-Test-Scenario is not valid"),
        _ => e,
    }
}

/// 404 when no coded-out amounts are stored for what was asked.
pub fn not_found(version: AccountsVersion) -> ApiError {
    error(ErrorCode::MATCHING_RESOURCE_NOT_FOUND, version)
        .with_message("Coded out amounts could not be found for the supplied nino and taxYear")
}

/// A rule error of this API (status 400), e.g. `RULE_ALREADY_OPTED_OUT`.
pub fn rule(code: ErrorCode, version: AccountsVersion) -> ApiError {
    error(code, version).with_status(400)
}

fn combine(levels: Vec<Vec<ApiError>>, version: AccountsVersion) -> Option<ApiError> {
    if version.accumulates() {
        ApiError::accumulated(levels.into_iter().flatten().collect(), version.era())
    } else {
        ApiError::first_level(levels, version.era())
    }
}

/// The tax year in the path: format, range and (unless `minimum` is `None`) minimum.
/// Returns (format-level errors, rule-level errors).
fn tax_year(
    text: &str,
    version: AccountsVersion,
    minimum: Option<TaxYear>,
) -> (Option<TaxYear>, Vec<ApiError>, Vec<ApiError>) {
    let parsed = if version.accumulates() {
        parse_tax_year(text)
    } else {
        // v1 and v2: any `2xxx-yy`, then the range.
        let b = text.as_bytes();
        let shaped = b.len() == 7
            && b[0] == b'2'
            && b[4] == b'-'
            && text.bytes().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
        if !shaped {
            Err(ErrorCode::FORMAT_TAX_YEAR)
        } else {
            let start: u16 = text[..4].parse().unwrap_or(0);
            let end: u16 = text[5..].parse().unwrap_or(0);
            if (start + 1) % 100 == end {
                Ok(TaxYear::starting(start))
            } else {
                Err(ErrorCode::RULE_TAX_YEAR_RANGE_INVALID)
            }
        }
    };
    match parsed {
        Ok(year) => {
            let rules = match minimum {
                Some(min) if year < min => vec![error(ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED, version)],
                _ => Vec::new(),
            };
            (Some(year), Vec::new(), rules)
        }
        Err(code) => (None, vec![error(code, version)], Vec::new()),
    }
}

/// Which coded-out amounts a retrieve asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    HmrcHeld,
    User,
    Latest,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::HmrcHeld => "hmrcHeld",
            Source::User => "user",
            Source::Latest => "latest",
        }
    }
}

/// `GET …/collection/tax-code[?source=]`.
pub fn retrieve(
    version: AccountsVersion,
    tax_year_text: &str,
    source: Option<&str>,
) -> Result<(TaxYear, Source), ApiError> {
    let (year, format, rules) = tax_year(tax_year_text, version, Some(MINIMUM_TAX_YEAR));
    let source = match source {
        None => Ok(Source::Latest),
        Some("hmrcHeld") => Ok(Source::HmrcHeld),
        Some("user") => Ok(Source::User),
        Some("latest") => Ok(Source::Latest),
        Some(_) => Err(error(ErrorCode::FORMAT_SOURCE, version)),
    };
    let mut first = format;
    if let Err(e) = &source {
        first.push(e.clone());
    }
    match combine(vec![first, rules], version) {
        Some(e) => Err(e),
        None => Ok((year.expect("no errors"), source.expect("no errors"))),
    }
}

/// `DELETE …/collection/tax-code`: the tax year and its minimum only.
pub fn delete(version: AccountsVersion, tax_year_text: &str) -> Result<TaxYear, ApiError> {
    let (year, format, rules) = tax_year(tax_year_text, version, Some(MINIMUM_TAX_YEAR));
    match combine(vec![format, rules], version) {
        Some(e) => Err(e),
        None => Ok(year.expect("no errors")),
    }
}

/// The status, opt-in and opt-out endpoints: the tax year's format and range only.
pub fn opt_out_year(version: AccountsVersion, tax_year_text: &str) -> Result<TaxYear, ApiError> {
    let (year, format, _) = tax_year(tax_year_text, version, None);
    match combine(vec![format], version) {
        Some(e) => Err(e),
        None => Ok(year.expect("no errors")),
    }
}

/// One coded-out amount as submitted: HMRC's id for it and the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub id: u64,
    pub amount: Decimal,
}

/// The four kinds of coded-out amount, as HMRC names them.
pub const COMPONENT_KINDS: [&str; 4] = ["payeUnderpayment", "selfAssessmentUnderpayment", "debt", "inYearAdjustment"];

/// A create-or-amend submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Components {
    pub paye_underpayment: Vec<Component>,
    pub self_assessment_underpayment: Vec<Component>,
    pub debt: Vec<Component>,
    pub in_year_adjustment: Option<Component>,
}

impl Components {
    fn all(&self) -> impl Iterator<Item = &Component> {
        self.paye_underpayment
            .iter()
            .chain(&self.self_assessment_underpayment)
            .chain(&self.debt)
            .chain(&self.in_year_adjustment)
    }

    /// Whether any id is used twice (`RULE_DUPLICATE_ID_NOT_ALLOWED`).
    pub fn has_duplicate_ids(&self) -> bool {
        let ids: Vec<u64> = self.all().map(|c| c.id).collect();
        ids.iter().enumerate().any(|(i, id)| ids[i + 1..].contains(id))
    }

    /// The stored form: `{"payeUnderpayment": [{"id", "amount"}], …}`.
    pub fn to_document(&self) -> Value {
        let item = |c: &Component| json!({"id": c.id, "amount": json_number(c.amount)});
        let mut doc = Map::new();
        for (kind, list) in [
            ("payeUnderpayment", &self.paye_underpayment),
            ("selfAssessmentUnderpayment", &self.self_assessment_underpayment),
            ("debt", &self.debt),
        ] {
            if !list.is_empty() {
                doc.insert(kind.into(), list.iter().map(item).collect());
            }
        }
        if let Some(c) = &self.in_year_adjustment {
            doc.insert("inYearAdjustment".into(), item(c));
        }
        Value::Object(doc)
    }
}

/// A JSON number, or a string holding one (HMRC's reader accepts both), as an exact decimal.
fn number(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).or_else(|_| Decimal::from_scientific(&n.to_string())).ok()
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// The most an amount may be.
const MAXIMUM: Decimal = Decimal::from_parts(1_316_134_911, 2_328, 0, false, 2);

/// `PUT …/collection/tax-code`. `body` is `None` for an empty body; `not_ended` tells
/// whether the tax year has not ended yet (and the temporal check is not suspended).
pub fn create_or_amend(
    version: AccountsVersion,
    tax_year_text: &str,
    body: Option<&Value>,
    not_ended: impl Fn(TaxYear) -> bool,
) -> Result<(TaxYear, Components), ApiError> {
    let (year, format, mut rules) = tax_year(tax_year_text, version, Some(MINIMUM_TAX_YEAR));
    if let Some(y) = year
        && rules.is_empty()
        && not_ended(y)
    {
        rules.push(error(ErrorCode::RULE_TAX_YEAR_NOT_ENDED, version));
    }
    let empty = || error(ErrorCode::RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED, version);
    let (components, shape, values) = match body {
        Some(Value::Object(o)) if !o.is_empty() => parse_components(o, version),
        _ => (None, vec![empty()], Vec::new()),
    };
    let levels = if version.accumulates() {
        // Parameters and the body's shape together; rules and values only once those pass.
        let mut first = format;
        first.extend(shape);
        if !first.is_empty() {
            vec![first]
        } else {
            let mut second = rules;
            second.extend(values);
            vec![second]
        }
    } else {
        vec![format, rules, shape, values]
    };
    match combine(levels, version) {
        Some(e) => Err(e),
        None => Ok((year.expect("no errors"), components.expect("no errors"))),
    }
}

/// Read `{"taxCodeComponents": …}`: the components, shape errors (with paths) and value
/// errors (with paths).
fn parse_components(
    body: &Map<String, Value>,
    version: AccountsVersion,
) -> (Option<Components>, Vec<ApiError>, Vec<ApiError>) {
    let shape_error =
        |path: String| error(ErrorCode::RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED, version).with_paths(vec![path]);
    let mut shape = Vec::new();
    let mut values = Vec::new();
    let Some(Value::Object(tcc)) = body.get("taxCodeComponents") else {
        return (None, vec![shape_error("/taxCodeComponents".into())], values);
    };
    if tcc.is_empty() {
        return (None, vec![shape_error("/taxCodeComponents".into())], values);
    }
    let mut components = Components::default();
    let read_item =
        |value: &Value, path: String, shape: &mut Vec<ApiError>, values: &mut Vec<ApiError>| -> Option<Component> {
            let Value::Object(item) = value else {
                shape.push(shape_error(path));
                return None;
            };
            let id = item.get("id").and_then(number);
            let amount = item.get("amount").and_then(number);
            if id.is_none() {
                shape.push(shape_error(format!("{path}/id")));
            }
            if amount.is_none() {
                shape.push(shape_error(format!("{path}/amount")));
            }
            let (id, amount) = (id?, amount?);
            let valid_id = id.fract().is_zero() && id > Decimal::ZERO && id < Decimal::from(1_000_000_000_000_000u64);
            if !valid_id {
                values.push(error(ErrorCode::FORMAT_ID, version).with_paths(vec![format!("{path}/id")]));
            }
            if amount < Decimal::ZERO || amount > MAXIMUM || amount.scale() > 2 && amount.normalize().scale() > 2 {
                values.push(error(ErrorCode::FORMAT_VALUE, version).with_paths(vec![format!("{path}/amount")]));
            }
            Some(Component { id: if valid_id { id.try_into().unwrap_or(0) } else { 0 }, amount })
        };
    for kind in ["payeUnderpayment", "selfAssessmentUnderpayment", "debt"] {
        let Some(value) = tcc.get(kind) else { continue };
        let path = format!("/taxCodeComponents/{kind}");
        match value {
            Value::Array(items) if !items.is_empty() => {
                let parsed: Vec<Component> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| read_item(v, format!("{path}/{i}"), &mut shape, &mut values))
                    .collect();
                match kind {
                    "payeUnderpayment" => components.paye_underpayment = parsed,
                    "selfAssessmentUnderpayment" => components.self_assessment_underpayment = parsed,
                    _ => components.debt = parsed,
                }
            }
            _ => shape.push(shape_error(path)),
        }
    }
    if let Some(value) = tcc.get("inYearAdjustment") {
        let path = "/taxCodeComponents/inYearAdjustment".to_owned();
        match value {
            Value::Object(o) if !o.is_empty() => {
                components.in_year_adjustment = read_item(value, path, &mut shape, &mut values)
            }
            _ => shape.push(shape_error(path)),
        }
    }
    let known = COMPONENT_KINDS.iter().any(|k| tcc.contains_key(*k));
    if !known {
        shape.push(shape_error("/taxCodeComponents".into()));
    }
    let ok = shape.is_empty();
    (ok.then_some(components), shape, values)
}

/// The links of versions 1.0 to 3.0 (the same href for all three).
pub fn links(nino: &str, tax_year: TaxYear) -> Value {
    let href = format!("/accounts/self-assessment/{nino}/{tax_year}/collection/tax-code");
    json!([
        {"href": href, "method": "PUT", "rel": "create-or-amend-coding-out-underpayments"},
        {"href": href, "method": "GET", "rel": "self"},
        {"href": href, "method": "DELETE", "rel": "delete-coding-out-underpayments"}
    ])
}

/// A stored set of coded-out amounts, as the retrieve endpoint shows it.
pub struct StoredAmounts<'a> {
    /// The stored document (`{"payeUnderpayment": [{"id", "amount", "relatedTaxYear"?}], …}`).
    pub document: &'a Value,
    /// `hmrcHeld` or `user`.
    pub source: &'a str,
    pub submitted_on: OffsetDateTime,
}

/// The retrieve response body.
pub fn retrieve_response(
    version: AccountsVersion,
    amounts: &StoredAmounts<'_>,
    nino: &str,
    tax_year: TaxYear,
) -> Value {
    let submitted_on = hmrc_timestamp(amounts.submitted_on);
    let item = |stored: &Value| -> Value {
        let mut out = Map::new();
        out.insert("amount".into(), stored["amount"].clone());
        if let Some(related) = stored.get("relatedTaxYear") {
            out.insert("relatedTaxYear".into(), related.clone());
        }
        out.insert("submittedOn".into(), Value::from(submitted_on.clone()));
        out.insert("source".into(), Value::from(amounts.source));
        if let Some(id) = stored.get("id") {
            out.insert("id".into(), id.clone());
        }
        Value::Object(out)
    };
    let mut components = Map::new();
    for kind in ["selfAssessmentUnderpayment", "payeUnderpayment", "debt"] {
        if let Some(Value::Array(items)) = amounts.document.get(kind) {
            components.insert(kind.into(), items.iter().map(item).collect());
        }
    }
    if let Some(adjustment) = amounts.document.get("inYearAdjustment") {
        components.insert("inYearAdjustment".into(), item(adjustment));
    }
    let mut body = json!({"taxCodeComponents": components});
    if version.has_links() {
        body["links"] = links(nino, tax_year);
    }
    body
}

/// The sum of one kind of amount in a stored document.
pub fn total(document: &Value, kind: &str) -> Decimal {
    match document.get(kind) {
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.get("amount").and_then(number)).sum(),
        Some(item @ Value::Object(_)) => item.get("amount").and_then(number).unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

/// The sandbox's `Gov-Test-Scenario` values for coding out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Retrieve,
    CreateOrAmend,
    Delete,
    Status,
    OptIn,
    OptOut,
}

/// What a `Gov-Test-Scenario` value asks of a coding-out endpoint: `Ok(None)` for the
/// stored state (`STATEFUL` or no header), `Ok(Some(error))` for a documented error
/// scenario, `Err` for a value the endpoint does not document.
pub fn scenario(
    endpoint: Endpoint,
    version: AccountsVersion,
    value: Option<&str>,
) -> Result<Option<ApiError>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let rule_of = |code: ErrorCode| Ok(Some(rule(code, version)));
    match (endpoint, value) {
        (_, "STATEFUL") => Ok(None),
        (Endpoint::Retrieve | Endpoint::Delete, "NOT_FOUND") => Ok(Some(not_found(version))),
        (Endpoint::CreateOrAmend, "DUPLICATE_ID_NOT_ALLOWED") => rule_of(ErrorCode::RULE_DUPLICATE_ID_NOT_ALLOWED),
        (Endpoint::CreateOrAmend | Endpoint::Delete, "OUTSIDE_AMENDMENT_WINDOW") if version == AccountsVersion::V4 => {
            rule_of(ErrorCode::RULE_OUTSIDE_AMENDMENT_WINDOW)
        }
        (Endpoint::Status | Endpoint::OptIn | Endpoint::OptOut, "BUSINESS_PARTNER_NOT_EXIST") => {
            rule_of(ErrorCode::RULE_BUSINESS_PARTNER_NOT_EXIST)
        }
        (Endpoint::Status | Endpoint::OptIn | Endpoint::OptOut, "ITSA_CONTRACT_OBJECT_NOT_EXIST") => {
            rule_of(ErrorCode::RULE_ITSA_CONTRACT_OBJECT_NOT_EXIST)
        }
        (Endpoint::OptIn, "ALREADY_OPTED_IN") => rule_of(ErrorCode::RULE_ALREADY_OPTED_IN),
        (Endpoint::OptOut, "ALREADY_OPTED_OUT") => rule_of(ErrorCode::RULE_ALREADY_OPTED_OUT),
        _ => Err(error(ErrorCode::RULE_INCORRECT_GOV_TEST_SCENARIO, version)),
    }
}

/// The coding-out status response.
pub fn status_response(processing_date: OffsetDateTime, nino: &str, tax_year: TaxYear, opted_out: bool) -> Value {
    json!({
        "processingDate": hmrc_timestamp(processing_date),
        "nino": nino,
        "taxYear": tax_year.to_string(),
        "optOutIndicator": opted_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(e: &ApiError) -> Vec<&'static str> {
        if e.errors.is_empty() { vec![e.code.as_str()] } else { e.errors.iter().map(|i| i.code.as_str()).collect() }
    }

    fn put(version: AccountsVersion, year: &str, body: Option<Value>) -> Result<(TaxYear, Components), ApiError> {
        create_or_amend(version, year, body.as_ref(), |_| false)
    }

    #[test]
    fn tax_years_by_version() {
        assert_eq!(
            retrieve(AccountsVersion::V1, "2009-10", None).unwrap_err().code,
            ErrorCode::RULE_TAX_YEAR_NOT_SUPPORTED
        );
        assert_eq!(retrieve(AccountsVersion::V4, "2009-10", None).unwrap_err().code, ErrorCode::FORMAT_TAX_YEAR);
        assert_eq!(
            opt_out_year(AccountsVersion::V4, "2023-25").unwrap_err().code,
            ErrorCode::RULE_TAX_YEAR_RANGE_INVALID
        );
        assert_eq!(
            opt_out_year(AccountsVersion::V4, "2010-11").unwrap(),
            TaxYear::starting(2010),
            "no minimum for opt-out"
        );
        assert_eq!(
            retrieve(AccountsVersion::V4, "2021-22", Some("HMRCHELD")).unwrap_err().code,
            ErrorCode::FORMAT_SOURCE
        );
    }

    #[test]
    fn bodies_are_read_as_hmrc_reads_them() {
        let ok = put(
            AccountsVersion::V4,
            "2021-22",
            Some(json!({"taxCodeComponents": {"debt": [{"amount": "10.00", "id": "1"}]}})),
        )
        .unwrap();
        assert_eq!(ok.1.debt, vec![Component { id: 1, amount: Decimal::from(10) }]);
        let e = put(AccountsVersion::V4, "2021-22", Some(json!({"taxCodeComponents": {}}))).unwrap_err();
        assert_eq!(
            (e.code, e.paths.clone()),
            (ErrorCode::RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED, vec!["/taxCodeComponents".to_owned()])
        );
        let e = put(AccountsVersion::V4, "2021-22", Some(json!({"taxCodeComponents": {"payeUnderpayment": []}})))
            .unwrap_err();
        assert_eq!(e.paths, vec!["/taxCodeComponents/payeUnderpayment".to_owned()]);
        let e = put(
            AccountsVersion::V4,
            "2021-22",
            Some(json!({"taxCodeComponents": {"payeUnderpayment": [{"amount": 123498394893843.4, "id": 12345.35}]}})),
        )
        .unwrap_err();
        assert_eq!(codes(&e), ["FORMAT_ID", "FORMAT_VALUE"]);
        let e = put(AccountsVersion::V4, "2021-22", Some(json!({"taxCodeComponents": {"payeUnderpayment": [{"amount": -1, "id": 1}], "debt": [{"amount": -2, "id": 2}]}}))).unwrap_err();
        assert_eq!((e.code, e.paths.len()), (ErrorCode::FORMAT_VALUE, 2), "same message merged with both paths");
        let e = put(AccountsVersion::V4, "2021", None).unwrap_err();
        assert_eq!(codes(&e), ["FORMAT_TAX_YEAR", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"]);
        let e = put(AccountsVersion::V1, "2021", None).unwrap_err();
        assert_eq!(codes(&e), ["FORMAT_TAX_YEAR"], "levels: the first level answers");
        assert_eq!(
            put(
                AccountsVersion::V4,
                "2021-22",
                Some(json!({"taxCodeComponents": {"debt": [{"amount": 100.123, "id": 1}]}}))
            )
            .unwrap_err()
            .code,
            ErrorCode::FORMAT_VALUE
        );
    }

    #[test]
    fn duplicate_ids_are_found() {
        let (_, c) = put(AccountsVersion::V4, "2021-22", Some(json!({"taxCodeComponents": {"debt": [{"amount": 1, "id": 7}], "payeUnderpayment": [{"amount": 1, "id": 7}]}}))).unwrap();
        assert!(c.has_duplicate_ids());
    }
}
