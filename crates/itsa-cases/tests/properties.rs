//! Properties that must hold for every case the format accepts.

use itsa_cases::parse_case;
use itsa_engine::{Calculation, Money, calculate};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const YEARS: [&str; 10] =
    ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2026-27"];
const INCOME_FIELDS: [&str; 8] = [
    "employment_income",
    "self_employment_profit",
    "property_profit",
    "savings_interest",
    "dividends",
    "pension_income",
    "state_pension",
    "other_non_savings_income",
];

/// Pounds and pence, mostly in the range real taxpayers have, sometimes far beyond.
fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => Just(0.0),
        6 => (0u64..200_000).prop_map(|p| p as f64),
        2 => (0u64..20_000_000).prop_map(|p| p as f64 / 100.0),
        1 => (0u64..9_999_999_999).prop_map(|p| p as f64),
    ]
}

fn plans() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(vec!["plan1", "plan2", "plan4", "plan5", "postgraduate"], 0..=3)
}

/// A case as the format allows it (marriage allowance given separately).
fn case(marriage: Vec<&'static str>) -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::sample::select(YEARS.to_vec()),
        proptest::sample::select(vec!["rUK", "Scotland", "Wales"]),
        proptest::collection::vec(amount(), INCOME_FIELDS.len()),
        (amount(), amount(), amount(), amount(), amount()),
        (amount(), amount(), amount()),
        (any::<bool>(), proptest::sample::select(marriage), plans(), 1930i32..2012),
    )
        .prop_map(
            |(
                year,
                regime,
                incomes,
                (paye, finance, finance_bf, gift_aid, pension),
                (child_benefit, sa, paye_under),
                (blind, ma, plans, born),
            )| {
                let mut c = Map::new();
                c.insert("id".into(), json!("p"));
                c.insert("tax_year".into(), json!(year));
                c.insert("regime".into(), json!(regime));
                c.insert("date_of_birth".into(), json!(format!("{born}-07-15")));
                for (field, value) in INCOME_FIELDS.iter().zip(incomes) {
                    c.insert((*field).into(), json!(value));
                }
                for (field, value) in [
                    ("paye_tax_deducted", paye),
                    ("property_finance_costs", finance),
                    ("property_finance_costs_brought_forward", finance_bf),
                    ("gift_aid_paid", gift_aid),
                    ("pension_contributions_gross", pension),
                    ("child_benefit_received", child_benefit),
                    ("sa_underpayment_coded_out", sa),
                    ("paye_underpayment_coded_out", paye_under),
                ] {
                    c.insert(field.into(), json!(value));
                }
                c.insert("blind".into(), json!(blind));
                c.insert("marriage_allowance".into(), json!(ma));
                c.insert("student_loan_plans".into(), json!(plans));
                c
            },
        )
}

fn run(case: &Map<String, Value>) -> Calculation {
    let (_, inputs) = parse_case(&Value::Object(case.clone()).to_string()).expect("generated cases are valid");
    calculate(&inputs).expect("supported years calculate")
}

/// Tax before anything deducted at source: income tax, charges, NICs and student loans.
fn tax_charged(c: &Calculation) -> Money {
    c.tax_calculation.total_income_tax_nics_charged
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn nothing_the_format_accepts_makes_the_engine_panic(
        c in case(vec!["none", "transferor", "recipient"]),
        negative_profit in proptest::option::of(-1_000_000i64..0),
        negative_property in proptest::option::of(-1_000_000i64..0),
        year in proptest::option::of(prop_oneof![Just("2016-17"), Just("2027-28"), Just("1999-00")]),
    ) {
        let mut c = c;
        if let Some(p) = negative_profit { c.insert("self_employment_profit".into(), json!(p)); }
        if let Some(p) = negative_property { c.insert("property_profit".into(), json!(p)); }
        if let Some(y) = year { c.insert("tax_year".into(), json!(y)); }
        let out = itsa_cases::calculate_line(&Value::Object(c).to_string());
        prop_assert!(out.get("summary").is_some() || out.get("error").is_some());
    }

    #[test]
    fn tax_due_is_never_negative_before_tax_deducted(c in case(vec!["none", "transferor", "recipient"])) {
        let calc = run(&c);
        let it = &calc.tax_calculation.income_tax;
        prop_assert!(!it.income_tax_due_after_gift_aid.is_negative(), "income tax due {}", it.income_tax_due_after_gift_aid);
        prop_assert!(!it.total_income_tax_due.is_negative());
        prop_assert!(!tax_charged(&calc).is_negative());
    }

    /// More of any income never lowers the tax charged. Two elections are left out because
    /// the law itself makes them step down: a marriage allowance transferor who becomes
    /// liable above the basic rate loses the election and gets the allowance back, and a
    /// voluntary Class 2 payer stops paying once profits reach the threshold (the case
    /// format has no voluntary Class 2, so only the first needs leaving out here).
    #[test]
    fn more_income_never_lowers_the_tax_charged(
        c in case(vec!["none", "recipient"]),
        field in proptest::sample::select(INCOME_FIELDS.to_vec()),
        extra in 1u64..100_000,
    ) {
        let before = run(&c);
        let mut more = c.clone();
        // In whole pence, so that the raised amount is still pounds and pence.
        let current_pence = (more.get(field).and_then(Value::as_f64).unwrap_or(0.0) * 100.0).round() as u64;
        more.insert(field.into(), json!((current_pence + extra * 100) as f64 / 100.0));
        let after = run(&more);
        prop_assert!(
            tax_charged(&after) >= tax_charged(&before),
            "{field} +{extra}: {} -> {}", tax_charged(&before), tax_charged(&after)
        );
    }

    #[test]
    fn scotland_and_the_rest_of_the_uk_tax_savings_and_dividends_alike(c in case(vec!["none"])) {
        let mut scottish = c.clone();
        scottish.insert("regime".into(), json!("Scotland"));
        let mut english = c;
        english.insert("regime".into(), json!("rUK"));
        let (s, e) = (run(&scottish), run(&english));
        // Allowances go where they save most tax (ITA 2007 s25(2)), which can differ with
        // the non-savings rates; where they go alike, savings and dividends are taxed alike.
        let allocated = |c: &Calculation| {
            let it = &c.tax_calculation.income_tax;
            [&it.pay_pensions_profit, &it.savings_and_gains, &it.dividends].map(|x| x.as_ref().map(|x| x.allowances_allocated))
        };
        prop_assume!(allocated(&s) == allocated(&e));
        let tax = |c: &Calculation| {
            let it = &c.tax_calculation.income_tax;
            (
                it.savings_and_gains.as_ref().map(|x| (x.income_tax_amount, x.tax_bands.clone())),
                it.dividends.as_ref().map(|x| (x.income_tax_amount, x.tax_bands.clone())),
            )
        };
        prop_assert_eq!(tax(&s), tax(&e));
    }

    /// Setting allowances where they save most tax (ITA 2007 s25(2)) never charges more
    /// income tax than HMRC's default order.
    #[test]
    fn the_statutory_allocation_is_never_worse_than_the_default_order(c in case(vec!["none", "transferor", "recipient"])) {
        let (_, mut inputs) = parse_case(&Value::Object(c).to_string()).expect("generated cases are valid");
        let statutory = calculate(&inputs).expect("calculates");
        inputs.allowance_order = itsa_engine::inputs::AllowanceOrder::DefaultOrder;
        let default = calculate(&inputs).expect("calculates");
        let charged = |c: &Calculation| c.tax_calculation.income_tax.income_tax_charged;
        prop_assert!(charged(&statutory) <= charged(&default), "{} > {}", charged(&statutory), charged(&default));
    }
}
