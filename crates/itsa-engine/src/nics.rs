//! Class 2 and Class 4 National Insurance for the self-employed.

use itsa_rules::{Class2Scheme, Date, Money, Rate, Sex, YearRules, state_pension_age_reached};

use crate::bands::tax_on;
use crate::calculation::{Class2Nics, Class4Band, Class4BandName, Class4Exemption, Class4Nics};
use crate::messages::{Messages, ids};

/// Why no Class 2 or Class 4 is due because of the taxpayer's age, if that is so.
pub(crate) fn age_exemption(rules: &YearRules, date_of_birth: Option<Date>, sex: Sex) -> Option<Class4Exemption> {
    let dob = date_of_birth?;
    let first_day = rules.tax_year.first_day();
    if dob.age_on(first_day) < rules.nic_minimum_age as i32 {
        Some(Class4Exemption::UnderMinimumAge)
    } else if state_pension_age_reached(dob, sex, first_day) {
        Some(Class4Exemption::OverStatePensionAge)
    } else {
        None
    }
}

/// Class 4 on trading profits (SSCBA 1992 s15): nothing up to the lower profits limit,
/// the main rate up to the upper profits limit, the additional rate above it. Each band's
/// amount is truncated to the penny.
pub(crate) fn class4(
    rules: &YearRules,
    profits: Money,
    exemption: Option<Class4Exemption>,
    messages: &mut Messages,
) -> Class4Nics {
    if let Some(exemption) = exemption {
        messages.warning(
            ids::CLASS4_AGE_EXEMPTION,
            match exemption {
                Class4Exemption::UnderMinimumAge => format!(
                    "Class 4 exemption: the calculation has been adjusted because you were under {} on 6 April {}.",
                    rules.nic_minimum_age,
                    rules.tax_year.start_year()
                ),
                Class4Exemption::OverStatePensionAge => format!(
                    "Class 4 exemption: the calculation has been adjusted because you had reached State Pension age by 6 April {}.",
                    rules.tax_year.start_year()
                ),
            },
        );
        return Class4Nics {
            total_income: profits,
            total_amount: Money::ZERO,
            bands: Vec::new(),
            exemption: Some(exemption),
            profits: Default::default(),
        };
    }
    let lower = rules.class4_lower_profits_limit;
    let upper = rules.class4_upper_profits_limit;
    let slices = [
        (Class4BandName::ZeroRate, Rate::ZERO, Some(lower), Money::ZERO, lower),
        (Class4BandName::BasicRate, rules.class4_main_rate, Some(upper), lower, upper),
        (Class4BandName::HigherRate, rules.class4_additional_rate, None, upper, profits.max(upper)),
    ];
    let mut bands = Vec::with_capacity(3);
    for (name, rate, threshold, from, to) in slices {
        let income = profits.min(to).saturating_sub(from);
        if income.is_positive() {
            bands.push(Class4Band {
                name,
                rate,
                threshold: threshold.or(Some(upper)),
                income,
                amount: tax_on(income, rate),
            });
        }
    }
    let total_amount = bands.iter().map(|b| b.amount).sum();
    Class4Nics { total_income: profits, total_amount, bands, exemption: None, profits: Default::default() }
}

/// Class 2 (SSCBA 1992 s11) as it stood in the tax year; see `class2_scheme` in the rules.
pub(crate) fn class2(
    rules: &YearRules,
    profits: Money,
    voluntary: bool,
    exemption: Option<Class4Exemption>,
    messages: &mut Messages,
) -> Class2Nics {
    let spt = rules.class2_small_profits_threshold;
    let under_spt = profits < spt;
    // From 2024-25, with Class 2 no longer charged on profits, whether the profits are at
    // or under the lower profits limit of Class 4 (docs/differences.md).
    let under_lpt = match rules.class2_lower_profits_threshold {
        Some(lpt) => Some(!under_spt && profits <= lpt),
        None if rules.tax_year.start_year() >= 2024 => Some(profits <= rules.class4_lower_profits_limit),
        None => None,
    };
    let compulsory = exemption.is_none()
        && match rules.class2_scheme {
            Class2Scheme::SmallProfitsThreshold => !under_spt,
            Class2Scheme::LowerProfitsThreshold => under_lpt == Some(false) && !under_spt,
            Class2Scheme::VoluntaryOnly => false,
        };
    let pays_voluntarily = !compulsory && voluntary && under_spt && exemption.is_none();
    let payable = compulsory || pays_voluntarily;
    let amount =
        if payable { rules.class2_weekly_rate.times(rules.class2_weeks).round_to_nearest_penny() } else { Money::ZERO };

    if under_spt && !pays_voluntarily && exemption.is_none() {
        messages.info(
            ids::CLASS2_UNDER_SMALL_PROFITS_THRESHOLD,
            "Class 2 National Insurance has not been charged as your self-employed profits are under the small profit threshold.".into(),
        );
    } else if !payable && exemption.is_none() {
        messages.info(
            ids::CLASS2_TREATED_AS_PAID,
            "Class 2 National Insurance is treated as paid: your profits are at or above the small profits threshold, so you keep your entitlement to benefits without paying it.".into(),
        );
    }

    Class2Nics {
        amount,
        weekly_rate: rules.class2_weekly_rate,
        weeks: rules.class2_weeks,
        limit: spt,
        under_small_profit_threshold: under_spt,
        under_lower_profit_threshold: under_lpt,
        actual_class2_nic: payable,
        class2_voluntary_contributions: pays_voluntarily,
    }
}
