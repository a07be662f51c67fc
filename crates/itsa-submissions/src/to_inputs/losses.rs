//! Losses brought forward, loss claims and their order (Individual Losses 6.0 and 7.0),
//! and a trade's transition profit, Class 4 figures and accounts' totals.

use std::collections::HashMap;
use std::fmt::Display;

use itsa_engine::calculation::IncomeSourceType;
use itsa_engine::inputs::SelfEmployment;
use itsa_engine::losses::{BroughtForwardLoss, BusinessAccounts, CarryBack, ClaimType, LossClaim, TradeExtras};
use itsa_engine::{Inputs, Money, TaxYear};

use super::{Trade, not_calculated};
use crate::amount::or_zero;
use crate::bodies::losses::{
    ApplyFirst, BroughtForwardLossType, LossClaim as ClaimBody, LossClaimSource, LossesAndClaims, TypeOfClaim,
};
use crate::bodies::self_employment::Adjustments;
use crate::case::{Business, Submission};
use crate::endpoint::BusinessType;
use crate::{Body, SubmissionError};

/// The adjustments that change the profit for income tax, the transition profit left out
/// (it is taxed as transition profit, FA 2022 Sch 1, not as the year's profit).
pub(super) fn adjustments_net(a: &Adjustments) -> Money {
    a.net() - or_zero(a.transition_profit_amount) - or_zero(a.transition_profit_acceleration_amount)
}

/// A trade's transition profit, Class 4 figures and accounts' totals.
pub(super) fn trade_extras(trade: &Trade, business: &Business, trading_income_allowance_limit: Money) -> TradeExtras {
    let annual = trade.annual.as_ref();
    let adjustments = annual.and_then(|a| a.adjustments.as_ref());
    let allowances = annual.and_then(|a| a.allowances.as_ref());
    let tia = allowances
        .and_then(|a| a.trading_income_allowance)
        .map(|claimed| claimed.money().min(trading_income_allowance_limit).min(trade.income.at_least_zero()));
    let net_adjustments = adjustments.map_or(Money::ZERO, adjustments_net);
    let accounts = match tia {
        Some(allowance) => BusinessAccounts {
            total_income: trade.income,
            total_expenses: Money::ZERO,
            total_additions: net_adjustments,
            total_deductions: allowance,
            ..BusinessAccounts::default()
        },
        None => BusinessAccounts {
            total_income: trade.income,
            total_expenses: trade.expenses,
            total_additions: trade.disallowable + net_adjustments,
            total_deductions: allowances.map_or(Money::ZERO, |a| a.total()),
            adjusted_profit: Some(
                trade.income - trade.expenses + trade.disallowable
                    - adjustments.map_or(Money::ZERO, |a| or_zero(a.included_non_taxable_profits)),
            ),
            ..BusinessAccounts::default()
        },
    };
    TradeExtras {
        accounts: Some(BusinessAccounts {
            name: business.trading_name.clone(),
            accounting_adjustments: adjustments.and_then(|a| a.accounting_adjustment).map(|m| m.money()),
            outstanding_business_income: adjustments.and_then(|a| a.outstanding_business_income).map(|m| m.money()),
            ..accounts
        }),
        transition_profit: adjustments.map_or(Money::ZERO, |a| or_zero(a.transition_profit_amount)),
        transition_profit_acceleration: adjustments
            .map_or(Money::ZERO, |a| or_zero(a.transition_profit_acceleration_amount)),
        class4_exempt: annual
            .and_then(|a| a.non_financials.as_ref())
            .is_some_and(|n| n.class4_nics_exemption_reason.is_some()),
        class4_adjustment: adjustments.map_or(Money::ZERO, |a| or_zero(a.adjustment_to_profits_for_class4)),
        ..TradeExtras::default()
    }
}

/// The Losses API submissions of the year, as they come.
#[derive(Default)]
pub(super) struct Losses {
    /// Losses brought forward: business id, type, year made, amount.
    brought_forward: Vec<(String, BroughtForwardLossType, TaxYear, Money)>,
    /// Claims with the id HMRC made.
    claims: Vec<(String, ClaimBody)>,
    /// Claim id and place in the carry-sideways order.
    order: HashMap<String, u32>,
    /// A business's losses and claims (7.0), by business index; a PUT replaces the last.
    by_business: HashMap<usize, LossesAndClaims>,
}

impl Losses {
    /// Take a Losses submission; `false` when `s` is not one.
    pub(super) fn take(&mut self, s: &Submission, year: TaxYear, at: &dyn Display) -> Result<bool, SubmissionError> {
        match &s.body {
            Body::LossesBroughtForward(l) => {
                let from = l
                    .tax_year_brought_forward_from()
                    .filter(|y| *y < year)
                    .ok_or_else(|| not_calculated(at, "a loss brought forward from this tax year or a later one"))?;
                self.brought_forward.push((l.business_id.clone(), l.type_of_loss, from, l.loss_amount.money()));
            }
            Body::LossClaim(c) => {
                let id = s.created.as_ref().map(|c| c.id.clone()).unwrap_or_default();
                let claimed_for = c.tax_year_claimed_for();
                if claimed_for > Some(year) {
                    return Err(not_calculated(at, "a loss claim for a later tax year"));
                }
                // A claim for an earlier year's loss is worked in that year's calculation;
                // what it leaves comes into this year as a loss brought forward.
                if claimed_for == Some(year) {
                    match (c.type_of_loss, c.type_of_claim) {
                        (_, TypeOfClaim::CarryForward)
                        | (LossClaimSource::SelfEmployment, TypeOfClaim::CarrySideways) => {}
                        _ => return Err(not_calculated(at, "property losses set against general income")),
                    }
                    self.claims.push((id, c.clone()));
                }
            }
            Body::LossClaimsOrder(o) => {
                for c in &o.list_of_loss_claims {
                    self.order.insert(c.claim_id.clone(), u32::try_from(c.sequence).unwrap_or(u32::MAX));
                }
            }
            Body::LossesAndClaims(l) => {
                self.by_business.insert(s.business.unwrap_or_default(), l.clone());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Put the losses and claims into the inputs, the businesses' figures being there.
    pub(super) fn apply(
        self,
        year: TaxYear,
        businesses: &[Business],
        inputs: &mut Inputs,
    ) -> Result<(), SubmissionError> {
        let records = &mut inputs.loss_records;
        for (business_id, kind, from, amount) in &self.brought_forward {
            let (source, class4) = match kind {
                BroughtForwardLossType::SelfEmployment => (IncomeSourceType::SelfEmployment, false),
                BroughtForwardLossType::SelfEmploymentClass4 => (IncomeSourceType::SelfEmployment, true),
                BroughtForwardLossType::UkProperty => (IncomeSourceType::UkProperty, false),
                BroughtForwardLossType::ForeignProperty => {
                    return Err(not_calculated(&"losses-brought-forward", "foreign property losses brought forward"));
                }
                _ => return Err(not_calculated(&"losses-brought-forward", "furnished holiday lettings losses")),
            };
            records.brought_forward.push(BroughtForwardLoss {
                business_id: business_id.clone(),
                income_source_type: source,
                class4,
                tax_year_incurred: *from,
                amount: *amount,
            });
            let Some(business) = businesses.iter().find(|b| b.business_id == *business_id) else { continue };
            if business.type_of_business == BusinessType::UkProperty {
                if let Some(p) = inputs.uk_property.as_mut() {
                    p.losses_brought_forward += *amount;
                }
            } else if let Some(t) = trade(&mut inputs.self_employments, business_id) {
                if class4 {
                    t.extras.class4_losses_brought_forward =
                        Some(t.extras.class4_losses_brought_forward.unwrap_or(Money::ZERO) + *amount);
                } else {
                    t.losses_brought_forward += *amount;
                }
            }
        }
        for (id, c) in &self.claims {
            let source = match c.type_of_loss {
                LossClaimSource::SelfEmployment => IncomeSourceType::SelfEmployment,
                LossClaimSource::UkProperty => IncomeSourceType::UkProperty,
                LossClaimSource::ForeignProperty => IncomeSourceType::ForeignProperty,
            };
            let claim_type = match c.type_of_claim {
                TypeOfClaim::CarryForward => ClaimType::CarryForward,
                TypeOfClaim::CarrySideways | TypeOfClaim::CarrySidewaysFhl => ClaimType::CarrySideways,
                TypeOfClaim::CarryForwardToCarrySideways => ClaimType::CarryForwardToCarrySideways,
            };
            inputs.loss_records.claims.push(LossClaim {
                claim_id: Some(id.clone()),
                business_id: c.business_id.clone(),
                income_source_type: source,
                claim_type,
                tax_year_claimed_for: year,
            });
            if claim_type == ClaimType::CarrySideways
                && let Some(t) = trade(&mut inputs.self_employments, &c.business_id)
            {
                t.claims_sideways = true;
                t.extras.sideways_order = self.order.get(id).copied();
            }
        }
        for (index, l) in &self.by_business {
            let Some(business) = businesses.get(*index) else { continue };
            let at = format!("losses-and-claims ({})", business.alias);
            let brought_forward =
                l.losses.as_ref().and_then(|x| x.brought_forward_losses).map_or(Money::ZERO, |a| a.money());
            if business.type_of_business != BusinessType::SelfEmployment {
                if l.claims.is_some() {
                    return Err(not_calculated(&at, "property losses set against general income or carried back"));
                }
                if business.type_of_business == BusinessType::ForeignProperty && brought_forward.is_positive() {
                    return Err(not_calculated(&at, "foreign property losses brought forward"));
                }
                if let Some(p) = inputs.uk_property.as_mut() {
                    p.losses_brought_forward += brought_forward;
                }
            } else if let Some(t) = trade(&mut inputs.self_employments, &business.business_id) {
                t.losses_brought_forward += brought_forward;
            }
            // Losses 7.0 gives the amount brought forward, not the year it was made: the
            // year before is taken (docs/differences.md).
            if brought_forward.is_positive() {
                inputs.loss_records.brought_forward.push(BroughtForwardLoss {
                    business_id: business.business_id.clone(),
                    income_source_type: source_type(business.type_of_business),
                    class4: false,
                    tax_year_incurred: year.previous(),
                    amount: brought_forward,
                });
            }
            let Some(claims) = &l.claims else { continue };
            let Some(t) = trade(&mut inputs.self_employments, &business.business_id) else { continue };
            let claim = |claim_type| LossClaim {
                claim_id: None,
                business_id: business.business_id.clone(),
                income_source_type: IncomeSourceType::SelfEmployment,
                claim_type,
                tax_year_claimed_for: year,
            };
            if let Some(sideways) = claims.carry_sideways.as_ref().and_then(|c| c.current_year_general_income) {
                t.claims_sideways = true;
                t.extras.sideways_limit = Some(sideways.money());
                inputs.loss_records.claims.push(claim(ClaimType::CarrySideways));
            }
            if let Some(back) = &claims.carry_back {
                t.extras.carry_back = CarryBack {
                    previous_year_general_income: or_zero(back.previous_year_general_income),
                    early_years: or_zero(back.early_year_losses),
                    terminal: or_zero(back.terminal_losses),
                };
                if back.previous_year_general_income.is_some() {
                    inputs.loss_records.claims.push(claim(ClaimType::CarryBackwardsGeneralIncome));
                }
                if back.early_year_losses.is_some() || back.terminal_losses.is_some() {
                    inputs.loss_records.claims.push(claim(ClaimType::CarryBackwards));
                }
            }
            t.extras.carry_back_first =
                claims.preference_order.as_ref().and_then(|p| p.apply_first) == Some(ApplyFirst::CarryBack);
            if claims.carry_forward.as_ref().is_some_and(|c| c.current_year_losses.is_some()) {
                inputs.loss_records.claims.push(claim(ClaimType::CarryForward));
            }
        }
        Ok(())
    }
}

fn trade<'a>(trades: &'a mut [SelfEmployment], business_id: &str) -> Option<&'a mut SelfEmployment> {
    trades.iter_mut().find(|t| t.business_id == business_id)
}

fn source_type(kind: BusinessType) -> IncomeSourceType {
    match kind {
        BusinessType::SelfEmployment => IncomeSourceType::SelfEmployment,
        BusinessType::UkProperty => IncomeSourceType::UkProperty,
        BusinessType::ForeignProperty => IncomeSourceType::ForeignProperty,
    }
}
