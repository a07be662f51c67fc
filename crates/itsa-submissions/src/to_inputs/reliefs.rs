//! The reliefs APIs' bodies read into the engine's relief claims: pension contributions
//! relieved on a claim, charitable giving, community and social investment, and the other
//! reliefs (qualifying loan interest, post-cessation relief, annual payments, maintenance
//! payments).

use itsa_engine::calculation::ReliefType;
use itsa_engine::reliefs::{ReliefClaims, ReliefDetail};
use itsa_engine::{Date, Money};
use std::fmt::Display;

use super::not_calculated;
use crate::SubmissionError;
use crate::amount::or_zero;
use crate::bodies::reliefs::{CharitableGiving, InvestmentReliefs, OtherReliefs, PensionReliefs};

/// Pension contributions relieved by deduction from income, and the one-off payments
/// among the relief-at-source contributions.
pub(super) fn pensions(r: &PensionReliefs, claims: &mut ReliefClaims) {
    let p = &r.pension_reliefs;
    claims.retirement_annuity_payments = or_zero(p.retirement_annuity_payments);
    claims.employer_scheme_no_tax_relief = or_zero(p.payment_to_employers_scheme_no_tax_relief);
    claims.overseas_scheme_contributions = or_zero(p.overseas_pension_scheme_contributions);
    claims.one_off_pension_contributions = or_zero(p.one_off_pension_contributions_paid);
}

/// Gift Aid for the year, net: paid in it, less what is carried back to the previous
/// year (ITA 2007 s426), plus what is brought back from the next; and gifts of shares,
/// securities, land and buildings (s431).
pub(super) fn charitable_giving(g: &CharitableGiving, gift_aid_paid: &mut Money, claims: &mut ReliefClaims) {
    *gift_aid_paid = g.gift_aid_for_year();
    claims.gifts_of_investments = g.gifts_of_investments();
}

/// Community and social investment, and the detail of every investment claimed.
pub(super) fn investments(r: &InvestmentReliefs, claims: &mut ReliefClaims) {
    let detail = |kind, amount: Money, reference: Option<&String>, name: Option<&String>| ReliefDetail {
        kind,
        amount_claimed: amount,
        unique_investment_ref: reference.cloned(),
        name: name.cloned(),
        company_name: None,
        customer_reference: None,
    };
    claims.details.retain(|d| {
        !matches!(
            d.kind,
            ReliefType::VctSubscriptions
                | ReliefType::EisSubscriptions
                | ReliefType::CommunityInvestment
                | ReliefType::SeedEnterpriseInvestment
                | ReliefType::SocialEnterpriseInvestment
        )
    });
    for i in r.vct_subscription.iter().flatten() {
        let d = detail(
            ReliefType::VctSubscriptions,
            i.relief_claimed.money(),
            i.unique_investment_ref.as_ref(),
            i.name.as_ref(),
        );
        claims.details.push(d);
    }
    for i in r.eis_subscription.iter().flatten() {
        let d = detail(
            ReliefType::EisSubscriptions,
            i.relief_claimed.money(),
            Some(&i.unique_investment_ref),
            i.name.as_ref(),
        );
        claims.details.push(d);
    }
    claims.community_investment = Money::ZERO;
    for i in r.community_investment.iter().flatten() {
        claims.community_investment += i.relief_claimed.money();
        let d = detail(
            ReliefType::CommunityInvestment,
            i.relief_claimed.money(),
            Some(&i.unique_investment_ref),
            i.name.as_ref(),
        );
        claims.details.push(d);
    }
    for i in r.seed_enterprise_investment.iter().flatten() {
        let mut d = detail(
            ReliefType::SeedEnterpriseInvestment,
            i.relief_claimed.money(),
            Some(&i.unique_investment_ref),
            None,
        );
        d.company_name = i.company_name.clone();
        claims.details.push(d);
    }
    claims.social_investment = Money::ZERO;
    for i in r.social_enterprise_investment.iter().flatten() {
        claims.social_investment += i.relief_claimed.money();
        let d = detail(
            ReliefType::SocialEnterpriseInvestment,
            i.relief_claimed.money(),
            Some(&i.unique_investment_ref),
            i.social_enterprise_name.as_ref(),
        );
        claims.details.push(d);
    }
}

/// Payroll giving: donations withheld from pay or a pension, deducted from the income
/// they were withheld from (ITEPA 2003 s713; `itsa_engine::employment::figures`). The
/// Other Reliefs submission replaces the year's, so none given is nil.
pub(super) fn payroll_giving(r: &OtherReliefs) -> Money {
    r.payroll_giving.as_ref().map_or(Money::ZERO, |c| c.relief_claimed.money())
}

/// The day before which one party to the marriage must have been born for maintenance
/// payments to get relief (ITA 2007 s453(1)(b)).
fn maintenance_birth_limit() -> Date {
    Date::new(1935, 4, 6).expect("a calendar date")
}

/// Qualifying loan interest, post-cessation relief, annual payments, maintenance payments
/// and non-deductible loan interest (payroll giving: [`payroll_giving`]). Qualifying
/// distributions on the redemption of shares are refused until calculated.
pub(super) fn other(
    r: &OtherReliefs,
    date_of_birth: Option<Date>,
    claims: &mut ReliefClaims,
    at: &dyn Display,
) -> Result<(), SubmissionError> {
    if r.qualifying_distribution_redemption_of_shares_and_securities
        .as_ref()
        .is_some_and(|q| !q.amount.money().is_zero())
    {
        return Err(not_calculated(at, "qualifying distributions on the redemption of shares and securities"));
    }
    claims.qualifying_loan_interest =
        r.qualifying_loan_interest_payments.iter().flatten().map(|q| q.relief_claimed.money()).sum();
    claims.post_cessation_relief =
        r.post_cessation_trade_relief_and_certain_other_losses.iter().flatten().map(|p| p.amount.money()).sum();
    claims.annual_payments = r.annual_payments_made.as_ref().map_or(Money::ZERO, |a| a.relief_claimed.money());
    claims.non_deductible_loan_interest =
        r.non_deductible_loan_interest.as_ref().map_or(Money::ZERO, |c| c.relief_claimed.money());

    let limit = maintenance_birth_limit();
    let payments: Vec<_> = r.maintenance_payments.iter().flatten().collect();
    claims.maintenance_payments = payments.iter().map(|m| m.amount.money()).sum();
    claims.maintenance_party_born_before_1935 = date_of_birth.is_some_and(|d| d < limit)
        || payments.iter().any(|m| m.ex_spouse_date_of_birth.as_ref().is_some_and(|d| d.0 < limit));
    claims.details.retain(|d| d.kind != ReliefType::MaintenancePayments);
    claims.details.extend(payments.iter().map(|m| ReliefDetail {
        kind: ReliefType::MaintenancePayments,
        amount_claimed: m.amount.money(),
        unique_investment_ref: None,
        name: None,
        company_name: None,
        customer_reference: m.customer_reference.clone(),
    }));
    claims.details.retain(|d| d.kind != ReliefType::NonDeductibleLoanInterest);
    claims.details.extend(r.non_deductible_loan_interest.as_ref().map(|c| ReliefDetail {
        kind: ReliefType::NonDeductibleLoanInterest,
        amount_claimed: c.relief_claimed.money(),
        unique_investment_ref: None,
        name: None,
        company_name: None,
        customer_reference: c.customer_reference.clone(),
    }));
    Ok(())
}
