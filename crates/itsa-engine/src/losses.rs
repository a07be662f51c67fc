//! Losses, loss claims, transition profits and Class 4 losses of the businesses.
//!
//! The figures a business's accounts give (HMRC's `businessProfitAndLoss` detail), the
//! transition profit of basis period reform (FA 2022 Sch 1), the trading losses brought
//! forward for Class 4 National Insurance (SSCBA 1992 Sch 2 para 3) and the claims made on
//! losses, with what the calculation did with each (HMRC's `lossesAndClaims`).

use itsa_rules::{Money, TaxYear};

use crate::calculation::{BusinessProfitAndLoss, IncomeSourceType};
use crate::inputs::Inputs;

/// The totals of a business's accounts and adjustments, as HMRC shows them. Descriptive:
/// the engine taxes the business's profit, which these add up to:
/// `total_income - total_expenses + total_additions - total_deductions`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BusinessAccounts {
    /// The name the taxpayer gave the business (the trading name).
    pub name: Option<String>,
    pub total_income: Money,
    /// Expenses as claimed, disallowable ones included (they are added back in
    /// `total_additions`).
    pub total_expenses: Money,
    /// Disallowable expenses and the adjustments that add to the profit.
    pub total_additions: Money,
    /// Capital allowances and the adjustments that reduce the profit.
    pub total_deductions: Money,
    /// The adjustment charged on a change of accounting practice.
    pub accounting_adjustments: Option<Money>,
    /// Business income not in the accounts.
    pub outstanding_business_income: Option<Money>,
    /// Income less expenses with disallowable expenses added back and non-taxable income
    /// taken out, before capital allowances and other adjustments; negative, a loss.
    pub adjusted_profit: Option<Money>,
    /// Foreign tax paid on the income of a foreign property business, claimed as a credit
    /// or not.
    pub foreign_tax_paid: Option<Money>,
}

/// What a trade brings besides its profit: transition profits, Class 4 figures and its
/// loss claims.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TradeExtras {
    pub accounts: Option<BusinessAccounts>,
    /// Transition profit treated as arising in the year (FA 2022 Sch 1 para 9).
    pub transition_profit: Money,
    /// Further transition profit the trader elected to bring into the year (para 10).
    pub transition_profit_acceleration: Money,
    /// Losses brought forward for Class 4 when given apart from the income tax losses
    /// (HMRC's `self-employment-class4`); `None`: the income tax losses brought forward.
    pub class4_losses_brought_forward: Option<Money>,
    /// The trade's profits are not Class 4 profits (an exemption the trader gave).
    pub class4_exempt: bool,
    /// Adjustment that reduces the profits for Class 4 alone.
    pub class4_adjustment: Money,
    /// The most of the year's loss set against general income, when the claim gives an
    /// amount (Losses 7.0); `None`: as far as the income allows.
    pub sideways_limit: Option<Money>,
    /// Place of the carry-sideways claim in the order the taxpayer set (loss-claims-order).
    pub sideways_order: Option<u32>,
    /// The year's loss carried back to earlier years, in the order given: against the
    /// previous year's general income (ITA 2007 s64(2)(b)), early years (s72), terminal
    /// (s89). The earlier years' tax is not worked out here; the loss used is no longer
    /// carried forward.
    pub carry_back: CarryBack,
    /// Whether the carry-back is applied before the carry-sideways claim.
    pub carry_back_first: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CarryBack {
    pub previous_year_general_income: Money,
    pub early_years: Money,
    pub terminal: Money,
}

impl CarryBack {
    pub fn total(&self) -> Money {
        self.previous_year_general_income + self.early_years + self.terminal
    }
}

/// The losses brought forward and the loss claims, as submitted: what `lossesAndClaims`
/// lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LossRecords {
    pub brought_forward: Vec<BroughtForwardLoss>,
    pub claims: Vec<LossClaim>,
}

/// A loss brought forward (Losses API), with the year it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct BroughtForwardLoss {
    pub business_id: String,
    pub income_source_type: IncomeSourceType,
    pub class4: bool,
    pub tax_year_incurred: TaxYear,
    pub amount: Money,
}

/// A claim made on a loss (Losses API).
#[derive(Debug, Clone, PartialEq)]
pub struct LossClaim {
    /// HMRC's claim id; `None` for claims made with a business's losses and claims (7.0).
    pub claim_id: Option<String>,
    pub business_id: String,
    pub income_source_type: IncomeSourceType,
    pub claim_type: ClaimType,
    pub tax_year_claimed_for: TaxYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimType {
    CarryForward,
    CarrySideways,
    CarryForwardToCarrySideways,
    /// Against the general income of earlier years (s72, s89).
    CarryBackwards,
    /// Against the general income of the previous year (s64(2)(b)).
    CarryBackwardsGeneralIncome,
}

impl ClaimType {
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            ClaimType::CarryForward => "carry-forward",
            ClaimType::CarrySideways => "carry-sideways",
            ClaimType::CarryForwardToCarrySideways => "carry-forward-to-carry-sideways",
            ClaimType::CarryBackwards => "carry-backwards",
            ClaimType::CarryBackwardsGeneralIncome => "carry-backwards-general-income",
        }
    }
}

/// A trade's transition profit and the losses brought forward set against it (HMRC's
/// `transitionProfitDetail`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TransitionProfit {
    pub amount: Money,
    pub acceleration_amount: Money,
    /// Their total in whole pounds (rounded down as profits are).
    pub total: Money,
    /// The losses brought forward left after the year's profit of the trade.
    pub remaining_losses_brought_forward: Money,
    pub losses_used: Money,
    pub after_losses: Money,
}

/// A business's Class 4 losses (SSCBA 1992 Sch 2 para 3).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Class4Losses {
    pub total_brought_forward: Money,
    pub brought_forward_used: Money,
    /// Of the year's loss set against general income, the part set against other trades'
    /// profits for Class 4 (para 3(1)).
    pub carry_sideways_used: Money,
    pub carried_forward: Money,
}

/// The Class 4 profits of the year, all trades together.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Class4Profits {
    /// Profits of the trades liable to Class 4 (exempt trades left out), transition
    /// profits included, before Class 4 losses.
    pub liable: Money,
    pub losses_available: Money,
    pub losses_used: Money,
    pub losses_carried_forward: Money,
    /// Adjustments for Class 4 alone.
    pub adjustment: Money,
    /// What Class 4 is charged on.
    pub chargeable: Money,
}

/// A claim and what the calculation did with it (HMRC's `resultOfClaimsApplied`), or a
/// loss carried forward (`carriedForwardLosses`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimResult {
    pub claim_id: Option<String>,
    pub originating_claim_id: Option<String>,
    pub income_source_id: String,
    pub income_source_type: IncomeSourceType,
    pub tax_year_claim_made: Option<TaxYear>,
    pub claim_type: ClaimType,
    /// The loss arose in a year the taxpayer was in MTD (not registered on joining).
    pub mtd_loss: bool,
    pub tax_year_loss_incurred: TaxYear,
    pub loss_amount_used: Money,
    pub remaining_loss_value: Money,
    pub class4: bool,
}

/// A loss of the year carried forward without a claim (`defaultCarriedForwardLosses`).
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultCarriedForward {
    pub income_source_id: String,
    pub income_source_type: IncomeSourceType,
    pub tax_year_loss_incurred: TaxYear,
    pub amount: Money,
}

/// Profit of a trade for the year with the losses brought forward set against it: first
/// the year's profit, then the transition profit (ITA 2007 s83; FA 2022 Sch 1 para 9
/// treats transition profit as profit of the trade of the year). Returns the transition
/// detail, if any.
pub(crate) fn trade_transition(extras: &TradeExtras, record: &mut BusinessProfitAndLoss) -> Option<TransitionProfit> {
    let amount = extras.transition_profit.at_least_zero();
    let acceleration_amount = extras.transition_profit_acceleration.at_least_zero();
    if (amount + acceleration_amount).is_zero() {
        return None;
    }
    let total = (amount + acceleration_amount).round_down_to_pound();
    let remaining = record.total_losses_brought_forward - record.losses_used;
    let losses_used = remaining.min(total);
    record.losses_used += losses_used;
    record.losses_carried_forward -= losses_used;
    Some(TransitionProfit {
        amount,
        acceleration_amount,
        total,
        remaining_losses_brought_forward: remaining,
        losses_used,
        after_losses: total - losses_used,
    })
}

/// Class 4 profits and losses (SSCBA 1992 s15, Sch 2 para 3): each liable trade's profit
/// and transition profit, less its Class 4 losses brought forward, less the losses set
/// sideways in the year against other trades' profits; then the Class 4 adjustments.
/// Losses set sideways against income other than trading profits stay Class 4 losses
/// carried forward (para 3(4)). Each business record gets its Class 4 losses.
pub(crate) fn class4_profits(inputs: &Inputs, businesses: &mut [BusinessProfitAndLoss]) -> Class4Profits {
    let mut out = Class4Profits::default();
    let mut profits_left = Vec::new();
    for (trade, record) in inputs.self_employments.iter().zip(businesses.iter_mut()) {
        let x = &trade.extras;
        let brought_forward = x
            .class4_losses_brought_forward
            .map_or(record.total_losses_brought_forward, |m| m.at_least_zero().round_up_to_pound());
        let transition = record.transition.map_or(Money::ZERO, |t| t.total);
        let profit = if x.class4_exempt { Money::ZERO } else { record.net_profit + transition };
        let used = brought_forward.min(profit);
        record.class4 = Class4Losses {
            total_brought_forward: brought_forward,
            brought_forward_used: used,
            carry_sideways_used: Money::ZERO,
            carried_forward: brought_forward - used + record.net_loss,
        };
        out.liable += profit;
        out.losses_available += brought_forward + record.net_loss;
        out.losses_used += used;
        let adjustment = x.class4_adjustment.at_least_zero().round_down_to_pound().min(profit - used);
        out.adjustment += adjustment;
        profits_left.push(profit - used - adjustment);
    }
    // The year's losses set against general income are set, for Class 4, against the
    // other trades' profits of the year as far as they go.
    for i in 0..businesses.len().min(profits_left.len()) {
        let sideways = businesses[i].carry_sideways_losses_used;
        if !sideways.is_positive() {
            continue;
        }
        let mut left = sideways;
        for (j, profit) in profits_left.iter_mut().enumerate() {
            if j == i || left.is_zero() {
                continue;
            }
            let used = left.min(*profit);
            *profit -= used;
            left -= used;
        }
        let used = sideways - left;
        businesses[i].class4.carry_sideways_used = used;
        businesses[i].class4.carried_forward -= used;
        out.losses_used += used;
    }
    out.chargeable = profits_left.iter().copied().sum();
    out.losses_carried_forward = out.losses_available - out.losses_used;
    out
}

/// This year's losses carried back to earlier years (a claim of Losses 7.0), in the
/// order the claim gives against the sideways claim. Returns the amount carried back;
/// the record's loss carried forward is reduced by it.
pub(crate) fn carry_back(extras: &TradeExtras, record: &mut BusinessProfitAndLoss) -> Money {
    let available = record.net_loss - record.carry_sideways_losses_used;
    let used = extras.carry_back.total().round_down_to_pound().min(available.at_least_zero());
    record.carried_back = used;
    record.losses_carried_forward -= used;
    used
}

/// The lists of `lossesAndClaims`: the claims applied, the losses carried forward on a
/// claim or brought forward and not used up, the year's losses carried forward by
/// default, and the claims that found no loss.
pub(crate) fn results(inputs: &Inputs, businesses: &[BusinessProfitAndLoss]) -> crate::calculation::LossesAndClaims {
    let year = inputs.tax_year;
    let records = &inputs.loss_records;
    let mut applied = Vec::new();
    let mut carried = Vec::new();
    let mut default = Vec::new();
    let mut not_applied = Vec::new();
    for b in businesses {
        let claims_of = |t: ClaimType| {
            records
                .claims
                .iter()
                .find(|c| c.business_id == b.income_source_id && c.claim_type == t && c.tax_year_claimed_for == year)
        };
        let result =
            |claim: Option<&LossClaim>, t: ClaimType, incurred: TaxYear, used: Money, left: Money| ClaimResult {
                claim_id: claim.and_then(|c| c.claim_id.clone()),
                originating_claim_id: None,
                income_source_id: b.income_source_id.clone(),
                income_source_type: b.income_source_type,
                tax_year_claim_made: claim.map(|c| c.tax_year_claimed_for).or(Some(year)),
                claim_type: t,
                mtd_loss: incurred == year,
                tax_year_loss_incurred: incurred,
                loss_amount_used: used,
                remaining_loss_value: left,
                class4: false,
            };
        // Losses brought forward, earliest first, set against the profits (s83, s118).
        let mut used_left = b.losses_used;
        let mut class4_used_left = b.class4.brought_forward_used;
        let mut bf: Vec<&BroughtForwardLoss> =
            records.brought_forward.iter().filter(|l| l.business_id == b.income_source_id).collect();
        bf.sort_by_key(|l| (l.class4, l.tax_year_incurred));
        for l in bf {
            let amount = l.amount.round_up_to_pound();
            let pool = if l.class4 { &mut class4_used_left } else { &mut used_left };
            let used = amount.min(*pool);
            *pool -= used;
            // Used this year under the carry-forward of the loss; what is left goes on.
            let mut r = result(None, ClaimType::CarryForward, l.tax_year_incurred, used, amount - used);
            r.class4 = l.class4;
            if used.is_positive() {
                applied.push(r.clone());
            }
            if (amount - used).is_positive() {
                carried.push(ClaimResult { loss_amount_used: Money::ZERO, tax_year_claim_made: None, ..r });
            }
        }
        // The year's loss.
        let sideways_claim = claims_of(ClaimType::CarrySideways);
        let forward_claim = claims_of(ClaimType::CarryForward);
        let mut left = b.net_loss;
        if b.carried_back.is_positive() {
            let asked = inputs
                .self_employments
                .iter()
                .find(|t| t.business_id == b.income_source_id)
                .map(|t| t.extras.carry_back)
                .unwrap_or_default();
            let mut back = b.carried_back;
            for (t, amount) in [
                (ClaimType::CarryBackwardsGeneralIncome, asked.previous_year_general_income),
                (ClaimType::CarryBackwards, asked.early_years + asked.terminal),
            ] {
                let used = amount.round_down_to_pound().min(back);
                if used.is_positive() {
                    back -= used;
                    left -= used;
                    applied.push(result(claims_of(t), t, year, used, left));
                }
            }
        }
        if b.carry_sideways_losses_used.is_positive() {
            left -= b.carry_sideways_losses_used;
            let t = ClaimType::CarrySideways;
            applied.push(result(sideways_claim, t, year, b.carry_sideways_losses_used, left));
        } else if let Some(c) = sideways_claim.filter(|c| c.claim_id.is_some()) {
            not_applied.push(c.clone());
        }
        if left.is_positive() {
            if b.carry_sideways_losses_used.is_positive() || forward_claim.is_some() {
                let mut r = result(forward_claim, ClaimType::CarryForward, year, Money::ZERO, left);
                if forward_claim.is_none() {
                    r.originating_claim_id = sideways_claim.and_then(|c| c.claim_id.clone());
                }
                carried.push(r);
            } else {
                default.push(DefaultCarriedForward {
                    income_source_id: b.income_source_id.clone(),
                    income_source_type: b.income_source_type,
                    tax_year_loss_incurred: year,
                    amount: left,
                });
            }
        }
    }
    crate::calculation::LossesAndClaims {
        carried_forward: Vec::new(),
        result_of_claims_applied: applied,
        carried_forward_losses: carried,
        default_carried_forward: default,
        claims_not_applied: not_applied,
    }
}
