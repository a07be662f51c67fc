//! `lossesAndClaims` (def1 to def3; def4 has no such object).

use itsa_engine::Calculation;
use itsa_engine::calculation::IncomeSourceType;

use super::inputs::business_income_source_id;
use crate::views::SchemaVariant;
use crate::views::json::{Node, Obj, pounds};

/// `lossesAndClaims.unclaimedLosses`: the losses arising in this year, which the engine
/// carries forward without any claim, each with the year it was incurred. The income tax
/// loss of every business and, for a trade, its Class 4 loss.
///
/// Unused losses brought forward are part of the engine's amount carried forward too, but
/// HMRC lists each loss with the year it arose (`taxYearLossIncurred` is required) and
/// the engine does not know those years, so they are not written here.
/// `incomeSourceId` is the business's id as in `businessProfitAndLoss`.
pub(super) fn losses_and_claims(c: &Calculation, variant: SchemaVariant) -> Option<Node> {
    if variant > SchemaVariant::Def3 || c.losses_and_claims.is_none() {
        return None;
    }
    let tax_year = c.tax_year.to_string();
    let mut unclaimed = Vec::new();
    for b in &c.business_profit_and_loss {
        let id = business_income_source_id(&b.income_source_id, b.income_source_type);
        let loss = |amount, loss_type: &'static str| {
            Obj::new()
                .set("incomeSourceId", id.clone())
                .set("incomeSourceType", b.income_source_type.hmrc_name())
                .set("taxYearLossIncurred", tax_year.clone())
                .set("currentLossValue", pounds(amount))
                .set("lossType", loss_type)
                .build()
        };
        if b.net_loss.is_positive() {
            unclaimed.push(loss(b.net_loss, "income"));
        }
        if b.income_source_type == IncomeSourceType::SelfEmployment && b.class4_loss.is_positive() {
            unclaimed.push(loss(b.class4_loss, "class4-nics"));
        }
    }
    Obj::new().non_empty("unclaimedLosses", unclaimed).some_if_not_empty()
}
