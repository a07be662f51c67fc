//! Every rate, band, allowance and threshold itsa uses, as data with its legal source.
//!
//! The values live in `data/parameters.toml` (and `data/state_pension_age.toml`), which
//! are embedded at build time. [`Rules::for_year`] gives the complete, typed set for one
//! tax year and regime; a year itsa has no rules for is refused with
//! [`RulesError::UnsupportedTaxYear`], never guessed.
//!
//! Each field of [`YearRules`] has exactly the name of its entry in `parameters.toml`, so
//! any figure the engine produces can be traced from the field it read to the entry, and
//! from the entry to the law.

mod date;
mod money;
mod params;
mod pension_age;
mod tax_year;

use std::sync::LazyLock;

pub use date::{Date, DateParseError};
pub use money::{Money, Rate};
pub use params::ParameterInfo;
pub use pension_age::{Sex, state_pension_age_day, state_pension_age_reached};
pub use tax_year::{Regime, RegimeParseError, TaxYear, TaxYearParseError};

use params::{Catalogue, YearReader};

/// Why rules could not be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("tax year {0} is not supported: itsa has rules for {first} to {last}", first = TaxYear::FIRST_SUPPORTED, last = TaxYear::LAST_SUPPORTED)]
    UnsupportedTaxYear(TaxYear),
    #[error("the rules for {tax_year} ({regime}) are incomplete: parameter '{parameter}': {why}")]
    Incomplete { tax_year: TaxYear, regime: Regime, parameter: String, why: String },
    #[error("the embedded rules data is invalid: {0}")]
    Data(String),
}

/// How Class 2 National Insurance arises in a tax year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class2Scheme {
    /// Due for every week of self-employment when profits reach the small profits threshold (to 2021-22).
    SmallProfitsThreshold,
    /// Due when profits exceed the lower profits threshold; between the small profits
    /// threshold and that, treated as paid (2022-23 and 2023-24).
    LowerProfitsThreshold,
    /// No compulsory Class 2; voluntary contributions only (from 2024-25).
    VoluntaryOnly,
}

/// The complete rules for one tax year and regime. Field names are the names of the
/// entries in `data/parameters.toml`; see there for each one's meaning and source.
#[derive(Debug, Clone, PartialEq)]
pub struct YearRules {
    pub tax_year: TaxYear,
    pub regime: Regime,

    pub personal_allowance: Money,
    pub personal_allowance_taper_threshold: Money,
    pub personal_allowance_taper_divisor: u32,
    pub blind_persons_allowance: Money,
    pub marriage_allowance_transferable_amount: Money,
    pub marriage_allowance_relief_rate: Rate,

    pub basic_rate_limit: Money,
    pub higher_rate_limit: Money,
    pub basic_rate: Rate,
    pub higher_rate: Rate,
    pub additional_rate: Rate,

    pub scottish_starter_limit: Option<Money>,
    pub scottish_starter_rate: Option<Rate>,
    pub scottish_basic_limit: Option<Money>,
    pub scottish_basic_rate: Option<Rate>,
    pub scottish_intermediate_limit: Option<Money>,
    pub scottish_intermediate_rate: Option<Rate>,
    pub scottish_higher_limit: Option<Money>,
    pub scottish_higher_rate: Option<Rate>,
    pub scottish_advanced_limit: Option<Money>,
    pub scottish_advanced_rate: Option<Rate>,
    pub scottish_top_rate: Option<Rate>,

    pub savings_starting_rate_limit: Money,
    pub savings_starting_rate: Rate,
    pub personal_savings_allowance_basic: Money,
    pub personal_savings_allowance_higher: Money,
    pub personal_savings_allowance_additional: Money,
    pub savings_basic_rate: Rate,
    pub savings_higher_rate: Rate,
    pub savings_additional_rate: Rate,

    pub dividend_allowance: Money,
    pub dividend_ordinary_rate: Rate,
    pub dividend_upper_rate: Rate,
    pub dividend_additional_rate: Rate,

    pub gift_aid_gross_up_rate: Rate,
    pub royalty_payments_deduction_rate: Rate,
    pub pension_relief_basic_amount: Money,
    pub trading_income_allowance: Money,
    pub property_income_allowance: Money,
    pub rent_a_room_limit: Money,
    pub income_tax_relief_cap_minimum: Money,
    pub income_tax_relief_cap_percent: Rate,
    pub vct_relief_rate: Rate,
    pub vct_maximum_subscriptions: Money,
    pub eis_relief_rate: Rate,
    pub eis_maximum_subscriptions: Money,
    pub eis_maximum_subscriptions_knowledge_intensive: Money,
    pub seis_relief_rate: Rate,
    pub seis_maximum_subscriptions: Money,
    pub community_investment_relief_rate: Rate,
    pub social_investment_relief_rate: Rate,
    pub social_investment_maximum: Money,
    pub married_couples_allowance_minimum: Money,
    pub maintenance_payments_relief_rate: Rate,
    pub non_deductible_loan_interest_relief_rate: Rate,
    pub annual_payments_deduction_rate: Rate,
    pub residential_finance_costs_deductible: Rate,
    pub residential_finance_costs_relief_rate: Rate,

    pub hicbc_threshold: Money,
    pub hicbc_taper_step: Money,

    pub unauthorised_payments_charge_rate: Rate,
    pub unauthorised_payments_surcharge_rate: Rate,
    pub overseas_transfer_charge_rate: Rate,
    pub short_service_refund_lower_rate: Rate,
    pub short_service_refund_lower_limit: Money,
    pub short_service_refund_upper_rate: Rate,
    /// `None` from 2023-24, when the lifetime allowance charge was removed.
    pub lifetime_allowance_lump_sum_charge_rate: Option<Rate>,
    pub lifetime_allowance_other_charge_rate: Option<Rate>,
    /// `None` before 2025-26, when there was no Winter Fuel Payment charge.
    pub winter_fuel_payment_charge_threshold: Option<Money>,

    pub class4_lower_profits_limit: Money,
    pub class4_upper_profits_limit: Money,
    pub class4_main_rate: Rate,
    pub class4_additional_rate: Rate,

    pub class2_weekly_rate: Money,
    pub class2_small_profits_threshold: Money,
    pub class2_lower_profits_threshold: Option<Money>,
    pub class2_scheme: Class2Scheme,
    pub class2_weeks: u32,
    pub nic_minimum_age: u32,

    pub student_loan_plan1_threshold: Money,
    pub student_loan_plan2_threshold: Money,
    pub student_loan_plan4_threshold: Option<Money>,
    pub student_loan_plan5_threshold: Option<Money>,
    pub student_loan_postgraduate_threshold: Option<Money>,
    pub student_loan_undergraduate_rate: Rate,
    pub student_loan_postgraduate_rate: Option<Rate>,
    pub student_loan_unearned_income_limit: Money,

    pub paye_overriding_limit: Rate,
    pub coding_out_balancing_payment_limit: Money,
    pub coding_out_debt_limit_lowest: Money,
    pub coding_out_debt_limit_first_step_income: Money,
    pub coding_out_debt_limit_income_step: Money,
    pub coding_out_debt_limit_step_increase: Money,
    pub coding_out_debt_limit_highest: Money,
    pub coding_out_maximum_tax_share: Rate,
    pub coding_out_maximum_tax_multiple: u32,

    pub cgt_annual_exempt_amount: Money,
    pub cgt_lower_rate: Rate,
    pub cgt_higher_rate: Rate,
    pub cgt_residential_lower_rate: Rate,
    pub cgt_residential_higher_rate: Rate,
    pub cgt_business_asset_disposal_relief_rate: Rate,
}

impl YearRules {
    fn read(r: &YearReader<'_>, tax_year: TaxYear, regime: Regime) -> Result<Self, RulesError> {
        let scottish = regime == Regime::Scotland;
        let rules = YearRules {
            tax_year,
            regime,
            personal_allowance: r.money("personal_allowance")?,
            personal_allowance_taper_threshold: r.money("personal_allowance_taper_threshold")?,
            personal_allowance_taper_divisor: r.count("personal_allowance_taper_divisor")?,
            blind_persons_allowance: r.money("blind_persons_allowance")?,
            marriage_allowance_transferable_amount: r.money("marriage_allowance_transferable_amount")?,
            marriage_allowance_relief_rate: r.rate("marriage_allowance_relief_rate")?,
            basic_rate_limit: r.money("basic_rate_limit")?,
            higher_rate_limit: r.money("higher_rate_limit")?,
            basic_rate: r.rate("basic_rate")?,
            higher_rate: r.rate("higher_rate")?,
            additional_rate: r.rate("additional_rate")?,
            scottish_starter_limit: r.optional_money("scottish_starter_limit")?,
            scottish_starter_rate: r.optional_rate("scottish_starter_rate")?,
            scottish_basic_limit: r.optional_money("scottish_basic_limit")?,
            scottish_basic_rate: r.optional_rate("scottish_basic_rate")?,
            scottish_intermediate_limit: r.optional_money("scottish_intermediate_limit")?,
            scottish_intermediate_rate: r.optional_rate("scottish_intermediate_rate")?,
            scottish_higher_limit: r.optional_money("scottish_higher_limit")?,
            scottish_higher_rate: r.optional_rate("scottish_higher_rate")?,
            scottish_advanced_limit: r.optional_money("scottish_advanced_limit")?,
            scottish_advanced_rate: r.optional_rate("scottish_advanced_rate")?,
            scottish_top_rate: r.optional_rate("scottish_top_rate")?,
            savings_starting_rate_limit: r.money("savings_starting_rate_limit")?,
            savings_starting_rate: r.rate("savings_starting_rate")?,
            personal_savings_allowance_basic: r.money("personal_savings_allowance_basic")?,
            personal_savings_allowance_higher: r.money("personal_savings_allowance_higher")?,
            personal_savings_allowance_additional: r.money("personal_savings_allowance_additional")?,
            savings_basic_rate: r.rate("savings_basic_rate")?,
            savings_higher_rate: r.rate("savings_higher_rate")?,
            savings_additional_rate: r.rate("savings_additional_rate")?,
            dividend_allowance: r.money("dividend_allowance")?,
            dividend_ordinary_rate: r.rate("dividend_ordinary_rate")?,
            dividend_upper_rate: r.rate("dividend_upper_rate")?,
            dividend_additional_rate: r.rate("dividend_additional_rate")?,
            gift_aid_gross_up_rate: r.rate("gift_aid_gross_up_rate")?,
            royalty_payments_deduction_rate: r.rate("royalty_payments_deduction_rate")?,
            pension_relief_basic_amount: r.money("pension_relief_basic_amount")?,
            trading_income_allowance: r.money("trading_income_allowance")?,
            property_income_allowance: r.money("property_income_allowance")?,
            rent_a_room_limit: r.money("rent_a_room_limit")?,
            income_tax_relief_cap_minimum: r.money("income_tax_relief_cap_minimum")?,
            income_tax_relief_cap_percent: r.rate("income_tax_relief_cap_percent")?,
            vct_relief_rate: r.rate("vct_relief_rate")?,
            vct_maximum_subscriptions: r.money("vct_maximum_subscriptions")?,
            eis_relief_rate: r.rate("eis_relief_rate")?,
            eis_maximum_subscriptions: r.money("eis_maximum_subscriptions")?,
            eis_maximum_subscriptions_knowledge_intensive: r.money("eis_maximum_subscriptions_knowledge_intensive")?,
            seis_relief_rate: r.rate("seis_relief_rate")?,
            seis_maximum_subscriptions: r.money("seis_maximum_subscriptions")?,
            community_investment_relief_rate: r.rate("community_investment_relief_rate")?,
            social_investment_relief_rate: r.rate("social_investment_relief_rate")?,
            social_investment_maximum: r.money("social_investment_maximum")?,
            married_couples_allowance_minimum: r.money("married_couples_allowance_minimum")?,
            maintenance_payments_relief_rate: r.rate("maintenance_payments_relief_rate")?,
            non_deductible_loan_interest_relief_rate: r.rate("non_deductible_loan_interest_relief_rate")?,
            annual_payments_deduction_rate: r.rate("annual_payments_deduction_rate")?,
            residential_finance_costs_deductible: r.rate("residential_finance_costs_deductible")?,
            residential_finance_costs_relief_rate: r.rate("residential_finance_costs_relief_rate")?,
            hicbc_threshold: r.money("hicbc_threshold")?,
            hicbc_taper_step: r.money("hicbc_taper_step")?,
            unauthorised_payments_charge_rate: r.rate("unauthorised_payments_charge_rate")?,
            unauthorised_payments_surcharge_rate: r.rate("unauthorised_payments_surcharge_rate")?,
            overseas_transfer_charge_rate: r.rate("overseas_transfer_charge_rate")?,
            short_service_refund_lower_rate: r.rate("short_service_refund_lower_rate")?,
            short_service_refund_lower_limit: r.money("short_service_refund_lower_limit")?,
            short_service_refund_upper_rate: r.rate("short_service_refund_upper_rate")?,
            lifetime_allowance_lump_sum_charge_rate: r.optional_rate("lifetime_allowance_lump_sum_charge_rate")?,
            lifetime_allowance_other_charge_rate: r.optional_rate("lifetime_allowance_other_charge_rate")?,
            winter_fuel_payment_charge_threshold: r.optional_money("winter_fuel_payment_charge_threshold")?,
            class4_lower_profits_limit: r.money("class4_lower_profits_limit")?,
            class4_upper_profits_limit: r.money("class4_upper_profits_limit")?,
            class4_main_rate: r.rate("class4_main_rate")?,
            class4_additional_rate: r.rate("class4_additional_rate")?,
            class2_weekly_rate: r.money("class2_weekly_rate")?,
            class2_small_profits_threshold: r.money("class2_small_profits_threshold")?,
            class2_lower_profits_threshold: r.optional_money("class2_lower_profits_threshold")?,
            class2_scheme: match r.text("class2_scheme")? {
                "small-profits-threshold" => Class2Scheme::SmallProfitsThreshold,
                "lower-profits-threshold" => Class2Scheme::LowerProfitsThreshold,
                "voluntary-only" => Class2Scheme::VoluntaryOnly,
                other => return Err(RulesError::Data(format!("class2_scheme: unknown value '{other}'"))),
            },
            class2_weeks: r.count("class2_weeks")?,
            nic_minimum_age: r.count("nic_minimum_age")?,
            student_loan_plan1_threshold: r.money("student_loan_plan1_threshold")?,
            student_loan_plan2_threshold: r.money("student_loan_plan2_threshold")?,
            student_loan_plan4_threshold: r.optional_money("student_loan_plan4_threshold")?,
            student_loan_plan5_threshold: r.optional_money("student_loan_plan5_threshold")?,
            student_loan_postgraduate_threshold: r.optional_money("student_loan_postgraduate_threshold")?,
            student_loan_undergraduate_rate: r.rate("student_loan_undergraduate_rate")?,
            student_loan_postgraduate_rate: r.optional_rate("student_loan_postgraduate_rate")?,
            student_loan_unearned_income_limit: r.money("student_loan_unearned_income_limit")?,
            paye_overriding_limit: r.rate("paye_overriding_limit")?,
            coding_out_balancing_payment_limit: r.money("coding_out_balancing_payment_limit")?,
            coding_out_debt_limit_lowest: r.money("coding_out_debt_limit_lowest")?,
            coding_out_debt_limit_first_step_income: r.money("coding_out_debt_limit_first_step_income")?,
            coding_out_debt_limit_income_step: r.money("coding_out_debt_limit_income_step")?,
            coding_out_debt_limit_step_increase: r.money("coding_out_debt_limit_step_increase")?,
            coding_out_debt_limit_highest: r.money("coding_out_debt_limit_highest")?,
            coding_out_maximum_tax_share: r.rate("coding_out_maximum_tax_share")?,
            coding_out_maximum_tax_multiple: r.count("coding_out_maximum_tax_multiple")?,
            cgt_annual_exempt_amount: r.money("cgt_annual_exempt_amount")?,
            cgt_lower_rate: r.rate("cgt_lower_rate")?,
            cgt_higher_rate: r.rate("cgt_higher_rate")?,
            cgt_residential_lower_rate: r.rate("cgt_residential_lower_rate")?,
            cgt_residential_higher_rate: r.rate("cgt_residential_higher_rate")?,
            cgt_business_asset_disposal_relief_rate: r.rate("cgt_business_asset_disposal_relief_rate")?,
        };
        rules.check_consistency(scottish)?;
        Ok(rules)
    }

    /// Cross-parameter checks that no single value can express.
    fn check_consistency(&self, scottish: bool) -> Result<(), RulesError> {
        let fail = |parameter: &str, why: &str| {
            Err(RulesError::Incomplete {
                tax_year: self.tax_year,
                regime: self.regime,
                parameter: parameter.into(),
                why: why.into(),
            })
        };
        if self.basic_rate_limit >= self.higher_rate_limit {
            return fail("higher_rate_limit", "must be above the basic rate limit");
        }
        if scottish {
            let pairs = [
                ("scottish_starter", self.scottish_starter_limit.is_some(), self.scottish_starter_rate.is_some()),
                (
                    "scottish_intermediate",
                    self.scottish_intermediate_limit.is_some(),
                    self.scottish_intermediate_rate.is_some(),
                ),
                ("scottish_advanced", self.scottish_advanced_limit.is_some(), self.scottish_advanced_rate.is_some()),
            ];
            for (name, has_limit, has_rate) in pairs {
                if has_limit != has_rate {
                    return fail(name, "a Scottish band needs both a limit and a rate, or neither");
                }
            }
            if self.scottish_basic_limit.is_none() || self.scottish_basic_rate.is_none() {
                return fail("scottish_basic_limit", "Scottish taxpayers always have a basic rate band");
            }
            if self.scottish_higher_limit.is_none()
                || self.scottish_higher_rate.is_none()
                || self.scottish_top_rate.is_none()
            {
                return fail("scottish_higher_limit", "Scottish taxpayers always have higher and top rate bands");
            }
            let limits: Vec<Money> = [
                self.scottish_starter_limit,
                self.scottish_basic_limit,
                self.scottish_intermediate_limit,
                self.scottish_higher_limit,
                self.scottish_advanced_limit,
            ]
            .into_iter()
            .flatten()
            .collect();
            if limits.windows(2).any(|w| w[0] >= w[1]) {
                return fail("scottish_*_limit", "Scottish band limits must rise");
            }
        }
        if self.class2_scheme == Class2Scheme::LowerProfitsThreshold && self.class2_lower_profits_threshold.is_none() {
            return fail("class2_lower_profits_threshold", "needed when class2_scheme is lower-profits-threshold");
        }
        if self.coding_out_debt_limit_lowest > self.coding_out_debt_limit_highest
            || !self.coding_out_debt_limit_income_step.is_positive()
        {
            return fail("coding_out_debt_limit_*", "the graduated debt limits must rise by positive steps");
        }
        if self.student_loan_postgraduate_threshold.is_some() != self.student_loan_postgraduate_rate.is_some() {
            return fail("student_loan_postgraduate_rate", "the postgraduate loan needs both a threshold and a rate");
        }
        Ok(())
    }
}

struct Loaded {
    catalogue: Catalogue,
    /// Indexed by (year - first year) * 3 + regime index.
    years: Vec<YearRules>,
}

fn regime_index(regime: Regime) -> usize {
    match regime {
        Regime::RestOfUk => 0,
        Regime::Scotland => 1,
        Regime::Wales => 2,
    }
}

fn load() -> Result<Loaded, RulesError> {
    let catalogue = params::parse_catalogue()?;
    let mut years = Vec::new();
    for year in TaxYear::supported() {
        for regime in Regime::ALL {
            years.push(YearRules::read(&YearReader::new(&catalogue, year, regime), year, regime)?);
        }
    }
    pension_age::check()?;
    Ok(Loaded { catalogue, years })
}

static LOADED: LazyLock<Result<Loaded, RulesError>> = LazyLock::new(load);

/// Access to the rules.
pub struct Rules;

impl Rules {
    /// The complete rules for a supported tax year and regime.
    pub fn for_year(tax_year: TaxYear, regime: Regime) -> Result<&'static YearRules, RulesError> {
        if !tax_year.is_supported() {
            return Err(RulesError::UnsupportedTaxYear(tax_year));
        }
        let loaded = LOADED.as_ref().map_err(Clone::clone)?;
        let index = (tax_year.start_year() - TaxYear::FIRST_SUPPORTED.start_year()) as usize * 3 + regime_index(regime);
        Ok(&loaded.years[index])
    }

    /// What the data file says about a parameter (label, unit, source).
    pub fn parameter(name: &str) -> Option<&'static ParameterInfo> {
        LOADED.as_ref().ok()?.catalogue.get(name)
    }

    /// A parameter's value for a year and regime as the data file writes it (`12570`,
    /// `"8.75"`, `n/a`), or `None` if there is no such parameter or it does not apply.
    pub fn value_text(name: &str, tax_year: TaxYear, regime: Regime) -> Option<String> {
        let p = Rules::parameter(name).filter(|p| p.applies_to(regime))?;
        Some(match p.values.get(&tax_year.to_string())? {
            toml::Value::String(text) => text.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => format!("{other:?}"),
        })
    }

    /// The names of every parameter in the data file.
    pub fn parameter_names() -> Vec<&'static str> {
        LOADED.as_ref().map(|l| l.catalogue.keys().map(String::as_str).collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn every_supported_year_and_regime_resolves_completely() {
        for year in TaxYear::supported() {
            for regime in Regime::ALL {
                let rules = Rules::for_year(year, regime).unwrap_or_else(|e| panic!("{year} {regime}: {e}"));
                assert_eq!((rules.tax_year, rules.regime), (year, regime));
                if regime == Regime::Scotland {
                    assert!(rules.scottish_basic_limit.is_some() && rules.scottish_top_rate.is_some());
                } else {
                    assert!(rules.scottish_basic_limit.is_none(), "Scottish bands leak into {regime}");
                }
            }
        }
    }

    #[test]
    fn unsupported_years_are_refused() {
        for year in [TaxYear::starting(2016), TaxYear::starting(2027)] {
            assert_eq!(Rules::for_year(year, Regime::RestOfUk), Err(RulesError::UnsupportedTaxYear(year)));
        }
    }

    #[test]
    fn every_parameter_in_the_data_file_is_read_into_year_rules() {
        let catalogue = params::parse_catalogue().unwrap();
        let mut read = std::collections::BTreeSet::new();
        for year in TaxYear::supported() {
            for regime in Regime::ALL {
                let reader = YearReader::new(&catalogue, year, regime);
                YearRules::read(&reader, year, regime).unwrap();
                read.extend(reader.read.borrow().iter().map(|s| s.to_string()));
            }
        }
        let all: std::collections::BTreeSet<String> = catalogue.keys().cloned().collect();
        let unread: Vec<_> = all.difference(&read).collect();
        assert!(unread.is_empty(), "parameters never read: {unread:?}");
    }

    #[test]
    fn every_year_has_every_value_written_out() {
        let catalogue = params::parse_catalogue().unwrap();
        for (name, p) in &catalogue {
            for year in TaxYear::supported() {
                assert!(
                    p.values.contains_key(&year.to_string()),
                    "{name} has no entry for {year} (write \"n/a\" if it does not exist)"
                );
            }
        }
    }

    #[test]
    fn spot_checks_against_published_figures() {
        let r = Rules::for_year(TaxYear::starting(2022), Regime::RestOfUk).unwrap();
        assert_eq!(r.class4_main_rate, Rate::new(dec!(9.73)));
        assert_eq!(r.class4_lower_profits_limit, Money::pounds(11908));
        let s = Rules::for_year(TaxYear::starting(2026), Regime::Scotland).unwrap();
        assert_eq!(s.scottish_starter_limit, Some(Money::pounds(3967)));
        assert_eq!(s.scottish_top_rate, Some(Rate::percent(48)));
        let w = Rules::for_year(TaxYear::starting(2019), Regime::Wales).unwrap();
        let e = Rules::for_year(TaxYear::starting(2019), Regime::RestOfUk).unwrap();
        assert_eq!((w.basic_rate_limit, w.higher_rate), (e.basic_rate_limit, e.higher_rate));
        assert_eq!(Rules::for_year(TaxYear::starting(2025), Regime::RestOfUk).unwrap().class2_weeks, 53);
    }

    #[test]
    fn every_parameter_has_a_source() {
        for name in Rules::parameter_names() {
            let p = Rules::parameter(name).unwrap();
            assert!(p.source.len() > 10, "{name}");
        }
    }
}
