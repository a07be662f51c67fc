//! The rates and bands PAYE applies to a code's regime in a year, read from itsa-rules.
//!
//! PAYE taxes pay through the non-savings bands of the taxpayer's regime: rUK (and, with
//! the same figures, Wales) or Scotland. A band's limit is the cumulative upper limit of
//! *taxable* pay for the year (SPEC 4.4: the `C` values); the top band has none.

use itsa_rules::{Money, Rate, Regime, YearRules};

/// One PAYE band: its name, its rate, and the annual taxable pay it runs up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayeBand {
    /// Plain English: "basic", "higher", "intermediate" …
    pub name: &'static str,
    pub rate: Rate,
    /// The cumulative upper limit of taxable pay for the year; `None` for the top band.
    pub limit: Option<Money>,
}

/// The regime's bands for the year, lowest first.
pub fn paye_bands(rules: &YearRules) -> Vec<PayeBand> {
    let band = |name, rate, limit| PayeBand { name, rate, limit };
    match rules.regime {
        Regime::RestOfUk | Regime::Wales => vec![
            band("basic", rules.basic_rate, Some(rules.basic_rate_limit)),
            band("higher", rules.higher_rate, Some(rules.higher_rate_limit)),
            band("additional", rules.additional_rate, None),
        ],
        Regime::Scotland => {
            let mut bands = Vec::with_capacity(6);
            let optional = [
                ("starter", rules.scottish_starter_rate, rules.scottish_starter_limit),
                ("basic", rules.scottish_basic_rate, rules.scottish_basic_limit),
                ("intermediate", rules.scottish_intermediate_rate, rules.scottish_intermediate_limit),
                ("higher", rules.scottish_higher_rate, rules.scottish_higher_limit),
                ("advanced", rules.scottish_advanced_rate, rules.scottish_advanced_limit),
            ];
            for (name, rate, limit) in optional {
                if let (Some(rate), Some(limit)) = (rate, limit) {
                    bands.push(band(name, rate, Some(limit)));
                }
            }
            if let Some(rate) = rules.scottish_top_rate {
                bands.push(band("top", rate, None));
            }
            bands
        }
    }
}

/// The basic rate of the regime: the rate of a BR code.
pub fn basic_rate(rules: &YearRules) -> Rate {
    match rules.regime {
        Regime::Scotland => rules.scottish_basic_rate.unwrap_or(rules.basic_rate),
        Regime::RestOfUk | Regime::Wales => rules.basic_rate,
    }
}

/// The bands above the basic rate band, lowest first: `D0` names the first of them, `D1`
/// the second, and so on (SPEC section 6: a D code's rate is the band `n + 1` places above
/// the basic rate band).
pub fn rates_above_basic(rules: &YearRules) -> Vec<PayeBand> {
    paye_bands(rules).into_iter().skip_while(|b| b.name != "basic").skip(1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Rules, TaxYear};

    fn rates(year: u16, regime: Regime) -> Vec<i64> {
        let rules = Rules::for_year(TaxYear::starting(year), regime).unwrap();
        rates_above_basic(rules).iter().map(|b| b.rate.as_percent().try_into().unwrap()).collect()
    }

    #[test]
    fn d_code_rates_match_the_reference_table() {
        for year in 2017..=2026 {
            assert_eq!(rates(year, Regime::RestOfUk), vec![40, 45], "{year}");
        }
        assert_eq!(rates(2017, Regime::Scotland), vec![40, 45]);
        for year in 2018..=2022 {
            assert_eq!(rates(year, Regime::Scotland), vec![21, 41, 46], "{year}");
        }
        assert_eq!(rates(2023, Regime::Scotland), vec![21, 42, 47]);
        for year in 2024..=2026 {
            assert_eq!(rates(year, Regime::Scotland), vec![21, 42, 45, 48], "{year}");
        }
    }

    #[test]
    fn scottish_bands_for_2025_26() {
        let rules = Rules::for_year(TaxYear::starting(2025), Regime::Scotland).unwrap();
        let limits: Vec<Option<Money>> = paye_bands(rules).iter().map(|b| b.limit).collect();
        let expected = [Some(2827), Some(14921), Some(31092), Some(62430), Some(125140), None];
        assert_eq!(limits, expected.map(|l| l.map(Money::pounds)).to_vec());
    }
}
