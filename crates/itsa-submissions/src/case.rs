//! A submission case: one taxpayer's year as HMRC holds it (SUBMISSION-CASES.md), read
//! into [`TaxpayerYear`] with every identifier resolved and every body typed and checked.
//!
//! What HMRC would refuse is refused here, with HMRC's code and the field named: a tax
//! year the endpoint does not take, an endpoint that needs the year to have ended in an
//! in-year case, an id that names nothing or the wrong kind of business, and every body
//! that its schema or HMRC's rules refuse.

use std::collections::HashMap;

use itsa_engine::inputs::{MarriageAllowance, StudentLoanPlan};
use itsa_engine::{Date, Money, Regime, Sex, TaxYear};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::amount::{Amount, IsoDate, SignedAmount};
use crate::bodies::employments::BenefitsInKind;
use crate::bodies::{BodyError, Check};
use crate::endpoint::{AfterYearEnd, BusinessType, Endpoint, Takes};
use crate::{Body, SubmissionError};

/// What the journey triggers: an in-year calculation or the one before the final
/// declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CalculationType {
    InYear,
    #[default]
    IntentToFinalise,
}

/// One taxpayer's year: HMRC-held data, businesses and submissions, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxpayerYear {
    pub tax_year: TaxYear,
    pub calculation_type: CalculationType,
    pub hmrc_held: HmrcHeld,
    pub businesses: Vec<Business>,
    pub submissions: Vec<Submission>,
}

/// What HMRC holds without an income-submission API (the body of test support's
/// `hmrc-held` call).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmrcHeld {
    #[serde(deserialize_with = "regime")]
    pub regime: Regime,
    pub date_of_birth: Option<IsoDate>,
    #[serde(default, deserialize_with = "sex")]
    pub sex: Sex,
    #[serde(default, deserialize_with = "plans")]
    pub student_loan_plans: Vec<StudentLoanPlan>,
    #[serde(default)]
    pub blind: bool,
    #[serde(default, deserialize_with = "marriage_allowance")]
    pub marriage_allowance: MarriageAllowance,
    #[serde(default)]
    pub employments: Vec<HeldEmployment>,
    #[serde(default)]
    pub state_benefits: Vec<HeldBenefit>,
    pub coded_out: Option<HeldCodedOut>,
    pub child_benefit_received: Option<Amount>,
}

/// A PAYE employment or occupational pension its employer reports in real time.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeldEmployment {
    pub employer_ref: Option<String>,
    pub employer_name: String,
    #[serde(default)]
    pub occupational_pension: bool,
    /// Taxable pay to date (`pay.taxablePayToDate`).
    pub pay: Amount,
    /// PAYE tax to date (`pay.totalTaxToDate`); negative when the employer refunded tax.
    pub tax_deducted: Option<SignedAmount>,
    pub student_loan_deductions: Option<Amount>,
    pub postgraduate_loan_deductions: Option<Amount>,
    pub benefits_in_kind: Option<BenefitsInKind>,
}

/// A benefit that the Department for Work and Pensions reports.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeldBenefit {
    /// HMRC's State Benefits API name: `statePension`, `jobSeekersAllowance`, ….
    pub benefit_type: String,
    pub amount: Amount,
    /// Tax taken off, negative where more was repaid than taken (as HMRC's State Benefits
    /// API allows).
    pub tax_paid: Option<SignedAmount>,
}

/// Amounts HMRC is collecting through this year's tax code.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeldCodedOut {
    pub self_assessment_underpayment: Option<Amount>,
    pub paye_underpayment: Option<Amount>,
}

/// A business the taxpayer has signed up (HMRC's Business Details).
#[derive(Debug, Clone, PartialEq)]
pub struct Business {
    pub alias: String,
    /// HMRC's business id: `X` + a letter + `IS` + 11 digits.
    pub business_id: String,
    pub type_of_business: BusinessType,
    pub trading_name: Option<String>,
    pub accounting_type: Option<String>,
    pub commencement_date: Option<Date>,
    pub cessation_date: Option<Date>,
}

/// One request body sent to one endpoint, its ids resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub endpoint: Endpoint,
    /// The business the path names, by index into the year's businesses.
    pub business: Option<usize>,
    /// The id the path names that an earlier submission created (a savings account, an
    /// employment, a state benefit, a BSAS calculation), and the id this one creates.
    pub target: Option<Named>,
    pub created: Option<Named>,
    pub body: Body,
}

/// An id that a submission made, and the alias the case knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub alias: String,
    pub id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    tax_year: String,
    calculation_type: Option<String>,
    hmrc_held: HmrcHeld,
    #[serde(default)]
    businesses: Vec<RawBusiness>,
    submissions: Vec<RawSubmission>,
    // Test-file fields, accepted and ignored (FORMAT.md).
    #[serde(default, rename = "expected")]
    _expected: Option<IgnoredAny>,
    #[serde(default, rename = "source")]
    _source: Option<IgnoredAny>,
    #[serde(default, rename = "working")]
    _working: Option<IgnoredAny>,
    #[serde(default, rename = "tolerance")]
    _tolerance: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawBusiness {
    alias: String,
    type_of_business: String,
    trading_name: Option<String>,
    accounting_type: Option<String>,
    commencement_date: Option<IsoDate>,
    cessation_date: Option<IsoDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubmission {
    endpoint: String,
    #[serde(default)]
    ids: HashMap<String, String>,
    creates: Option<String>,
    /// Read once its endpoint is known.
    body: Box<RawValue>,
}

/// Which tax years an endpoint is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Years {
    /// Those HMRC's validators accept today.
    Hmrc,
    /// Any supported year.
    Any,
}

fn invalid(message: impl Into<String>) -> SubmissionError {
    SubmissionError::new("INVALID_CASE", message)
}

/// Deserialise `value` as `T`, naming the failing field's path in the error.
pub(crate) fn typed<T: DeserializeOwned>(value: Value, context: &str) -> Result<T, SubmissionError> {
    serde_path_to_error::deserialize(value).map_err(|e| path_error(e, context))
}

/// Deserialise JSON text as `T`, naming the failing field's path in the error.
pub(crate) fn typed_text<T: DeserializeOwned>(text: &str, context: &str) -> Result<T, SubmissionError> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| path_error(e, context))?;
    reader.end().map_err(|e| invalid(format!("{context}: {e}")))?;
    Ok(value)
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>, context: &str) -> SubmissionError {
    let path = e.path().to_string();
    let path = path.replace(['.', '['], "/").replace(']', "");
    let place = if path == "/" { context.to_owned() } else { format!("{context}/{path}") };
    let e = e.into_inner();
    let code = if e.is_syntax() || e.is_eof() { "INVALID_CASE" } else { "FORMAT_VALUE" };
    SubmissionError::new(code, format!("{place}: {e}"))
}

fn regime<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Regime, D::Error> {
    let text = String::deserialize(d)?;
    Regime::parse(&text).map_err(|_| serde::de::Error::custom(format!("'{text}' is not rUK, Scotland or Wales")))
}

fn sex<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Sex, D::Error> {
    match String::deserialize(d)?.as_str() {
        "female" => Ok(Sex::Female),
        "male" => Ok(Sex::Male),
        other => Err(serde::de::Error::custom(format!("'{other}' is not female or male"))),
    }
}

fn marriage_allowance<'de, D: serde::Deserializer<'de>>(d: D) -> Result<MarriageAllowance, D::Error> {
    match String::deserialize(d)?.as_str() {
        "none" => Ok(MarriageAllowance::None),
        "transferor" => Ok(MarriageAllowance::Transferor),
        "recipient" => Ok(MarriageAllowance::Recipient),
        other => Err(serde::de::Error::custom(format!("'{other}' is not none, transferor or recipient"))),
    }
}

/// A student loan plan as cases and HMRC-held data write it.
pub fn student_loan_plan(text: &str) -> Option<StudentLoanPlan> {
    Some(match text {
        "plan1" => StudentLoanPlan::Plan1,
        "plan2" => StudentLoanPlan::Plan2,
        "plan4" => StudentLoanPlan::Plan4,
        "plan5" => StudentLoanPlan::Plan5,
        "postgraduate" => StudentLoanPlan::Postgraduate,
        _ => return None,
    })
}

/// The case spelling of a student loan plan.
pub fn student_loan_plan_name(plan: StudentLoanPlan) -> &'static str {
    match plan {
        StudentLoanPlan::Plan1 => "plan1",
        StudentLoanPlan::Plan2 => "plan2",
        StudentLoanPlan::Plan4 => "plan4",
        StudentLoanPlan::Plan5 => "plan5",
        StudentLoanPlan::Postgraduate => "postgraduate",
    }
}

fn plans<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<StudentLoanPlan>, D::Error> {
    let mut out = Vec::new();
    for text in Vec::<String>::deserialize(d)? {
        let plan = student_loan_plan(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("'{text}' is not plan1, plan2, plan4, plan5 or postgraduate"))
        })?;
        if !out.contains(&plan) {
            out.push(plan);
        }
    }
    Ok(out)
}

/// The id itsa gives the `n`th business of a type in a case (HMRC's form: `X`, a letter
/// for the type, `IS`, 11 digits), counting from 0.
pub fn business_id(kind: BusinessType, n: usize) -> String {
    let letter = match kind {
        BusinessType::SelfEmployment => 'A',
        BusinessType::UkProperty => 'P',
        BusinessType::ForeignProperty => 'F',
    };
    let mut id = String::with_capacity(15);
    id.push('X');
    id.push(letter);
    id.push_str("IS");
    push_zero_padded(&mut id, n + 1, 11);
    id
}

/// The id itsa gives the `n`th id a case's submissions create, counting from 0, in the
/// form of HMRC's server-made ids (a UUID).
pub fn created_id(n: usize) -> String {
    numbered_uuid("00000000-0000-4000-8000-", n + 1)
}

/// A UUID of `prefix` (its first four groups) and `number` as its last group of 12 digits.
pub(crate) fn numbered_uuid(prefix: &str, number: usize) -> String {
    let mut id = String::with_capacity(prefix.len() + 12);
    push_numbered_uuid(&mut id, prefix, number);
    id
}

/// [`numbered_uuid`] appended to `out`.
pub(crate) fn push_numbered_uuid(out: &mut String, prefix: &str, number: usize) {
    out.push_str(prefix);
    push_zero_padded(out, number, 12);
}

/// Write `number` in decimal with zeros before it to `width` digits, as `{:0width$}`
/// does; these ids are made for every case read, so without the formatting machinery.
fn push_zero_padded(out: &mut String, number: usize, width: usize) {
    let mut digits = [0_u8; 20];
    let mut start = digits.len();
    let mut rest = number;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let written = digits.len() - start;
    out.extend(std::iter::repeat_n('0', width.saturating_sub(written)));
    out.push_str(std::str::from_utf8(&digits[start..]).expect("decimal digits"));
}

fn is_alias(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Replace every string that is exactly `{alias}` by the id of that alias.
fn fill_placeholders(value: &mut Value, ids: &HashMap<String, String>) -> Result<(), String> {
    match value {
        Value::String(s) => {
            if let Some(alias) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                *s = ids
                    .get(alias)
                    .cloned()
                    .ok_or_else(|| format!("placeholder {{{alias}}} names no alias made earlier"))?;
            }
        }
        Value::Array(items) => items.iter_mut().try_for_each(|v| fill_placeholders(v, ids))?,
        Value::Object(map) => map.values_mut().try_for_each(|v| fill_placeholders(v, ids))?,
        _ => {}
    }
    Ok(())
}

impl TaxpayerYear {
    /// Read a submission case line: its id and the year, every rule checked.
    pub fn parse_case(line: &str) -> Result<(String, TaxpayerYear), SubmissionError> {
        TaxpayerYear::parse_with(line, Years::Hmrc)
    }

    /// Read a submission case line as [`TaxpayerYear::parse_case`] does, but let an
    /// endpoint carry figures for years before the API version that HMRC publishes today
    /// took them: the years whose figures reached HMRC through earlier versions or the
    /// return, which the flat case format describes (docs/cases.md).
    pub fn parse_case_in_any_year(line: &str) -> Result<(String, TaxpayerYear), SubmissionError> {
        TaxpayerYear::parse_with(line, Years::Any)
    }

    fn parse_with(line: &str, years: Years) -> Result<(String, TaxpayerYear), SubmissionError> {
        let raw: RawCase = typed_text(line, "case")?;
        let id = raw.id.clone();
        Ok((id, TaxpayerYear::from_raw(raw, years)?))
    }

    fn from_raw(raw: RawCase, years: Years) -> Result<TaxpayerYear, SubmissionError> {
        let tax_year = TaxYear::parse(&raw.tax_year).map_err(|e| invalid(format!("tax_year: {e}")))?;
        if !tax_year.is_supported() {
            return Err(SubmissionError::new(
                "TAX_YEAR_NOT_SUPPORTED",
                format!("tax_year: itsa has no rules for {tax_year}"),
            ));
        }
        let calculation_type = match raw.calculation_type.as_deref() {
            None | Some("intent-to-finalise") => CalculationType::IntentToFinalise,
            Some("in-year") => CalculationType::InYear,
            Some(other) => {
                return Err(invalid(format!("calculation_type: '{other}' is not intent-to-finalise or in-year")));
            }
        };
        let hmrc_held = raw.hmrc_held;
        hmrc_held.check(tax_year)?;

        let mut ids: HashMap<String, String> = HashMap::new();
        let mut created_by: HashMap<String, Endpoint> = HashMap::new();
        let mut businesses = Vec::new();
        for (n, b) in raw.businesses.into_iter().enumerate() {
            let at = format!("businesses/{n}");
            let kind = BusinessType::parse(&b.type_of_business).ok_or_else(|| {
                invalid(format!(
                    "{at}/typeOfBusiness: '{}' is not self-employment, uk-property or foreign-property",
                    b.type_of_business
                ))
            })?;
            if !is_alias(&b.alias) || ids.contains_key(&b.alias) {
                return Err(invalid(format!("{at}/alias: '{}' is not a new alias", b.alias)));
            }
            match (kind, &b.trading_name) {
                (BusinessType::SelfEmployment, None) => {
                    return Err(SubmissionError::new(
                        "RULE_MISSING_TRADING_NAME",
                        format!("{at}/tradingName: a self-employment needs a trading name"),
                    ));
                }
                (BusinessType::UkProperty | BusinessType::ForeignProperty, Some(_)) => {
                    return Err(SubmissionError::new(
                        "RULE_UNEXPECTED_TRADING_NAME",
                        format!("{at}/tradingName: a property business has no trading name"),
                    ));
                }
                _ => {}
            }
            if kind != BusinessType::SelfEmployment
                && businesses.iter().any(|other: &Business| other.type_of_business == kind)
            {
                return Err(SubmissionError::new(
                    "RULE_PROPERTY_BUSINESS_ADDED",
                    format!("{at}: there is already a {} business", kind.hmrc_name()),
                ));
            }
            if let Some(t) = b.accounting_type.as_deref()
                && t != "CASH"
                && t != "ACCRUALS"
            {
                return Err(invalid(format!("{at}/accountingType: '{t}' is not CASH or ACCRUALS")));
            }
            let business_id = business_id(kind, businesses.iter().filter(|b| b.type_of_business == kind).count());
            ids.insert(b.alias.clone(), business_id.clone());
            businesses.push(Business {
                alias: b.alias,
                business_id,
                type_of_business: kind,
                trading_name: b.trading_name,
                accounting_type: b.accounting_type,
                commencement_date: b.commencement_date.map(|d| d.0),
                cessation_date: b.cessation_date.map(|d| d.0),
            });
        }

        let mut submissions = Vec::with_capacity(raw.submissions.len());
        for (n, s) in raw.submissions.into_iter().enumerate() {
            let context = Context { tax_year, calculation_type, years, businesses: &businesses, earlier: &submissions };
            let submission = read_submission(n, s, &context, &mut ids, &mut created_by)?;
            submissions.push(submission);
        }
        Ok(TaxpayerYear { tax_year, calculation_type, hmrc_held, businesses, submissions })
    }
}

impl HmrcHeld {
    fn check(&self, year: TaxYear) -> Result<(), SubmissionError> {
        if let Some(dob) = self.date_of_birth
            && dob.0 > year.last_day()
        {
            return Err(invalid(format!("hmrc_held/date_of_birth: {} is after the end of the tax year", dob.0)));
        }
        for (n, e) in self.employments.iter().enumerate() {
            if let Some(r) = &e.employer_ref
                && !crate::bodies::employments::is_employer_ref(r)
            {
                return Err(SubmissionError::new(
                    "FORMAT_EMPLOYER_REF",
                    format!("hmrc_held/employments/{n}/employerRef: '{r}' is not an employer's PAYE reference"),
                ));
            }
            if let Some(b) = &e.benefits_in_kind {
                b.check(year).map_err(|e| body_error(&format!("hmrc_held/employments/{n}/benefitsInKind"), e))?;
            }
        }
        Ok(())
    }

    /// The amount of Child Benefit HMRC holds, zero if none.
    pub fn child_benefit(&self) -> Money {
        crate::amount::or_zero(self.child_benefit_received)
    }
}

pub(crate) fn body_error(context: &str, e: BodyError) -> SubmissionError {
    let place = if e.path.is_empty() || e.path == "/" { context.to_owned() } else { format!("{context}/{}", e.path) };
    SubmissionError::new(e.code, format!("{place}: {}", e.message))
}

/// What a submission is read against: the case and the submissions before it.
struct Context<'a> {
    tax_year: TaxYear,
    calculation_type: CalculationType,
    years: Years,
    businesses: &'a [Business],
    earlier: &'a [Submission],
}

impl Context<'_> {
    /// The type of the state benefit that an earlier `state-benefit-create` made as `id`.
    fn benefit_type(&self, id: &str) -> Option<&'static str> {
        self.earlier.iter().find_map(|s| match &s.body {
            Body::StateBenefitCreate(b) if s.created.as_ref().is_some_and(|c| c.id == id) => {
                Some(b.benefit_type.hmrc_name())
            }
            _ => None,
        })
    }
}

fn read_submission(
    n: usize,
    s: RawSubmission,
    context: &Context<'_>,
    ids: &mut HashMap<String, String>,
    created_by: &mut HashMap<String, Endpoint>,
) -> Result<Submission, SubmissionError> {
    let (tax_year, businesses) = (context.tax_year, context.businesses);
    let at = format!("submissions/{n}");
    let endpoint = Endpoint::from_name(&s.endpoint)
        .ok_or_else(|| invalid(format!("{at}/endpoint: '{}' is not an endpoint a case can name", s.endpoint)))?;
    let at = format!("{at} ({})", endpoint.name());
    let info = endpoint.info();
    if context.years == Years::Hmrc && endpoint.has_tax_year() && !endpoint.accepts_year(tax_year) {
        return Err(SubmissionError::new(
            "RULE_TAX_YEAR_NOT_SUPPORTED",
            format!("{at}: HMRC does not take {tax_year} on this endpoint"),
        ));
    }

    // The path's ids.
    let mut business = None;
    let mut target = None;
    let expected_keys: Vec<&str> = match info.takes {
        Some(Takes::Business(_)) => vec!["businessId"],
        Some(Takes::Created(key, _)) => vec![key],
        Some(Takes::TaxYearClaimedFor) => vec!["taxYearClaimedFor"],
        None => vec![],
    };
    if let Some(key) = s.ids.keys().find(|k| !expected_keys.contains(&k.as_str())) {
        return Err(invalid(format!("{at}/ids/{key}: this endpoint's path has no such id")));
    }
    match info.takes {
        Some(Takes::Business(kind)) => {
            let alias = s.ids.get("businessId").ok_or_else(|| invalid(format!("{at}/ids/businessId: missing")))?;
            let index = businesses
                .iter()
                .position(|b| &b.alias == alias)
                .ok_or_else(|| invalid(format!("{at}/ids/businessId: '{alias}' is not a business of the case")))?;
            if let Some(kind) = kind
                && businesses[index].type_of_business != kind
            {
                return Err(SubmissionError::new(
                    "RULE_TYPE_OF_BUSINESS_INCORRECT",
                    format!("{at}/ids/businessId: '{alias}' is not a {} business", kind.hmrc_name()),
                ));
            }
            business = Some(index);
        }
        Some(Takes::Created(key, by)) => {
            let alias = s.ids.get(key).ok_or_else(|| invalid(format!("{at}/ids/{key}: missing")))?;
            if created_by.get(alias) != Some(&by) {
                return Err(invalid(format!(
                    "{at}/ids/{key}: '{alias}' is not an id that an earlier {} made",
                    by.name()
                )));
            }
            target = Some(Named { alias: alias.clone(), id: ids[alias].clone() });
        }
        Some(Takes::TaxYearClaimedFor) => {
            if let Some(year) = s.ids.get("taxYearClaimedFor") {
                let year = TaxYear::parse(year).map_err(|e| invalid(format!("{at}/ids/taxYearClaimedFor: {e}")))?;
                if year != tax_year {
                    return Err(invalid(format!(
                        "{at}/ids/taxYearClaimedFor: {year} is not the case's year; a case holds one year"
                    )));
                }
            }
        }
        None => {}
    }

    // The id it makes.
    let created = match (&s.creates, info.creates) {
        (Some(alias), Some(_)) => {
            if !is_alias(alias) || ids.contains_key(alias) {
                return Err(invalid(format!("{at}/creates: '{alias}' is not a new alias")));
            }
            let id = created_id(created_by.len());
            ids.insert(alias.clone(), id.clone());
            created_by.insert(alias.clone(), endpoint);
            Some(Named { alias: alias.clone(), id })
        }
        (Some(_), None) => return Err(invalid(format!("{at}/creates: this endpoint makes no id"))),
        (None, _) => None,
    };

    // A body with a placeholder is filled in before it is read; most have none.
    let place = format!("{at}/body");
    let body = if s.body.get().contains("\"{") {
        let mut body: Value = serde_json::from_str(s.body.get()).map_err(|e| invalid(format!("{place}: {e}")))?;
        fill_placeholders(&mut body, ids).map_err(|e| invalid(format!("{place}: {e}")))?;
        Body::read(endpoint, body, &place)?
    } else {
        Body::read_text(endpoint, s.body.get(), &place)?
    };
    body.check(tax_year).map_err(|e| body_error(&format!("{at}/body"), e))?;

    let in_year = context.calculation_type == CalculationType::InYear;
    let needs_year_end = match info.after_year_end {
        AfterYearEnd::No => false,
        AfterYearEnd::Yes => true,
        AfterYearEnd::ExceptBenefits(except) => {
            let benefit_type = match &body {
                Body::StateBenefitCreate(b) => Some(b.benefit_type.hmrc_name()),
                _ => target.as_ref().and_then(|t| context.benefit_type(&t.id)),
            };
            benefit_type.is_none_or(|t| !except.contains(&t))
        }
    };
    if in_year && needs_year_end {
        return Err(SubmissionError::new(
            "RULE_TAX_YEAR_NOT_ENDED",
            format!("{at}: HMRC takes this only after the tax year has ended, and the case is in-year"),
        ));
    }
    Ok(Submission { endpoint, business, target, created, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_written_as_hmrc_writes_them() {
        for n in [0, 1, 8, 9, 10, 99, 12_345, 99_999_999_999, 100_000_000_000, usize::MAX - 1] {
            assert_eq!(business_id(BusinessType::UkProperty, n), format!("XPIS{:011}", n + 1));
            assert_eq!(created_id(n), format!("00000000-0000-4000-8000-{:012}", n + 1));
            let held = format!("00000000-0000-4000-9000-{:012}", n + 1);
            assert_eq!(crate::held_benefit_id(n), held);
            // Written over whatever a string held before.
            for before in ["", "employment", "00000000-0000-4000-9000-000000000001 and more"] {
                let mut id = before.to_owned();
                crate::write_held_benefit_id(&mut id, n);
                assert_eq!(id, held);
            }
        }
    }
}
