//! `lossesAndClaims` (def1 to def3; def4 has no such object).

use itsa_engine::Calculation;
use itsa_engine::calculation::{IncomeSourceType, LossesAndClaims};
use itsa_engine::losses::ClaimResult;

use super::inputs::business_income_source_id;
use crate::key;
use crate::views::SchemaVariant;
use crate::views::json::{Node, Obj, money, money_if_not_zero, pounds, pounds_if_not_zero};

/// `lossesAndClaims`: the claims applied ([`claim_lists`]), and under `unclaimedLosses`
/// the losses arising in this year on which no claim was applied, each with the year it
/// was incurred: the income tax loss of the business and, for a trade, its Class 4 loss.
/// Losses brought forward are listed with the year they were made, as submitted.
/// `incomeSourceId` is the business's id as in `businessProfitAndLoss`.
pub(super) fn losses_and_claims(c: &Calculation, variant: SchemaVariant) -> Option<Node> {
    if variant > SchemaVariant::Def3 {
        return None;
    }
    let claims = claim_lists(c.losses_and_claims.as_ref()?);
    let tax_year = c.tax_year.to_string();
    let mut unclaimed = Vec::new();
    for b in &c.business_profit_and_loss {
        let id = business_income_source_id(&b.income_source_id, b.income_source_type);
        let loss = |amount, loss_type: &'static str| {
            Obj::new()
                .set(key!("incomeSourceId"), id.clone())
                .set(key!("incomeSourceType"), b.income_source_type.hmrc_name())
                .set(key!("taxYearLossIncurred"), tax_year.clone())
                .set(key!("currentLossValue"), pounds(amount))
                .set(key!("lossType"), loss_type)
                .build()
        };
        // A loss a claim has used is shown under the claims, not as unclaimed.
        let claimed_forward = |l: &LossesAndClaims| {
            l.carried_forward_losses
                .iter()
                .any(|r| r.income_source_id == b.income_source_id && r.tax_year_loss_incurred == c.tax_year)
        };
        if (b.carry_sideways_losses_used + b.carried_back).is_positive()
            || c.losses_and_claims.as_ref().is_some_and(claimed_forward)
        {
            continue;
        }
        if b.net_loss.is_positive() {
            unclaimed.push(loss(b.net_loss, "income"));
        }
        if b.income_source_type == IncomeSourceType::SelfEmployment && b.class4_loss.is_positive() {
            unclaimed.push(loss(b.class4_loss, "class4-nics"));
        }
    }
    let [applied, carried, default, not_applied] = claims;
    Obj::new()
        .non_empty(key!("resultOfClaimsApplied"), applied)
        .non_empty(key!("unclaimedLosses"), unclaimed)
        .non_empty(key!("carriedForwardLosses"), carried)
        .non_empty(key!("defaultCarriedForwardLosses"), default)
        .non_empty(key!("claimsNotApplied"), not_applied)
        .some_if_not_empty()
}

/// A claim's id as HMRC shows it (`^[A-Za-z0-9]{15}$`): the id itself when it has that
/// form, else a stable 15-digit id derived from it (the ids itsa makes for created
/// resources are UUIDs).
fn claim_id(id: &str) -> String {
    super::inputs::income_source_id(id, "")
}

fn loss_type(class4: bool) -> &'static str {
    if class4 { "class4-nics" } else { "income" }
}

/// `resultOfClaimsApplied`, `carriedForwardLosses`, `defaultCarriedForwardLosses` and
/// `claimsNotApplied` (def1 to def3): what the engine did with the losses brought forward
/// and the claims. A loss brought forward used against the profits is shown as applied
/// under a carry-forward claim; `mtdLoss` is written (false) for the year's own losses,
/// which arose in MTD rather than being registered on joining it.
fn claim_lists(l: &LossesAndClaims) -> [Vec<Node>; 4] {
    // The fields an applied claim and a loss carried forward begin with.
    let head = |r: &ClaimResult| {
        Obj::new()
            .opt(key!("claimId"), r.claim_id.as_deref().map(claim_id))
            .opt(key!("originatingClaimId"), r.originating_claim_id.as_deref().map(claim_id))
            .set(key!("incomeSourceId"), business_income_source_id(&r.income_source_id, r.income_source_type))
            .set(key!("incomeSourceType"), r.income_source_type.hmrc_name())
    };
    let applied = l
        .result_of_claims_applied
        .iter()
        .map(|r| {
            head(r)
                .set(key!("taxYearClaimMade"), r.tax_year_claim_made.unwrap_or(r.tax_year_loss_incurred).to_string())
                .set(key!("claimType"), r.claim_type.hmrc_name())
                .opt(key!("mtdLoss"), (r.mtd_loss).then_some(false))
                .set(key!("taxYearLossIncurred"), r.tax_year_loss_incurred.to_string())
                .set(key!("lossAmountUsed"), pounds(r.loss_amount_used))
                .set(key!("remainingLossValue"), pounds(r.remaining_loss_value))
                .set(key!("lossType"), loss_type(r.class4))
                .build()
        })
        .collect();
    let carried = l
        .carried_forward_losses
        .iter()
        .map(|r| {
            head(r)
                .set(key!("claimType"), r.claim_type.hmrc_name())
                .opt(key!("taxYearClaimMade"), r.tax_year_claim_made.map(|y| y.to_string()))
                .set(key!("taxYearLossIncurred"), r.tax_year_loss_incurred.to_string())
                .set(key!("currentLossValue"), pounds(r.remaining_loss_value))
                .set(key!("lossType"), loss_type(r.class4))
                .build()
        })
        .collect();
    let default = l
        .default_carried_forward
        .iter()
        .map(|d| {
            Obj::new()
                .set(key!("incomeSourceId"), business_income_source_id(&d.income_source_id, d.income_source_type))
                .set(key!("incomeSourceType"), d.income_source_type.hmrc_name())
                .set(key!("taxYearLossIncurred"), d.tax_year_loss_incurred.to_string())
                .set(key!("currentLossValue"), pounds(d.amount))
                .build()
        })
        .collect();
    let not_applied = l
        .claims_not_applied
        .iter()
        .filter_map(|c| {
            Some(
                Obj::new()
                    .set(key!("claimId"), claim_id(c.claim_id.as_deref()?))
                    .set(key!("incomeSourceId"), business_income_source_id(&c.business_id, c.income_source_type))
                    .set(key!("incomeSourceType"), c.income_source_type.hmrc_name())
                    .set(key!("taxYearClaimMade"), c.tax_year_claimed_for.to_string())
                    .set(key!("claimType"), c.claim_type.hmrc_name())
                    .build(),
            )
        })
        .collect();
    [applied, carried, default, not_applied]
}

/// `transitionProfit` (def2 on): each trade's transition profit with the losses brought
/// forward set against it after the year's profit.
pub(super) fn transition_profit(c: &Calculation, variant: SchemaVariant) -> Option<Node> {
    if variant < SchemaVariant::Def2 {
        return None;
    }
    let mut total = itsa_engine::Money::ZERO;
    let details: Vec<Node> = c
        .business_profit_and_loss
        .iter()
        .filter_map(|b| {
            let t = b.transition?;
            total += t.after_losses;
            Some(
                Obj::new()
                    .set(key!("incomeSourceId"), business_income_source_id(&b.income_source_id, b.income_source_type))
                    .opt(key!("incomeSourceName"), b.accounts.as_ref().and_then(|a| a.name.clone()))
                    .set(key!("transitionProfitAmount"), money(t.amount))
                    .opt(key!("transitionProfitAccelerationAmount"), money_if_not_zero(t.acceleration_amount))
                    .set(key!("totalTransitionProfit"), pounds(t.total))
                    .opt(
                        key!("remainingBroughtForwardIncomeTaxLosses"),
                        pounds_if_not_zero(t.remaining_losses_brought_forward),
                    )
                    .opt(key!("broughtForwardIncomeTaxLossesUsed"), pounds_if_not_zero(t.losses_used))
                    .set(key!("transitionProfitsAfterIncomeTaxLossDeductions"), pounds(t.after_losses))
                    .build(),
            )
        })
        .collect();
    if details.is_empty() {
        return None;
    }
    Some(
        Obj::new()
            .set(key!("totalTaxableTransitionProfit"), pounds(total))
            .set(key!("transitionProfitDetail"), details)
            .build(),
    )
}
