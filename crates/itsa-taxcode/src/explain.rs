//! What a code means, part by part, in plain English, with the figures it gives in a year.

use itsa_rules::{Date, Money, Rate, Regime, Rules, TaxYear, YearRules};
use rust_decimal::prelude::ToPrimitive;

use crate::bands::{self, PayeBand};
use crate::code::{BasisMarker, Kind, Suffix, TaxCode, TaxCodeError};
use crate::pay::flat_rate;
use crate::tables::{Table, annual_value, period_value};

/// One part of a code and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The characters of the code this part is (`S`, `1257`, `L`, `K475`, `W1` …).
    pub text: String,
    /// What they mean, in plain English.
    pub meaning: String,
}

/// A code explained for one tax year.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub code: TaxCode,
    pub tax_year: TaxYear,
    /// Free pay for the year (positive), additional pay (negative), zero for 0T, BR and
    /// D codes, `None` for NT.
    pub annual_pay_adjustment: Option<Money>,
    /// The week 1 figure of Tables A, with the same sign.
    pub weekly_pay_adjustment: Option<Money>,
    /// The month 1 figure of Tables A, with the same sign.
    pub monthly_pay_adjustment: Option<Money>,
    /// For BR and D codes, the rate on all pay.
    pub flat_rate: Option<Rate>,
    /// The code's parts, in order, each with its meaning.
    pub parts: Vec<Part>,
    /// The standard Personal Allowance of the year.
    pub personal_allowance: Money,
    /// The emergency code of the year for the code's regime.
    pub emergency_code: TaxCode,
    /// The bands and rates PAYE applies under this code's regime that year.
    pub bands: Vec<PayeBand>,
    /// The K-code overriding limit (50%).
    pub overriding_limit: Rate,
}

/// Explain `code` as it applies in `tax_year`; refused if HMRC does not issue the code
/// that year.
pub fn explain(code: &TaxCode, tax_year: TaxYear) -> Result<Explanation, TaxCodeError> {
    code.check_year(tax_year)?;
    let rules = Rules::for_year(tax_year, code.regime()).map_err(|_| TaxCodeError::UnsupportedTaxYear(tax_year))?;
    let signed = |amount: Money| if code.kind() == Kind::K { -amount } else { amount };
    let (annual, weekly, monthly) = match code.number() {
        Some(n) => (
            Some(signed(annual_value(n))),
            Some(signed(period_value(n, Table::Weekly))),
            Some(signed(period_value(n, Table::Monthly))),
        ),
        None if code.kind() == Kind::NoTax => (None, None, None),
        None => (Some(Money::ZERO), Some(Money::ZERO), Some(Money::ZERO)),
    };
    Ok(Explanation {
        code: *code,
        tax_year,
        annual_pay_adjustment: annual,
        weekly_pay_adjustment: weekly,
        monthly_pay_adjustment: monthly,
        flat_rate: flat_rate(code, rules),
        parts: parts(code, rules),
        personal_allowance: rules.personal_allowance,
        emergency_code: emergency_code(tax_year, code.regime())?,
        bands: bands::paye_bands(rules),
        overriding_limit: rules.paye_overriding_limit,
    })
}

/// The emergency code of a year: the standard Personal Allowance with its last digit
/// dropped, and L (PAYE11015), with the regime's prefix. Operated cumulatively for a new
/// starter whose starter checklist says this is their first job since 6 April, and on a
/// week 1 / month 1 basis otherwise.
pub fn emergency_code(tax_year: TaxYear, regime: Regime) -> Result<TaxCode, TaxCodeError> {
    let rules = Rules::for_year(tax_year, regime).map_err(|_| TaxCodeError::UnsupportedTaxYear(tax_year))?;
    let number = code_number_of(rules.personal_allowance);
    // Before 2019-20 Welsh taxpayers had no C prefix: their emergency code was rUK's.
    let regime =
        if regime == Regime::Wales && tax_year < crate::code::WELSH_RATES_BEGIN { Regime::RestOfUk } else { regime };
    TaxCode::suffix_code(regime, number, Suffix::L).ok_or_else(|| TaxCodeError::Invalid {
        input: rules.personal_allowance.to_string(),
        reason: "the personal allowance does not make a code".into(),
    })
}

/// The tax year a day falls in (6 April to 5 April).
pub fn tax_year_of(date: Date) -> TaxYear {
    TaxYear::containing(date)
}

/// Whole pounds with their last digit dropped: the number of a code.
fn code_number_of(allowances: Money) -> u32 {
    allowances.round_down_to_pound().amount().to_u32().unwrap_or(0) / 10
}

/// Pounds with thousands separators; pence only when there are any (£12,570, £241.92).
pub fn pounds(amount: Money) -> String {
    let a = amount.amount().round_dp(2);
    let negative = a.is_sign_negative() && !a.is_zero();
    let text = if a.fract().is_zero() { format!("{:.0}", a.abs()) } else { format!("{:.2}", a.abs()) };
    let (whole, pence) = text.split_once('.').map_or((text.as_str(), None), |(w, p)| (w, Some(p)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    match pence {
        Some(p) => format!("{sign}£{grouped}.{p}"),
        None => format!("{sign}£{grouped}"),
    }
}

fn regime_rates_name(regime: Regime) -> &'static str {
    match regime {
        Regime::RestOfUk => "the rates for England and Northern Ireland",
        Regime::Scotland => "the Scottish rates",
        Regime::Wales => "the Welsh rates",
    }
}

fn parts(code: &TaxCode, rules: &YearRules) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut part = |text: String, meaning: String| parts.push(Part { text, meaning });
    match code.regime() {
        Regime::Scotland => part(
            "S".into(),
            "You are a Scottish taxpayer: your pay is taxed at the rates and bands the Scottish Parliament \
             sets, not those for the rest of the UK."
                .into(),
        ),
        Regime::Wales => part(
            "C".into(),
            "You are a Welsh taxpayer: part of your income tax goes to the Welsh Government. The Welsh rates \
             are the same as those in England and Northern Ireland."
                .into(),
        ),
        Regime::RestOfUk => {}
    }
    let pa = rules.personal_allowance;
    let standard_number = code_number_of(pa);
    match code.kind() {
        Kind::Suffix => {
            let number = code.number().unwrap_or(0);
            let suffix = code.suffix().unwrap_or(Suffix::T);
            if number == 0 {
                // The allowance is gone once adjusted net income passes the taper threshold by
                // the divisor times the allowance (ITA 2007 s35).
                let withdrawn_above =
                    rules.personal_allowance_taper_threshold + pa.times(rules.personal_allowance_taper_divisor);
                part(
                    "0T".into(),
                    format!(
                        "You have no tax-free amount from this job or pension: all of it is taxed, starting in \
                         the lowest band. This happens when your allowance is used up elsewhere, when it has been \
                         withdrawn because your income is over {}, or when your employer has too little \
                         information about you and HMRC has not yet sent a code.",
                        pounds(withdrawn_above)
                    ),
                );
            } else {
                let allowance = Money::pounds(i64::from(number) * 10);
                let mut meaning = format!(
                    "Your tax-free allowances from this job or pension come to about {}: the number is the \
                     allowance with its last digit dropped. Payroll allows {} over the year, {} a week or {} a \
                     month.",
                    pounds(allowance),
                    pounds(annual_value(number)),
                    pounds(period_value(number, Table::Weekly)),
                    pounds(period_value(number, Table::Monthly)),
                );
                if matches!(suffix, Suffix::L | Suffix::T) && number != standard_number {
                    let direction = if number < standard_number {
                        " less than the standard Personal Allowance: HMRC has taken something off it, such as \
                         a company benefit, income that is not taxed at source, or tax owed from an earlier \
                         year that it is collecting through your code"
                    } else {
                        " more than the standard Personal Allowance: HMRC has added something to it, such as \
                         job expenses, Blind Person's Allowance, or relief on pension contributions or Gift Aid"
                    };
                    meaning.push_str(&format!(" That is{direction}. Your coding notice from HMRC lists each item."));
                }
                part(number.to_string(), meaning);
                part(suffix.letter().to_string(), suffix_meaning(suffix, rules, number == standard_number));
            }
        }
        Kind::K => {
            let number = code.number().unwrap_or(0);
            part(
                format!("K{number}"),
                format!(
                    "K means the amounts taken off your allowances (company benefits, untaxed income, tax owed \
                     from earlier years) add up to more than the allowances themselves. So instead of giving \
                     you tax-free pay, your employer adds {} a year to your taxable pay ({} a week or {} a \
                     month) and taxes the total. The tax taken from any one payment can never be more than \
                     {} of that payment.",
                    pounds(annual_value(number)),
                    pounds(period_value(number, Table::Weekly)),
                    pounds(period_value(number, Table::Monthly)),
                    rules.paye_overriding_limit,
                ),
            );
        }
        Kind::BasicRate => {
            let rate = bands::basic_rate(rules);
            part(
                "BR".into(),
                format!(
                    "All your pay from this source is taxed at the basic rate, {rate}, with no tax-free amount. \
                     This is usual for a second job or pension when your main job already uses your allowance."
                ),
            );
        }
        Kind::D0 | Kind::D1 | Kind::D2 | Kind::D3 => {
            let n = code.d_index().unwrap_or(0);
            let band = bands::rates_above_basic(rules).get(usize::from(n)).copied();
            let (name, rate) = band.map_or(("higher", Rate::ZERO), |b| (b.name, b.rate));
            part(
                format!("D{n}"),
                format!(
                    "All your pay from this source is taxed at the {name} rate, {rate}, with no tax-free \
                     amount. This is usual for a second job or pension when your other income already takes you \
                     into the {name} rate band."
                ),
            );
        }
        Kind::NoTax => part(
            "NT".into(),
            "No tax is taken from this income. HMRC issues NT only in special cases, for example for some \
             people who are not resident in the UK or whose pay is taxed another way."
                .into(),
        ),
    }
    if let Some(marker) = code.basis_marker() {
        let how = match marker {
            BasisMarker::Week1 => "Week 1",
            BasisMarker::Month1 => "Month 1",
            BasisMarker::X => "X (week 1 or month 1)",
        };
        part(
            marker.as_str().into(),
            format!(
                "{how}: each payment is taxed on its own, as if it were the first of the tax year, with one \
                 week's or one month's share of the tax-free amount. Your employer does not look back at the \
                 pay and tax earlier in the year, so tax overpaid or underpaid before is not put right through \
                 your pay; HMRC settles it after the year ends. Emergency codes and some changed codes are \
                 operated this way."
            ),
        );
    }
    parts
}

fn suffix_meaning(suffix: Suffix, rules: &YearRules, standard: bool) -> String {
    let pa = pounds(rules.personal_allowance);
    let transfer = pounds(rules.marriage_allowance_transferable_amount);
    match suffix {
        Suffix::L if standard => format!(
            "You get the standard tax-free Personal Allowance ({pa} for {}). The same code is the emergency \
             code an employer uses when it has no code from HMRC for you.",
            rules.tax_year
        ),
        Suffix::L => "You are entitled to the standard Personal Allowance, adjusted as the number shows.".into(),
        Suffix::M => format!(
            "Marriage Allowance: your spouse or civil partner has passed {transfer} of their Personal \
             Allowance to you, so your tax-free amount is higher."
        ),
        Suffix::N => format!(
            "Marriage Allowance: you have passed {transfer} of your Personal Allowance to your spouse or \
             civil partner, so your tax-free amount is lower."
        ),
        Suffix::T => format!(
            "Your code has other items HMRC needs to review, or your Personal Allowance has been reduced \
             because your income is over {}, or you asked HMRC not to use one of the standard letters. \
             Employers do not update T codes themselves when allowances change at the start of a year; HMRC \
             sends a new one.",
            pounds(rules.personal_allowance_taper_threshold)
        ),
        Suffix::P => "A withdrawn letter, for people aged 65 to 74 with the full age-related personal \
             allowance. It was last used for 2014-15."
            .into(),
        Suffix::V => "A withdrawn letter, for people aged 65 to 74 with the full age-related personal \
             allowance and married couple's allowance who were expected to pay tax at the basic rate. It was \
             last used for 2014-15."
            .into(),
        Suffix::Y => "A withdrawn letter, for people aged 75 or over with the full age-related personal \
             allowance. It was last used for 2015-16."
            .into(),
    }
}

impl Explanation {
    /// The code's effect in one or two sentences.
    pub fn summary(&self) -> String {
        let code = &self.code;
        let rates = regime_rates_name(code.regime());
        let basis = if code.basis_marker().is_some() {
            " Each payment is taxed on its own (week 1 / month 1), without looking back at earlier pay."
        } else {
            ""
        };
        let main = match code.kind() {
            Kind::Suffix if code.number() == Some(0) => {
                format!(
                    "No tax-free pay: everything from this source is taxed at {rates}, starting in the lowest band."
                )
            }
            Kind::Suffix => format!(
                "You can earn {} in {} from this source before paying tax ({} a week or {} a month); pay above \
                 that is taxed at {rates}.",
                self.annual_pay_adjustment.map_or_else(String::new, pounds),
                self.tax_year,
                self.weekly_pay_adjustment.map_or_else(String::new, pounds),
                self.monthly_pay_adjustment.map_or_else(String::new, pounds),
            ),
            Kind::K => format!(
                "There is no tax-free pay: {} a year ({} a month) is added to your pay and the total is taxed at \
                 {rates}, but never more than {} of any payment.",
                self.annual_pay_adjustment.map_or_else(String::new, |a| pounds(-a)),
                self.monthly_pay_adjustment.map_or_else(String::new, |a| pounds(-a)),
                self.overriding_limit,
            ),
            Kind::BasicRate | Kind::D0 | Kind::D1 | Kind::D2 | Kind::D3 => format!(
                "Everything from this source is taxed at {}, with no tax-free pay.",
                self.flat_rate.map_or_else(String::new, |r| r.to_string())
            ),
            Kind::NoTax => "No tax is taken from this income.".into(),
        };
        format!("{main}{basis}")
    }

    /// Whether the code is the year's emergency code (with or without W1/M1/X).
    pub fn is_emergency_code(&self) -> bool {
        self.code.cumulative() == self.emergency_code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(code: &str, year: u16) -> Explanation {
        explain(&TaxCode::parse(code).unwrap(), TaxYear::starting(year)).unwrap()
    }

    #[test]
    fn emergency_codes_by_year() {
        let expected =
            [(2017, "1150L"), (2018, "1185L"), (2019, "1250L"), (2020, "1250L"), (2021, "1257L"), (2026, "1257L")];
        for (year, code) in expected {
            assert_eq!(emergency_code(TaxYear::starting(year), Regime::RestOfUk).unwrap().to_string(), code);
            assert_eq!(
                emergency_code(TaxYear::starting(year), Regime::Scotland).unwrap().to_string(),
                format!("S{code}")
            );
        }
        assert_eq!(emergency_code(TaxYear::starting(2018), Regime::Wales).unwrap().to_string(), "1185L");
        assert_eq!(emergency_code(TaxYear::starting(2019), Regime::Wales).unwrap().to_string(), "C1250L");
        assert!(explained("1257L M1", 2025).is_emergency_code());
        assert!(!explained("1257L", 2018).is_emergency_code());
    }

    #[test]
    fn figures_and_signs() {
        let e = explained("K475", 2025);
        assert_eq!(e.annual_pay_adjustment, Some(Money::pounds(-4759)));
        assert_eq!(e.monthly_pay_adjustment.unwrap().to_string(), "-396.59");
        let e = explained("SD2", 2025);
        assert_eq!(e.flat_rate, Some(Rate::percent(45)));
        assert_eq!(e.annual_pay_adjustment, Some(Money::ZERO));
        assert_eq!(explained("NT", 2025).annual_pay_adjustment, None);
        assert_eq!(explained("0T", 2025).annual_pay_adjustment, Some(Money::ZERO));
    }

    #[test]
    fn every_part_is_explained() {
        let e = explained("S1257L M1", 2025);
        let texts: Vec<&str> = e.parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["S", "1257", "L", "M1"]);
        assert!(e.parts[2].meaning.contains("£12,570"));
        let e = explained("1100L", 2025);
        assert!(e.parts[0].meaning.contains("less than the standard"), "{}", e.parts[0].meaning);
        assert!(explained("K475", 2025).parts[0].meaning.contains("50%"));
        assert!(explained("SD1", 2025).parts[1].meaning.contains("higher rate, 42%"));
        assert!(explained("1257L", 2025).summary().contains("£12,579"));
    }

    #[test]
    fn tax_years_of_days() {
        assert_eq!(tax_year_of(Date::new(2025, 4, 5).unwrap()), TaxYear::starting(2024));
        assert_eq!(tax_year_of(Date::new(2025, 4, 6).unwrap()), TaxYear::starting(2025));
        assert_eq!(tax_year_of(Date::new(2026, 1, 31).unwrap()), TaxYear::starting(2025));
    }

    #[test]
    fn pounds_are_written_for_people() {
        assert_eq!(pounds(Money::pounds(12570)), "£12,570");
        assert_eq!(pounds(Money::new(rust_decimal::Decimal::new(24192, 2))), "£241.92");
        assert_eq!(pounds(Money::pounds(-4759)), "-£4,759");
        assert_eq!(pounds(Money::new(rust_decimal::Decimal::new(1_048_260, 3))), "£1,048.26");
    }
}
