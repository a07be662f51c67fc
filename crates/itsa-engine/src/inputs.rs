//! What the engine calculates from: one taxpayer's income, claims and circumstances for
//! one tax year, as HMRC's income-submission APIs carry them.
//!
//! Amounts are pounds; income may carry pence (the engine rounds as HMRC does, see
//! docs/rounding.md). A missing source is an empty list or zero.

use itsa_rules::{Date, Money, Regime, Sex, TaxYear};

#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub tax_year: TaxYear,
    pub regime: Regime,
    /// Drives the Class 2 and Class 4 age exemptions; `None` means not given (no exemption).
    pub date_of_birth: Option<Date>,
    /// Used only for state pension age, which differs for women born before 6 December
    /// 1953; the men's timetable when not known.
    pub sex: Sex,
    /// How allowances are set against the kinds of income: the statute's way by default.
    pub allowance_order: AllowanceOrder,
    /// For an in-year calculation: the last day covered by the income submitted so far.
    /// The engine then also projects an end-of-year estimate. `None` for a full year.
    pub income_to_date: Option<Date>,

    pub employments: Vec<Employment>,
    /// Occupational and private pensions (not the State Pension).
    pub pensions: Vec<Pension>,
    pub state_pension: Money,
    /// Taxable state benefits other than the State Pension.
    pub state_benefits: Vec<StateBenefit>,
    /// The State Pension benefit by benefit, where each is known (HMRC's or the customer's
    /// record, with its id): for the calculation's detail. `state_pension` is the total.
    pub state_pension_sources: Vec<StateBenefit>,
    /// State Pension lump sums for deferring the State Pension: charged at one rate, not
    /// part of total income (F(No.2)A 2005 s7).
    pub state_pension_lump_sums: Vec<StateBenefit>,
    pub self_employments: Vec<SelfEmployment>,
    pub uk_property: Option<UkProperty>,
    /// An overseas property business (ITTOIA 2005 s265): its profit is non-savings income,
    /// like UK property's.
    pub foreign_property: Option<ForeignProperty>,
    pub savings_accounts: Vec<SavingsAccount>,
    /// UK dividends.
    pub dividends: Money,
    /// Dividends from companies resident outside the UK, taxed as dividend income
    /// (ITTOIA 2005 s402).
    pub foreign_dividends: Money,
    /// Other taxable non-savings income.
    pub other_income: Money,
    /// Sums received from a trade after it ceased, each taxed as non-savings income of
    /// this year (ITTOIA 2005 s242, s245).
    pub post_cessation_receipts: Vec<Money>,
    /// Tips, share scheme income, lump sums without an employment, employment expenses and
    /// the other employment figures (see [`crate::employment`]).
    pub employment_extras: crate::employment::EmploymentExtras,
    /// Gains on life insurance policies, capital redemption policies, life annuities,
    /// voided ISAs and foreign policies (chargeable events, ITTOIA 2005 Part 4 Chapter 9).
    pub life_policy_gains: Vec<LifePolicyGain>,
    /// Dividends, savings and foreign income with its foreign tax (`crate::foreign`).
    pub foreign: crate::foreign::ForeignInputs,

    /// Gift Aid donations actually paid in the year (net of basic-rate tax).
    pub gift_aid_paid: Money,
    /// Relief-at-source pension contributions, gross (net paid plus basic-rate relief).
    pub pension_contributions_relief_at_source: Money,
    /// Share subscriptions on which relief is claimed as a tax reduction.
    pub investment_subscriptions: InvestmentSubscriptions,
    /// The other reliefs claimed: deductions from income and tax reductions.
    pub relief_claims: crate::reliefs::ReliefClaims,
    /// Pension savings over the annual allowance, after any unused allowance carried
    /// forward: charged at the taxpayer's rates as the top slice of income (FA 2004 s227).
    pub annual_allowance_excess: Money,
    /// The other pension savings tax charges, and the annual allowance charge the scheme paid.
    pub pension_charges: PensionChargeInputs,
    /// Winter Fuel Payments (or Pension Age Winter Heating Payments) received, charged back
    /// when total income is over the threshold (ITEPA 2003 s681I).
    pub winter_fuel_payment: Money,
    pub blind_persons_allowance: bool,
    pub marriage_allowance: MarriageAllowance,
    pub student_loan_plans: Vec<StudentLoanPlan>,
    /// Child Benefit received in the year, for the High Income Child Benefit Charge.
    pub child_benefit: Money,
    /// Whether the taxpayer chooses to pay Class 2 voluntarily when it is not due.
    pub class2_voluntary: bool,
    pub coded_out: CodedOut,
    /// Chargeable gains and allowable losses of the year, for capital gains tax.
    pub capital_gains: Option<CapitalGains>,
    /// Losses brought forward and loss claims as submitted, for `lossesAndClaims`.
    pub loss_records: crate::losses::LossRecords,
    /// Tax deducted from trading and property income before it was paid.
    pub business_tax_deducted: BusinessTaxDeducted,
}

/// Tax taken off business income before the taxpayer received it, credited against the
/// year's liability as tax deducted at source is (ITA 2007 s1020, TMA 1970 s59B(1)(b)).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BusinessTaxDeducted {
    /// Deductions contractors made under the Construction Industry Scheme in the year
    /// (FA 2004 s61), as HMRC's CIS Deductions API holds them.
    pub cis: Money,
    /// Other tax taken off trading income (`taxTakenOffTradingIncome` of a self-employment's
    /// submissions).
    pub trading_income: Money,
    /// Tax deducted from UK property income: a non-resident landlord's rent paid with basic
    /// rate tax taken off (Taxation of Income from Land (Non-residents) Regulations 1995).
    pub uk_property: Money,
    /// UK tax paid on foreign property income (HMRC's `specialWithholdingTaxOrUkTaxPaid`
    /// of the foreign property submissions).
    pub foreign_property: Money,
}

impl Inputs {
    /// A taxpayer with no income, for building inputs field by field.
    pub fn new(tax_year: TaxYear, regime: Regime) -> Self {
        Inputs {
            tax_year,
            regime,
            date_of_birth: None,
            sex: Sex::default(),
            allowance_order: AllowanceOrder::default(),
            income_to_date: None,
            employments: Vec::new(),
            pensions: Vec::new(),
            state_pension: Money::ZERO,
            state_benefits: Vec::new(),
            state_pension_sources: Vec::new(),
            state_pension_lump_sums: Vec::new(),
            self_employments: Vec::new(),
            uk_property: None,
            foreign_property: None,
            savings_accounts: Vec::new(),
            dividends: Money::ZERO,
            foreign_dividends: Money::ZERO,
            other_income: Money::ZERO,
            post_cessation_receipts: Vec::new(),
            employment_extras: crate::employment::EmploymentExtras::default(),
            life_policy_gains: Vec::new(),
            foreign: crate::foreign::ForeignInputs::default(),
            gift_aid_paid: Money::ZERO,
            pension_contributions_relief_at_source: Money::ZERO,
            investment_subscriptions: InvestmentSubscriptions::default(),
            relief_claims: crate::reliefs::ReliefClaims::default(),
            annual_allowance_excess: Money::ZERO,
            pension_charges: PensionChargeInputs::default(),
            winter_fuel_payment: Money::ZERO,
            blind_persons_allowance: false,
            marriage_allowance: MarriageAllowance::None,
            student_loan_plans: Vec::new(),
            child_benefit: Money::ZERO,
            class2_voluntary: false,
            coded_out: CodedOut::default(),
            capital_gains: None,
            loss_records: Default::default(),
            business_tax_deducted: BusinessTaxDeducted::default(),
        }
    }

    /// Whether any income at all has been submitted.
    pub fn has_income(&self) -> bool {
        !self.employments.is_empty()
            || !self.pensions.is_empty()
            || !self.state_pension.is_zero()
            || !self.state_benefits.is_empty()
            || !self.state_pension_lump_sums.is_empty()
            || !self.self_employments.is_empty()
            || self.uk_property.is_some()
            || self.foreign_property.is_some()
            || !self.savings_accounts.is_empty()
            || !self.dividends.is_zero()
            || !self.foreign_dividends.is_zero()
            || !self.other_income.is_zero()
            || !self.post_cessation_receipts.is_empty()
            || !self.life_policy_gains.is_empty()
            || self.foreign.has_income()
            || !self.employment_extras.tips.is_zero()
            || !self.employment_extras.share_schemes.is_empty()
            || !self.employment_extras.lump_sums.is_empty()
            || self.capital_gains.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Employment {
    /// HMRC's employment id or the employer's name: how the taxpayer knows it.
    pub name: String,
    /// Taxable pay (P60 / P45 pay).
    pub pay: Money,
    pub benefits_in_kind: Money,
    /// Income tax deducted under PAYE; negative where the employer repaid more than it
    /// deducted (ITEPA 2003 s684(2) item 1), which reduces the tax deducted at source.
    pub tax_deducted: Money,
    /// Student loan (Plans 1, 2, 4, 5) deductions made by the employer.
    pub student_loan_deductions: Money,
    /// Postgraduate loan deductions made by the employer.
    pub postgraduate_loan_deductions: Money,
    /// The employment's particulars, benefits item by item and lump sums.
    pub record: crate::employment::EmploymentRecord,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pension {
    pub name: String,
    pub amount: Money,
    /// Income tax deducted under PAYE; negative where more was repaid than deducted.
    pub tax_deducted: Money,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateBenefit {
    /// HMRC's benefit type, for example `jobSeekersAllowance`, or a plain description.
    pub name: String,
    pub amount: Money,
    pub tax_deducted: Money,
    /// HMRC's id for the benefit (a UUID), where it has one.
    pub income_source_id: Option<String>,
    /// Whether HMRC holds the benefit (from DWP) rather than the customer having added it.
    pub hmrc_held: bool,
}

/// Pension savings tax charges other than the annual allowance charge (FA 2004 Part 4
/// Chapter 5), as HMRC's pension charges submission carries them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PensionChargeInputs {
    /// Annual allowance charge paid by the scheme (scheme pays, FA 2004 s237B).
    pub annual_allowance_tax_paid: Money,
    /// Unauthorised payments subject to the surcharge (FA 2004 s208, s209), and the foreign
    /// tax paid on them.
    pub unauthorised_surcharge: Option<AmountAndTaxPaid>,
    /// Unauthorised payments not subject to the surcharge (FA 2004 s208).
    pub unauthorised_no_surcharge: Option<AmountAndTaxPaid>,
    /// A transfer to a qualifying recognised overseas pension scheme subject to the
    /// overseas transfer charge (FA 2004 s244A), and the tax paid on it.
    pub overseas_transfer: Option<AmountAndTaxPaid>,
    /// A short service refund of overseas pension contributions (FA 2004 s205), and the tax
    /// paid on it.
    pub short_service_refund: Option<AmountAndTaxPaid>,
    /// Benefits over the lifetime allowance taken as a lump sum (FA 2004 s214-215), to
    /// 2022-23, and the tax paid on them.
    pub lifetime_allowance_lump_sum: Option<AmountAndTaxPaid>,
    /// Benefits over the lifetime allowance taken otherwise, to 2022-23.
    pub lifetime_allowance_other: Option<AmountAndTaxPaid>,
}

impl PensionChargeInputs {
    pub fn is_empty(&self) -> bool {
        *self == PensionChargeInputs::default()
    }
}

/// An amount subject to a charge and the tax already paid on it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AmountAndTaxPaid {
    pub amount: Money,
    pub tax_paid: Money,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SelfEmployment {
    /// HMRC's business id (`XAIS12345678901`) or another name for the trade.
    pub business_id: String,
    /// Adjusted taxable profit for the year; negative is a loss.
    pub adjusted_profit: Money,
    /// Trading losses of this trade brought forward from earlier years (ITA 2007 s83).
    pub losses_brought_forward: Money,
    /// A claim to set this year's loss of the trade against the year's general income
    /// (ITA 2007 s64(2)(a)); without one the loss is carried forward.
    pub claims_sideways: bool,
    /// Transition profits, Class 4 figures, the accounts' totals and loss claims.
    pub extras: crate::losses::TradeExtras,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UkProperty {
    /// HMRC's business id for the property business (`XPIS12345678901`).
    pub business_id: String,
    /// Profit before any relief for residential finance costs; negative is a loss.
    pub profit: Money,
    /// Residential finance costs for the year (ITTOIA 2005 s272A).
    pub residential_finance_costs: Money,
    /// Residential finance costs not yet relieved, brought forward (ITTOIA 2005 s274C).
    pub finance_costs_brought_forward: Money,
    /// Property losses brought forward (ITA 2007 s118).
    pub losses_brought_forward: Money,
    /// The accounts' totals, when known.
    pub accounts: Option<crate::losses::BusinessAccounts>,
}

/// An overseas property business (ITTOIA 2005 s265): one business, wherever its
/// properties are, so its profit and its residential finance costs relief are the
/// business's; its figures by country are what foreign tax credit relief is given on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignProperty {
    /// HMRC's business id for the foreign property business (`XFIS12345678901`).
    pub business_id: String,
    /// Profit of all the properties together, before residential finance costs relief and
    /// before any foreign tax is deducted (TIOPA 2010 s112); negative is a loss.
    pub profit: Money,
    /// The business's figures country by country (empty when only the profit is known).
    pub countries: Vec<ForeignPropertyCountry>,
    /// The accounts' totals, when known.
    pub accounts: Option<crate::losses::BusinessAccounts>,
}

impl ForeignProperty {
    /// The foreign tax of the countries whose income no foreign tax credit relief is claimed
    /// on: deducted from the income instead (TIOPA 2010 s112).
    pub fn foreign_tax_deducted(&self) -> Money {
        self.countries.iter().filter(|c| !c.claims_credit).map(|c| c.foreign_tax.at_least_zero()).sum()
    }

    /// The residential finance costs of the year, all countries together (ITTOIA 2005 s272A).
    pub fn residential_finance_costs(&self) -> Money {
        self.countries.iter().map(|c| c.residential_finance_costs).sum()
    }

    /// Residential finance costs brought forward, all countries together (s274C).
    pub fn finance_costs_brought_forward(&self) -> Money {
        self.countries.iter().map(|c| c.finance_costs_brought_forward).sum()
    }
}

/// A foreign property business's figures for the properties in one country.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForeignPropertyCountry {
    /// ISO 3166-1 alpha-3.
    pub country_code: String,
    /// The profit of the properties in the country, as worked out with the business's
    /// (negative: a loss), before any foreign tax is deducted: the measure by which the
    /// business's profit is shared between countries for foreign tax credit relief.
    pub profit: Money,
    /// Residential finance costs of the year (ITTOIA 2005 s272A).
    pub residential_finance_costs: Money,
    /// Residential finance costs not yet relieved, brought forward (ITTOIA 2005 s274C).
    pub finance_costs_brought_forward: Money,
    /// Foreign tax paid on or deducted from the income.
    pub foreign_tax: Money,
    /// Whether foreign tax credit relief is claimed on the foreign tax (TIOPA 2010 s18);
    /// without a claim the foreign tax is deducted from the income (s112).
    pub claims_credit: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LifePolicyGain {
    pub kind: PolicyKind,
    /// The customer's reference for the policy.
    pub name: String,
    pub gain: Money,
    /// Complete years the policy has run, for top slicing relief (ITTOIA 2005 s536); at
    /// least one.
    pub years: u32,
    /// Whether basic-rate tax is treated as paid on the gain (a UK policy, s530).
    pub tax_treated_as_paid: bool,
    /// Tax actually paid on the gain: on a voided ISA, the tax the ISA manager accounted
    /// for (repayable like tax deducted at source); on a foreign policy, the tax paid as
    /// submitted (docs/differences.md).
    pub tax_paid: Money,
    /// The years held and since the last gain as submitted, for the calculation object.
    pub years_held: Option<u32>,
    pub years_held_since_last_gain: Option<u32>,
}

/// The kind of policy a chargeable event gain arose on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyKind {
    #[default]
    LifeInsurance,
    CapitalRedemption,
    LifeAnnuity,
    /// An ISA made void whose investments included a life policy (ISA Regulations 1998
    /// reg 34A): no tax is treated as paid on the gain.
    VoidedIsa,
    /// A policy issued by an insurer outside the UK: no tax is treated as paid (s530-531).
    Foreign,
}

impl PolicyKind {
    /// HMRC's name in the v8/v9 API (a foreign policy has none: HMRC lists it apart).
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            PolicyKind::LifeInsurance => "life-insurance",
            PolicyKind::CapitalRedemption => "capital-redemption",
            PolicyKind::LifeAnnuity => "life-annuity",
            PolicyKind::VoidedIsa => "voided-isa",
            PolicyKind::Foreign => "foreign",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SavingsAccount {
    pub name: String,
    pub gross_interest: Money,
    pub tax_deducted: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarriageAllowance {
    #[default]
    None,
    /// Gives part of their personal allowance to their spouse or civil partner.
    Transferor,
    /// Receives it, as a tax reduction.
    Recipient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StudentLoanPlan {
    Plan1,
    Plan2,
    Plan4,
    Plan5,
    Postgraduate,
}

impl StudentLoanPlan {
    /// Plain English: "Plan 1", "Postgraduate loan".
    pub const fn description(self) -> &'static str {
        match self {
            StudentLoanPlan::Plan1 => "Plan 1",
            StudentLoanPlan::Plan2 => "Plan 2",
            StudentLoanPlan::Plan4 => "Plan 4",
            StudentLoanPlan::Plan5 => "Plan 5",
            StudentLoanPlan::Postgraduate => "Postgraduate loan",
        }
    }

    /// HMRC's downstream plan code ("01", "02", "04", "05"; the postgraduate loan is "03"),
    /// as the v1 and v3 views use it; v8 and v9 name the plans instead.
    pub const fn hmrc_plan_type(self) -> &'static str {
        match self {
            StudentLoanPlan::Plan1 => "01",
            StudentLoanPlan::Plan2 => "02",
            StudentLoanPlan::Postgraduate => "03",
            StudentLoanPlan::Plan4 => "04",
            StudentLoanPlan::Plan5 => "05",
        }
    }
}

/// Subscriptions for shares that give relief as a reduction of tax (ITA 2007 s26(1)(a)):
/// for each scheme, the amount on which relief is claimed for the year (SA101, "amount on
/// which relief is claimed").
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InvestmentSubscriptions {
    /// Venture capital trusts (ITA 2007 Part 6).
    pub vct: Money,
    /// Enterprise investment scheme companies (ITA 2007 Part 5).
    pub eis: Money,
    /// Of `eis`, the part subscribed in knowledge-intensive companies (ITA 2007 s158(4A)).
    pub eis_knowledge_intensive: Money,
    /// Seed enterprise investment scheme companies (ITA 2007 Part 5A).
    pub seis: Money,
}

/// Chargeable gains of the year (TCGA 1992) by the group HMRC taxes them in, before
/// losses, with the year's allowable losses and those brought forward.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CapitalGains {
    /// Gains on residential property (UK or elsewhere), other than those under
    /// `relief_gains`.
    pub residential_gains: Money,
    /// Gains on other assets, other than `relief_gains` and `attributed_gains`.
    pub other_gains: Money,
    /// Gains attributed to the taxpayer from a trust, against which personal losses are
    /// not set.
    pub attributed_gains: Money,
    /// Gains qualifying for Business Asset Disposal Relief or Investors' Relief.
    pub relief_gains: Money,
    /// Allowable losses arising in the year.
    pub losses_of_year: Money,
    /// Allowable losses of earlier years available to set against this year's gains.
    pub losses_brought_forward: Money,
    /// Adjustments that increase (or, negative, reduce) the tax.
    pub adjustments: Money,
    /// Capital gains tax already paid on the year's gains (Real Time Transactions).
    pub tax_already_paid: Money,
    /// Losses on shares claimed against the year's general income (share loss relief,
    /// ITA 2007 s131); they are not allowable losses for capital gains tax as well.
    pub share_losses_against_income: Money,
}

/// Debts collected through this year's PAYE tax code.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CodedOut {
    /// Self Assessment debts of earlier years being collected through this year's code.
    pub sa_underpayments: Money,
    /// PAYE underpayments of earlier years being collected through this year's code.
    pub paye_underpayments: Money,
    /// Whether the amounts are the customer's own (the Self Assessment Accounts API's
    /// coding-out endpoint) rather than the ones HMRC holds.
    pub from_customer: bool,
}

/// How the personal allowance and other Step 3 allowances are set against income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllowanceOrder {
    /// In the way that gives the least tax (ITA 2007 s25(2)), as the law requires.
    #[default]
    MostBeneficial,
    /// Always non-savings, then savings, then dividends: HMRC's default order, which
    /// calculators that do not apply s25(2) use. For comparing with them, never for a bill.
    DefaultOrder,
}
