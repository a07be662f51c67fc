//! Special withholding tax (the EU Savings Directive's) on foreign income: income tax
//! treated as paid and deducted at source (TIOPA 2010 s137(5)), set against the year's
//! liability and repaid where it is more (s138(3)-(4)); it changes no tax charged. Figures
//! worked by hand from the rates of 2025-26 (personal allowance 12,570, basic rate 20%,
//! personal savings allowance 1,000 for a basic-rate taxpayer).

use itsa_engine::foreign::{ForeignSource, ForeignSourceKind};
use itsa_engine::inputs::Employment;
use itsa_engine::{Inputs, Money, Regime, TaxYear, calculate};
use rust_decimal_macros::dec;

fn m(pounds: i64) -> Money {
    Money::pounds(pounds)
}

fn interest(country: &str, taxable: i64, special_withholding_tax: Money) -> ForeignSource {
    ForeignSource {
        kind: ForeignSourceKind::Savings,
        country_code: country.into(),
        amount_before_tax: None,
        foreign_tax: Money::ZERO,
        claims_credit: false,
        taxable_amount: m(taxable),
        special_withholding_tax,
    }
}

fn taxpayer(sources: Vec<ForeignSource>) -> Inputs {
    let mut i = Inputs::new(TaxYear::starting(2025), Regime::RestOfUk);
    i.employments.push(Employment {
        name: "ACME".into(),
        pay: m(30_000),
        tax_deducted: m(3_486),
        ..Default::default()
    });
    i.foreign.sources = sources;
    i
}

#[test]
fn special_withholding_tax_is_tax_deducted_and_repaid_beyond_the_liability() {
    // Pay 30,000 with PAYE 3,486 (17,430 at 20%, exactly the tax on it); interest of 400
    // from Austria falls in the personal savings allowance. Charged 3,486.00 either way.
    let without = calculate(&taxpayer(vec![interest("AUT", 400, Money::ZERO)])).unwrap();
    let with = calculate(&taxpayer(vec![interest("AUT", 400, Money::new(dec!(140.25)))])).unwrap();
    assert_eq!(without.tax_calculation.income_tax.income_tax_charged, m(3_486));
    assert_eq!(with.tax_calculation.income_tax.income_tax_charged, m(3_486));
    assert_eq!(without.tax_deducted_at_source.special_withholding_tax_or_uk_tax_paid, None);
    assert_eq!(with.tax_deducted_at_source.special_withholding_tax_or_uk_tax_paid, Some(Money::new(dec!(140.25))));
    assert_eq!(with.tax_calculation.total_tax_deducted, Money::new(dec!(3626.25)));
    // Nothing left to pay: 140.25 to repay.
    assert_eq!(without.tax_calculation.total_income_tax_and_nics_due, Money::ZERO);
    assert_eq!(with.tax_calculation.total_income_tax_and_nics_due, Money::new(dec!(-140.25)));
}

#[test]
fn each_sources_special_withholding_tax_counts() {
    let c = calculate(&taxpayer(vec![
        interest("AUT", 400, m(100)),
        ForeignSource { kind: ForeignSourceKind::Dividends, ..interest("LUX", 200, m(35)) },
    ]))
    .unwrap();
    assert_eq!(c.tax_deducted_at_source.special_withholding_tax_or_uk_tax_paid, Some(m(135)));
    assert_eq!(c.tax_calculation.total_income_tax_and_nics_due, m(-135));
}
