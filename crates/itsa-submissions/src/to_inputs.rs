//! A taxpayer's year turned into the engine's inputs.
//!
//! Submissions are folded as HMRC keeps them: a `PUT` replaces what the same resource held
//! (the last cumulative summary, annual submission or amounts of a business, account,
//! employment or benefit counts); period summaries (`se-period`, `uk-property-period`,
//! `foreign-property-period`) add up. A submission that carries a figure the engine does
//! not calculate yet makes the whole year an error ([`NOT_CALCULATED`]) rather than a bill
//! that leaves it out.

mod employment;

use std::collections::HashMap;
use std::fmt::Display;

use itsa_engine::inputs::{
    CodedOut, Employment, ForeignProperty, ForeignPropertyCountry, MarriageAllowance, Pension, SavingsAccount,
    SelfEmployment, StateBenefit, UkProperty,
};
use itsa_engine::{Date, Inputs, Money, Rules};
use rust_decimal::Decimal;

use crate::amount::or_zero;
use crate::bodies::self_employment::{AnnualSubmission, PeriodDisallowableExpenses, PeriodExpenses, PeriodIncome};
use crate::case::{CalculationType, TaxpayerYear};
use crate::endpoint::BusinessType;
use crate::{Body, Endpoint, NOT_CALCULATED, SubmissionError};

mod capital_gains;
mod foreign;
mod losses;
mod reliefs;

/// The date of birth assumed when HMRC holds none (SUBMISSION-CASES.md).
fn default_date_of_birth() -> Date {
    Date::new(1980, 1, 1).expect("a calendar date")
}

/// Where in a taxpayer's year a figure came from, for the message of a refusal; written
/// out only when there is one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At {
    HeldEmployment(usize),
    Submission(usize, Endpoint),
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::HeldEmployment(n) => write!(f, "hmrc_held/employments/{n}"),
            At::Submission(n, endpoint) => write!(f, "submissions/{n} ({})", endpoint.name()),
        }
    }
}

pub(crate) fn not_calculated(at: &dyn Display, what: &str) -> SubmissionError {
    SubmissionError::new(
        NOT_CALCULATED,
        format!(
            "{at}: itsa does not calculate {what} yet, so it refuses the year rather than leave it out of the bill"
        ),
    )
}

/// Refuse `what` at `at` when `amount` is not zero.
fn refuse_if_any(amount: Money, at: &dyn Display, what: &str) -> Result<(), SubmissionError> {
    if amount.is_zero() { Ok(()) } else { Err(not_calculated(at, what)) }
}

/// A self-employment's figures for the year.
#[derive(Default)]
pub(crate) struct Trade {
    income: Money,
    expenses: Money,
    disallowable: Money,
    tax_taken_off: Money,
    annual: Option<AnnualSubmission>,
    /// The last day the figures cover.
    to: Option<Date>,
}

impl Trade {
    fn add(
        &mut self,
        income: Option<&PeriodIncome>,
        expenses: Option<&PeriodExpenses>,
        disallowable: Option<&PeriodDisallowableExpenses>,
    ) {
        self.income += income.map_or(Money::ZERO, PeriodIncome::total);
        self.tax_taken_off += or_zero(income.and_then(|i| i.tax_taken_off_trading_income));
        self.expenses += expenses.map_or(Money::ZERO, PeriodExpenses::total);
        self.disallowable += disallowable.map_or(Money::ZERO, PeriodDisallowableExpenses::total);
    }

    /// The adjusted profit (negative: a loss): income less allowable expenses (the
    /// disallowable part added back), with the annual adjustments and less the capital
    /// allowances; or, where the trading income allowance is claimed, income less the
    /// allowance instead of expenses (ITTOIA 2005 s783AC), never below nil.
    fn profit(&self, trading_income_allowance_limit: Money) -> Money {
        let annual = self.annual.as_ref();
        let adjustments = annual.and_then(|a| a.adjustments.as_ref()).map_or(Money::ZERO, losses::adjustments_net);
        let allowances = annual.and_then(|a| a.allowances.as_ref());
        match allowances.and_then(|a| a.trading_income_allowance) {
            Some(claimed) => {
                let allowance = claimed.money().min(trading_income_allowance_limit).min(self.income.at_least_zero());
                self.income - allowance + adjustments
            }
            None => {
                let capital_allowances = allowances.map_or(Money::ZERO, |a| a.total());
                self.income - self.expenses + self.disallowable + adjustments - capital_allowances
            }
        }
    }
}

/// Turn a taxpayer's year into the engine's inputs.
pub fn to_inputs(year: &TaxpayerYear) -> Result<Inputs, SubmissionError> {
    let mut inputs = Inputs::new(year.tax_year, year.hmrc_held.regime);
    to_inputs_in(year, &mut inputs)?;
    Ok(inputs)
}

/// Turn a taxpayer's year into the engine's inputs as [`to_inputs`] does, in `inputs`,
/// which are as `Inputs::new` makes them for the year's tax year and regime: the inputs
/// are large, and filled where the caller keeps them they are not moved again.
pub fn to_inputs_in(year: &TaxpayerYear, inputs: &mut Inputs) -> Result<(), SubmissionError> {
    let held = &year.hmrc_held;
    let rules = Rules::for_year(year.tax_year, held.regime)
        .map_err(|e| SubmissionError::new("TAX_YEAR_NOT_SUPPORTED", e.to_string()))?;
    debug_assert!(inputs.tax_year == year.tax_year && inputs.regime == held.regime);
    inputs.date_of_birth = Some(held.date_of_birth.map_or_else(default_date_of_birth, |d| d.0));
    inputs.sex = held.sex;
    inputs.student_loan_plans = held.student_loan_plans.clone();
    inputs.blind_persons_allowance = held.blind;
    inputs.marriage_allowance = held.marriage_allowance;
    inputs.child_benefit = held.child_benefit();
    if let Some(c) = held.coded_out {
        inputs.coded_out = CodedOut {
            sa_underpayments: or_zero(c.self_assessment_underpayment),
            paye_underpayments: or_zero(c.paye_underpayment),
            from_customer: false,
        };
    }

    for (n, e) in held.employments.iter().enumerate() {
        let at = At::HeldEmployment(n);
        let tax_deducted = or_zero(e.tax_deducted);
        let bik = e.benefits_in_kind.as_ref().map_or(Money::ZERO, |b| b.total());
        push_employment(
            inputs,
            &at,
            EmploymentFigures {
                name: e.employer_name.clone(),
                occupational_pension: e.occupational_pension,
                pay: e.pay.money(),
                tax_deducted,
                benefits_in_kind: bik,
                student_loans: or_zero(e.student_loan_deductions),
                postgraduate_loans: or_zero(e.postgraduate_loan_deductions),
                record: employment::held_record(e.employer_ref.as_ref(), e.benefits_in_kind.as_ref()),
            },
        )?;
    }
    for (n, b) in held.state_benefits.iter().enumerate() {
        let benefit = BenefitFigures {
            id: held_benefit_id(n),
            hmrc_held: true,
            amount: b.amount.money(),
            tax: or_zero(b.tax_paid),
        };
        push_benefit(inputs, &b.benefit_type, benefit);
    }

    // Resources that submissions build up, keyed by the id that made them.
    let mut trades: HashMap<usize, Trade> = HashMap::new();
    let mut employments: Vec<(&str, EmploymentFigures)> = Vec::new();
    let mut employment_details: HashMap<&str, EmploymentFigures> = HashMap::new();
    let mut accounts: Vec<(&str, &str)> = Vec::new();
    let mut account_figures: HashMap<&str, (Money, Money)> = HashMap::new();
    let mut benefits: Vec<(&str, &str)> = Vec::new();
    let mut benefit_amounts: HashMap<&str, (Money, Money)> = HashMap::new();
    let mut loss_submissions = losses::Losses::default();
    let mut uk_dividends = None;
    // Each resource's foreign sources, replaced by the next submission of the resource.
    let mut dividend_sources = Vec::new();
    let mut savings_sources = Vec::new();
    let mut other_income_sources = Vec::new();
    let mut child_benefit = None;
    let mut other_employment = None;
    let mut gains = capital_gains::Submitted::default();

    for (n, s) in year.submissions.iter().enumerate() {
        let at = At::Submission(n, s.endpoint);
        let target = s.target.as_ref().map_or("", |t| t.id.as_str());
        let created = s.created.as_ref().map_or("", |c| c.id.as_str());
        if loss_submissions.take(s, year.tax_year, &at)? {
            continue;
        }
        match &s.body {
            Body::SePeriod(p) => {
                let trade = trades.entry(s.business.unwrap_or_default()).or_default();
                trade.add(
                    p.period_income.as_ref(),
                    p.period_expenses.as_ref(),
                    p.period_disallowable_expenses.as_ref(),
                );
                trade.to = trade.to.max(Some(p.period_dates.period_end_date.0));
            }
            Body::SeCumulative(c) => {
                let trade = trades.entry(s.business.unwrap_or_default()).or_default();
                let annual = trade.annual.take();
                *trade = Trade { annual, ..Trade::default() };
                trade.add(
                    c.period_income.as_ref(),
                    c.period_expenses.as_ref(),
                    c.period_disallowable_expenses.as_ref(),
                );
                trade.to = c.period_dates.as_ref().map(|d| d.period_end_date.0);
            }
            Body::SeAnnual(a) => {
                // Transition profits, Class 4 adjustments and exemptions: `losses::trade_extras`.
                trades.entry(s.business.unwrap_or_default()).or_default().annual = Some(a.clone());
            }
            Body::EmploymentCreate(e) => {
                employments.push((
                    created,
                    EmploymentFigures {
                        name: e.employer_name.clone(),
                        occupational_pension: e.occupational_pension,
                        record: employment::custom_record(created, e),
                        ..EmploymentFigures::default()
                    },
                ));
            }
            Body::EmploymentFinancialDetails(d) => {
                let (_, created) =
                    employments.iter().find(|(id, _)| *id == target).expect("ids are resolved on reading");
                employment_details.insert(
                    target,
                    EmploymentFigures {
                        pay: d.taxable_pay(),
                        tax_deducted: d.tax_deducted(),
                        benefits_in_kind: d.benefits_in_kind(),
                        student_loans: d.student_loan_deductions(),
                        postgraduate_loans: d.postgraduate_loan_deductions(),
                        record: itsa_engine::employment::EmploymentRecord {
                            off_payroll_worker: d.employment.off_payroll_worker,
                            benefits: d
                                .employment
                                .benefits_in_kind
                                .as_ref()
                                .map(crate::bodies::employments::BenefitsInKind::named)
                                .unwrap_or_default(),
                            ..created.record.clone()
                        },
                        ..created.clone()
                    },
                );
            }
            Body::SavingsAccountCreate(a) => {
                accounts.push((created, &a.account_name));
            }
            Body::SavingsAccountAnnual(a) => {
                // Taxed interest is given net of tax deducted at the basic rate for savings
                // (ITA 2007 s851 as it stood; HMRC's "net taxed interest"): gross it up.
                let net = or_zero(a.taxed_uk_interest);
                let rate = rules.savings_basic_rate.as_percent();
                let gross_taxed = Money::new(net.amount() * Decimal::ONE_HUNDRED / (Decimal::ONE_HUNDRED - rate));
                let untaxed = or_zero(a.untaxed_uk_interest);
                account_figures.insert(target, (untaxed + gross_taxed, gross_taxed - net));
            }
            Body::DividendsUk(d) => {
                uk_dividends = Some(or_zero(d.uk_dividends));
                inputs.foreign.other_uk_dividends = or_zero(d.other_uk_dividends);
            }
            Body::DividendsOther(d) => {
                (inputs.foreign.other_dividends, dividend_sources) = foreign::other_dividends(d);
            }
            Body::SavingsOther(o) => {
                (inputs.foreign.uk_securities, savings_sources) = foreign::other_savings(o);
            }
            Body::OtherIncome(o) => {
                let figures = foreign::other_income(o, &at)?;
                other_income_sources = figures.sources;
                inputs.post_cessation_receipts = figures.post_cessation_receipts;
                inputs.foreign.benefits_and_gifts = figures.benefits_and_gifts;
                inputs.foreign.offshore_income_gains = figures.offshore_income_gains;
            }
            Body::ReliefsForeign(r) => foreign::foreign_reliefs(r, &at, &mut inputs.foreign)?,
            Body::StateBenefitCreate(b) => {
                benefits.push((created, b.benefit_type.hmrc_name()));
            }
            Body::StateBenefitAmounts(a) => {
                benefit_amounts.insert(target, (a.amount.money(), or_zero(a.tax_paid)));
            }
            Body::ReliefsPensions(r) => {
                inputs.pension_contributions_relief_at_source = r.relief_at_source_gross();
                reliefs::pensions(r, &mut inputs.relief_claims);
            }
            Body::ReliefsCharitableGiving(g) => {
                reliefs::charitable_giving(g, &mut inputs.gift_aid_paid, &mut inputs.relief_claims);
            }
            Body::ReliefsOther(r) => {
                reliefs::other(r, inputs.date_of_birth, &mut inputs.relief_claims, &at)?;
                inputs.employment_extras.payroll_giving = reliefs::payroll_giving(r);
            }
            Body::ChargesPensions(c) => {
                // The lifetime allowance charge is calculated to 2022-23; in 2023-24 the
                // excess is taxed otherwise (F(No.2)A 2023 Sch 9), which itsa does not do yet.
                if c.pension_savings_tax_charges.is_some() && year.tax_year.start_year() >= 2023 {
                    return Err(not_calculated(&at, "amounts over the lifetime allowance from 2023-24"));
                }
                // A PUT replaces the whole of the year's pension charges.
                inputs.annual_allowance_excess = Money::ZERO;
                inputs.pension_charges = pension_charges(c);
                if let Some(p) = &c.pension_contributions {
                    inputs.annual_allowance_excess = p.in_excess_of_the_annual_allowance.money();
                }
            }
            Body::ChargesWinterFuel(w) => inputs.winter_fuel_payment = w.amount(),
            Body::InsurancePolicies(p) => {
                inputs.life_policy_gains = foreign::life_policy_gains(p, &at)?;
            }
            Body::ReliefsInvestment(r) => {
                inputs.investment_subscriptions = investment_subscriptions(r);
                reliefs::investments(r, &mut inputs.relief_claims);
            }
            Body::NonPayeIncome(n) => inputs.employment_extras.tips = or_zero(n.tips),
            Body::EmploymentOther(o) => other_employment = Some(o),
            Body::EmploymentExpenses(e) => {
                inputs.employment_extras.expenses = Some(employment::expenses(&e.expenses));
            }
            Body::OtherExpenses(o) => {
                inputs.employment_extras.trade_union_death_benefits = employment::trade_union_death_benefits(o);
                inputs.foreign.patent_royalties_paid = foreign::patent_royalties(o);
            }
            Body::CgtResidentialProperty(b) => gains.residential = Some((at, b.clone())),
            Body::CgtPpdOverrides(b) => gains.ppd = Some((at, b.clone())),
            Body::CgtOtherGains(b) => gains.other = Some((at, b.clone())),
            Body::ChargesHicbc(h) => child_benefit = Some(h.amount_of_child_benefit_received.money()),
            Body::MarriageAllowance(_) => inputs.marriage_allowance = MarriageAllowance::Transferor,
            // The customer's own coded-out amounts replace the ones HMRC holds. Debts and
            // in-year adjustments are not part of the year's liability (differences.md 45).
            Body::CodingOut(c) => {
                inputs.coded_out = CodedOut {
                    sa_underpayments: c.sa_underpayments(),
                    paye_underpayments: c.paye_underpayments(),
                    from_customer: true,
                };
            }
            Body::Disclosures(d) => {
                inputs.class2_voluntary = d.class2_voluntary_contributions();
            }
            // Deductions a contractor made for the year, whichever business they were for.
            Body::Cis(c) => {
                if c.tax_year() == year.tax_year {
                    inputs.business_tax_deducted.cis += c.period_data.iter().map(|p| p.deduction_amount.money()).sum();
                }
            }
            // Information HMRC keeps that changes no figure of the calculation.
            Body::BusinessQuarterlyPeriodType(_)
            | Body::BusinessAccountingType(_)
            | Body::BusinessPeriodsOfAccount(_)
            | Body::BsasTrigger(_)
            | Body::ForeignPropertyDetails(_)
            | Body::DividendsDirectorship(_) => {}
            Body::UkPropertyPeriod(_)
            | Body::UkPropertyCumulative(_)
            | Body::UkPropertyAnnual(_)
            | Body::ForeignPropertyPeriod(_)
            | Body::ForeignPropertyCumulative(_)
            | Body::ForeignPropertyAnnual(_) => {}
            _ => return Err(not_calculated(&at, &format!("the figures of {}", s.endpoint.name()))),
        }
    }
    property::fold(year, rules, inputs)?;
    inputs.capital_gains = capital_gains::fold(year.tax_year, &gains)?;

    let mut names: Vec<&String> = Vec::new();
    for (index, b) in year.businesses.iter().enumerate() {
        if b.type_of_business != BusinessType::SelfEmployment {
            continue;
        }
        names.push(&b.business_id);
        if let Some(trade) = trades.get(&index) {
            inputs.business_tax_deducted.trading_income += trade.tax_taken_off;
            inputs.self_employments.push(SelfEmployment {
                business_id: b.business_id.clone(),
                adjusted_profit: trade.profit(rules.trading_income_allowance),
                losses_brought_forward: Money::ZERO,
                claims_sideways: false,
                extras: losses::trade_extras(trade, b, rules.trading_income_allowance),
            });
        }
    }
    loss_submissions.apply(year.tax_year, &year.businesses, inputs)?;
    for (id, created) in employments {
        let figures = employment_details.remove(id).unwrap_or(created);
        push_employment(inputs, &"employment-create", figures)?;
    }
    if let Some(o) = other_employment {
        employment::other_employment_income(inputs, o);
    }
    employment::refuse_with_student_loans(inputs)?;
    for (id, name) in accounts {
        if let Some((gross, tax)) = account_figures.get(id) {
            inputs.savings_accounts.push(SavingsAccount {
                name: name.to_owned(),
                gross_interest: *gross,
                tax_deducted: *tax,
            });
        }
    }
    for (id, kind) in benefits {
        let (amount, tax) = benefit_amounts.get(id).copied().unwrap_or_default();
        push_benefit(inputs, kind, BenefitFigures { id: id.to_owned(), hmrc_held: false, amount, tax });
    }
    if let Some(d) = uk_dividends {
        inputs.dividends = d;
    }
    inputs.foreign.sources = [dividend_sources, savings_sources, other_income_sources].concat();
    if let Some(c) = child_benefit {
        inputs.child_benefit = c;
    }
    // Whether the band extensions count in top slicing relief is unsettled (docs/differences.md).
    if !inputs.life_policy_gains.is_empty()
        && (inputs.gift_aid_paid.is_positive() || inputs.pension_contributions_relief_at_source.is_positive())
    {
        return Err(not_calculated(
            &"insurance-policies",
            "top slicing relief together with Gift Aid or pension contributions",
        ));
    }
    if year.calculation_type == CalculationType::InYear {
        let latest = trades.values().filter_map(|t| t.to).chain(property::latest_end(year)).max();
        inputs.income_to_date = latest.filter(|d| *d < year.tax_year.last_day()).or(Some(year.tax_year.last_day()));
    }
    Ok(())
}

/// One employment or occupational pension's figures.
#[derive(Debug, Clone, Default)]
struct EmploymentFigures {
    name: String,
    occupational_pension: bool,
    pay: Money,
    tax_deducted: Money,
    benefits_in_kind: Money,
    student_loans: Money,
    postgraduate_loans: Money,
    record: itsa_engine::employment::EmploymentRecord,
}

/// One employment or pension. Its PAYE figure may be negative: PAYE repays tax as well as
/// deducting it (ITEPA 2003 s684(2) item 1), and where the employer or pension payer
/// repaid more than it took off, the year's tax deducted at source is that much less.
fn push_employment(inputs: &mut Inputs, at: &dyn Display, e: EmploymentFigures) -> Result<(), SubmissionError> {
    if e.occupational_pension {
        refuse_if_any(e.benefits_in_kind, at, "benefits in kind on a pension")?;
        inputs.pensions.push(Pension { name: e.name, amount: e.pay, tax_deducted: e.tax_deducted });
    } else {
        inputs.employments.push(Employment {
            name: e.name,
            pay: e.pay,
            benefits_in_kind: e.benefits_in_kind,
            tax_deducted: e.tax_deducted,
            student_loan_deductions: e.student_loans,
            postgraduate_loan_deductions: e.postgraduate_loans,
            record: e.record,
        });
    }
    Ok(())
}

/// The id itsa gives the `n`th state benefit HMRC holds in a case (HMRC's ids are UUIDs
/// DWP's records carry; a case has none): distinct from the ids submissions create.
pub fn held_benefit_id(n: usize) -> String {
    let mut id = String::with_capacity(HELD_BENEFIT_ID_PREFIX.len() + 12);
    write_held_benefit_id(&mut id, n);
    id
}

/// [`held_benefit_id`] written in `id`, whatever it held before: a string kept from one
/// case's inputs is used again for the next's, rather than a new one allocated.
pub fn write_held_benefit_id(id: &mut String, n: usize) {
    id.clear();
    crate::case::push_numbered_uuid(id, HELD_BENEFIT_ID_PREFIX, n + 1);
}

/// The first four groups of the ids of [`held_benefit_id`].
const HELD_BENEFIT_ID_PREFIX: &str = "00000000-0000-4000-9000-";

/// One state benefit's figures and where they came from.
struct BenefitFigures {
    id: String,
    hmrc_held: bool,
    amount: Money,
    tax: Money,
}

/// A state benefit by HMRC's type: the State Pension, a State Pension lump sum (charged
/// apart, F(No.2)A 2005 s7), or a taxable benefit.
fn push_benefit(inputs: &mut Inputs, kind: &str, b: BenefitFigures) {
    let benefit = StateBenefit {
        name: kind.to_owned(),
        amount: b.amount,
        tax_deducted: b.tax,
        income_source_id: Some(b.id),
        hmrc_held: b.hmrc_held,
    };
    match kind {
        "statePension" => {
            // Tax taken off the State Pension (it is usually paid gross) is tax deducted at
            // source like that on the other benefits, set against the liability (TMA 1970
            // s59B(1)(b)); HMRC's calculation shows it only in the totals.
            inputs.state_pension += b.amount;
            inputs.state_pension_sources.push(benefit);
        }
        "statePensionLumpSum" => inputs.state_pension_lump_sums.push(benefit),
        _ => inputs.state_benefits.push(benefit),
    }
}

/// The pension savings tax charges other than the annual allowance excess itself.
fn pension_charges(c: &crate::bodies::charges::PensionCharges) -> itsa_engine::inputs::PensionChargeInputs {
    use itsa_engine::inputs::AmountAndTaxPaid;
    let unauthorised = c.pension_scheme_unauthorised_payments.as_ref();
    let lifetime = c.pension_savings_tax_charges.as_ref();
    let charge_and_tax = |p: &crate::bodies::charges::ChargeAndTax| AmountAndTaxPaid {
        amount: p.amount.money(),
        tax_paid: p.tax_paid.money(),
    };
    let paid = |p: &crate::bodies::charges::UnauthorisedPayment| AmountAndTaxPaid {
        amount: p.amount.money(),
        tax_paid: p.foreign_tax_paid.money(),
    };
    itsa_engine::inputs::PensionChargeInputs {
        annual_allowance_tax_paid: c
            .pension_contributions
            .as_ref()
            .map_or(Money::ZERO, |p| p.annual_allowance_tax_paid.money()),
        unauthorised_surcharge: unauthorised.and_then(|u| u.surcharge.as_ref()).map(paid),
        unauthorised_no_surcharge: unauthorised.and_then(|u| u.no_surcharge.as_ref()).map(paid),
        overseas_transfer: c.pension_scheme_overseas_transfers.as_ref().map(|t| AmountAndTaxPaid {
            amount: t.transfer_charge.money(),
            tax_paid: t.transfer_charge_tax_paid.money(),
        }),
        short_service_refund: c.overseas_pension_contributions.as_ref().map(|o| AmountAndTaxPaid {
            amount: o.short_service_refund.money(),
            tax_paid: o.short_service_refund_tax_paid.money(),
        }),
        lifetime_allowance_lump_sum: lifetime
            .and_then(|l| l.lump_sum_benefit_taken_in_excess_of_lifetime_allowance.as_ref())
            .map(charge_and_tax),
        lifetime_allowance_other: lifetime
            .and_then(|l| l.benefit_in_excess_of_lifetime_allowance.as_ref())
            .map(charge_and_tax),
    }
}

/// Venture capital trust, EIS and SEIS subscriptions: the amounts on which relief is
/// claimed, and the EIS part in knowledge-intensive companies. Community and social
/// investment are read by `reliefs::investments`.
fn investment_subscriptions(
    r: &crate::bodies::reliefs::InvestmentReliefs,
) -> itsa_engine::inputs::InvestmentSubscriptions {
    let claimed = |amount: crate::amount::Amount| amount.money();
    let vct = r.vct_subscription.iter().flatten().map(|i| claimed(i.relief_claimed)).sum();
    let eis_items = || r.eis_subscription.iter().flatten();
    let eis = eis_items().map(|i| claimed(i.relief_claimed)).sum();
    let eis_knowledge_intensive =
        eis_items().filter(|i| i.knowledge_intensive == Some(true)).map(|i| claimed(i.relief_claimed)).sum();
    let seis = r.seed_enterprise_investment.iter().flatten().map(|i| claimed(i.relief_claimed)).sum();
    itsa_engine::inputs::InvestmentSubscriptions { vct, eis, eis_knowledge_intensive, seis }
}

mod property {
    use super::*;
    use crate::bodies::property::{
        ForeignPropertyAnnualEntry, ForeignPropertyAnnualSubmission, ForeignPropertyExpenses,
        UkPropertyAnnualSubmission, UkPropertyIncomeAndExpenses,
    };

    /// A property business's figures for the year, or a foreign property business's
    /// figures for one country (or, from 2026-27, one property).
    #[derive(Default)]
    struct Figures {
        income: Money,
        expenses: Money,
        finance_costs: Money,
        finance_costs_brought_forward: Money,
        /// Tax deducted from the income before it was paid: UK tax, on foreign property.
        tax_deducted: Money,
        /// Rent-a-room rents received, within `income`.
        rent_a_room_rents: Money,
        /// Rent-a-room relief claimed, within `expenses`.
        rent_a_room_claimed: Money,
        /// Foreign tax paid on or deducted from foreign property income.
        foreign_tax: Money,
        /// Whether foreign tax credit relief is claimed on it: by any submission of the
        /// year for the country or property.
        claims_credit: bool,
    }

    /// A foreign property business's figures for the year, country by country (to
    /// 2025-26) or property by property (from 2026-27), in the order first submitted.
    #[derive(Default)]
    struct ForeignFigures {
        entries: Vec<(String, Figures)>,
    }

    impl ForeignFigures {
        fn entry(&mut self, key: &str) -> &mut Figures {
            let at = match self.entries.iter().position(|(k, _)| k == key) {
                Some(at) => at,
                None => {
                    self.entries.push((key.to_owned(), Figures::default()));
                    self.entries.len() - 1
                }
            };
            &mut self.entries[at].1
        }

        fn total(&self, f: impl Fn(&Figures) -> Money) -> Money {
            self.entries.iter().map(|(_, e)| f(e)).sum()
        }
    }

    impl Figures {
        fn uk(&mut self, p: &UkPropertyIncomeAndExpenses) {
            self.income += p.income_total();
            self.expenses += p.expenses_total();
            if let Some(i) = &p.income {
                self.tax_deducted += i.tax_deducted();
                self.rent_a_room_rents += i.rent_a_room_rents();
            }
            if let Some(e) = &p.expenses {
                self.rent_a_room_claimed += e.rent_a_room.as_ref().map_or(Money::ZERO, |r| or_zero(r.amount_claimed));
                self.finance_costs += e.residential_finance_costs();
                self.finance_costs_brought_forward += e.finance_costs_brought_forward();
            }
        }

        /// Foreign property income and expenses of one country or property: the residential
        /// finance costs apart (relieved as a reduction of tax, ITTOIA 2005 s272A, s274A), as
        /// are the foreign tax (foreign tax credit relief or a deduction, TIOPA 2010 s18,
        /// s112) and the UK tax paid (tax deducted at source).
        fn foreign(&mut self, income: Money, taxes: ForeignTaxes, expenses: Option<&ForeignPropertyExpenses>) {
            self.income += income;
            self.foreign_tax += taxes.foreign_tax;
            self.claims_credit |= taxes.claims_credit;
            self.tax_deducted += taxes.uk_tax;
            if let Some(e) = expenses {
                self.expenses += e.total();
                self.finance_costs += e.residential_finance_costs();
                self.finance_costs_brought_forward += e.finance_costs_brought_forward();
            }
        }

        /// The rent-a-room relief claimed beyond what the law gives: the relief is at most
        /// the rents, and at most the limit, halved when another person also has receipts
        /// from letting the accommodation (ITTOIA 2005 s789, s793, s796). Added back to the
        /// profit.
        fn rent_a_room_disallowed(&self, limit: Money, jointly_let: bool) -> Money {
            let limit = if jointly_let { Money::new(limit.amount() / rust_decimal::Decimal::TWO) } else { limit };
            let relief = self.rent_a_room_claimed.min(self.rent_a_room_rents.at_least_zero()).min(limit);
            (self.rent_a_room_claimed - relief).at_least_zero()
        }

        /// Income less expenses, with the annual adjustments and less the allowances; or,
        /// where the property income allowance is claimed, income less the allowance
        /// instead of expenses, never below nil (ITTOIA 2005 s783BC).
        fn profit(&self, adjustments: Money, allowances: Money, pia: Option<Money>, limit: Money) -> Money {
            match pia {
                Some(claimed) => self.income - self.allowance_given(claimed, limit) + adjustments,
                None => self.income - self.expenses + adjustments - allowances,
            }
        }

        /// The property income allowance given on a claim: at most `limit` and at most the
        /// income, as it cannot make a loss (HMRC's PIM4438).
        fn allowance_given(&self, claimed: Money, limit: Money) -> Money {
            claimed.min(limit).min(self.income.at_least_zero())
        }
    }

    /// The taxes on one foreign property entry of a submission.
    #[derive(Default)]
    struct ForeignTaxes {
        foreign_tax: Money,
        uk_tax: Money,
        claims_credit: bool,
    }

    /// The UK and foreign property businesses of the year.
    pub(super) fn fold(
        year: &TaxpayerYear,
        rules: &itsa_engine::YearRules,
        inputs: &mut Inputs,
    ) -> Result<(), SubmissionError> {
        let mut uk: Option<Figures> = None;
        let mut uk_annual: Option<&UkPropertyAnnualSubmission> = None;
        let mut foreign: Option<ForeignFigures> = None;
        let mut foreign_annual: Option<&ForeignPropertyAnnualSubmission> = None;
        // The country of each property that `foreign-property-details` created (2026-27 on).
        let mut countries_of_properties: HashMap<String, String> = HashMap::new();
        for (n, s) in year.submissions.iter().enumerate() {
            let at = At::Submission(n, s.endpoint);
            match &s.body {
                Body::UkPropertyPeriod(p) => {
                    let figures = uk.get_or_insert_with(Figures::default);
                    if let Some(fhl) = &p.uk_fhl_property {
                        refuse_if_any(fhl.income_total() + fhl.expenses_total(), &at, "furnished holiday lettings")?;
                    }
                    if let Some(other) = &p.uk_non_fhl_property {
                        figures.uk(other);
                    }
                }
                Body::UkPropertyCumulative(c) => {
                    let mut figures = Figures::default();
                    figures.uk(&c.uk_property);
                    uk = Some(figures);
                }
                Body::UkPropertyAnnual(a) => uk_annual = Some(a),
                Body::ForeignPropertyPeriod(p) => {
                    let figures = foreign.get_or_insert_with(ForeignFigures::default);
                    if let Some(fhl) = &p.foreign_fhl_eea {
                        refuse_if_any(fhl.income_total() + fhl.expenses_total(), &at, "furnished holiday lettings")?;
                    }
                    for entry in p.foreign_non_fhl_property.iter().flatten() {
                        let i = &entry.income;
                        let taxes = ForeignTaxes {
                            foreign_tax: i.foreign_tax_paid(),
                            uk_tax: i.uk_tax_paid(),
                            claims_credit: i.foreign_tax_credit_relief(),
                        };
                        figures.entry(entry.country_code.as_str()).foreign(i.total(), taxes, entry.expenses.as_ref());
                    }
                }
                Body::ForeignPropertyCumulative(c) => {
                    let mut figures = ForeignFigures::default();
                    for entry in &c.foreign_property {
                        let taxes = entry.income.as_ref().map_or_else(ForeignTaxes::default, |i| ForeignTaxes {
                            foreign_tax: i.foreign_tax_paid(),
                            uk_tax: i.uk_tax_paid(),
                            claims_credit: i.foreign_tax_credit_relief(),
                        });
                        figures.entry(&foreign_key(entry.country_code.as_ref(), entry.property_id.as_deref())).foreign(
                            entry.income_total(),
                            taxes,
                            entry.expenses.as_ref(),
                        );
                    }
                    foreign = Some(figures);
                }
                Body::ForeignPropertyDetails(d) => {
                    if let Some(created) = &s.created {
                        countries_of_properties.insert(created.id.clone(), d.country_code.as_str().to_owned());
                    }
                }
                Body::ForeignPropertyAnnual(a) => foreign_annual = Some(a),
                _ => {}
            }
        }
        let limit = rules.property_income_allowance;
        // One property income allowance for the UK and the foreign property business
        // together (ITTOIA 2005 s783BC's relevant property income; HMRC's PIM4438: the
        // amounts deducted from the two "must not exceed the £1,000"): the UK business's
        // claim is met first, the foreign business's from what is left (docs/differences.md).
        let uk_allowance_used = uk
            .as_ref()
            .zip(uk_annual.and_then(|a| a.uk_property.as_ref()).and_then(|a| a.property_income_allowance()))
            .map_or(Money::ZERO, |(figures, claimed)| figures.allowance_given(claimed, limit));
        let foreign_limit = limit - uk_allowance_used;
        for b in &year.businesses {
            match b.type_of_business {
                BusinessType::UkProperty => {
                    let Some(figures) = &uk else { continue };
                    let annual = uk_annual.and_then(|a| a.uk_property.as_ref());
                    if let Some(fhl) = uk_annual.and_then(|a| a.uk_fhl_property.as_ref()) {
                        refuse_if_any(
                            fhl.allowances_total() + fhl.adjustments_net(),
                            &b.alias,
                            "furnished holiday lettings",
                        )?;
                    }
                    let pia = annual.and_then(|a| a.property_income_allowance());
                    let disallowed = match pia {
                        Some(_) => Money::ZERO,
                        None => figures.rent_a_room_disallowed(
                            rules.rent_a_room_limit,
                            annual.is_some_and(|a| a.rent_a_room_jointly_let()),
                        ),
                    };
                    let profit = figures.profit(
                        annual.map_or(Money::ZERO, |a| a.adjustments_net()) + disallowed,
                        annual.map_or(Money::ZERO, |a| a.allowances_total()),
                        pia,
                        limit,
                    );
                    inputs.business_tax_deducted.uk_property += figures.tax_deducted;
                    inputs.uk_property = Some(UkProperty {
                        business_id: b.business_id.clone(),
                        profit,
                        residential_finance_costs: figures.finance_costs,
                        finance_costs_brought_forward: figures.finance_costs_brought_forward,
                        losses_brought_forward: Money::ZERO,
                        accounts: Some(itsa_engine::losses::BusinessAccounts {
                            total_income: figures.income,
                            total_expenses: if pia.is_some() { Money::ZERO } else { figures.expenses - disallowed },
                            total_additions: annual.map_or(Money::ZERO, |a| a.adjustments_net()),
                            total_deductions: match pia {
                                Some(claimed) => figures.allowance_given(claimed, limit),
                                None => annual.map_or(Money::ZERO, |a| a.allowances_total()),
                            },
                            ..Default::default()
                        }),
                    });
                }
                BusinessType::ForeignProperty => {
                    let Some(figures) = &foreign else { continue };
                    if let Some(fhl) = foreign_annual.and_then(|a| a.foreign_fhl_eea.as_ref()) {
                        refuse_if_any(
                            fhl.allowances_total() + fhl.adjustments_net(),
                            &b.alias,
                            "furnished holiday lettings",
                        )?;
                    }
                    let entries: Vec<&ForeignPropertyAnnualEntry> =
                        foreign_annual.and_then(|a| a.foreign_property.as_ref()).into_iter().flatten().collect();
                    let annual_of = |key: &str| {
                        entries
                            .iter()
                            .copied()
                            .find(|e| foreign_key(e.country_code.as_ref(), e.property_id.as_deref()) == key)
                    };
                    let adjustments = entries.iter().map(|e| e.adjustments_net()).sum();
                    let allowances = entries.iter().map(|e| e.allowances_total()).sum();
                    let pia = entries.iter().filter_map(|e| e.property_income_allowance()).reduce(|a, b| a + b);
                    let total = Figures {
                        income: figures.total(|e| e.income),
                        expenses: figures.total(|e| e.expenses),
                        ..Figures::default()
                    };
                    // Each country's profit worked out as the business's is, with its own
                    // adjustments and allowances (or property income allowance): the measure
                    // by which the business's profit is shared between countries.
                    let mut countries: Vec<ForeignPropertyCountry> = Vec::new();
                    for (key, entry) in &figures.entries {
                        let annual = annual_of(key);
                        let profit = entry.profit(
                            annual.map_or(Money::ZERO, |a| a.adjustments_net()),
                            annual.map_or(Money::ZERO, |a| a.allowances_total()),
                            pia.map(|_| annual.and_then(|a| a.property_income_allowance()).unwrap_or(Money::ZERO)),
                            entry.income.at_least_zero(),
                        );
                        let country = match countries_of_properties.get(key) {
                            Some(country) => country.clone(),
                            None if year.tax_year.start_year() <= LAST_YEAR_PER_COUNTRY => key.clone(),
                            None => {
                                return Err(not_calculated(
                                    &b.alias,
                                    &format!(
                                        "figures of foreign property {key}, which no foreign-property-details submission of the case created (its country is unknown)"
                                    ),
                                ));
                            }
                        };
                        let at = match countries.iter().position(|c| c.country_code == country) {
                            Some(at) => at,
                            None => {
                                countries.push(ForeignPropertyCountry { country_code: country, ..Default::default() });
                                countries.len() - 1
                            }
                        };
                        let c = &mut countries[at];
                        c.profit += profit;
                        c.residential_finance_costs += entry.finance_costs;
                        c.finance_costs_brought_forward += entry.finance_costs_brought_forward;
                        c.foreign_tax += entry.foreign_tax;
                        c.claims_credit |= entry.claims_credit;
                    }
                    inputs.business_tax_deducted.foreign_property += figures.total(|e| e.tax_deducted);
                    inputs.foreign_property = Some(ForeignProperty {
                        business_id: b.business_id.clone(),
                        profit: total.profit(adjustments, allowances, pia, foreign_limit),
                        countries,
                        accounts: Some(itsa_engine::losses::BusinessAccounts {
                            total_income: total.income,
                            total_expenses: if pia.is_some() { Money::ZERO } else { total.expenses },
                            total_additions: adjustments,
                            total_deductions: match pia {
                                Some(claimed) => total.allowance_given(claimed, foreign_limit),
                                None => allowances,
                            },
                            ..Default::default()
                        }),
                    });
                }
                BusinessType::SelfEmployment => {}
            }
        }
        Ok(())
    }

    /// The last tax year (start year) whose foreign property figures are per country
    /// (2025-26); from 2026-27 they are per property.
    const LAST_YEAR_PER_COUNTRY: u16 = 2025;

    /// What a foreign property entry is known by: its country (to 2025-26) or its property
    /// id (from 2026-27; the bodies hold one or the other, as their checks make sure).
    fn foreign_key(country: Option<&crate::bodies::CountryCode>, property_id: Option<&str>) -> String {
        country.map(|c| c.as_str().to_owned()).or_else(|| property_id.map(str::to_owned)).unwrap_or_default()
    }

    /// The last day that the year's property figures cover.
    pub(super) fn latest_end(year: &TaxpayerYear) -> Option<Date> {
        year.submissions
            .iter()
            .filter_map(|s| match &s.body {
                Body::UkPropertyPeriod(p) => Some(p.to_date.0),
                Body::UkPropertyCumulative(c) => c.to_date.map(|d| d.0),
                Body::ForeignPropertyPeriod(p) => Some(p.to_date.0),
                Body::ForeignPropertyCumulative(c) => c.to_date.map(|d| d.0),
                _ => None,
            })
            .max()
    }
}
