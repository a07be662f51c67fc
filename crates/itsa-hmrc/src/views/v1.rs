//! The responses of Individual Calculations 1.0 (the seed documentation of autumn 2019):
//! the list, the trigger and intent-to-crystallise answers, the metadata, and the five
//! sub-resources a calculation is read through.
//!
//! The sub-resources' bodies are written from the engine's [`Calculation`] by
//! [`sub_resources_v1`], once, when the calculation is computed; links are added when
//! one is read, since they name the path it was read by. Every figure is the engine's,
//! written to the field's documented precision: "No decimals" fields are whole pounds
//! (pence dropped), the others pounds and pence. A figure the engine works out that 1.0
//! has no field for (student loans, the High Income Child Benefit Charge, marriage
//! allowance relief, coded-out debts, employments and pensions one by one) is left out,
//! and nothing is written that the engine did not work out. `docs/versions.md` maps the
//! fields to 3.0's and 8.0's.

use itsa_engine::calculation::{
    BandName, Class2Nics, Class4Nics, EndOfYearEstimate, EstimatedSourceType, IncomeSourceType, IncomeTaxCategory,
    TaxBand,
};
use itsa_engine::{Calculation, Money, Regime, TaxYear};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::domain::{CalculationId, CalculationType, Nino};
use crate::v1::requests::{MessageFilter, MessageType};
use crate::views::json::{Node, Obj, money, non_empty_array, percent, pounds, pounds_if_not_zero};
use crate::views::v3::link;
use crate::views::v8::inputs::{business_income_source_id, income_source_id};
use crate::views::v8::messages_v8;
use crate::views::v8::metadata::RequestedBy;

const CALCULATIONS: &str = "/individuals/calculations";

/// The five sub-resources of a calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubResource {
    IncomeTaxNicsCalculated,
    TaxableIncome,
    AllowancesDeductionsReliefs,
    EndOfYearEstimate,
    Messages,
}

impl SubResource {
    /// In the order the metadata links them.
    pub const ALL: [SubResource; 5] = [
        SubResource::IncomeTaxNicsCalculated,
        SubResource::TaxableIncome,
        SubResource::AllowancesDeductionsReliefs,
        SubResource::EndOfYearEstimate,
        SubResource::Messages,
    ];

    /// The last segment of its path, also its key in the stored document.
    pub const fn path(self) -> &'static str {
        match self {
            SubResource::IncomeTaxNicsCalculated => "income-tax-nics-calculated",
            SubResource::TaxableIncome => "taxable-income",
            SubResource::AllowancesDeductionsReliefs => "allowances-deductions-reliefs",
            SubResource::EndOfYearEstimate => "end-of-year-estimate",
            SubResource::Messages => "messages",
        }
    }

    /// Its `rel` in the metadata's links (the income tax one is spelt differently).
    pub const fn rel(self) -> &'static str {
        match self {
            SubResource::IncomeTaxNicsCalculated => "income-tax-and-nics-calculated",
            other => other.path(),
        }
    }
}

/// The 1.0 timestamp, `YYYY-MM-DDThh:mm:ssZ` in UTC, as the documentation gives it.
pub fn v1_timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).expect("a UTC date-time always formats")
}

/// 1.0's `calculationType`: `inYear`, or `crystallisation` for a calculation made through
/// "intent to crystallise" (declared or not). 1.0 has no amendments; `None` for them.
pub fn v1_calculation_type(kind: CalculationType) -> Option<&'static str> {
    match kind {
        CalculationType::InYear => Some("inYear"),
        CalculationType::IntentToFinalise | CalculationType::FinalDeclaration => Some("crystallisation"),
        CalculationType::IntentToAmend | CalculationType::ConfirmAmendment => None,
    }
}

fn metadata_path(nino: &Nino, id: &CalculationId) -> String {
    format!("{CALCULATIONS}/{nino}/self-assessment/{id}")
}

/// What the metadata is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataV1 {
    pub calculation_id: CalculationId,
    pub tax_year: TaxYear,
    pub requested_by: RequestedBy,
    pub calculation_timestamp: OffsetDateTime,
    pub calculation_type: CalculationType,
    /// Whether a crystallisation declaration was made with it.
    pub crystallised: bool,
    /// `totalIncomeTaxAndNicsDue`; left out when there are errors.
    pub total_income_tax_and_nics_due: Option<Money>,
    pub error_count: u32,
}

/// The metadata, with links to `self` and to the sub-resources that have data
/// (`available`, in [`SubResource::ALL`]'s order), or only `self` and `messages` when
/// the calculation has errors. `None` for an amendment, which 1.0 cannot show.
pub fn metadata_v1(m: &MetadataV1, nino: &Nino, available: &[SubResource]) -> Option<Value> {
    let kind = v1_calculation_type(m.calculation_type)?;
    let intent = kind == "crystallisation";
    let errors = m.error_count > 0;
    let base = metadata_path(nino, &m.calculation_id);
    let mut links = vec![link(base.clone(), "self", "GET")];
    for sub in SubResource::ALL {
        let shown = if errors { sub == SubResource::Messages } else { available.contains(&sub) };
        if shown {
            links.push(link(format!("{base}/{}", sub.path()), sub.rel(), "GET"));
        }
    }
    Some(
        Obj::new()
            .set("id", m.calculation_id.as_str().to_owned())
            .set("taxYear", m.tax_year.to_string())
            .set("requestedBy", m.requested_by.as_str())
            .set("calculationReason", "customerRequest")
            .set("calculationTimestamp", v1_timestamp(m.calculation_timestamp))
            .set("calculationType", kind)
            .set("intentToCrystallise", intent)
            .set("crystallised", intent && m.crystallised)
            .opt("totalIncomeTaxAndNicsDue", m.total_income_tax_and_nics_due.filter(|_| !errors).map(money))
            .set_if(errors, "calculationErrorCount", m.error_count)
            .set("links", links)
            .build()
            .into(),
    )
}

/// A sub-resource's body with its links: `self`, then the calculation's metadata.
pub fn with_links(mut body: Value, nino: &Nino, id: &CalculationId, sub: SubResource) -> Value {
    let base = metadata_path(nino, id);
    let links = vec![link(format!("{base}/{}", sub.path()), "self", "GET"), link(base, "metadata", "GET")];
    if let Some(object) = body.as_object_mut() {
        object.insert("links".into(), Node::Array(links).into());
    }
    body
}

/// The messages the filter asks for, or `None` if that leaves none
/// (`NO_MESSAGES_PRESENT`).
pub fn filter_messages(messages: Option<&Value>, filter: &MessageFilter) -> Option<Value> {
    let mut kept = Map::new();
    for (key, kind) in [("info", MessageType::Info), ("warnings", MessageType::Warning), ("errors", MessageType::Error)]
    {
        let items = messages.and_then(|m| m.get(key)).and_then(Value::as_array).filter(|items| !items.is_empty());
        if let Some(items) = items.filter(|_| filter.includes(kind)) {
            kept.insert(key.into(), Value::Array(items.clone()));
        }
    }
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// One calculation in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItemV1 {
    pub calculation_id: CalculationId,
    pub calculation_timestamp: OffsetDateTime,
    pub calculation_type: CalculationType,
    pub requested_by: RequestedBy,
}

/// The list response: the calculations (amendments left out), then the list's `self`
/// and `trigger` links.
pub fn list_v1(nino: &Nino, items: &[ListItemV1]) -> Value {
    let calculations: Vec<Node> = items
        .iter()
        .filter_map(|item| {
            let kind = v1_calculation_type(item.calculation_type)?;
            Some(
                Obj::new()
                    .set("id", item.calculation_id.as_str().to_owned())
                    .set("calculationTimestamp", v1_timestamp(item.calculation_timestamp))
                    .set("type", kind)
                    .set("requestedBy", item.requested_by.as_str())
                    .set("links", vec![link(metadata_path(nino, &item.calculation_id), "self", "GET")])
                    .build(),
            )
        })
        .collect();
    let base = format!("{CALCULATIONS}/{nino}/self-assessment");
    Obj::new()
        .set("calculations", calculations)
        .set("links", vec![link(base.clone(), "self", "GET"), link(base, "trigger", "POST")])
        .build()
        .into()
}

/// The trigger response: the id and a link to the metadata.
pub fn trigger_response_v1(nino: &Nino, id: &CalculationId) -> Value {
    Obj::new()
        .set("id", id.as_str().to_owned())
        .set("links", vec![link(metadata_path(nino, id), "self", "GET")])
        .build()
        .into()
}

/// The intent-to-crystallise response: the id, a link to its metadata and one to
/// crystallise with it.
pub fn intent_to_crystallise_response_v1(nino: &Nino, tax_year: TaxYear, id: &CalculationId) -> Value {
    Obj::new()
        .set("calculationId", id.as_str().to_owned())
        .set(
            "links",
            vec![
                link(metadata_path(nino, id), "self", "GET"),
                link(format!("{CALCULATIONS}/crystallisation/{nino}/{tax_year}/crystallise"), "crystallise", "POST"),
            ],
        )
        .build()
        .into()
}

/// Every sub-resource body of a computed calculation, keyed by [`SubResource::path`]; a
/// sub-resource with no data is absent. `crystallisation` says whether it is an
/// intent-to-crystallise calculation (it then shows loss summaries; only an in-year
/// calculation has an end-of-year estimate).
pub fn sub_resources_v1(c: &Calculation, crystallisation: bool) -> Value {
    let mut documents = Map::new();
    documents.insert(SubResource::IncomeTaxNicsCalculated.path().into(), income_tax_nics_calculated(c));
    documents.insert(SubResource::TaxableIncome.path().into(), taxable_income(c, crystallisation));
    if let Some(v) = allowances_deductions_reliefs(c) {
        documents.insert(SubResource::AllowancesDeductionsReliefs.path().into(), v);
    }
    if let Some(v) = c.end_of_year_estimate.as_ref().filter(|_| !crystallisation).map(|e| end_of_year_estimate(c, e)) {
        documents.insert(SubResource::EndOfYearEstimate.path().into(), v);
    }
    if let Some(v) = messages_v8(&c.messages) {
        documents.insert(SubResource::Messages.path().into(), v);
    }
    Value::Object(documents)
}

/// `taxRegime`: `UK`, `Scotland` or `Wales`.
const fn tax_regime(regime: Regime) -> &'static str {
    match regime {
        Regime::RestOfUk => "UK",
        Regime::Scotland => "Scotland",
        Regime::Wales => "Wales",
    }
}

/// `income-tax-nics-calculated`.
pub fn income_tax_nics_calculated(c: &Calculation) -> Value {
    let t = &c.tax_calculation;
    let i = &t.income_tax;
    // 1.0's `totalTaxDeducted` is whole pounds from nil up: a total that PAYE refunds or
    // coded-out debts take below nil is left out, with the charge it would be set against.
    let deducted = t.total_tax_deducted.is_positive();
    let summary = Obj::new()
        .set(
            "incomeTax",
            Obj::new()
                .set("incomeTaxCharged", money(i.income_tax_charged))
                .set("incomeTaxDueAfterReliefs", money(i.income_tax_due_after_reliefs))
                .set("incomeTaxDueAfterGiftAid", money(i.income_tax_due_after_gift_aid))
                .build(),
        )
        .opt("nics", nics_summary(c))
        .set_if(deducted, "totalIncomeTaxNicsCharged", money(t.total_income_tax_nics_charged))
        .set_if(deducted, "totalTaxDeducted", pounds(t.total_tax_deducted))
        .set("totalIncomeTaxAndNicsDue", money(t.total_income_tax_and_nics_due))
        .set("taxRegime", tax_regime(c.regime))
        .build();
    let income_tax = Obj::new()
        .opt("payPensionsProfit", i.pay_pensions_profit.as_ref().map(|x| category(x, &PAY_PENSIONS_PROFIT_BANDS)))
        .opt("savingsAndGains", i.savings_and_gains.as_ref().map(|x| category(x, &SAVINGS_BANDS)))
        .opt("dividends", i.dividends.as_ref().map(|x| category(x, &DIVIDEND_BANDS)))
        .opt("giftAid", gift_aid(c))
        .build();
    let nics = Obj::new()
        .opt("class2Nics", t.nics.class2.as_ref().map(class2_nics))
        .opt("class4Nics", t.nics.class4.as_ref().map(class4_nics))
        .some_if_not_empty();
    let tax_deducted_at_source =
        Obj::new().opt("savings", c.tax_deducted_at_source.bbsi.and_then(pounds_if_not_zero)).some_if_not_empty();
    let detail = Obj::new()
        .set("incomeTax", income_tax)
        .opt("nics", nics)
        .opt("taxDeductedAtSource", tax_deducted_at_source)
        .build();
    Obj::new().set("summary", summary).set("detail", detail).build().into()
}

/// `summary.nics`, for the self-employed.
fn nics_summary(c: &Calculation) -> Option<Node> {
    let n = &c.tax_calculation.nics;
    if n.class2.is_none() && n.class4.is_none() {
        return None;
    }
    Some(
        Obj::new()
            .opt("class2NicsAmount", n.class2.map(|x| money(x.amount)))
            .opt("class4NicsAmount", n.class4.as_ref().map(|x| money(x.total_amount)))
            .set("totalNic", money(n.total_nic))
            .build(),
    )
}

/// The band names 1.0 allows for each kind of income (SRT, BRT, ZRTBR, …).
const PAY_PENSIONS_PROFIT_BANDS: [BandName; 5] = [
    BandName::StarterRate,
    BandName::BasicRate,
    BandName::IntermediateRate,
    BandName::HigherRate,
    BandName::AdditionalRate,
];
const SAVINGS_BANDS: [BandName; 6] = [
    BandName::SavingsStarterRate,
    BandName::BasicRate,
    BandName::HigherRate,
    BandName::AdditionalRate,
    BandName::AllowanceAwardedAtBasicRate,
    BandName::AllowanceAwardedAtHigherRate,
];
const DIVIDEND_BANDS: [BandName; 6] = [
    BandName::BasicRate,
    BandName::HigherRate,
    BandName::AdditionalRate,
    BandName::AllowanceAwardedAtBasicRate,
    BandName::AllowanceAwardedAtHigherRate,
    BandName::AllowanceAwardedAtAdditionalRate,
];

/// `payPensionsProfit`, `savingsAndGains` or `dividends`. The category's
/// `incomeTaxAmount` is whole pounds in HMRC's schema and example (pence dropped); each
/// band's `taxAmount` keeps its pence. A band 1.0 has no name for (Scotland's advanced
/// rate, from 2024-25) is left out.
fn category(c: &IncomeTaxCategory, allowed: &[BandName]) -> Node {
    let bands: Vec<Node> = c.tax_bands.iter().filter(|b| allowed.contains(&b.name)).map(tax_band).collect();
    Obj::new()
        .set("allowancesAllocated", pounds(c.allowances_allocated))
        .set("incomeTaxAmount", pounds(c.income_tax_amount))
        .non_empty("taxBands", bands)
        .build()
}

fn tax_band(b: &TaxBand) -> Node {
    Obj::new()
        .set("name", b.name.hmrc_code())
        .set("rate", percent(b.rate))
        .set("bandLimit", pounds(b.band_limit))
        .set("apportionedBandLimit", pounds(b.apportioned_band_limit))
        .set("income", pounds(b.income))
        .set("taxAmount", money(b.tax_amount))
        .build()
}

/// `detail.incomeTax.giftAid`: shown, as documented, only when tax is charged on the
/// donations because the donor's own tax did not cover the basic-rate tax treated as
/// deducted from them; `giftAidTax` is that charge.
fn gift_aid(c: &Calculation) -> Option<Node> {
    let g = c.gift_aid.filter(|g| g.gift_aid_charge.is_positive())?;
    Some(
        Obj::new()
            .set("grossGiftAidPayments", pounds(g.band_extension))
            .set("rate", percent(g.rate))
            .set("giftAidTax", money(g.gift_aid_charge))
            .build(),
    )
}

/// `class2Nics`. 1.0 counts at most 52 weeks; in a 53-week year the count is left out
/// rather than shown wrong. Class 2 is worked out for the whole year, so there is no
/// apportioned limit.
fn class2_nics(c: &Class2Nics) -> Node {
    Obj::new()
        .set("weeklyRate", money(c.weekly_rate))
        .set_if(c.weeks <= 52, "weeks", c.weeks)
        .set("limit", pounds(c.limit))
        .set("underSmallProfitThreshold", c.under_small_profit_threshold)
        .set("actualClass2Nic", c.actual_class2_nic)
        .build()
}

/// `class4Nics`: the engine takes no Class 4-only adjustments, so the income liable
/// and the income chargeable are the same.
fn class4_nics(c: &Class4Nics) -> Node {
    let bands: Vec<Node> = c
        .bands
        .iter()
        .map(|b| {
            Obj::new()
                .set("name", b.name.hmrc_code())
                .set("rate", percent(b.rate))
                .opt("threshold", b.threshold.map(pounds))
                .set("income", pounds(b.income))
                .set("amount", money(b.amount))
                .build()
        })
        .collect();
    Obj::new()
        .set("totalIncomeLiableToClass4Charge", pounds(c.total_income))
        .set("totalIncomeChargeableToClass4", pounds(c.total_income))
        .non_empty("class4NicBands", bands)
        .build()
}

/// Whether `id` matches 1.0's self-employment id pattern `^X[A-Z0-9]IS[0-9]{11}$`.
fn is_self_employment_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 15
        && b[0] == b'X'
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && &b[2..4] == b"IS"
        && b[4..].iter().all(u8::is_ascii_digit)
}

/// A self-employment's id: the one 8.0 shows when it fits 1.0's narrower pattern,
/// otherwise one derived the same stable way with the `XAIS` prefix.
fn self_employment_id(name: &str) -> String {
    let id = business_income_source_id(name, IncomeSourceType::SelfEmployment);
    if is_self_employment_id(&id) { id } else { income_source_id(&format!("{name}\u{0}"), "XAIS") }
}

/// A savings account's id, as 8.0's `inputs` shows it.
fn savings_account_id(name: &str) -> String {
    income_source_id(name, "")
}

/// A savings account's name in 1.0's allowed characters (letters, digits, space and
/// `&'()*,-./@£`) and length (32): other characters are dropped; with nothing left, the
/// account's id stands for its name.
fn savings_account_name(name: &str) -> String {
    let allowed = |c: &char| c.is_ascii_alphanumeric() || " &'()*,-./@£".contains(*c);
    let kept: String = name.chars().filter(allowed).take(32).collect();
    if kept.trim().is_empty() { savings_account_id(name) } else { kept }
}

/// `taxable-income`.
pub fn taxable_income(c: &Calculation, crystallisation: bool) -> Value {
    let i = &c.tax_calculation.income_tax;
    let totals = &c.income_summary_totals;
    let pay = i.pay_pensions_profit.as_ref().map(|p| {
        Obj::new()
            .set("incomeReceived", pounds(p.income_received))
            .set("taxableIncome", pounds(p.taxable_income))
            .opt("totalSelfEmploymentProfit", pounds_if_not_zero(totals.total_self_employment_profit))
            .opt("totalPropertyProfit", pounds_if_not_zero(totals.total_property_profit))
            .opt("totalUKOtherPropertyProfit", pounds_if_not_zero(totals.total_uk_other_property_profit))
            .opt("businessProfitAndLoss", business_profit_and_loss(c, crystallisation))
            .build()
    });
    let savings = i.savings_and_gains.as_ref().map(|s| {
        let accounts: Vec<Node> = c
            .savings_and_gains_income
            .iter()
            .flat_map(|income| &income.accounts)
            .map(|a| {
                Obj::new()
                    .set("savingsAccountId", savings_account_id(&a.name))
                    .set("savingsAccountName", savings_account_name(&a.name))
                    .set("grossIncome", money(a.gross_income))
                    .set("netIncome", money(a.net_income))
                    .set("taxDeducted", money(a.tax_deducted))
                    .build()
            })
            .collect();
        Obj::new()
            .set("incomeReceived", pounds(s.income_received))
            .set("taxableIncome", pounds(s.taxable_income))
            .non_empty("ukSavings", accounts)
            .build()
    });
    let dividends = i.dividends.as_ref().map(|d| {
        Obj::new()
            .set("incomeReceived", pounds(d.income_received))
            .set("taxableIncome", pounds(d.taxable_income))
            .build()
    });
    Obj::new()
        .set(
            "summary",
            Obj::new()
                .set("totalIncomeReceivedFromAllSources", pounds(i.total_income_received_from_all_sources))
                .set("totalTaxableIncome", pounds(i.total_taxable_income))
                .build(),
        )
        .set(
            "detail",
            Obj::new()
                .opt("payPensionsProfit", pay)
                .opt("savingsAndGains", savings)
                .opt("dividends", dividends)
                .build(),
        )
        .build()
        .into()
}

/// `businessProfitAndLoss`: each trade, and the UK property business (1.0's
/// `ukPropertyNonFhl`; itsa has no furnished holiday lettings). 1.0 has no field for a
/// foreign property business, which is left out here. The loss summary is shown for a
/// crystallisation calculation only, as documented.
fn business_profit_and_loss(c: &Calculation, crystallisation: bool) -> Option<Node> {
    let mut trades = Vec::new();
    let mut property = None;
    for b in &c.business_profit_and_loss {
        if b.income_source_type == IncomeSourceType::ForeignProperty {
            continue;
        }
        let profit = b.net_loss.is_zero();
        let is_trade = b.income_source_type == IncomeSourceType::SelfEmployment;
        let summary = Obj::new()
            .opt("totalBroughtForwardIncomeTaxLosses", pounds_if_not_zero(b.total_losses_brought_forward))
            .opt("broughtForwardIncomeTaxLossesUsed", pounds_if_not_zero(b.losses_used))
            .opt("totalIncomeTaxLossesCarriedForward", pounds_if_not_zero(b.losses_carried_forward))
            .some_if_not_empty()
            .filter(|_| crystallisation);
        let start = if is_trade {
            Obj::new().set("selfEmploymentId", self_employment_id(&b.income_source_id))
        } else {
            Obj::new()
        };
        let value = start
            .set_if(profit, "netProfit", money(b.net_profit))
            .set_if(!profit, "netLoss", money(b.net_loss))
            .set_if(profit, "taxableProfit", pounds(b.net_profit))
            .set_if(!profit, "adjustedIncomeTaxLoss", pounds(b.net_loss))
            .opt("class4Loss", pounds_if_not_zero(b.class4_loss).filter(|_| is_trade))
            .set_if(profit, "taxableProfitAfterIncomeTaxLossesDeduction", pounds(b.taxable_profit))
            .opt("lossClaimsSummary", summary)
            .build();
        if is_trade {
            trades.push(value);
        } else {
            property = Some(value);
        }
    }
    Obj::new().opt("selfEmployments", non_empty_array(trades)).opt("ukPropertyNonFhl", property).some_if_not_empty()
}

/// `allowances-deductions-reliefs`, or `None` when there is nothing to show
/// (`NO_ALLOWANCES_DEDUCTIONS_RELIEFS_EXIST`). `allowableAmount` is the relievable
/// amount (the lowest of the costs, the property profits and the adjusted total income)
/// and `propertyFinanceRelief` the tax reduction given, both whole pounds (pence
/// dropped); the costs claimed round up, as on a return.
pub fn allowances_deductions_reliefs(c: &Calculation) -> Option<Value> {
    let a = &c.allowances_and_deductions;
    let i = &c.tax_calculation.income_tax;
    let allowances = Obj::new()
        .opt("personalAllowance", pounds_if_not_zero(a.personal_allowance))
        .opt("reducedPersonalAllowance", a.reduced_personal_allowance.map(pounds))
        .opt("giftOfInvestmentsAndPropertyToCharity", a.deductions.gifts_of_investments.map(pounds))
        .opt("blindPersonsAllowance", a.blind_persons_allowance.map(pounds))
        .some_if_not_empty();
    let finance_costs = c.reliefs.residential_finance_costs.as_ref().map(|r| {
        Obj::new()
            .set("amountClaimed", pounds(r.amount_claimed().round_up_to_pound()))
            .set("allowableAmount", pounds(r.relievable_amount))
            .set("rate", percent(r.rate))
            .set("propertyFinanceRelief", pounds(r.total_residential_finance_costs_relief))
            .build()
    });
    let reliefs = Obj::new().opt("residentialFinanceCosts", finance_costs).some_if_not_empty();
    if allowances.is_none() && reliefs.is_none() {
        return None;
    }
    Some(
        Obj::new()
            .set(
                "summary",
                Obj::new()
                    .opt("totalAllowancesAndDeductions", pounds_if_not_zero(i.total_allowances_and_deductions))
                    .opt("totalReliefs", pounds_if_not_zero(i.total_reliefs))
                    .build(),
            )
            .set("detail", Obj::new().opt("allowancesAndDeductions", allowances).opt("reliefs", reliefs).build())
            .build()
            .into(),
    )
}

/// `end-of-year-estimate`. The detail lists the sources 1.0 has fields for (trades,
/// UK property, savings, dividends); employment, pension and other income count in the
/// totals only. The engine estimates savings as one total, which 1.0 shows per
/// account: it is shown when the calculation has a single account, and left to the
/// totals otherwise.
pub fn end_of_year_estimate(c: &Calculation, e: &EndOfYearEstimate) -> Value {
    let accounts: Vec<&str> =
        c.savings_and_gains_income.iter().flat_map(|s| &s.accounts).map(|a| a.name.as_str()).collect();
    let mut trades = Vec::new();
    let mut savings = Vec::new();
    let mut detail = Obj::new();
    for source in &e.income_sources {
        let name = source.income_source_name.as_deref().unwrap_or_default();
        let taxable = pounds(source.taxable_income);
        match source.income_source_type {
            EstimatedSourceType::SelfEmployment => trades.push(
                Obj::new().set("selfEmploymentId", self_employment_id(name)).set("taxableIncome", taxable).build(),
            ),
            EstimatedSourceType::UkProperty => {
                detail = detail.set("ukPropertyNonFhl", Obj::new().set("taxableIncome", taxable).build());
            }
            EstimatedSourceType::UkSavings => {
                if let [account] = accounts[..] {
                    savings.push(
                        Obj::new()
                            .set("savingsAccountId", savings_account_id(account))
                            .set("savingsAccountName", savings_account_name(account))
                            .set("taxableIncome", taxable)
                            .build(),
                    );
                }
            }
            EstimatedSourceType::UkDividends => {
                detail = detail.set("ukDividends", Obj::new().set("taxableIncome", taxable).build());
            }
            // The v1 estimate's detail has no object for these sources; their income is in
            // the summary's totals.
            EstimatedSourceType::Employments
            | EstimatedSourceType::StatePension
            | EstimatedSourceType::OtherIncome
            | EstimatedSourceType::ForeignProperty
            | EstimatedSourceType::ForeignDividends => {}
        }
    }
    let detail = detail.non_empty("selfEmployments", trades).non_empty("ukSavings", savings);
    Obj::new()
        .set(
            "summary",
            Obj::new()
                .set("totalEstimatedIncome", pounds(e.total_estimated_income))
                .set("totalTaxableIncome", pounds(e.total_taxable_income))
                .set("incomeTaxAmount", money(e.income_tax_amount))
                .set("nic2", money(e.nic2))
                .set("nic4", money(e.nic4))
                .set("totalNicAmount", money(e.total_nic_amount))
                .set("incomeTaxNicAmount", money(e.income_tax_nic_amount))
                .build(),
        )
        .opt("detail", detail.some_if_not_empty())
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsa_engine::Inputs;
    use itsa_engine::inputs::{Employment, SavingsAccount, SelfEmployment, UkProperty};
    use serde_json::json;
    use time::macros::datetime;

    const ID: &str = "f2fb30e5-4ab6-4a29-b3c1-c7264259ff1c";

    fn nino() -> Nino {
        Nino::parse("AA123456A").unwrap()
    }

    fn calculation(year: u16, regime: Regime) -> Calculation {
        let mut inputs = Inputs::new(TaxYear::starting(year), regime);
        inputs.employments.push(Employment {
            name: "Acme".into(),
            pay: Money::pounds(30_000),
            tax_deducted: Money::new("3200.40".parse().unwrap()),
            ..Default::default()
        });
        inputs.self_employments.push(SelfEmployment {
            business_id: "XAIS00000000001".into(),
            adjusted_profit: Money::pounds(12_000),
            ..Default::default()
        });
        inputs.uk_property = Some(UkProperty {
            business_id: "XPIS00000000001".into(),
            profit: Money::pounds(8_000),
            residential_finance_costs: Money::pounds(1_500),
            ..Default::default()
        });
        inputs.savings_accounts.push(SavingsAccount {
            name: "savings".into(),
            gross_interest: Money::pounds(1_800),
            ..Default::default()
        });
        inputs.dividends = Money::pounds(3_000);
        inputs.income_to_date = Some(inputs.tax_year.last_day());
        itsa_engine::calculate(&inputs).unwrap()
    }

    #[test]
    fn band_codes_and_precision() {
        let c = calculation(2019, Regime::Scotland);
        let body = income_tax_nics_calculated(&c);
        assert_eq!(body["summary"]["taxRegime"], "Scotland");
        let pay = &body["detail"]["incomeTax"]["payPensionsProfit"];
        let names: Vec<&str> =
            pay["taxBands"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
        assert!(names.starts_with(&["SRT", "BRT", "IRT"]), "{names:?}");
        assert!(pay["incomeTaxAmount"].is_i64());
        let dividends = body["detail"]["incomeTax"]["dividends"]["taxBands"].as_array().unwrap();
        assert!(
            dividends
                .iter()
                .all(|b| ["BRT", "HRT", "ART", "ZRTBR", "ZRTHR", "ZRTAR"].contains(&b["name"].as_str().unwrap()))
        );
        // Tax deducted is whole pounds; what is due is the engine's exact figure.
        assert_eq!(body["summary"]["totalTaxDeducted"], 3200);
        assert_eq!(
            body["summary"]["totalIncomeTaxAndNicsDue"],
            Value::from(money(c.tax_calculation.total_income_tax_and_nics_due))
        );
        // 2019-20 has 53 Class 2 weeks by itsa's count: more than 1.0 can show.
        assert!(body["detail"]["nics"]["class2Nics"].get("weeks").is_none());
        assert_eq!(body["detail"]["nics"]["class4Nics"]["class4NicBands"][0]["name"], "ZRT");
    }

    #[test]
    fn tax_deducted_below_nil_is_left_out() {
        // An employer repaid 100 more PAYE than it deducted: 1.0's total starts at nil, so
        // the summary shows only what is due, the charge plus the 100.
        let mut inputs = Inputs::new(TaxYear::starting(2019), Regime::RestOfUk);
        inputs.employments.push(Employment {
            name: "Acme".into(),
            pay: Money::pounds(14_500),
            tax_deducted: Money::pounds(-100),
            ..Default::default()
        });
        let c = itsa_engine::calculate(&inputs).unwrap();
        let summary = &income_tax_nics_calculated(&c)["summary"];
        assert!(summary.get("totalTaxDeducted").is_none());
        assert!(summary.get("totalIncomeTaxNicsCharged").is_none());
        // 2019-20: (14,500 - 12,500) x 20% = 400, and 100 repaid: 500 due.
        assert_eq!(summary["totalIncomeTaxAndNicsDue"], 500);
    }

    #[test]
    fn sub_resources_by_kind_of_calculation() {
        let c = calculation(2020, Regime::RestOfUk);
        let in_year = sub_resources_v1(&c, false);
        for sub in SubResource::ALL {
            let present = in_year.get(sub.path()).is_some();
            assert_eq!(present, sub != SubResource::Messages || !c.messages.is_empty(), "{sub:?}");
        }
        let crystallisation = sub_resources_v1(&c, true);
        assert!(crystallisation.get("end-of-year-estimate").is_none());
        let eoy = &in_year["end-of-year-estimate"];
        assert_eq!(eoy["detail"]["selfEmployments"][0]["selfEmploymentId"], "XAIS00000000001");
        assert_eq!(eoy["detail"]["ukSavings"][0]["savingsAccountName"], "savings");
        let taxable = &in_year["taxable-income"]["detail"];
        assert_eq!(taxable["payPensionsProfit"]["businessProfitAndLoss"]["ukPropertyNonFhl"]["taxableProfit"], 8_000);
        let reliefs = &in_year["allowances-deductions-reliefs"]["detail"]["reliefs"]["residentialFinanceCosts"];
        assert_eq!(reliefs["amountClaimed"], 1_500);
        assert_eq!(reliefs["rate"], 20);
    }

    /// 1.0 has no field for a foreign property business: the UK one keeps its own.
    #[test]
    fn a_foreign_property_business_leaves_the_uk_one_as_it_is() {
        let mut inputs = itsa_engine::Inputs::new(TaxYear::starting(2020), Regime::RestOfUk);
        inputs.uk_property = Some(itsa_engine::inputs::UkProperty {
            business_id: "XPIS00000000001".into(),
            profit: Money::pounds(8_000),
            ..Default::default()
        });
        inputs.foreign_property = Some(itsa_engine::inputs::ForeignProperty {
            business_id: "XFIS00000000001".into(),
            profit: Money::pounds(3_000),
            countries: vec![itsa_engine::inputs::ForeignPropertyCountry {
                country_code: "FRA".into(),
                profit: Money::pounds(3_000),
                ..Default::default()
            }],
            accounts: None,
        });
        let c = itsa_engine::calculate(&inputs).unwrap();
        let taxable = &sub_resources_v1(&c, true)["taxable-income"]["detail"];
        let property = &taxable["payPensionsProfit"]["businessProfitAndLoss"]["ukPropertyNonFhl"];
        assert_eq!(property["taxableProfit"], 8_000);
    }

    #[test]
    fn metadata_links_follow_the_data() {
        let m = MetadataV1 {
            calculation_id: CalculationId::parse(ID).unwrap(),
            tax_year: TaxYear::starting(2019),
            requested_by: RequestedBy::Customer,
            calculation_timestamp: datetime!(2020-06-15 09:00:00.5 UTC),
            calculation_type: CalculationType::IntentToFinalise,
            crystallised: true,
            total_income_tax_and_nics_due: Some(Money::new("5010.34".parse().unwrap())),
            error_count: 0,
        };
        let value =
            metadata_v1(&m, &nino(), &[SubResource::IncomeTaxNicsCalculated, SubResource::TaxableIncome]).unwrap();
        assert_eq!(value["calculationTimestamp"], "2020-06-15T09:00:00Z");
        assert_eq!(
            (
                value["calculationType"].as_str(),
                value["intentToCrystallise"].as_bool(),
                value["crystallised"].as_bool()
            ),
            (Some("crystallisation"), Some(true), Some(true))
        );
        let rels: Vec<&str> = value["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
        assert_eq!(rels, ["self", "income-tax-and-nics-calculated", "taxable-income"]);
        assert_eq!(
            value["links"][1]["href"],
            format!("/individuals/calculations/AA123456A/self-assessment/{ID}/income-tax-nics-calculated")
        );

        let failed = MetadataV1 { error_count: 2, calculation_type: CalculationType::InYear, ..m.clone() };
        let value = metadata_v1(&failed, &nino(), &SubResource::ALL).unwrap();
        assert!(value.get("totalIncomeTaxAndNicsDue").is_none());
        assert_eq!(value["calculationErrorCount"], 2);
        assert_eq!(value["crystallised"], false);
        let rels: Vec<&str> = value["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
        assert_eq!(rels, ["self", "messages"]);
        assert_eq!(
            metadata_v1(&MetadataV1 { calculation_type: CalculationType::ConfirmAmendment, ..m }, &nino(), &[]),
            None
        );
    }

    #[test]
    fn messages_filter_and_links() {
        let messages = json!({"info": [{"id": "C22201", "text": "a"}], "warnings": [{"id": "C11317", "text": "b"}]});
        assert_eq!(filter_messages(Some(&messages), &MessageFilter::all()), Some(messages.clone()));
        let only_info = crate::v1::requests::messages(ID, &["info".into()]).unwrap().filter;
        assert_eq!(
            filter_messages(Some(&messages), &only_info),
            Some(json!({"info": [{"id": "C22201", "text": "a"}]}))
        );
        let only_errors = crate::v1::requests::messages(ID, &["error".into()]).unwrap().filter;
        assert_eq!(filter_messages(Some(&messages), &only_errors), None);
        assert_eq!(filter_messages(None, &MessageFilter::all()), None);
        let id = CalculationId::parse(ID).unwrap();
        let body = with_links(json!({}), &nino(), &id, SubResource::Messages);
        assert_eq!(
            body["links"][0]["href"],
            format!("/individuals/calculations/AA123456A/self-assessment/{ID}/messages")
        );
        assert_eq!(body["links"][1]["rel"], "metadata");
    }

    #[test]
    fn ids_and_names_fit_1_0_patterns() {
        assert_eq!(self_employment_id("XAIS00000000001"), "XAIS00000000001");
        assert!(is_self_employment_id(&self_employment_id("Joe's Bakery")));
        assert!(is_self_employment_id(&self_employment_id("ABCDEFGHIJKLMNO")));
        assert_eq!(
            savings_account_name("Nationwide #1 (easy access) — joint account"),
            "Nationwide 1 (easy access)  join"
        );
        assert_eq!(savings_account_name("###").len(), 15);
    }

    #[test]
    fn list_and_responses() {
        let id = CalculationId::parse(ID).unwrap();
        let item = ListItemV1 {
            calculation_id: id.clone(),
            calculation_timestamp: datetime!(2019-03-17 09:22:59 UTC),
            calculation_type: CalculationType::InYear,
            requested_by: RequestedBy::Customer,
        };
        let list = list_v1(&nino(), &[item]);
        assert_eq!(list["calculations"][0]["type"], "inYear");
        assert_eq!(
            list["links"][1],
            json!({"href": "/individuals/calculations/AA123456A/self-assessment", "rel": "trigger", "method": "POST"})
        );
        let intent = intent_to_crystallise_response_v1(&nino(), TaxYear::starting(2019), &id);
        assert_eq!(
            intent["links"][1]["href"],
            "/individuals/calculations/crystallisation/AA123456A/2019-20/crystallise"
        );
        assert_eq!(trigger_response_v1(&nino(), &id)["id"], ID);
    }
}
