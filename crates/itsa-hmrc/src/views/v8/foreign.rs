//! Foreign income, foreign tax credit relief, other dividends, UK securities, life policy
//! gains of every kind and royalty payments (the engine's `foreign` module and gains).

use itsa_engine::Money;
use itsa_engine::foreign::{
    ForeignFigures, ForeignSource, ForeignSourceKind, ForeignTaxCredit, ForeignTaxCreditRelief,
};
use itsa_engine::inputs::{LifePolicyGain, PolicyKind};

use crate::key;
use crate::views::json::{Buffer, Field, Node, Obj, money, non_empty_array, object, percent, pounds};

/// `royaltyPayments`: the tax charged on patent royalties paid (whole pounds in HMRC's
/// schema, rounded down), the rate and the gross payments.
pub(super) fn royalty_payments(f: &ForeignFigures) -> Option<Node> {
    f.royalty_payments.map(|r| {
        Obj::new()
            .set(key!("royaltyPaymentsAmount"), pounds(r.tax_charged.round_down_to_pound()))
            .set(key!("rate"), percent(r.rate))
            .set(key!("grossRoyaltyPayments"), pounds(r.gross_royalty_payments))
            .build()
    })
}

/// `foreignTaxForFtcrNotClaimed`.
pub(super) fn foreign_tax_for_ftcr_not_claimed(f: &ForeignFigures) -> Option<Node> {
    f.inputs
        .foreign_tax_not_credited
        .map(|amount| Obj::new().set(key!("foreignTaxOnForeignEmployment"), money(amount)).build())
}

/// One source of income from abroad as HMRC's detail arrays show it: the income before
/// tax (or the taxable amount when none was given), the foreign tax and what is left.
fn source_detail(s: &ForeignSource, source_type: Option<&'static str>) -> impl Field {
    let gross = s.amount_before_tax.unwrap_or(s.taxable_amount);
    object(move |o| {
        o.opt(key!("incomeSourceType"), source_type)
            .set(key!("countryCode"), s.country_code.clone())
            .set(key!("grossIncome"), money(gross))
            .set(key!("netIncome"), money((gross - s.foreign_tax).at_least_zero()))
            .set(key!("taxDeducted"), money(s.foreign_tax))
            .set(key!("foreignTaxCreditRelief"), s.claims_credit)
    })
}

fn sources_of(f: &ForeignFigures, kind: ForeignSourceKind, source_type: Option<&'static str>) -> Option<Node> {
    non_empty_array(
        f.inputs
            .sources
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| Node::from_object(source_detail(s, source_type)))
            .collect(),
    )
}

/// `foreignIncome`: other income received while abroad, offshore income gains and
/// chargeable foreign benefits and gifts.
pub(super) fn foreign_income(f: &ForeignFigures) -> Option<Node> {
    let abroad = sources_of(f, ForeignSourceKind::OtherIncomeReceivedWhilstAbroad, None);
    let benefits = f.inputs.benefits_and_gifts.map(|b| {
        let nz = |m: Money| (!m.is_zero()).then(|| money(m));
        Obj::new()
            .opt(key!("transactionBenefit"), nz(b.transaction_benefit))
            .opt(key!("protectedForeignIncomeSourceBenefit"), nz(b.protected_foreign_income_source_benefit))
            .opt(key!("protectedForeignIncomeOnwardGift"), nz(b.protected_foreign_income_onward_gift))
            .opt(key!("benefitReceivedAsASettler"), nz(b.benefit_received_as_a_settler))
            .opt(key!("onwardGiftReceivedAsASettler"), nz(b.onward_gift_received_as_a_settler))
            .build()
    });
    Obj::new()
        .opt(
            key!("chargeableAllOtherIncomeReceivedWhilstAbroad"),
            abroad.is_some().then(|| money(f.amounts.other_income_abroad)),
        )
        .opt(key!("allOtherIncomeReceivedWhilstAbroadDetail"), abroad)
        .opt(
            key!("overseasIncomeAndGains"),
            f.inputs.offshore_income_gains.map(|g| Obj::new().set(key!("gainAmount"), money(g)).build()),
        )
        .opt(key!("totalForeignBenefitsAndGifts"), benefits.is_some().then(|| money(f.amounts.benefits_and_gifts)))
        .opt(key!("chargeableForeignBenefitsAndGiftsDetail"), benefits)
        .some_if_not_empty()
}

/// The dividend fields after `totalUkDividends`'s object: `otherDividends`,
/// `chargeableForeignDividends`, `foreignDividends` and
/// `dividendIncomeReceivedWhilstAbroad`.
pub(super) fn other_and_foreign_dividends<B: Buffer>(
    obj: Obj<B>,
    f: &ForeignFigures,
    total_foreign_dividends: Money,
) -> Obj<B> {
    let others: Vec<Node> = f
        .inputs
        .other_dividends
        .iter()
        .map(|d| {
            Obj::new()
                .set(key!("typeOfDividend"), d.kind.hmrc_name())
                .opt(key!("customerReference"), d.customer_reference.clone())
                .set(key!("grossAmount"), money(d.gross_amount))
                .build()
        })
        .collect();
    obj.non_empty(key!("otherDividends"), others)
        .opt(
            key!("chargeableForeignDividends"),
            total_foreign_dividends.is_positive().then(|| pounds(total_foreign_dividends)),
        )
        .opt(key!("foreignDividends"), sources_of(f, ForeignSourceKind::Dividends, Some("foreign-dividends")))
        .opt(
            key!("dividendIncomeReceivedWhilstAbroad"),
            sources_of(f, ForeignSourceKind::DividendsReceivedWhilstAbroad, Some("foreign-dividends")),
        )
}

/// The savings fields after `ukSavingsAndGainsIncome`: `chargeableForeignSavingsAndGains`
/// and `foreignSavingsAndGainsIncome`.
pub(super) fn foreign_savings<B: Buffer>(obj: Obj<B>, f: &ForeignFigures) -> Obj<B> {
    let detail = sources_of(f, ForeignSourceKind::Savings, Some("foreign-savings-and-gains"));
    obj.opt(key!("chargeableForeignSavingsAndGains"), detail.is_some().then(|| pounds(f.amounts.foreign_savings)))
        .opt(key!("foreignSavingsAndGainsIncome"), detail)
}

/// The UK securities entry of `ukSavingsAndGainsIncome`.
pub(super) fn uk_securities(f: &ForeignFigures) -> Option<impl Field> {
    f.inputs.uk_securities.map(|s| {
        object(move |o| {
            o.set(key!("incomeSourceType"), "uk-securities")
                .set(key!("grossIncome"), money(s.gross_amount))
                .set(key!("netIncome"), money(s.gross_amount - s.tax_deducted))
                .set(key!("taxDeducted"), money(s.tax_deducted))
        })
    })
}

/// `reliefs.foreignTaxCreditRelief`.
pub(super) fn foreign_tax_credit_relief(r: &ForeignTaxCreditRelief) -> impl Field {
    let on = |f: fn(ForeignSourceKind) -> bool| r.on(f).map(money);
    object(move |o| {
        o.set(key!("customerCalculatedRelief"), r.customer_calculated)
            .set(key!("totalForeignTaxCreditRelief"), money(r.total))
            .opt(key!("foreignTaxCreditReliefOnProperty"), on(|k| k == ForeignSourceKind::Property))
            .opt(
                key!("foreignTaxCreditReliefOnDividends"),
                on(|k| matches!(k, ForeignSourceKind::Dividends | ForeignSourceKind::DividendsReceivedWhilstAbroad)),
            )
            .opt(key!("foreignTaxCreditReliefOnSavings"), on(|k| k == ForeignSourceKind::Savings))
            .opt(
                key!("foreignTaxCreditReliefOnForeignIncome"),
                on(|k| k == ForeignSourceKind::OtherIncomeReceivedWhilstAbroad),
            )
            .non_empty(key!("foreignTaxCreditReliefDetail"), r.details.iter().map(credit_detail))
    })
}

fn credit_detail(d: &ForeignTaxCredit) -> impl Field {
    object(move |o| {
        o.set(key!("incomeSourceType"), d.kind.hmrc_income_source_type())
            .set(key!("countryCode"), d.country_code.clone())
            .set(key!("foreignIncome"), money(d.foreign_income))
            .set(key!("foreignTax"), money(d.foreign_tax))
            .set(key!("ukLiabilityOnIncome"), money(d.uk_liability_on_income))
            .set(key!("foreignTaxCredit"), money(d.foreign_tax_credit))
    })
}

/// `chargeableEventGainsIncome`: UK gains with basic-rate tax treated as paid; UK gains
/// without it and gains on voided ISAs; foreign gains with and without tax paid.
pub(super) fn chargeable_event_gains_income(gains: &[LifePolicyGain]) -> Option<Node> {
    if gains.is_empty() {
        return None;
    }
    let reference = |g: &LifePolicyGain| (!g.name.is_empty()).then(|| g.name.clone());
    let years_held = |g: &LifePolicyGain| Node::from(g.years_held.unwrap_or(g.years));
    let uk = |g: &&LifePolicyGain| g.kind != PolicyKind::Foreign;
    let foreign = |g: &&LifePolicyGain| g.kind == PolicyKind::Foreign;
    let with_tax: Vec<&LifePolicyGain> = gains.iter().filter(uk).filter(|g| g.tax_treated_as_paid).collect();
    let without_tax: Vec<&LifePolicyGain> = gains.iter().filter(uk).filter(|g| !g.tax_treated_as_paid).collect();
    let foreign_paid: Vec<&LifePolicyGain> =
        gains.iter().filter(foreign).filter(|g| g.tax_paid.is_positive()).collect();
    let foreign_unpaid: Vec<&LifePolicyGain> =
        gains.iter().filter(foreign).filter(|g| !g.tax_paid.is_positive()).collect();
    let total = |list: &[&LifePolicyGain]| (!list.is_empty()).then(|| pounds(list.iter().map(|g| g.gain).sum()));
    let uk_detail = |g: &&LifePolicyGain| {
        Obj::new()
            .set(key!("type"), g.kind.hmrc_name())
            .opt(key!("customerReference"), reference(g))
            .set(key!("gainAmount"), money(g.gain))
            .set(key!("yearsHeld"), years_held(g))
            .opt(key!("yearsHeldSinceLastGain"), g.years_held_since_last_gain.map(Node::from))
            .opt(
                key!("voidedIsaTaxPaid"),
                (g.kind == PolicyKind::VoidedIsa && g.tax_paid.is_positive()).then(|| money(g.tax_paid)),
            )
            .build()
    };
    let foreign_detail = |g: &&LifePolicyGain| {
        Obj::new()
            .opt(key!("customerReference"), reference(g))
            .set(key!("gainAmount"), money(g.gain))
            .opt(key!("taxPaidAmount"), g.tax_paid.is_positive().then(|| money(g.tax_paid)))
            .set(key!("yearsHeld"), years_held(g))
            .build()
    };
    Some(
        Obj::new()
            .set(key!("totalOfAllGains"), pounds(gains.iter().map(|g| g.gain).sum()))
            .opt(key!("totalGainsWithTaxPaid"), total(&with_tax))
            .non_empty(key!("gainsWithTaxPaidDetail"), with_tax.iter().map(uk_detail))
            .opt(key!("totalGainsWithNoTaxPaidAndVoidedIsa"), total(&without_tax))
            .non_empty(key!("gainsWithNoTaxPaidAndVoidedIsaDetail"), without_tax.iter().map(uk_detail))
            .opt(key!("totalForeignGainsOnLifePoliciesTaxPaid"), total(&foreign_paid))
            .non_empty(key!("foreignGainsOnLifePoliciesTaxPaidDetail"), foreign_paid.iter().map(foreign_detail))
            .opt(key!("totalForeignGainsOnLifePoliciesNoTaxPaid"), total(&foreign_unpaid))
            .non_empty(key!("foreignGainsOnLifePoliciesNoTaxPaidDetail"), foreign_unpaid.iter().map(foreign_detail))
            .build(),
    )
}
