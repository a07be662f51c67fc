//! Shared by the schema tests: reading HMRC's schemas from `shared/` beside the
//! workspace (rendering the feature toggles in def4 files), and a spread of taxpayers
//! touching every part of the views.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use itsa_engine::inputs::{
    Employment, MarriageAllowance, Pension, SavingsAccount, SelfEmployment, StateBenefit, StudentLoanPlan, UkProperty,
};
use itsa_engine::{Date, Inputs, Money, Regime, TaxYear};
use itsa_hmrc::{ListVariant, SchemaVariant};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

/// HMRC's Individual Calculations API versions whose schemas the views must match.
pub const API_VERSIONS: [&str; 2] = ["8.0", "9.0"];

pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hmrc-api/individual-calculations");
    dir.canonicalize().ok()
}

/// HMRC's def4 schema files carry Handlebars feature toggles from the API platform
/// (`{{#if (enabled 'x')}} … {{else}} … {{/if}}`, `{{#unless (releasedInProduction 'x')}}
/// … {{/unless}}`). Render them with every toggle on or every toggle off.
pub fn render_toggles(text: &str, toggles_on: bool, file: &str) -> String {
    // Each open block: whether its content is shown (before any `else`).
    let mut stack: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if stack.iter().all(|&shown| shown) {
            out.push_str(&rest[..start]);
        }
        let end = rest[start..].find("}}").unwrap_or_else(|| panic!("{file}: unclosed {{{{")) + start;
        let tag = rest[start + 2..end].trim();
        match tag.split_whitespace().next() {
            Some("#if") => stack.push(toggles_on),
            Some("#unless") => stack.push(!toggles_on),
            Some("else") => {
                let top = stack.last_mut().unwrap_or_else(|| panic!("{file}: else outside a block"));
                *top = !*top;
            }
            Some("/if" | "/unless") => {
                stack.pop().unwrap_or_else(|| panic!("{file}: unbalanced {tag}"));
            }
            _ => panic!("{file}: unexpected template tag {{{{{tag}}}}}"),
        }
        rest = &rest[end + 2..];
    }
    assert!(stack.is_empty(), "{file}: unclosed template block");
    out.push_str(rest);
    out
}

/// Reads `file://` schemas from disk, rendering any feature toggles.
pub struct SchemaFiles {
    pub toggles_on: bool,
}

impl SchemaFiles {
    pub fn load(&self, path: &Path) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = std::fs::read_to_string(path)?;
        let text = render_toggles(&text, self.toggles_on, &path.display().to_string());
        Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
    }
}

impl Retrieve for SchemaFiles {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.scheme().as_str() {
            "file" => self.load(Path::new(uri.path().as_str())),
            other => Err(format!("refusing to fetch {other} schema {}: only files are read", uri.as_str()).into()),
        }
    }
}

/// A draft-4 validator for the schema file at `path`, its `$ref`s read from disk.
pub fn validator(path: &Path, toggles_on: bool) -> Validator {
    let files = SchemaFiles { toggles_on };
    let root = files.load(path).unwrap_or_else(|e| panic!("{e}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_base_uri(format!("file://{}", path.display()))
        .with_retriever(files)
        .build(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A compiled schema and what it is, for messages.
pub struct Schema {
    pub label: String,
    pub validator: Validator,
}

impl Schema {
    /// Every way `value` breaks the schema, one line each, prefixed with `what`.
    pub fn violations(&self, what: &str, value: &Value) -> Vec<String> {
        self.validator
            .iter_errors(value)
            .map(|e| format!("{what} [{}]: {e} at {} (schema {})", self.label, e.instance_path(), e.schema_path()))
            .collect()
    }
}

fn retrieve_schema(dir: &Path, version: &str, variant: SchemaVariant, toggles_on: bool) -> Schema {
    let path = dir.join(version).join("schemas/retrieve").join(variant.name()).join("retrieve_response.json");
    let toggles =
        if variant == SchemaVariant::Def4 { if toggles_on { " (toggles on)" } else { " (toggles off)" } } else { "" };
    Schema { label: format!("{version} {}{toggles}", variant.name()), validator: validator(&path, toggles_on) }
}

/// The retrieve schemas a year's response must match: 8.0 and 9.0, and for def4 with
/// HMRC's feature toggles both on and off.
pub fn retrieve_schemas(dir: &Path, variant: SchemaVariant) -> Vec<Schema> {
    let toggle_states: &[bool] = if variant == SchemaVariant::Def4 { &[true, false] } else { &[true] };
    API_VERSIONS
        .iter()
        .flat_map(|version| toggle_states.iter().map(move |&on| retrieve_schema(dir, version, variant, on)))
        .collect()
}

/// The list schemas of 8.0 and 9.0 for a list variant.
pub fn list_schemas(dir: &Path, variant: ListVariant) -> Vec<Schema> {
    API_VERSIONS
        .iter()
        .map(|version| {
            let path = dir.join(version).join("schemas/list").join(variant.name()).join("list_response.json");
            Schema { label: format!("{version} list {}", variant.name()), validator: validator(&path, true) }
        })
        .collect()
}

pub fn m(pounds: i64) -> Money {
    Money::pounds(pounds)
}

pub fn pence(amount: &str) -> Money {
    Money::new(amount.parse().unwrap())
}

/// 30 September of the year: half way through, for an in-year calculation.
pub fn mid_year(year: TaxYear) -> Date {
    Date::parse(&format!("{}-09-30", year.start_year())).unwrap()
}

/// A spread of taxpayers touching every part of the view.
pub fn cases(year: TaxYear, regime: Regime) -> Vec<(&'static str, Inputs)> {
    let new = || Inputs::new(year, regime);
    let mut cases = Vec::new();

    cases.push(("no income", new()));

    let mut employee = new();
    employee.employments.push(Employment {
        name: "Acme Widgets Ltd".into(),
        pay: pence("52340.67"),
        benefits_in_kind: m(1_250),
        tax_deducted: pence("8123.40"),
        student_loan_deductions: m(1_100),
        postgraduate_loan_deductions: m(300),
    });
    employee.savings_accounts.push(SavingsAccount {
        name: "SAVINGS00000001".into(),
        gross_interest: m(1_500),
        tax_deducted: m(0),
    });
    employee.savings_accounts.push(SavingsAccount {
        name: "Old bond".into(),
        gross_interest: pence("250.50"),
        tax_deducted: pence("50.10"),
    });
    employee.dividends = m(3_000);
    employee.gift_aid_paid = m(800);
    employee.pension_contributions_relief_at_source = pence("2500.25");
    employee.student_loan_plans = vec![StudentLoanPlan::Plan2, StudentLoanPlan::Postgraduate];
    employee.child_benefit = pence("2212.60");
    employee.coded_out.sa_underpayments = pence("420.00");
    employee.coded_out.paye_underpayments = pence("130.55");
    cases.push(("employee with savings, dividends, gift aid, pension, loans, child benefit, coding out", employee));

    let mut traders = new();
    traders.date_of_birth = Some(Date::parse("1980-05-17").unwrap());
    traders.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: pence("45210.90"),
        losses_brought_forward: m(2_000),
    });
    traders.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678902".into(),
        adjusted_profit: m(-3_400),
        losses_brought_forward: m(700),
    });
    traders.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(18_000),
        residential_finance_costs: pence("6400.40"),
        finance_costs_brought_forward: m(1_000),
        losses_brought_forward: m(500),
    });
    traders.other_income = m(650);
    traders.state_benefits.push(StateBenefit {
        name: "jobSeekersAllowance".into(),
        amount: m(1_200),
        tax_deducted: m(40),
    });
    traders.student_loan_plans = vec![StudentLoanPlan::Plan1];
    traders.class2_voluntary = true;
    cases.push(("two trades (one a loss) and property with finance costs", traders));

    let mut small_trader = new();
    small_trader.self_employments.push(SelfEmployment {
        business_id: "XAIS00000000004".into(),
        adjusted_profit: m(4_000),
        losses_brought_forward: m(0),
    });
    small_trader.class2_voluntary = true;
    small_trader.marriage_allowance = MarriageAllowance::Transferor;
    cases.push(("small trader paying Class 2 voluntarily, marriage allowance transferor", small_trader));

    let mut pensioner = new();
    pensioner.date_of_birth = Some(Date::parse("1950-01-01").unwrap());
    pensioner.state_pension = pence("11502.40");
    pensioner.pensions.push(Pension { name: "Teachers' Pension".into(), amount: m(15_000), tax_deducted: m(600) });
    pensioner.self_employments.push(SelfEmployment {
        business_id: "XAIS00000000003".into(),
        adjusted_profit: m(12_000),
        losses_brought_forward: m(0),
    });
    pensioner.savings_accounts.push(SavingsAccount {
        name: "Premium account".into(),
        gross_interest: m(2_000),
        tax_deducted: m(0),
    });
    pensioner.blind_persons_allowance = true;
    pensioner.marriage_allowance = MarriageAllowance::Recipient;
    cases.push((
        "pensioner over State Pension age trading, blind person's allowance, marriage allowance recipient",
        pensioner,
    ));

    let mut high = new();
    high.employments.push(Employment {
        name: "0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f".into(),
        pay: m(182_000),
        benefits_in_kind: m(9_000),
        tax_deducted: m(62_000),
        student_loan_deductions: m(0),
        postgraduate_loan_deductions: m(0),
    });
    high.dividends = m(50_000);
    high.savings_accounts.push(SavingsAccount {
        name: "SAVINGS00000002".into(),
        gross_interest: m(10_000),
        tax_deducted: m(0),
    });
    high.gift_aid_paid = m(10_000);
    high.child_benefit = m(2_000);
    high.student_loan_plans = vec![StudentLoanPlan::Plan4, StudentLoanPlan::Plan5];
    cases.push(("additional-rate employee with large dividends and gift aid", high));

    let mut in_year = new();
    in_year.income_to_date = Some(mid_year(year));
    in_year.employments.push(Employment {
        name: "City Council".into(),
        pay: m(14_000),
        benefits_in_kind: m(0),
        tax_deducted: m(1_600),
        student_loan_deductions: m(0),
        postgraduate_loan_deductions: m(0),
    });
    in_year.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: m(9_000),
        losses_brought_forward: m(0),
    });
    in_year.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(4_000),
        residential_finance_costs: m(1_000),
        finance_costs_brought_forward: m(0),
        losses_brought_forward: m(0),
    });
    in_year.savings_accounts.push(SavingsAccount {
        name: "Easy saver".into(),
        gross_interest: m(400),
        tax_deducted: m(0),
    });
    in_year.dividends = m(1_500);
    in_year.state_pension = m(0);
    in_year.other_income = m(300);
    in_year.student_loan_plans = vec![StudentLoanPlan::Plan2];
    cases.push(("in-year calculation with an end-of-year estimate", in_year));

    let mut property_loss = new();
    property_loss.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(-2_500),
        residential_finance_costs: m(3_000),
        finance_costs_brought_forward: m(0),
        losses_brought_forward: m(1_000),
    });
    property_loss.pensions.push(Pension { name: "Aviva".into(), amount: m(20_000), tax_deducted: m(1_500) });
    cases.push(("property loss and finance costs carried forward", property_loss));

    cases
}
