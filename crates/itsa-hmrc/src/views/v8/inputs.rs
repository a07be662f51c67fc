//! The `inputs` object of the v8/v9 retrieve response: who the calculation is for and
//! which income sources it used, from the engine's [`Inputs`].
//!
//! Only `personalInformation` and `incomeSources` are written; itsa does not hold the
//! data behind HMRC's other input objects (annual adjustments, loss and claim records,
//! CIS deductions, submitted reliefs and pension charges).
//!
//! HMRC's income source ids match `^[A-Za-z0-9]{15}$`. Where the engine's inputs name a
//! source by such an id it is used as it is; otherwise [`income_source_id`] derives a
//! stable id from the name, and the name is shown as `incomeSourceName`.

use itsa_engine::calculation::IncomeSourceType;
use itsa_engine::inputs::{MarriageAllowance, StudentLoanPlan};
use itsa_engine::{Date, Inputs, Regime};
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::Nino;
use crate::views::SchemaVariant;
use crate::views::json::{Node, Obj, is_income_source_id, non_empty_array};
use crate::views::v8::metadata::hmrc_timestamp;

/// The id HMRC would show for an income source known by `name`: `name` itself when it
/// is already a 15-character alphanumeric id (XAIS12345678901), else `prefix` followed
/// by digits taken from a 64-bit FNV-1a hash of `prefix` and `name`, to 15 characters.
/// The same name always gives the same id, so repeated retrieves agree. `prefix` must
/// be ASCII alphanumeric and at most 14 characters (`XAIS` for a trade, `XPIS` for UK
/// property, empty for 15 digits).
pub fn income_source_id(name: &str, prefix: &str) -> String {
    if is_income_source_id(name) {
        return name.to_owned();
    }
    assert!(prefix.len() < 15 && prefix.bytes().all(|b| b.is_ascii_alphanumeric()), "bad id prefix {prefix:?}");
    let digits = 15 - prefix.len();
    let hash = fnv1a(prefix.bytes().chain([0]).chain(name.bytes()));
    // 10^digits overflows u64 beyond 19 digits; 15 is the most asked for.
    let modulus = 10u64.pow(digits as u32);
    format!("{prefix}{:0digits$}", hash % modulus)
}

/// The id of a self-employment (`XAIS…`), UK property (`XPIS…`) or foreign property
/// business (`XFIS…`) known by
/// `name`, the same in `inputs` and in `calculation`.
pub(crate) fn business_income_source_id(name: &str, kind: IncomeSourceType) -> String {
    let prefix = match kind {
        IncomeSourceType::SelfEmployment => "XAIS",
        IncomeSourceType::UkProperty => "XPIS",
        IncomeSourceType::ForeignProperty => "XFIS",
    };
    income_source_id(name, prefix)
}

/// The 64-bit FNV-1a hash: fixed by its definition, so ids do not change between
/// builds or Rust versions (unlike `std`'s `DefaultHasher`).
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.fold(OFFSET_BASIS, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME))
}

/// The `inputs` object for `nino`'s calculation in `variant`. `latest_received` is when
/// the latest income submission used was received (HMRC's `latestReceivedDateTime`,
/// required for business sources).
pub fn inputs_v8(inputs: &Inputs, nino: &Nino, latest_received: OffsetDateTime, variant: SchemaVariant) -> Value {
    Obj::new()
        .set("personalInformation", personal_information(inputs, nino, variant))
        .set("incomeSources", income_sources(inputs, latest_received))
        .build()
        .into()
}

/// `personalInformation`. The identifier is the NINO (HMRC allows only letters and
/// digits, so a blank suffix is dropped). `taxRegime` is HMRC's lower-case spelling.
fn personal_information(inputs: &Inputs, nino: &Nino, variant: SchemaVariant) -> Node {
    let plans: Vec<Node> = inputs
        .student_loan_plans
        .iter()
        .filter_map(|&plan| plan_type(plan, variant))
        .map(|plan_type| Obj::new().set("planType", plan_type).build())
        .collect();
    Obj::new()
        .set("identifier", nino.as_str().trim_end().to_owned())
        .opt("dateOfBirth", inputs.date_of_birth.map(|d| d.to_string()))
        .set("taxRegime", tax_regime(inputs.regime))
        .opt("studentLoanPlan", non_empty_array(plans))
        .set_if(inputs.class2_voluntary, "class2VoluntaryContributions", true)
        .opt("marriageAllowance", marriage_allowance(inputs.marriage_allowance))
        .build()
}

/// HMRC's `taxRegime` values in the v8/v9 inputs: `uk`, `scotland`, `wales`.
fn tax_regime(regime: Regime) -> &'static str {
    match regime {
        Regime::RestOfUk => "uk",
        Regime::Scotland => "scotland",
        Regime::Wales => "wales",
    }
}

/// `planType`, where the variant's enum has the plan (Plan 5 from def4 only).
fn plan_type(plan: StudentLoanPlan, variant: SchemaVariant) -> Option<&'static str> {
    match plan {
        StudentLoanPlan::Plan1 => Some("plan1"),
        StudentLoanPlan::Plan2 => Some("plan2"),
        StudentLoanPlan::Postgraduate => Some("postgraduate"),
        StudentLoanPlan::Plan4 => Some("plan4"),
        StudentLoanPlan::Plan5 => (variant >= SchemaVariant::Def4).then_some("plan5"),
    }
}

fn marriage_allowance(claim: MarriageAllowance) -> Option<&'static str> {
    match claim {
        MarriageAllowance::None => None,
        MarriageAllowance::Transferor => Some("transferor"),
        MarriageAllowance::Recipient => Some("recipient"),
    }
}

/// `incomeSources`: trades and UK property as business sources, the rest as
/// non-business sources; empty lists left out.
fn income_sources(inputs: &Inputs, latest_received: OffsetDateTime) -> Node {
    Obj::new()
        .opt("businessIncomeSources", non_empty_array(business_income_sources(inputs, latest_received)))
        .opt("nonBusinessIncomeSources", non_empty_array(non_business_income_sources(inputs)))
        .build()
}

/// A self-employment or UK property business. Its accounting period is taken to be
/// the tax year, and the latest period submitted to end on the in-year cut-off (or the
/// tax year's last day).
fn business_income_sources(inputs: &Inputs, latest_received: OffsetDateTime) -> Vec<Node> {
    let year = inputs.tax_year;
    let latest_period_end = inputs.income_to_date.unwrap_or_else(|| year.last_day());
    let business = |name: &str, kind: IncomeSourceType| {
        let id = business_income_source_id(name, kind);
        let name = (id != name).then(|| name.to_owned());
        Obj::new()
            .set("incomeSourceId", id)
            .set("incomeSourceType", kind.hmrc_name())
            .opt("incomeSourceName", name)
            .set("accountingPeriodStartDate", year.first_day().to_string())
            .set("accountingPeriodEndDate", year.last_day().to_string())
            .set("source", "MTD-SA")
            .set("latestPeriodEndDate", latest_period_end.to_string())
            .set("latestReceivedDateTime", hmrc_timestamp(latest_received))
            .build()
    };
    let trades =
        inputs.self_employments.iter().map(|trade| business(&trade.business_id, IncomeSourceType::SelfEmployment));
    let property =
        inputs.uk_property.iter().map(|property| business(&property.business_id, IncomeSourceType::UkProperty));
    let foreign = inputs
        .foreign_property
        .iter()
        .map(|property| business(&property.business_id, IncomeSourceType::ForeignProperty));
    trades.chain(property).chain(foreign).collect()
}

/// Non-business sources, each starting on the first day of the tax year:
/// `employments` for each employment and each occupational or private pension (HMRC
/// keeps pensions as employments), one `state-benefits` source for the State Pension
/// and other benefits, `uk-savings-and-gains` for each account, and one `uk-dividends`,
/// `other-income` and `charitable-giving` (Gift Aid) source each when there is any.
/// Per-account sources carry an id; the single per-taxpayer sources do not.
fn non_business_income_sources(inputs: &Inputs) -> Vec<Node> {
    let start = inputs.tax_year.first_day();
    let mut sources = Vec::new();
    for name in inputs.employments.iter().map(|e| &e.name).chain(inputs.pensions.iter().map(|p| &p.name)) {
        sources.push(named_source("employments", name, start));
    }
    if !inputs.state_pension.is_zero() || !inputs.state_benefits.is_empty() {
        sources.push(single_source("state-benefits", start));
    }
    for account in &inputs.savings_accounts {
        sources.push(named_source("uk-savings-and-gains", &account.name, start));
    }
    let singles = [
        ("uk-dividends", inputs.dividends),
        ("other-income", inputs.other_income),
        ("charitable-giving", inputs.gift_aid_paid),
    ];
    for (kind, amount) in singles {
        if !amount.is_zero() {
            sources.push(single_source(kind, start));
        }
    }
    sources
}

fn named_source(kind: &'static str, name: &str, start: Date) -> Node {
    let id = income_source_id(name, "");
    let name = (id != name).then(|| name.to_owned());
    Obj::new()
        .set("incomeSourceId", id)
        .set("incomeSourceType", kind)
        .opt("incomeSourceName", name)
        .set("startDate", start.to_string())
        .set("source", "MTD-SA")
        .build()
}

fn single_source(kind: &'static str, start: Date) -> Node {
    Obj::new().set("incomeSourceType", kind).set("startDate", start.to_string()).set("source", "MTD-SA").build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_engine::inputs::{Employment, SavingsAccount, SelfEmployment, UkProperty};
    use itsa_engine::{Money, TaxYear};
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn ids_are_kept_or_derived_stably() {
        assert_eq!(income_source_id("XAIS12345678901", "XAIS"), "XAIS12345678901");
        let derived = income_source_id("Joe's Bakery", "XAIS");
        assert_eq!(derived.len(), 15);
        assert!(derived.starts_with("XAIS") && is_income_source_id(&derived));
        assert_eq!(derived, income_source_id("Joe's Bakery", "XAIS"));
        assert_ne!(derived, income_source_id("Joe's Bakery 2", "XAIS"));
        let digits = income_source_id("Acme Ltd", "");
        assert!(digits.len() == 15 && digits.bytes().all(|b| b.is_ascii_digit()));
        // A UUID employment id is not a 15-character id: it is hashed too.
        assert!(is_income_source_id(&income_source_id("0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f", "")));
        // Pinned: the hash is part of the wire format.
        assert_eq!(fnv1a(b"a".iter().copied()), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn inputs_object() {
        let mut inputs = Inputs::new(TaxYear::starting(2025), Regime::Scotland);
        inputs.date_of_birth = Some(Date::parse("1980-05-17").unwrap());
        inputs.student_loan_plans = vec![StudentLoanPlan::Plan1, StudentLoanPlan::Plan5];
        inputs.marriage_allowance = MarriageAllowance::Recipient;
        inputs.self_employments.push(SelfEmployment {
            business_id: "XAIS12345678901".into(),
            adjusted_profit: Money::pounds(20_000),
            losses_brought_forward: Money::ZERO,
            claims_sideways: false,
            ..Default::default()
        });
        inputs.uk_property = Some(UkProperty { business_id: "Flat 2".into(), ..Default::default() });
        inputs.employments.push(Employment { name: "Acme Ltd".into(), pay: Money::pounds(1), ..Default::default() });
        inputs.savings_accounts.push(SavingsAccount { name: "SAVINGS00000001".into(), ..Default::default() });
        inputs.dividends = Money::pounds(100);
        let nino = Nino::parse("AA123456A").unwrap();
        let value = inputs_v8(&inputs, &nino, datetime!(2026-05-01 12:00:00 UTC), SchemaVariant::Def3);

        assert_eq!(
            value["personalInformation"],
            json!({
                "identifier": "AA123456A",
                "dateOfBirth": "1980-05-17",
                "taxRegime": "scotland",
                "studentLoanPlan": [{"planType": "plan1"}],
                "marriageAllowance": "recipient",
            })
        );
        let business = value["incomeSources"]["businessIncomeSources"].as_array().unwrap();
        assert_eq!(
            business[0],
            json!({
                "incomeSourceId": "XAIS12345678901",
                "incomeSourceType": "self-employment",
                "accountingPeriodStartDate": "2025-04-06",
                "accountingPeriodEndDate": "2026-04-05",
                "source": "MTD-SA",
                "latestPeriodEndDate": "2026-04-05",
                "latestReceivedDateTime": "2026-05-01T12:00:00.000Z",
            })
        );
        assert_eq!(business[1]["incomeSourceType"], "uk-property");
        assert_eq!(business[1]["incomeSourceName"], "Flat 2");
        assert!(business[1]["incomeSourceId"].as_str().unwrap().starts_with("XPIS"));

        let others = value["incomeSources"]["nonBusinessIncomeSources"].as_array().unwrap();
        let kinds: Vec<&str> = others.iter().map(|s| s["incomeSourceType"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["employments", "uk-savings-and-gains", "uk-dividends"]);
        assert_eq!(others[0]["incomeSourceName"], "Acme Ltd");
        assert_eq!(others[1]["incomeSourceId"], "SAVINGS00000001");
        assert!(others[1].get("incomeSourceName").is_none());
        assert!(others[2].get("incomeSourceId").is_none());

        // Plan 5 appears from def4.
        let def4 = inputs_v8(&inputs, &nino, datetime!(2026-05-01 12:00:00 UTC), SchemaVariant::Def4);
        assert_eq!(
            def4["personalInformation"]["studentLoanPlan"],
            json!([{"planType": "plan1"}, {"planType": "plan5"}])
        );
    }

    #[test]
    fn no_income_gives_empty_income_sources() {
        let inputs = Inputs::new(TaxYear::starting(2017), Regime::RestOfUk);
        let nino = Nino::parse("AA123456 ").unwrap();
        let value = inputs_v8(&inputs, &nino, datetime!(2018-05-01 12:00:00 UTC), SchemaVariant::Def1);
        assert_eq!(
            value,
            json!({"personalInformation": {"identifier": "AA123456", "taxRegime": "uk"}, "incomeSources": {}})
        );
    }
}
