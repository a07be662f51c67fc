//! The bodies of HMRC's Individuals Reliefs API (3.0): pension reliefs, charitable giving,
//! investment reliefs (VCT, EIS, community, SEIS, social enterprise), other reliefs and
//! foreign reliefs.

use itsa_engine::{Money, TaxYear};
use serde::{Deserialize, Serialize};

use super::{
    Amount, BodyError, Check, CountryCode, IsoDate, check_pattern, check_reference, is_reference_char, only_in_years,
    refuse_empty_array,
};
use crate::amount::or_zero;

/// The items of an optional array, none when it is absent.
pub(crate) fn items<T>(v: &Option<Vec<T>>) -> &[T] {
    v.as_deref().unwrap_or_default()
}

fn required(present: bool, path: &str, year: TaxYear) -> Result<(), BodyError> {
    if present {
        Ok(())
    } else {
        Err(BodyError::incorrect_or_empty(path, format!("is required by HMRC's schema for {year}")))
    }
}

// --- Pension reliefs ------------------------------------------------------------------

/// Create and Amend Pensions Reliefs: payments into pension schemes that get tax relief.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionReliefs {
    pub pension_reliefs: PensionReliefAmounts,
}

/// The `pensionReliefs` object: the payments by kind of relief.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PensionReliefAmounts {
    /// Payments to registered schemes under relief at source, gross: the payments and the
    /// basic-rate tax the provider claims (SA100 box 1).
    pub regular_pension_contributions: Option<Amount>,
    /// The one-off payments among them (SA100 box 1.1): HMRC's return counts one-off
    /// payments inside box 1, as it does one-off Gift Aid inside box 5.
    pub one_off_pension_contributions_paid: Option<Amount>,
    /// Payments to a retirement annuity contract whose provider claims no basic-rate relief.
    pub retirement_annuity_payments: Option<Amount>,
    /// Payments to an employer's scheme that were not deducted from pay before tax.
    pub payment_to_employers_scheme_no_tax_relief: Option<Amount>,
    /// Payments to an overseas scheme, not UK-registered, eligible for relief and not
    /// deducted from pay before tax.
    pub overseas_pension_scheme_contributions: Option<Amount>,
}

impl PensionReliefs {
    /// Relief-at-source contributions, gross (SA100 box 1): they extend the basic and
    /// higher rate bands. The one-off payments are part of the regular figure, as the
    /// one-off Gift Aid payments are part of the total (SA100 box 1 "one-off payments
    /// included"); a body giving only one-off payments has those as its total.
    pub fn relief_at_source_gross(&self) -> Money {
        let p = &self.pension_reliefs;
        or_zero(p.regular_pension_contributions).max(or_zero(p.one_off_pension_contributions_paid))
    }

    /// Contributions relieved by deduction from income: retirement annuity payments,
    /// payments to an employer's scheme without relief and overseas scheme contributions.
    pub fn deducted_from_income(&self) -> Money {
        let p = &self.pension_reliefs;
        or_zero(p.retirement_annuity_payments)
            + or_zero(p.payment_to_employers_scheme_no_tax_relief)
            + or_zero(p.overseas_pension_scheme_contributions)
    }
}

impl Check for PensionReliefs {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if self.pension_reliefs == PensionReliefAmounts::default() {
            return Err(BodyError::incorrect_or_empty("pensionReliefs", "is an empty object"));
        }
        Ok(())
    }
}

// --- Charitable giving ----------------------------------------------------------------

/// Create and Amend Charitable Giving Tax Relief: Gift Aid payments and gifts of shares,
/// securities, land and buildings to charity.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CharitableGiving {
    pub gift_aid_payments: Option<GiftAidPayments>,
    pub gifts: Option<Gifts>,
}

/// Gift Aid payments for the year, all net of basic-rate tax.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GiftAidPayments {
    /// The part of `totalAmount` paid to non-UK charities. Only in the schema to 2024-25.
    pub non_uk_charities: Option<NonUkCharities>,
    /// All Gift Aid payments made in the year (SA100 box 5).
    pub total_amount: Option<Amount>,
    /// The one-off payments among them (SA100 box 6).
    pub one_off_amount: Option<Amount>,
    /// Payments made in the year but treated as made in the previous year (SA100 box 7).
    pub amount_treated_as_previous_tax_year: Option<Amount>,
    /// Payments made after the year but treated as made in it (SA100 box 8).
    pub amount_treated_as_specified_tax_year: Option<Amount>,
}

/// Gifts to charity of shares, securities, land and buildings, at their value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gifts {
    /// The part of the gifts made to non-UK charities. Only in the schema to 2024-25.
    pub non_uk_charities: Option<NonUkCharities>,
    /// Land and buildings, including the costs of the gift or sale (SA100 box 10).
    pub land_and_buildings: Option<Amount>,
    /// Qualifying shares or securities (SA100 box 9).
    pub shares_or_securities: Option<Amount>,
}

/// Payments or gifts to charities outside the UK, and the charities' names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NonUkCharities {
    /// Names of the charities; needed when `totalAmount` is above zero.
    pub charity_names: Option<Vec<String>>,
    pub total_amount: Amount,
}

impl CharitableGiving {
    /// Gift Aid payments made in the year, net (SA100 box 5): one-off payments, payments
    /// to non-UK charities and payments carried back to the previous year are part of it.
    pub fn gift_aid_paid(&self) -> Money {
        or_zero(self.gift_aid_payments.as_ref().and_then(|g| g.total_amount))
    }

    /// Payments made in the year that are treated as made in the previous year, net.
    pub fn gift_aid_carried_back(&self) -> Money {
        or_zero(self.gift_aid_payments.as_ref().and_then(|g| g.amount_treated_as_previous_tax_year))
    }

    /// Payments made after the year that are treated as made in it, net.
    pub fn gift_aid_brought_back(&self) -> Money {
        or_zero(self.gift_aid_payments.as_ref().and_then(|g| g.amount_treated_as_specified_tax_year))
    }

    /// The net Gift Aid payments that count for this year: those paid in it, less those
    /// carried back to the previous year, plus those brought back from the next one.
    pub fn gift_aid_for_year(&self) -> Money {
        (self.gift_aid_paid() - self.gift_aid_carried_back()).at_least_zero() + self.gift_aid_brought_back()
    }

    /// The value of shares, securities, land and buildings given to charity: a deduction
    /// from income.
    pub fn gifts_of_investments(&self) -> Money {
        self.gifts.as_ref().map_or(Money::ZERO, |g| or_zero(g.shares_or_securities) + or_zero(g.land_and_buildings))
    }
}

fn is_charity_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '&' | '\'' | '(' | ')' | '*' | ',' | '-' | '.' | '/' | '@' | '£')
}

fn check_non_uk(n: &NonUkCharities, path: &str, without_names: &'static str) -> Result<(), BodyError> {
    if n.total_amount.money().is_positive() && n.charity_names.as_ref().is_none_or(Vec::is_empty) {
        return Err(BodyError::new(path, without_names, "an amount to non-UK charities needs the charities' names"));
    }
    refuse_empty_array(&n.charity_names, &format!("{path}/charityNames"))?;
    for (i, name) in items(&n.charity_names).iter().enumerate() {
        check_pattern(name, &format!("{path}/charityNames/{i}"), "FORMAT_STRING", (1, 75), is_charity_name_char)?;
    }
    Ok(())
}

impl Check for CharitableGiving {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == CharitableGiving::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        if let Some(g) = &self.gift_aid_payments {
            if *g == GiftAidPayments::default() {
                return Err(BodyError::incorrect_or_empty("giftAidPayments", "is an empty object"));
            }
            only_in_years(g.non_uk_charities.is_some(), "giftAidPayments/nonUkCharities", year, None, Some(2024))?;
            if let Some(n) = &g.non_uk_charities {
                check_non_uk(n, "giftAidPayments/nonUkCharities", "RULE_GIFT_AID_NON_UK_AMOUNT_WITHOUT_NAMES")?;
            }
        }
        if let Some(g) = &self.gifts {
            if *g == Gifts::default() {
                return Err(BodyError::incorrect_or_empty("gifts", "is an empty object"));
            }
            only_in_years(g.non_uk_charities.is_some(), "gifts/nonUkCharities", year, None, Some(2024))?;
            if let Some(n) = &g.non_uk_charities {
                check_non_uk(n, "gifts/nonUkCharities", "RULE_GIFTS_NON_UK_AMOUNT_WITHOUT_NAMES")?;
            }
        }
        Ok(())
    }
}

// --- Investment reliefs ---------------------------------------------------------------

/// Create and Amend Relief Investments: subscriptions that earn a tax reduction (Venture
/// Capital Trusts, EIS, community investment, SEIS, social enterprise investment).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InvestmentReliefs {
    pub vct_subscription: Option<Vec<VctSubscription>>,
    pub eis_subscription: Option<Vec<EisSubscription>>,
    pub community_investment: Option<Vec<CommunityInvestment>>,
    pub seed_enterprise_investment: Option<Vec<SeedEnterpriseInvestment>>,
    /// Only in the schema to 2024-25 (HMRC warns it must not be sent for 2023-24 on).
    pub social_enterprise_investment: Option<Vec<SocialEnterpriseInvestment>>,
}

/// A Venture Capital Trust subscription.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VctSubscription {
    /// The Unique Investment Reference or the authorising tax office on the certificate.
    /// Required to 2024-25.
    pub unique_investment_ref: Option<String>,
    /// The name of the investment or fund. Required from 2025-26.
    pub name: Option<String>,
    /// Required from 2025-26.
    pub date_of_investment: Option<IsoDate>,
    pub amount_invested: Option<Amount>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

/// An Enterprise Investment Scheme subscription.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EisSubscription {
    /// The Unique Investment Reference or the authorising tax office on the certificate.
    pub unique_investment_ref: String,
    /// The name of the investment or fund. Required from 2025-26.
    pub name: Option<String>,
    /// Whether the company is knowledge-intensive (research, development or innovation).
    /// Required from 2025-26.
    pub knowledge_intensive: Option<bool>,
    /// Required from 2025-26.
    pub date_of_investment: Option<IsoDate>,
    pub amount_invested: Option<Amount>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

/// A community investment (Community Investment Tax Relief).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommunityInvestment {
    /// The Unique Investment Reference or the authorising tax office on the certificate.
    pub unique_investment_ref: String,
    /// The name of the investment or fund.
    pub name: Option<String>,
    pub date_of_investment: Option<IsoDate>,
    pub amount_invested: Option<Amount>,
    /// The relief claimed for the year.
    pub relief_claimed: Amount,
}

/// A Seed Enterprise Investment Scheme investment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedEnterpriseInvestment {
    /// The Unique Investment Reference or the authorising tax office on the certificate.
    pub unique_investment_ref: String,
    /// The company holding the investment. Required from 2025-26.
    pub company_name: Option<String>,
    /// Required from 2025-26.
    pub date_of_investment: Option<IsoDate>,
    pub amount_invested: Option<Amount>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

/// A social enterprise investment (Social Investment Tax Relief). Only to 2024-25.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SocialEnterpriseInvestment {
    /// The Unique Investment Reference or the authorising tax office on the certificate.
    pub unique_investment_ref: String,
    /// The name of the investment or fund.
    pub social_enterprise_name: Option<String>,
    pub date_of_investment: Option<IsoDate>,
    pub amount_invested: Option<Amount>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

/// An investment name: HMRC's reference characters but the curly apostrophe, 1 to 105.
fn check_investment_name(value: &str, path: &str) -> Result<(), BodyError> {
    check_pattern(value, path, "FORMAT_NAME", (1, 105), |c| c != '’' && is_reference_char(c))
}

fn check_investment_ref(value: Option<&String>, path: &str) -> Result<(), BodyError> {
    value.map_or(Ok(()), |v| check_reference(v, path, "FORMAT_UNIQUE_INVESTMENT_REFERENCE", 90))
}

impl InvestmentReliefs {
    /// The relief claimed on all the investments, before the rate of relief is applied.
    pub fn total_relief_claimed(&self) -> Money {
        let vct: Money = items(&self.vct_subscription).iter().map(|i| i.relief_claimed.money()).sum();
        let eis: Money = items(&self.eis_subscription).iter().map(|i| i.relief_claimed.money()).sum();
        let cit: Money = items(&self.community_investment).iter().map(|i| i.relief_claimed.money()).sum();
        let seis: Money = items(&self.seed_enterprise_investment).iter().map(|i| i.relief_claimed.money()).sum();
        let sitr: Money = items(&self.social_enterprise_investment).iter().map(|i| i.relief_claimed.money()).sum();
        vct + eis + cit + seis + sitr
    }
}

impl Check for InvestmentReliefs {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if *self == InvestmentReliefs::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        only_in_years(
            self.social_enterprise_investment.is_some(),
            "socialEnterpriseInvestment",
            year,
            None,
            Some(2024),
        )?;
        let def2 = year.start_year() >= 2025;
        refuse_empty_array(&self.vct_subscription, "vctSubscription")?;
        for (i, v) in items(&self.vct_subscription).iter().enumerate() {
            let p = format!("vctSubscription/{i}");
            required(v.unique_investment_ref.is_some() || def2, &format!("{p}/uniqueInvestmentRef"), year)?;
            required(v.name.is_some() || !def2, &format!("{p}/name"), year)?;
            required(v.date_of_investment.is_some() || !def2, &format!("{p}/dateOfInvestment"), year)?;
            check_investment_ref(v.unique_investment_ref.as_ref(), &format!("{p}/uniqueInvestmentRef"))?;
            if let Some(name) = &v.name {
                check_investment_name(name, &format!("{p}/name"))?;
            }
        }
        refuse_empty_array(&self.eis_subscription, "eisSubscription")?;
        for (i, v) in items(&self.eis_subscription).iter().enumerate() {
            let p = format!("eisSubscription/{i}");
            required(v.name.is_some() || !def2, &format!("{p}/name"), year)?;
            required(v.date_of_investment.is_some() || !def2, &format!("{p}/dateOfInvestment"), year)?;
            required(v.knowledge_intensive.is_some() || !def2, &format!("{p}/knowledgeIntensive"), year)?;
            check_investment_ref(Some(&v.unique_investment_ref), &format!("{p}/uniqueInvestmentRef"))?;
            if let Some(name) = &v.name {
                check_investment_name(name, &format!("{p}/name"))?;
            }
        }
        refuse_empty_array(&self.community_investment, "communityInvestment")?;
        for (i, v) in items(&self.community_investment).iter().enumerate() {
            let p = format!("communityInvestment/{i}");
            check_investment_ref(Some(&v.unique_investment_ref), &format!("{p}/uniqueInvestmentRef"))?;
            if let Some(name) = &v.name {
                check_investment_name(name, &format!("{p}/name"))?;
            }
        }
        refuse_empty_array(&self.seed_enterprise_investment, "seedEnterpriseInvestment")?;
        for (i, v) in items(&self.seed_enterprise_investment).iter().enumerate() {
            let p = format!("seedEnterpriseInvestment/{i}");
            required(v.company_name.is_some() || !def2, &format!("{p}/companyName"), year)?;
            required(v.date_of_investment.is_some() || !def2, &format!("{p}/dateOfInvestment"), year)?;
            check_investment_ref(Some(&v.unique_investment_ref), &format!("{p}/uniqueInvestmentRef"))?;
            if let Some(name) = &v.company_name {
                check_investment_name(name, &format!("{p}/companyName"))?;
            }
        }
        refuse_empty_array(&self.social_enterprise_investment, "socialEnterpriseInvestment")?;
        for (i, v) in items(&self.social_enterprise_investment).iter().enumerate() {
            let p = format!("socialEnterpriseInvestment/{i}");
            check_investment_ref(Some(&v.unique_investment_ref), &format!("{p}/uniqueInvestmentRef"))?;
            if let Some(name) = &v.social_enterprise_name {
                check_investment_name(name, &format!("{p}/socialEnterpriseName"))?;
            }
        }
        Ok(())
    }
}

// --- Other reliefs --------------------------------------------------------------------

/// Create and Amend Other Reliefs: loan interest, payroll giving, share redemptions,
/// maintenance payments, post-cessation reliefs, annual payments and qualifying loan
/// interest.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherReliefs {
    /// Non-deductible loan interest.
    pub non_deductible_loan_interest: Option<ClaimedRelief>,
    /// Payroll giving.
    pub payroll_giving: Option<ClaimedRelief>,
    /// Qualifying distributions on the redemption of shares and securities.
    pub qualifying_distribution_redemption_of_shares_and_securities: Option<ReliefAmount>,
    /// Maintenance payments to a former spouse or civil partner.
    pub maintenance_payments: Option<Vec<MaintenancePayment>>,
    /// Post-cessation trade relief and certain other losses.
    pub post_cessation_trade_relief_and_certain_other_losses: Option<Vec<PostCessationRelief>>,
    /// Annual payments made.
    pub annual_payments_made: Option<ClaimedRelief>,
    /// Interest on qualifying loans.
    pub qualifying_loan_interest_payments: Option<Vec<QualifyingLoanInterest>>,
}

/// A relief claimed for the year, with the customer's reference.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClaimedRelief {
    /// A reference or friendly name the customer uses.
    pub customer_reference: Option<String>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

/// An amount of relief, with the customer's reference.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReliefAmount {
    /// A reference or friendly name the customer uses.
    pub customer_reference: Option<String>,
    pub amount: Amount,
}

/// A maintenance payment to a former spouse or civil partner.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MaintenancePayment {
    /// A reference or friendly name the customer uses.
    pub customer_reference: Option<String>,
    pub ex_spouse_name: Option<String>,
    pub ex_spouse_date_of_birth: Option<IsoDate>,
    /// The amount paid (relief needs one of the couple born before 6 April 1935).
    pub amount: Amount,
}

/// Post-cessation trade relief or another loss of a business that has ceased.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostCessationRelief {
    /// A reference or friendly name the customer uses.
    pub customer_reference: Option<String>,
    /// The name of the business that ceased trading.
    pub business_name: Option<String>,
    pub date_business_ceased: Option<IsoDate>,
    pub nature_of_trade: Option<String>,
    /// The income source identifier or Unique Taxpayer Reference.
    pub income_source: Option<String>,
    /// The amount that can be deducted.
    pub amount: Amount,
}

/// Interest paid on a qualifying loan.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QualifyingLoanInterest {
    /// A reference or friendly name the customer uses.
    pub customer_reference: Option<String>,
    /// Who lent the money.
    pub lender_name: Option<String>,
    /// The amount on which relief is claimed for the year.
    pub relief_claimed: Amount,
}

fn check_customer_ref(value: &Option<String>, path: &str) -> Result<(), BodyError> {
    value.as_ref().map_or(Ok(()), |v| check_reference(v, path, "FORMAT_CUSTOMER_REFERENCE", 90))
}

fn check_name_105(value: &Option<String>, path: &str, code: &'static str) -> Result<(), BodyError> {
    value.as_ref().map_or(Ok(()), |v| check_pattern(v, path, code, (1, 105), |_| true))
}

impl Check for OtherReliefs {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if *self == OtherReliefs::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        for (path, relief) in [
            ("nonDeductibleLoanInterest", &self.non_deductible_loan_interest),
            ("payrollGiving", &self.payroll_giving),
            ("annualPaymentsMade", &self.annual_payments_made),
        ] {
            if let Some(r) = relief {
                check_customer_ref(&r.customer_reference, &format!("{path}/customerReference"))?;
            }
        }
        if let Some(r) = &self.qualifying_distribution_redemption_of_shares_and_securities {
            check_customer_ref(
                &r.customer_reference,
                "qualifyingDistributionRedemptionOfSharesAndSecurities/customerReference",
            )?;
        }
        refuse_empty_array(&self.maintenance_payments, "maintenancePayments")?;
        for (i, m) in items(&self.maintenance_payments).iter().enumerate() {
            let p = format!("maintenancePayments/{i}");
            check_customer_ref(&m.customer_reference, &format!("{p}/customerReference"))?;
            check_name_105(&m.ex_spouse_name, &format!("{p}/exSpouseName"), "FORMAT_NAME_EX_SPOUSE")?;
        }
        let losses = &self.post_cessation_trade_relief_and_certain_other_losses;
        refuse_empty_array(losses, "postCessationTradeReliefAndCertainOtherLosses")?;
        for (i, l) in items(losses).iter().enumerate() {
            let p = format!("postCessationTradeReliefAndCertainOtherLosses/{i}");
            check_customer_ref(&l.customer_reference, &format!("{p}/customerReference"))?;
            check_name_105(&l.business_name, &format!("{p}/businessName"), "FORMAT_NAME_BUSINESS")?;
            if let Some(t) = &l.nature_of_trade {
                check_reference(t, &format!("{p}/natureOfTrade"), "FORMAT_NATURE_OF_TRADE", 90)?;
            }
            check_name_105(&l.income_source, &format!("{p}/incomeSource"), "FORMAT_INCOME_SOURCE")?;
        }
        refuse_empty_array(&self.qualifying_loan_interest_payments, "qualifyingLoanInterestPayments")?;
        for (i, q) in items(&self.qualifying_loan_interest_payments).iter().enumerate() {
            let p = format!("qualifyingLoanInterestPayments/{i}");
            check_customer_ref(&q.customer_reference, &format!("{p}/customerReference"))?;
            check_name_105(&q.lender_name, &format!("{p}/lenderName"), "FORMAT_LENDER_NAME")?;
        }
        Ok(())
    }
}

// --- Foreign reliefs ------------------------------------------------------------------

/// Create and Amend Foreign Reliefs: relief for tax paid abroad on overseas income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignReliefs {
    /// Foreign Tax Credit Relief claimed.
    pub foreign_tax_credit_relief: Option<ForeignReliefAmount>,
    /// Foreign income on which tax credit relief is claimed, by country.
    pub foreign_income_tax_credit_relief: Option<Vec<ForeignIncomeTaxCreditRelief>>,
    /// Foreign tax for which Foreign Tax Credit Relief is not claimed.
    pub foreign_tax_for_ftcr_not_claimed: Option<ForeignReliefAmount>,
}

/// An amount of foreign relief.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignReliefAmount {
    pub amount: Amount,
}

/// Foreign income tax credit relief for one country.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ForeignIncomeTaxCreditRelief {
    pub country_code: CountryCode,
    /// Foreign tax paid on the income.
    pub foreign_tax_paid: Option<Amount>,
    /// The income taxable in the UK.
    pub taxable_amount: Amount,
    /// Whether the relief is claimed on an employment lump sum.
    pub employment_lump_sum: bool,
}

impl Check for ForeignReliefs {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if *self == ForeignReliefs::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        refuse_empty_array(&self.foreign_income_tax_credit_relief, "foreignIncomeTaxCreditRelief")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    #[test]
    fn pension_reliefs_parse_check_and_sum() {
        let body: PensionReliefs = serde_json::from_str(
            r#"{"pensionReliefs": {"regularPensionContributions": 2500, "oneOffPensionContributionsPaid": 500,
                "retirementAnnuityPayments": 300.5, "paymentToEmployersSchemeNoTaxRelief": 120,
                "overseasPensionSchemeContributions": 80}}"#,
        )
        .unwrap();
        body.check(year(2024)).unwrap();
        assert_eq!(body.relief_at_source_gross(), Money::pounds(2500));
        assert_eq!(body.deducted_from_income().amount().to_string(), "500.5");

        let e = serde_json::from_str::<PensionReliefs>(r#"{"pensionReliefs": {"regularPensionContribution": 1}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        let empty: PensionReliefs = serde_json::from_str(r#"{"pensionReliefs": {}}"#).unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn charitable_giving_parses_and_checks() {
        let text = r#"{
            "giftAidPayments": {"nonUkCharities": {"charityNames": ["Aide Internationale", "O'Brien & Co (Eire)"],
                "totalAmount": 150}, "totalAmount": 1200, "oneOffAmount": 200,
                "amountTreatedAsPreviousTaxYear": 100, "amountTreatedAsSpecifiedTaxYear": 50},
            "gifts": {"nonUkCharities": {"charityNames": ["Fondation X"], "totalAmount": 400},
                "landAndBuildings": 1000, "sharesOrSecurities": 600.25}}"#;
        let body: CharitableGiving = serde_json::from_str(text).unwrap();
        body.check(year(2023)).unwrap();
        assert_eq!(body.gift_aid_paid(), Money::pounds(1200));
        assert_eq!(body.gift_aid_carried_back(), Money::pounds(100));
        assert_eq!(body.gift_aid_brought_back(), Money::pounds(50));
        assert_eq!(body.gift_aid_for_year(), Money::pounds(1150));
        assert_eq!(body.gifts_of_investments().amount().to_string(), "1600.25");

        // The non-UK charities objects are not in the 2025-26 schema.
        let e = body.check(year(2025)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.code),
            ("giftAidPayments/nonUkCharities", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED")
        );

        let e = serde_json::from_str::<CharitableGiving>(r#"{"giftAidPayments": {"total": 5}}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"));

        let no_names: CharitableGiving =
            serde_json::from_str(r#"{"giftAidPayments": {"nonUkCharities": {"totalAmount": 10}, "totalAmount": 10}}"#)
                .unwrap();
        assert_eq!(no_names.check(year(2024)).unwrap_err().code, "RULE_GIFT_AID_NON_UK_AMOUNT_WITHOUT_NAMES");
        let bad_name: CharitableGiving = serde_json::from_str(
            r#"{"gifts": {"nonUkCharities": {"charityNames": ["Tab\there"], "totalAmount": 10}}}"#,
        )
        .unwrap();
        assert_eq!(bad_name.check(year(2024)).unwrap_err().code, "FORMAT_STRING");
        let empty: CharitableGiving = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.check(year(2025)).unwrap_err().path, "/");
    }

    #[test]
    fn investment_reliefs_parse_and_check_by_year() {
        let text = r#"{
            "vctSubscription": [{"uniqueInvestmentRef": "VCTREF", "name": "VCT Fund X", "dateOfInvestment": "2025-06-01",
                "amountInvested": 10000, "reliefClaimed": 10000}],
            "eisSubscription": [{"uniqueInvestmentRef": "XTAL", "name": "Réseau Ltd", "knowledgeIntensive": true,
                "dateOfInvestment": "2025-07-01", "amountInvested": 5000, "reliefClaimed": 5000}],
            "communityInvestment": [{"uniqueInvestmentRef": "CIT1", "name": "CI X", "dateOfInvestment": "2025-05-01",
                "amountInvested": 2000, "reliefClaimed": 2000}],
            "seedEnterpriseInvestment": [{"uniqueInvestmentRef": "SEIS1", "companyName": "Seedling (UK) Ltd",
                "dateOfInvestment": "2025-08-01", "amountInvested": 3000, "reliefClaimed": 3000}]}"#;
        let body: InvestmentReliefs = serde_json::from_str(text).unwrap();
        body.check(year(2025)).unwrap();
        body.check(year(2023)).unwrap();
        assert_eq!(body.total_relief_claimed(), Money::pounds(20000));

        let e = serde_json::from_str::<InvestmentReliefs>(r#"{"vctSubscription": [{"reliefClaimed": 1, "x": 1}]}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        let social: InvestmentReliefs = serde_json::from_str(
            r#"{"socialEnterpriseInvestment": [{"uniqueInvestmentRef": "SI1", "socialEnterpriseName": "SE Inc",
                "reliefClaimed": 100}]}"#,
        )
        .unwrap();
        social.check(year(2024)).unwrap();
        assert_eq!(social.check(year(2025)).unwrap_err().path, "socialEnterpriseInvestment");

        // 2025-26 requires the name and date of a VCT subscription; earlier years its reference.
        let vct: InvestmentReliefs =
            serde_json::from_str(r#"{"vctSubscription": [{"uniqueInvestmentRef": "V1", "reliefClaimed": 100}]}"#)
                .unwrap();
        vct.check(year(2024)).unwrap();
        assert_eq!(vct.check(year(2025)).unwrap_err().path, "vctSubscription/0/name");

        let bad_ref: InvestmentReliefs =
            serde_json::from_str(r#"{"communityInvestment": [{"uniqueInvestmentRef": "A|B", "reliefClaimed": 1}]}"#)
                .unwrap();
        assert_eq!(bad_ref.check(year(2024)).unwrap_err().code, "FORMAT_UNIQUE_INVESTMENT_REFERENCE");
    }

    #[test]
    fn other_reliefs_parse_and_check() {
        let text = r#"{
            "nonDeductibleLoanInterest": {"customerReference": "LOAN-1", "reliefClaimed": 120},
            "payrollGiving": {"customerReference": "PAYROLL 2", "reliefClaimed": 240},
            "qualifyingDistributionRedemptionOfSharesAndSecurities": {"customerReference": "QD", "amount": 50},
            "maintenancePayments": [{"customerReference": "MAINT", "exSpouseName": "Hilda",
                "exSpouseDateOfBirth": "1934-02-01", "amount": 3000}],
            "postCessationTradeReliefAndCertainOtherLosses": [{"customerReference": "PC", "businessName": "Old Shop",
                "dateBusinessCeased": "2023-03-31", "natureOfTrade": "Retail", "incomeSource": "XAIS12345678901",
                "amount": 400}],
            "annualPaymentsMade": {"customerReference": "ANNUAL", "reliefClaimed": 90},
            "qualifyingLoanInterestPayments": [{"customerReference": "QLI", "lenderName": "Bank plc",
                "reliefClaimed": 310}]}"#;
        let body: OtherReliefs = serde_json::from_str(text).unwrap();
        body.check(year(2024)).unwrap();

        let e = serde_json::from_str::<OtherReliefs>(r#"{"payrollGiving": {"reliefClaimed": 1, "amount": 1}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        let bad: OtherReliefs =
            serde_json::from_str(r#"{"payrollGiving": {"customerReference": "a/b", "reliefClaimed": 1}}"#).unwrap();
        let e = bad.check(year(2024)).unwrap_err();
        assert_eq!((e.path.as_str(), e.code), ("payrollGiving/customerReference", "FORMAT_CUSTOMER_REFERENCE"));
        let empty: OtherReliefs = serde_json::from_str(r#"{"maintenancePayments": []}"#).unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn foreign_reliefs_parse_and_check() {
        let text = r#"{"foreignTaxCreditRelief": {"amount": 250},
            "foreignIncomeTaxCreditRelief": [{"countryCode": "FRA", "foreignTaxPaid": 150, "taxableAmount": 1000,
                "employmentLumpSum": false}],
            "foreignTaxForFtcrNotClaimed": {"amount": 20}}"#;
        let body: ForeignReliefs = serde_json::from_str(text).unwrap();
        body.check(year(2024)).unwrap();
        let e = serde_json::from_str::<ForeignReliefs>(r#"{"foreignTaxCreditRelief": {"amount": 1, "tax": 2}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));
        let empty: ForeignReliefs = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
