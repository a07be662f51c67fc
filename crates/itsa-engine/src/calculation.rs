//! What the engine produces: every figure of HMRC's calculation object for the income
//! types itsa handles, in HMRC's order and under HMRC's names (in snake case).
//!
//! Income figures are whole pounds; tax figures are pounds and pence. Each figure is
//! worked out in one named place in the engine from named parameters of `itsa-rules`.

use itsa_rules::{Money, Rate, Regime, TaxYear};

pub use crate::capital_gains::{CapitalGainsTax, CgtBand, CgtBandName, GainsGroup};
use crate::inputs::StudentLoanPlan;
use crate::messages::Messages;

#[derive(Debug, Clone, PartialEq)]
pub struct Calculation {
    pub tax_year: TaxYear,
    pub regime: Regime,
    pub allowances_and_deductions: AllowancesAndDeductions,
    pub reliefs: Reliefs,
    pub tax_deducted_at_source: TaxDeductedAtSource,
    pub gift_aid: Option<GiftAid>,
    pub marriage_allowance_transferred_in: Option<MarriageAllowanceTransferredIn>,
    pub pension_contribution_reliefs: Option<PensionContributionReliefs>,
    pub student_loans: Vec<StudentLoan>,
    pub coded_out_underpayments: Option<CodedOutUnderpayments>,
    pub business_profit_and_loss: Vec<BusinessProfitAndLoss>,
    pub employment_and_pensions_income: Option<EmploymentAndPensionsIncome>,
    /// Employment expenses and share scheme income (see [`crate::employment`]).
    pub employment: Option<EmploymentIncome>,
    pub state_benefits_income: Option<StateBenefitsIncome>,
    pub savings_and_gains_income: Option<SavingsAndGainsIncome>,
    pub dividends_income: Option<DividendsIncome>,
    /// The life policy gains calculated, as submitted with each gain in whole pounds.
    pub chargeable_event_gains: Vec<crate::inputs::LifePolicyGain>,
    /// Other dividends, UK securities, foreign income and its tax credit relief, foreign
    /// benefits and gifts, offshore income gains and royalty payments (`crate::foreign`).
    pub foreign: crate::foreign::ForeignFigures,
    /// Other income: the total, in whole pounds.
    pub other_income: Option<Money>,
    /// The post-cessation receipts within `other_income`, each in whole pounds.
    pub post_cessation_receipts: Vec<Money>,
    pub income_summary_totals: IncomeSummaryTotals,
    pub tax_calculation: TaxCalculation,
    pub end_of_year_estimate: Option<EndOfYearEstimate>,
    pub losses_and_claims: Option<LossesAndClaims>,
    pub messages: Messages,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AllowancesAndDeductions {
    /// The personal allowance after the £100,000 taper, before any marriage allowance transfer out.
    pub personal_allowance: Money,
    /// The personal allowance after the taper, present only when the taper reduced it.
    pub reduced_personal_allowance: Option<Money>,
    pub marriage_allowance_transfer_out: Option<MarriageAllowanceTransferOut>,
    pub blind_persons_allowance: Option<Money>,
    /// Gross relief-at-source pension contributions (they extend the bands and reduce adjusted net income).
    pub pension_contributions: Option<Money>,
    /// Personal allowance (after any transfer out) plus blind person's allowance.
    pub total_allowances: Money,
    /// Trading losses set against general income on a claim (ITA 2007 s64).
    pub losses_applied_to_general_income: Option<Money>,
    /// Losses on shares set against general income on a claim (ITA 2007 s131).
    pub cgt_loss_set_against_in_year_general_income: Option<Money>,
    /// Half the payments to a trade union for death benefits (ITEPA 2003 s457).
    pub payments_to_trade_unions_for_death_benefits: Option<Money>,
    /// The other deductions from net income (ITA 2007 s23 Step 2): pension contributions
    /// relieved on a claim, gifts of investments to charity, loan interest, post-cessation
    /// relief and annual payments.
    pub deductions: crate::reliefs::Deductions,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarriageAllowanceTransferOut {
    pub personal_allowance_before_transfer_out: Money,
    pub transferred_out_amount: Money,
    pub personal_allowance_after_transfer_out: Money,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reliefs {
    pub residential_finance_costs: Option<ResidentialFinanceCosts>,
    /// Investment reliefs, in the order they were set against the tax.
    pub reliefs_claimed: Vec<ReliefClaimed>,
    /// The investments and payments behind `reliefs_claimed`, each with its kind.
    pub reliefs_claimed_detail: Vec<crate::reliefs::ReliefDetail>,
    pub top_slicing_relief: Option<TopSlicingRelief>,
}

/// Top slicing relief on a life policy gain (ITTOIA 2005 s535-536).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopSlicingRelief {
    /// The tax on the gain less the tax treated as paid.
    pub liability_on_gain: Money,
    /// The gain divided by the complete years of the policy.
    pub annual_equivalent: Money,
    /// The tax on the annual equivalent, less tax treated as paid on it, times the years.
    pub relieved_liability: Money,
    /// The relief given: the difference, limited to the tax left.
    pub amount: Money,
}

/// A relief given as a reduction of tax (ITA 2007 s26(1)(a)): HMRC's `reliefsClaimed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliefClaimed {
    pub kind: ReliefType,
    /// The amount on which relief is claimed.
    pub amount_claimed: Money,
    /// The relief due: the rate on the amount claimed, up to the year's limit.
    pub allowable_amount: Money,
    /// The relief given: the allowable amount, limited to the tax left.
    pub amount_used: Money,
    pub rate: Rate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReliefType {
    VctSubscriptions,
    EisSubscriptions,
    SeedEnterpriseInvestment,
    CommunityInvestment,
    SocialEnterpriseInvestment,
    MaintenancePayments,
    NonDeductibleLoanInterest,
}

impl ReliefType {
    /// HMRC's name in the v8/v9 API.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            ReliefType::VctSubscriptions => "vct-subscriptions",
            ReliefType::EisSubscriptions => "eis-subscriptions",
            ReliefType::SeedEnterpriseInvestment => "seed-enterprise-investment",
            ReliefType::CommunityInvestment => "community-investment",
            ReliefType::SocialEnterpriseInvestment => "social-enterprise-investment",
            ReliefType::MaintenancePayments => "maintenance-payments",
            ReliefType::NonDeductibleLoanInterest => "non-deductible-loan-interest",
        }
    }
}

/// The residential finance costs tax reduction (ITTOIA 2005 s274A-s274C), for the UK and
/// the foreign property businesses together: HMRC's `reliefs.residentialFinanceCosts`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentialFinanceCosts {
    /// Net income less savings and dividend income and the allowances: non-savings income
    /// above the allowances (ITTOIA 2005 s274AA).
    pub adjusted_total_income: Money,
    /// The businesses' allowable amounts together.
    pub total_allowable_amount: Money,
    /// The amount relief is given on: for each business the lower of its allowable amount
    /// and its profits, all together no more than the adjusted total income (s274AA).
    pub relievable_amount: Money,
    pub rate: Rate,
    /// The tax reduction given (limited to the tax left).
    pub total_residential_finance_costs_relief: Money,
    pub uk_property: Option<PropertyFinanceCosts>,
    pub foreign_property: Option<ForeignPropertyFinanceCosts>,
}

impl ResidentialFinanceCosts {
    fn businesses(&self) -> impl Iterator<Item = &PropertyFinanceCosts> {
        self.uk_property.iter().chain(self.foreign_property.iter().map(|f| &f.business))
    }

    /// This year's residential finance costs as claimed, every business together.
    pub fn amount_claimed(&self) -> Money {
        self.businesses().map(|b| b.amount_claimed).sum()
    }

    /// The costs carried forward to the next year, every business together (s274C).
    pub fn carry_forward_amount(&self) -> Money {
        self.businesses().map(|b| b.carry_forward_amount).sum()
    }
}

/// One property business's part of the residential finance costs reduction.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PropertyFinanceCosts {
    /// This year's residential finance costs as claimed.
    pub amount_claimed: Money,
    /// The part of this year's costs deducted from rents (before 2020-21, s272A).
    pub deducted_from_rents: Money,
    /// The costs not deducted from rents plus the costs brought forward: the business's
    /// relievable amount (s274A).
    pub allowable_amount: Money,
    /// The amount relief is given on for this business (s274AA).
    pub relieved_amount: Money,
    /// Costs not relieved, carried forward to the next year (s274C): the allowable amount
    /// less the amount relieved.
    pub carry_forward_amount: Money,
}

/// The foreign property business's part, with its costs country by country (HMRC's
/// `foreignPropertyRfcDetail`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignPropertyFinanceCosts {
    pub business: PropertyFinanceCosts,
    pub countries: Vec<CountryFinanceCosts>,
}

/// The residential finance costs of a foreign property business's properties in one
/// country.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountryFinanceCosts {
    pub country_code: String,
    pub amount_claimed: Money,
    pub allowable_amount: Money,
    /// The country's share of what the business carries forward: its allowable amount less
    /// its share of the amount relieved, shared in proportion to the allowable amounts.
    pub carry_forward_amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TaxDeductedAtSource {
    pub bbsi: Option<Money>,
    /// Tax taken off UK property income.
    pub uk_land_and_property: Option<Money>,
    /// Construction Industry Scheme deductions.
    pub cis: Option<Money>,
    /// UK tax taken off interest from UK securities.
    pub securities: Option<Money>,
    /// Tax the ISA manager accounted for on gains of voided ISAs.
    pub voided_isa: Option<Money>,
    pub pay_employments: Option<Money>,
    pub occupational_pensions: Option<Money>,
    pub state_benefits: Option<Money>,
    /// Tax taken off trading income other than CIS deductions.
    pub tax_taken_off_trading_income: Option<Money>,
    /// UK tax paid on foreign property income.
    pub special_withholding_tax_or_uk_tax_paid: Option<Money>,
}

impl TaxDeductedAtSource {
    pub fn total(&self) -> Money {
        [
            self.bbsi,
            self.uk_land_and_property,
            self.cis,
            self.tax_taken_off_trading_income,
            self.securities,
            self.voided_isa,
            self.pay_employments,
            self.occupational_pensions,
            self.state_benefits,
            self.special_withholding_tax_or_uk_tax_paid,
        ]
        .into_iter()
        .flatten()
        .sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GiftAid {
    /// Donations grossed up at the basic rate (ITA 2007 s414).
    pub gross_gift_aid_payments: Money,
    pub rate: Rate,
    /// Basic-rate tax treated as deducted from the donations.
    pub gift_aid_tax: Money,
    /// The tax reductions that count against `gift_aid_tax`: all but those for maintenance
    /// payments (ITA 2007 s425(4)).
    pub gift_aid_tax_reductions: Money,
    /// The income tax charged after those reductions: amount C of ITA 2007 s424(2).
    pub income_tax_charged_after_gift_aid_tax_reductions: Money,
    /// Extra tax charged when the taxpayer's own tax is less than `gift_aid_tax` (ITA 2007 s424).
    pub gift_aid_charge: Money,
    /// How far the basic rate limit (and the limits above it) moved.
    pub band_extension: Money,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarriageAllowanceTransferredIn {
    pub amount: Money,
    pub rate: Rate,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PensionContributionReliefs {
    /// Gross relief-at-source contributions: the band extension they give.
    pub total_pension_contribution_reliefs: Money,
    pub regular_pension_contributions: Money,
    /// The one-off payments among the relief-at-source contributions.
    pub one_off_pension_contributions_paid: Option<Money>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentLoan {
    pub plan: StudentLoanPlan,
    /// Income counted for student loans (earnings, profits, unearned income over the limit).
    pub total_income: Money,
    /// Income above the threshold.
    pub chargeable_income: Money,
    pub repayment_amount: Money,
    pub deductions_from_employment: Money,
    pub repayment_amount_net_of_deductions: Money,
    pub threshold: Money,
    pub rate: Rate,
    pub paye_income: Money,
    pub non_paye_income: Money,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodedOutUnderpayments {
    pub total_paye_underpayments: Option<Money>,
    pub total_self_assessment_underpayments: Option<Money>,
    /// The part of the Self Assessment underpayments counted as collected through PAYE,
    /// and the part left to pay (see `coding_out::collected`).
    pub total_collected_self_assessment_underpayments: Option<Money>,
    pub total_uncollected_self_assessment_underpayments: Option<Money>,
    /// The tax year the coded-out amounts are debts of (see `coding_out::related_tax_year`).
    pub related_tax_year: TaxYear,
    /// Whether the amounts are the customer's own rather than HMRC's.
    pub from_customer: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessProfitAndLoss {
    pub income_source_id: String,
    pub income_source_type: IncomeSourceType,
    pub net_profit: Money,
    pub net_loss: Money,
    /// Profit after losses brought forward: what is taxed.
    pub taxable_profit: Money,
    pub total_losses_brought_forward: Money,
    pub losses_used: Money,
    /// Losses of this year and unused losses brought forward, carried forward.
    pub losses_carried_forward: Money,
    pub class4_loss: Money,
    /// The accounts' totals, when the business's figures came with them.
    pub accounts: Option<crate::losses::BusinessAccounts>,
    /// The year's loss set against general income on a claim (ITA 2007 s64, s120).
    pub carry_sideways_losses_used: Money,
    /// The year's loss carried back to earlier years on a claim.
    pub carried_back: Money,
    pub class4: crate::losses::Class4Losses,
    pub transition: Option<crate::losses::TransitionProfit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeSourceType {
    SelfEmployment,
    UkProperty,
    ForeignProperty,
}

impl IncomeSourceType {
    /// HMRC's income source type name in the v8/v9 API.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            IncomeSourceType::SelfEmployment => "self-employment",
            IncomeSourceType::UkProperty => "uk-property",
            IncomeSourceType::ForeignProperty => "foreign-property",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmploymentAndPensionsIncome {
    pub total_pay_employment_and_lump_sum_income: Money,
    pub total_benefits_in_kind: Money,
    pub total_occupational_pension_income: Money,
    /// Tips and other earnings not taxed through PAYE.
    pub tips_income: Money,
    pub details: Vec<EmploymentOrPensionDetail>,
}

/// Employment expenses and share scheme income of the year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmploymentIncome {
    pub figures: crate::employment::EmploymentFigures,
    pub expenses: Option<crate::employment::EmploymentExpenses>,
    pub share_schemes: Vec<crate::employment::ShareScheme>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmploymentOrPensionDetail {
    pub name: String,
    pub occupational_pension: bool,
    pub taxable_pay_to_date: Money,
    pub total_tax_to_date: Money,
    pub benefits_in_kind: Money,
    pub student_loan_deductions: Money,
    pub postgraduate_loan_deductions: Money,
    pub record: crate::employment::EmploymentRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StateBenefitsIncome {
    /// Every benefit, State Pension lump sums included.
    pub total_state_benefits_income: Money,
    pub total_state_benefits_tax_paid: Option<Money>,
    pub total_state_benefits_income_exc_state_pension_lump_sum: Money,
    pub state_pension: Money,
    pub other_benefits: Vec<(String, Money)>,
    /// Each benefit that has an id, in the order given.
    pub details: Vec<StateBenefitDetail>,
}

/// One benefit as HMRC's `stateBenefitsDetail` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateBenefitDetail {
    /// HMRC's benefit type: `statePension`, `jobSeekersAllowance`, ….
    pub benefit_type: String,
    pub income_source_id: String,
    pub amount: Money,
    pub tax_paid: Option<Money>,
    pub hmrc_held: bool,
    /// For a State Pension lump sum: the rate it was charged at (F(No.2)A 2005 s7).
    pub rate: Option<Rate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SavingsAndGainsIncome {
    pub total_chargeable_savings_and_gains: Money,
    pub total_uk_savings_and_gains: Money,
    pub accounts: Vec<SavingsAccountIncome>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SavingsAccountIncome {
    pub name: String,
    pub gross_income: Money,
    pub net_income: Money,
    pub tax_deducted: Money,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DividendsIncome {
    pub total_chargeable_dividends: Money,
    pub total_uk_dividends: Money,
    pub total_foreign_dividends: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IncomeSummaryTotals {
    pub total_self_employment_profit: Money,
    pub total_property_profit: Money,
    pub total_uk_other_property_profit: Money,
    pub total_foreign_property_profit: Money,
    pub total_employment_income: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaxCalculation {
    pub income_tax: IncomeTax,
    pub nics: Nics,
    pub total_tax_deducted_before_coding_out: Money,
    pub sa_underpayments_coded_out: Money,
    pub total_income_tax_nics_charged: Money,
    pub total_student_loans_repayment_amount: Money,
    /// Basic-rate tax the taxpayer deducted from annual payments made, which they account
    /// for (ITA 2007 s900, Part 15 Chapter 17).
    pub total_annuity_payments_tax_charged: Money,
    /// Basic-rate tax deducted from patent royalties paid, charged on the payer (ITA 2007
    /// s903); part of `total_income_tax_nics_charged`.
    pub total_royalty_payments_tax_charged: Money,
    pub total_tax_deducted: Money,
    pub total_income_tax_and_nics_due: Money,
    /// Capital gains tax, when the taxpayer has gains or losses (TCGA 1992).
    pub capital_gains_tax: Option<CapitalGainsTax>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomeTax {
    pub total_income_received_from_all_sources: Money,
    pub total_allowances_and_deductions: Money,
    pub total_taxable_income: Money,
    pub pay_pensions_profit: Option<IncomeTaxCategory>,
    pub savings_and_gains: Option<IncomeTaxCategory>,
    pub dividends: Option<IncomeTaxCategory>,
    /// Gains on life policies: savings income charged as the highest part of income
    /// (ITA 2007 s1012).
    pub gains_on_life_policies: Option<IncomeTaxCategory>,
    /// Termination payments over the threshold: non-savings income charged as the highest
    /// part of total income (ITEPA 2003 s404A).
    pub lump_sums: Option<IncomeTaxCategory>,
    pub income_tax_charged: Money,
    /// Of the tax charged, what the transition profits add (FA 2022 Sch 1), when there are any.
    pub income_tax_charged_on_transition_profits: Option<Money>,
    pub total_reliefs: Money,
    pub income_tax_due_after_reliefs: Money,
    pub marriage_allowance_relief: Money,
    /// Basic-rate tax treated as paid on life policy gains (ITTOIA 2005 s530), set
    /// against the tax, never repaid.
    pub total_notional_tax: Money,
    pub income_tax_due_after_tax_reductions: Money,
    pub income_tax_due_after_gift_aid: Money,
    pub high_income_child_benefit_charge: Option<HighIncomeChildBenefitCharge>,
    pub pension_savings_tax_charges: Option<PensionSavingsTaxCharges>,
    /// The charge on State Pension lump sums (F(No.2)A 2005 s7).
    pub state_pension_lump_sum_charges: Option<Money>,
    /// The Winter Fuel Payment charge (ITEPA 2003 s681I).
    pub winter_fuel_payment_charge: Option<Money>,
    pub paye_underpayments_coded_out: Money,
    pub total_income_tax_due: Money,
    /// Adjusted net income (ITA 2007 s58): the figure the personal allowance taper and
    /// the child benefit charge are measured against.
    pub adjusted_net_income: Money,
    /// The personal savings allowance the taxpayer is entitled to (ITA 2007 s12B).
    pub personal_savings_allowance: Money,
}

/// The pension savings tax charges (FA 2004 Part 4 Chapter 5). The annual allowance
/// charge (s227): the excess charged band by band as if it were the highest part of the
/// taxpayer's income, at the non-savings rates of their regime (s227(4), (4AA)); the others
/// at flat rates. Tax paid on a charge is set against it, never beyond it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PensionSavingsTaxCharges {
    /// Pension savings over the annual allowance (nil when there is none).
    pub annual_allowance_excess: Money,
    pub pension_bands: Vec<TaxBand>,
    /// The annual allowance charge, before what the scheme paid.
    pub annual_allowance_charge: Money,
    /// Annual allowance charge paid by the scheme (FA 2004 s237B).
    pub annual_allowance_tax_paid: Money,
    pub unauthorised_payments_surcharge: Option<FlatCharge>,
    pub unauthorised_payments_no_surcharge: Option<FlatCharge>,
    pub overseas_transfer: Option<FlatCharge>,
    pub short_service_refund: Option<ShortServiceRefundCharge>,
    /// The lifetime allowance charge (FA 2004 s214-215), to 2022-23.
    pub lifetime_allowance_lump_sum: Option<FlatCharge>,
    pub lifetime_allowance_other: Option<FlatCharge>,
    /// Every charge before tax paid.
    pub total_pension_charges: Money,
    /// Every amount of tax paid, as given.
    pub total_tax_paid: Money,
    /// What is due: each charge less the tax paid on it, at least nil. This is what
    /// `totalIncomeTaxDue` includes.
    pub total_pension_savings_tax_charges: Money,
}

/// A charge at one rate on an amount, and the tax already paid on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatCharge {
    pub amount: Money,
    pub tax_paid: Money,
    pub rate: Rate,
    /// The rate on the amount, truncated to the penny.
    pub charge: Money,
}

impl FlatCharge {
    /// The charge less the tax paid, at least nil.
    pub fn due(&self) -> Money {
        self.charge.saturating_sub(self.tax_paid)
    }
}

/// The short service refund lump sum charge (FA 2004 s205(4)), band by band.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortServiceRefundCharge {
    pub amount: Money,
    pub bands: Vec<ShortServiceRefundBand>,
    pub charge: Money,
    pub tax_paid: Money,
}

impl ShortServiceRefundCharge {
    pub fn due(&self) -> Money {
        self.charge.saturating_sub(self.tax_paid)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShortServiceRefundBand {
    /// `lower-band` or `upper-band`.
    pub upper: bool,
    pub rate: Rate,
    /// The lower limit: the top of the lower band, where the upper band starts.
    pub band_limit: Money,
    pub amount: Money,
    pub charge: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomeTaxCategory {
    pub income_received: Money,
    pub allowances_allocated: Money,
    pub taxable_income: Money,
    pub income_tax_amount: Money,
    pub tax_bands: Vec<TaxBand>,
}

/// One band of one income category, as HMRC shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaxBand {
    pub name: BandName,
    pub rate: Rate,
    /// The band's statutory upper limit (the allowance itself for nil-rate bands).
    pub band_limit: Money,
    /// The limit after extensions for Gift Aid and pension contributions.
    pub apportioned_band_limit: Money,
    pub income: Money,
    pub tax_amount: Money,
}

/// HMRC's band names (`taxBands[].name` in the v8/v9 API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BandName {
    SavingsStarterRate,
    AllowanceAwardedAtBasicRate,
    AllowanceAwardedAtHigherRate,
    AllowanceAwardedAtAdditionalRate,
    StarterRate,
    BasicRate,
    IntermediateRate,
    HigherRate,
    AdvancedRate,
    /// The UK additional rate, the dividend additional rate, and Scotland's top rate.
    AdditionalRate,
}

impl BandName {
    /// HMRC's public name (v8/v9).
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            BandName::SavingsStarterRate => "savings-starter-rate",
            BandName::AllowanceAwardedAtBasicRate => "allowance-awarded-at-basic-rate",
            BandName::AllowanceAwardedAtHigherRate => "allowance-awarded-at-higher-rate",
            BandName::AllowanceAwardedAtAdditionalRate => "allowance-awarded-at-additional-rate",
            BandName::StarterRate => "starter-rate",
            BandName::BasicRate => "basic-rate",
            BandName::IntermediateRate => "intermediate-rate",
            BandName::HigherRate => "higher-rate",
            BandName::AdvancedRate => "advanced-rate",
            BandName::AdditionalRate => "additional-rate",
        }
    }

    /// HMRC's downstream code, used by the v1 and v3 APIs (SRT, BRT, ZRTBR, …).
    pub const fn hmrc_code(self) -> &'static str {
        match self {
            BandName::SavingsStarterRate => "SSR",
            BandName::AllowanceAwardedAtBasicRate => "ZRTBR",
            BandName::AllowanceAwardedAtHigherRate => "ZRTHR",
            BandName::AllowanceAwardedAtAdditionalRate => "ZRTAR",
            BandName::StarterRate => "SRT",
            BandName::BasicRate => "BRT",
            BandName::IntermediateRate => "IRT",
            BandName::HigherRate => "HRT",
            BandName::AdvancedRate => "AVRT",
            BandName::AdditionalRate => "ART",
        }
    }

    /// Plain English, for people.
    pub const fn description(self) -> &'static str {
        match self {
            BandName::SavingsStarterRate => "starting rate for savings",
            BandName::AllowanceAwardedAtBasicRate => "allowance (basic rate band)",
            BandName::AllowanceAwardedAtHigherRate => "allowance (higher rate band)",
            BandName::AllowanceAwardedAtAdditionalRate => "allowance (additional rate band)",
            BandName::StarterRate => "starter rate",
            BandName::BasicRate => "basic rate",
            BandName::IntermediateRate => "intermediate rate",
            BandName::HigherRate => "higher rate",
            BandName::AdvancedRate => "advanced rate",
            BandName::AdditionalRate => "additional rate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HighIncomeChildBenefitCharge {
    pub child_benefit_amount: Money,
    pub adjusted_net_income: Money,
    /// Per cent of the Child Benefit charged.
    pub charge_percentage: u32,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nics {
    pub class2: Option<Class2Nics>,
    pub class4: Option<Class4Nics>,
    pub total_nic: Money,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Class2Nics {
    pub amount: Money,
    pub weekly_rate: Money,
    pub weeks: u32,
    /// The small profits threshold.
    pub limit: Money,
    pub under_small_profit_threshold: bool,
    /// Profits between the small profits threshold and the lower profits threshold (2022-23, 2023-24).
    pub under_lower_profit_threshold: Option<bool>,
    /// Whether Class 2 is actually payable (false when treated as paid or not due).
    pub actual_class2_nic: bool,
    pub class2_voluntary_contributions: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Class4Nics {
    pub total_income: Money,
    pub total_amount: Money,
    pub bands: Vec<Class4Band>,
    /// Set when the taxpayer was exempt (age) and so nothing is charged.
    pub exemption: Option<Class4Exemption>,
    /// The profits before Class 4 losses and adjustments, and the losses.
    pub profits: crate::losses::Class4Profits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class4Exemption {
    UnderMinimumAge,
    OverStatePensionAge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Class4Band {
    pub name: Class4BandName,
    pub rate: Rate,
    pub threshold: Option<Money>,
    pub income: Money,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class4BandName {
    ZeroRate,
    BasicRate,
    HigherRate,
}

impl Class4BandName {
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            Class4BandName::ZeroRate => "zero-rate",
            Class4BandName::BasicRate => "basic-rate",
            Class4BandName::HigherRate => "higher-rate",
        }
    }

    pub const fn hmrc_code(self) -> &'static str {
        match self {
            Class4BandName::ZeroRate => "ZRT",
            Class4BandName::BasicRate => "BRT",
            Class4BandName::HigherRate => "HRT",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndOfYearEstimate {
    pub income_sources: Vec<EstimatedIncomeSource>,
    pub total_estimated_income: Money,
    pub total_taxable_income: Money,
    pub income_tax_amount: Money,
    pub nic2: Money,
    pub nic4: Money,
    pub total_nic_amount: Money,
    pub total_student_loans_repayment_amount: Money,
    pub total_tax_deducted: Money,
    pub income_tax_nic_amount: Money,
    /// Capital gains tax charged on the year's gains (before tax already paid), when there are any.
    pub cgt_amount: Option<Money>,
    /// The estimate's tax deducted at source before Self Assessment debts coded out.
    pub total_tax_deducted_before_coding_out: Money,
    pub sa_underpayments_coded_out: Money,
    pub total_allowances_and_deductions: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EstimatedIncomeSource {
    pub income_source_type: EstimatedSourceType,
    pub income_source_name: Option<String>,
    pub taxable_income: Money,
    /// The allowances and deductions set against this source (see
    /// `estimate::allocate_allowances`).
    pub total_allowances_and_deductions: Money,
}

/// HMRC's `incomeSourceType` for end-of-year estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimatedSourceType {
    SelfEmployment,
    UkProperty,
    ForeignProperty,
    Employments,
    UkSavings,
    UkDividends,
    ForeignDividends,
    StatePension,
    OtherIncome,
}

impl EstimatedSourceType {
    /// HMRC's v8/v9 name.
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            EstimatedSourceType::SelfEmployment => "self-employment",
            EstimatedSourceType::UkProperty => "uk-property",
            EstimatedSourceType::ForeignProperty => "foreign-property",
            EstimatedSourceType::Employments => "employments",
            EstimatedSourceType::UkSavings => "uk-savings-and-gains",
            EstimatedSourceType::UkDividends => "uk-dividends",
            EstimatedSourceType::ForeignDividends => "foreign-dividends",
            EstimatedSourceType::StatePension => "state-benefits",
            EstimatedSourceType::OtherIncome => "other-income",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LossesAndClaims {
    pub carried_forward: Vec<LossCarriedForward>,
    pub result_of_claims_applied: Vec<crate::losses::ClaimResult>,
    pub carried_forward_losses: Vec<crate::losses::ClaimResult>,
    pub default_carried_forward: Vec<crate::losses::DefaultCarriedForward>,
    pub claims_not_applied: Vec<crate::losses::LossClaim>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LossCarriedForward {
    pub income_source_id: String,
    pub income_source_type: IncomeSourceType,
    pub amount: Money,
}
