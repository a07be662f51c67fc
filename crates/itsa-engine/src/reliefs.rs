//! Reliefs claimed by deduction from income (ITA 2007 s23 Step 2) and the tax reductions
//! other than the investment schemes' (Step 6): what the taxpayer claims, and what is
//! given.
//!
//! Step 2 deductions: pension contributions relieved on a claim (FA 2004 s194: retirement
//! annuity contracts, an employer's scheme without net pay relief, overseas schemes under
//! migrant member relief), gifts of shares, securities and land to charity (ITA 2007
//! s431), qualifying loan interest (s383), post-cessation trade relief (s96) and annual
//! payments made for commercial reasons (s448). Each is a whole number of pounds (rounded
//! up, as losses are) and is limited to the net income left; qualifying loan interest and
//! post-cessation relief are also limited by the cap on income tax reliefs (s24A).

use itsa_rules::{Money, Rate, YearRules};

use crate::calculation::ReliefType;

/// What the taxpayer claims, as HMRC's reliefs APIs carry it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReliefClaims {
    /// Retirement annuity contract payments whose provider claims no basic-rate relief.
    pub retirement_annuity_payments: Money,
    /// Payments to an employer's scheme not deducted from pay before tax.
    pub employer_scheme_no_tax_relief: Money,
    /// Contributions to an overseas scheme eligible for migrant member relief.
    pub overseas_scheme_contributions: Money,
    /// Of the relief-at-source contributions, the one-off payments (SA100 box 1.1).
    pub one_off_pension_contributions: Money,
    /// Shares, securities, land and buildings given to charity, at their value (s431-s446).
    pub gifts_of_investments: Money,
    /// Interest paid on qualifying loans (ITA 2007 Part 8 Chapter 1).
    pub qualifying_loan_interest: Money,
    /// Post-cessation trade relief and certain other losses (ITA 2007 s96, s125).
    pub post_cessation_relief: Money,
    /// Annual payments made for commercial reasons, gross: the amount the payer deducted
    /// basic-rate tax from (s448, s900).
    pub annual_payments: Money,
    /// Community investment: the amount on which relief is claimed (ITA 2007 Part 7).
    pub community_investment: Money,
    /// Social investment: the amount on which relief is claimed (ITA 2007 Part 5B).
    pub social_investment: Money,
    /// Maintenance payments to a former spouse or civil partner (s453).
    pub maintenance_payments: Money,
    /// Whether either party to the marriage was born before 6 April 1935 (s453(1)(b)).
    pub maintenance_party_born_before_1935: bool,
    /// Interest on a loan to invest in a property letting partnership that s399A keeps
    /// from relief against income (ITA 2007 s383(1), s398): the relievable amount of
    /// s399B.
    pub non_deductible_loan_interest: Money,
    /// Each investment or payment claimed, for `reliefsClaimedDetail`.
    pub details: Vec<ReliefDetail>,
}

/// One investment or payment on which a tax reduction is claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReliefDetail {
    pub kind: ReliefType,
    pub amount_claimed: Money,
    pub unique_investment_ref: Option<String>,
    /// The name of the fund or company (VCT, EIS, community investment, social enterprise).
    pub name: Option<String>,
    /// The company's name (SEIS).
    pub company_name: Option<String>,
    pub customer_reference: Option<String>,
}

/// Pension contributions relieved by deduction from income, each as given.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PensionDeductions {
    pub retirement_annuity_payments: Money,
    pub employer_scheme_no_tax_relief: Money,
    pub overseas_scheme_contributions: Money,
}

impl PensionDeductions {
    pub fn total(&self) -> Money {
        self.retirement_annuity_payments + self.employer_scheme_no_tax_relief + self.overseas_scheme_contributions
    }
}

/// Annual payments made: the gross amount relieved and the rate of tax the payer accounts for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnnualPayments {
    pub gross: Money,
    pub rate: Rate,
    /// The tax deducted from the payments, charged on the payer (ITA 2007 s900, s963).
    pub tax_charged: Money,
}

/// The Step 2 deductions given.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Deductions {
    pub pension_contributions: Option<PensionDeductions>,
    pub gifts_of_investments: Option<Money>,
    pub qualifying_loan_interest: Option<Money>,
    pub post_cessation_relief: Option<Money>,
    pub annual_payments: Option<AnnualPayments>,
}

impl Deductions {
    /// All the deductions from net income.
    pub fn total(&self) -> Money {
        self.pension_contributions.map_or(Money::ZERO, |p| p.total())
            + self.gifts_of_investments.unwrap_or(Money::ZERO)
            + self.qualifying_loan_interest.unwrap_or(Money::ZERO)
            + self.post_cessation_relief.unwrap_or(Money::ZERO)
            + self.annual_payments.map_or(Money::ZERO, |a| a.gross)
    }

    /// The tax on annual payments the payer accounts for (`totalAnnuityPaymentsTaxCharged`).
    pub fn annual_payments_tax_charged(&self) -> Money {
        self.annual_payments.map_or(Money::ZERO, |a| a.tax_charged)
    }
}

/// What the Step 2 deductions are worked from.
pub(crate) struct DeductionBasis {
    /// Total income less the losses set sideways.
    pub income_left: Money,
    /// Total income (for the s24A cap).
    pub total_income: Money,
    /// Gross relief-at-source contributions given relief (for the s24A cap and s190).
    pub relief_at_source_relieved: Money,
    /// Relevant UK earnings (FA 2004 s189).
    pub relevant_uk_earnings: Money,
    /// Losses already set against general income, which count towards the s24A cap.
    pub losses_applied: Money,
}

/// The Step 2 deductions, in this order, each limited to the net income left: qualifying
/// loan interest and post-cessation relief (within what the s24A cap leaves after losses
/// set sideways), annual payments, pension contributions relieved on a claim (within the
/// FA 2004 s190 annual limit left by relief-at-source contributions), gifts of
/// investments to charity. The order matters only when income runs out
/// (docs/differences.md).
pub(crate) fn deductions(rules: &YearRules, claims: &ReliefClaims, basis: &DeductionBasis) -> Deductions {
    let claimed = |m: Money| m.is_positive();
    let deducted = [
        claims.qualifying_loan_interest,
        claims.post_cessation_relief,
        claims.annual_payments,
        claims.retirement_annuity_payments,
        claims.employer_scheme_no_tax_relief,
        claims.overseas_scheme_contributions,
        claims.gifts_of_investments,
    ];
    // Nothing claimed, nothing given.
    if !deducted.into_iter().any(claimed) {
        return Deductions::default();
    }
    let up = |m: Money| m.at_least_zero().round_up_to_pound();
    let mut left = basis.income_left.at_least_zero();
    let mut take = |wanted: Money| {
        let given = wanted.min(left);
        left -= given;
        given
    };
    let adjusted_total_income = basis.total_income.saturating_sub(basis.relief_at_source_relieved);
    let cap = rules
        .income_tax_relief_cap_minimum
        .max(adjusted_total_income.percent(rules.income_tax_relief_cap_percent).round_down_to_pound());
    let mut cap_left = cap.saturating_sub(basis.losses_applied);
    let mut capped = |wanted: Money, take: &mut dyn FnMut(Money) -> Money| {
        let given = take(wanted.min(cap_left));
        cap_left -= given;
        given
    };
    let qualifying_loan_interest = capped(up(claims.qualifying_loan_interest), &mut take);
    let post_cessation_relief = capped(up(claims.post_cessation_relief), &mut take);
    let annual_gross = take(up(claims.annual_payments));

    // FA 2004 s190: relief for all contributions in the year is limited to the greater of
    // relevant UK earnings and, where contributions are paid under relief at source, the
    // basic amount; relief at source takes its share first.
    let limit = if basis.relief_at_source_relieved.is_positive() {
        rules.pension_relief_basic_amount.max(basis.relevant_uk_earnings)
    } else {
        basis.relevant_uk_earnings
    };
    let mut pension_left = limit.saturating_sub(basis.relief_at_source_relieved);
    let mut pension = |wanted: Money| {
        let given = take(up(wanted).min(pension_left));
        pension_left -= given;
        given
    };
    let pensions = PensionDeductions {
        retirement_annuity_payments: pension(claims.retirement_annuity_payments),
        employer_scheme_no_tax_relief: pension(claims.employer_scheme_no_tax_relief),
        overseas_scheme_contributions: pension(claims.overseas_scheme_contributions),
    };
    let gifts_of_investments = take(up(claims.gifts_of_investments));

    Deductions {
        pension_contributions: (claimed(claims.retirement_annuity_payments)
            || claimed(claims.employer_scheme_no_tax_relief)
            || claimed(claims.overseas_scheme_contributions))
        .then_some(pensions),
        gifts_of_investments: claimed(claims.gifts_of_investments).then_some(gifts_of_investments),
        qualifying_loan_interest: claimed(claims.qualifying_loan_interest).then_some(qualifying_loan_interest),
        post_cessation_relief: claimed(claims.post_cessation_relief).then_some(post_cessation_relief),
        annual_payments: claimed(claims.annual_payments).then(|| AnnualPayments {
            gross: annual_gross,
            rate: rules.annual_payments_deduction_rate,
            // The tax deducted is on the payments made, whatever relief they got.
            tax_charged: up(claims.annual_payments).percent(rules.annual_payments_deduction_rate).round_down_to_penny(),
        }),
    }
}

/// The tax reductions of this module, in the order they are set against the tax after
/// the venture capital trust, EIS and SEIS reliefs: community investment (5% of the
/// amount claimed, no annual limit, s333-s335), social investment (30% of up to the
/// annual maximum, s257JA) and maintenance payments (10% of the payments up to the
/// minimum amount of married couple's allowance, s453; none unless a party to the
/// marriage was born before 6 April 1935) and non-deductible loan interest (the basic rate
/// on the interest, s399B). Each: (kind, amount claimed, allowable, rate).
pub(crate) fn other_tax_reductions(rules: &YearRules, claims: &ReliefClaims) -> Vec<(ReliefType, Money, Money, Rate)> {
    let mut out = Vec::new();
    let allowable = |amount: Money, rate: Rate| amount.at_least_zero().percent(rate).round_down_to_penny();
    if claims.community_investment.is_positive() {
        let rate = rules.community_investment_relief_rate;
        out.push((
            ReliefType::CommunityInvestment,
            claims.community_investment,
            allowable(claims.community_investment, rate),
            rate,
        ));
    }
    if claims.social_investment.is_positive() {
        let rate = rules.social_investment_relief_rate;
        let amount = claims.social_investment.min(rules.social_investment_maximum);
        out.push((ReliefType::SocialEnterpriseInvestment, claims.social_investment, allowable(amount, rate), rate));
    }
    if claims.maintenance_payments.is_positive() {
        let rate = rules.maintenance_payments_relief_rate;
        let amount = if claims.maintenance_party_born_before_1935 {
            claims.maintenance_payments.min(rules.married_couples_allowance_minimum)
        } else {
            Money::ZERO
        };
        out.push((ReliefType::MaintenancePayments, claims.maintenance_payments, allowable(amount, rate), rate));
    }
    if claims.non_deductible_loan_interest.is_positive() {
        let rate = rules.non_deductible_loan_interest_relief_rate;
        let interest = claims.non_deductible_loan_interest;
        out.push((ReliefType::NonDeductibleLoanInterest, interest, allowable(interest, rate), rate));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_rules::{Regime, Rules, TaxYear};

    fn rules(year: u16) -> &'static YearRules {
        Rules::for_year(TaxYear::starting(year), Regime::RestOfUk).unwrap()
    }

    fn basis(income: i64, earnings: i64) -> DeductionBasis {
        DeductionBasis {
            income_left: Money::pounds(income),
            total_income: Money::pounds(income),
            relief_at_source_relieved: Money::ZERO,
            relevant_uk_earnings: Money::pounds(earnings),
            losses_applied: Money::ZERO,
        }
    }

    #[test]
    fn deductions_are_whole_pounds_limited_to_income_and_earnings() {
        let claims = ReliefClaims {
            retirement_annuity_payments: Money::new(rust_decimal::Decimal::new(100050, 2)),
            overseas_scheme_contributions: Money::pounds(5_000),
            gifts_of_investments: Money::pounds(9_000),
            ..Default::default()
        };
        // Earnings of 4,000: RAC 1,001 (rounded up), then 2,999 of the overseas 5,000.
        let d = deductions(rules(2025), &claims, &basis(12_000, 4_000));
        let p = d.pension_contributions.unwrap();
        assert_eq!(p.retirement_annuity_payments, Money::pounds(1_001));
        assert_eq!(p.overseas_scheme_contributions, Money::pounds(2_999));
        // Income left 12,000 - 4,000 = 8,000 for the gifts of 9,000.
        assert_eq!(d.gifts_of_investments, Some(Money::pounds(8_000)));
        assert_eq!(d.total(), Money::pounds(12_000));
    }

    #[test]
    fn loan_interest_is_capped_by_s24a_after_losses() {
        let claims = ReliefClaims { qualifying_loan_interest: Money::pounds(60_000), ..Default::default() };
        let mut b = basis(100_000, 0);
        b.losses_applied = Money::pounds(20_000);
        b.income_left = Money::pounds(80_000);
        // Cap: greater of 50,000 and 25% of 100,000 = 50,000, less 20,000 of losses.
        let d = deductions(rules(2026), &claims, &b);
        assert_eq!(d.qualifying_loan_interest, Some(Money::pounds(30_000)));
    }

    #[test]
    fn annual_payments_are_charged_at_the_basic_rate() {
        let claims = ReliefClaims { annual_payments: Money::pounds(1_000), ..Default::default() };
        let d = deductions(rules(2025), &claims, &basis(40_000, 40_000));
        let a = d.annual_payments.unwrap();
        assert_eq!((a.gross, a.tax_charged), (Money::pounds(1_000), Money::pounds(200)));
    }

    #[test]
    fn non_deductible_loan_interest_is_reduced_at_the_basic_rate() {
        // ITA 2007 s399B(3): 1,234.56 x 20% = 246.912, truncated to the penny.
        let claims =
            ReliefClaims { non_deductible_loan_interest: Money::new("1234.56".parse().unwrap()), ..Default::default() };
        let reductions = other_tax_reductions(rules(2025), &claims);
        assert_eq!(
            reductions,
            vec![(
                ReliefType::NonDeductibleLoanInterest,
                Money::new("1234.56".parse().unwrap()),
                Money::new("246.91".parse().unwrap()),
                Rate::percent(20)
            )]
        );
    }

    #[test]
    fn maintenance_relief_needs_a_party_born_before_1935() {
        let mut claims = ReliefClaims { maintenance_payments: Money::pounds(6_000), ..Default::default() };
        let r = other_tax_reductions(rules(2025), &claims);
        assert_eq!(r[0].2, Money::ZERO);
        claims.maintenance_party_born_before_1935 = true;
        // 10% of the lower of 6,000 and the 2025-26 minimum amount 4,360.
        assert_eq!(other_tax_reductions(rules(2025), &claims)[0].2, Money::pounds(436));
        assert_eq!(other_tax_reductions(rules(2026), &claims)[0].2, Money::pounds(453));
    }
}
