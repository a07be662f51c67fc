//! Capital gains: the bodies of the Individuals Capital Gains Income API folded into the
//! engine's [`CapitalGains`]: gains by the group HMRC taxes them in, the year's losses
//! and those brought forward, adjustments and tax already paid.
//!
//! Each endpoint is a `PUT`: its last body counts. Every entry is counted by its gains
//! before losses and the losses it carries; how the losses and the annual exempt amount
//! are set against the gains is worked out by the engine, in the way that gives the least
//! tax (TCGA 1992 s4B), rather than taken from the taxpayer's own netting
//! (docs/differences.md).
//!
//! The bodies of 2024-25 and before give a disposal's gain after the losses set against
//! it (residential property) or after reliefs (other disposals); from 2025-26 they give
//! the gains before losses. Both are folded the same way.

use crate::to_inputs::At;
use itsa_engine::inputs::CapitalGains;
use itsa_engine::{Money, TaxYear};
use std::fmt::Display;

use super::refuse_if_any;
use crate::SubmissionError;
use crate::amount::{Amount, or_zero};
use crate::bodies::capital_gains::{
    CgtAdjustments, ClaimOrElectionCode, OtherCapitalGains, OtherDisposal, OtherGainAssetType, PpdOverrides,
    ResidentialPropertyDisposals,
};

/// The year (2024-25) from which the rates of carried interest (18% and 28%) differ from
/// those of residential property gains (18% and 24%), whose group HMRC shows it in. The
/// bodies carry carried interest only to 2024-25.
const CARRIED_INTEREST_OWN_RATES: u16 = 2024;

/// The last body of each capital gains endpoint.
#[derive(Default)]
pub(super) struct Submitted {
    pub residential: Option<(At, ResidentialPropertyDisposals)>,
    pub ppd: Option<(At, PpdOverrides)>,
    pub other: Option<(At, OtherCapitalGains)>,
}

impl Submitted {
    fn any(&self) -> Option<&At> {
        [
            self.residential.as_ref().map(|(at, _)| at),
            self.ppd.as_ref().map(|(at, _)| at),
            self.other.as_ref().map(|(at, _)| at),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

/// One entry: its gains before losses, its signed net gain (negative: a net loss), and
/// the part of its gains qualifying for Business Asset Disposal Relief or Investors'
/// Relief.
struct Entry {
    gains: Money,
    net: Money,
    relief: Money,
    residential: bool,
}

fn net(gain: Option<Amount>, loss: Option<Amount>) -> Money {
    or_zero(gain) - or_zero(loss)
}

fn add(g: &mut CapitalGains, e: Entry) {
    let gains = e.gains.max(e.net).at_least_zero();
    let relief = e.relief.min(gains);
    g.relief_gains += relief;
    if e.residential {
        g.residential_gains += gains - relief;
    } else {
        g.other_gains += gains - relief;
    }
    // The losses netted within the entry (several disposals in one), or its net loss.
    g.losses_of_year += (gains - e.net).at_least_zero();
}

/// A residential disposal whose net gain is after the losses set against it: this year's
/// losses of other disposals, which are counted where they are reported, and losses
/// brought forward, which join those the taxpayer brings forward. The gain is put back
/// to its amount before those losses.
struct AfterLosses {
    net_gain: Option<Amount>,
    net_loss: Option<Amount>,
    losses_from_this_year: Option<Amount>,
    losses_from_previous_year: Option<Amount>,
    relief: Money,
}

fn add_after_losses(g: &mut CapitalGains, d: AfterLosses) {
    let this_year = or_zero(d.losses_from_this_year);
    let brought_forward = or_zero(d.losses_from_previous_year);
    g.losses_brought_forward += brought_forward;
    let before = d.net_gain.map_or(Money::ZERO, |n| n.money() + this_year + brought_forward);
    add(
        g,
        Entry {
            gains: before,
            net: if d.net_gain.is_some() { before } else { -or_zero(d.net_loss) },
            relief: d.relief,
            residential: true,
        },
    );
}

/// The year's capital gains, or `None` when nothing was submitted.
pub(super) fn fold(tax_year: TaxYear, s: &Submitted) -> Result<Option<CapitalGains>, SubmissionError> {
    if s.any().is_none() {
        return Ok(None);
    }
    let mut g = CapitalGains::default();
    if let Some((_, r)) = &s.residential {
        for d in &r.disposals {
            match d.gains_before_losses {
                // From 2025-26: the losses given are those within the entry.
                Some(gains) => add(
                    &mut g,
                    Entry {
                        gains: gains.money(),
                        net: net(d.amount_of_net_gain, d.amount_of_net_loss),
                        relief: or_zero(d.gains_with_badr),
                        residential: true,
                    },
                ),
                // To 2024-25: the net gain is after losses of other disposals and of
                // earlier years.
                None => add_after_losses(
                    &mut g,
                    AfterLosses {
                        net_gain: d.amount_of_net_gain,
                        net_loss: d.amount_of_net_loss,
                        losses_from_this_year: d.losses_from_this_year,
                        losses_from_previous_year: d.losses_from_previous_year,
                        relief: Money::ZERO,
                    },
                ),
            }
        }
    }
    if let Some((_, p)) = &s.ppd {
        for d in p.multiple_property_disposals.iter().flatten() {
            add(
                &mut g,
                Entry {
                    gains: or_zero(d.amount_of_net_gain),
                    net: net(d.amount_of_net_gain, d.amount_of_net_loss),
                    relief: or_zero(d.gains_with_badr) + or_zero(d.gains_with_inv),
                    residential: true,
                },
            );
        }
        for d in p.single_property_disposals.iter().flatten() {
            // The return's gain was after losses.
            add_after_losses(
                &mut g,
                AfterLosses {
                    net_gain: d.amount_of_net_gain,
                    net_loss: d.amount_of_net_loss,
                    losses_from_this_year: d.losses_from_this_year,
                    losses_from_previous_year: d.losses_from_previous_year,
                    relief: or_zero(d.gains_with_badr) + or_zero(d.gains_with_inv),
                },
            );
        }
    }
    if let Some((at, o)) = &s.other {
        other_gains(&mut g, o, at, tax_year)?;
    }
    Ok(Some(g))
}

/// A disposal of 2024-25 or before: its gain or loss after reliefs where given (the
/// chargeable gain or allowable loss), else before them. A gain on which Business Asset
/// Disposal Relief or Investors' Relief is claimed is charged at the relief rate.
fn add_disposal(g: &mut CapitalGains, d: &OtherDisposal) {
    let (gain, loss) = if d.gain_after_relief.is_some() || d.loss_after_relief.is_some() {
        (d.gain_after_relief, d.loss_after_relief)
    } else {
        (d.gain, d.loss)
    };
    let gains = or_zero(gain);
    let codes = d.claim_or_election_codes.as_deref().unwrap_or_default();
    let relief = codes.iter().any(|c| matches!(c, ClaimOrElectionCode::Bad | ClaimOrElectionCode::Inv));
    add(g, Entry { gains, net: net(gain, loss), relief: if relief { gains } else { Money::ZERO }, residential: false });
    g.tax_already_paid += or_zero(d.rtt_tax_paid);
}

fn other_gains(
    g: &mut CapitalGains,
    o: &OtherCapitalGains,
    at: &dyn Display,
    year: TaxYear,
) -> Result<(), SubmissionError> {
    for d in o.disposals.iter().flatten() {
        add_disposal(g, d);
    }
    for c in o.cryptoassets.iter().flatten() {
        add(
            g,
            Entry {
                gains: c.gains_before_losses.money(),
                net: net(c.amount_of_net_gain, c.amount_of_net_loss),
                relief: or_zero(c.gains_with_badr),
                residential: false,
            },
        );
        g.tax_already_paid += or_zero(c.rtt_tax_paid);
    }
    for e in o.other_gains.iter().flatten() {
        add(
            g,
            Entry {
                gains: e.gains_before_losses.money(),
                net: net(e.amount_of_net_gain, e.amount_of_net_loss),
                relief: or_zero(e.gains_with_badr) + or_zero(e.gains_with_inv),
                // Gains on dwellings overseas are residential property gains as those on UK
                // dwellings are; HMRC's group holds both.
                residential: e.asset_type == OtherGainAssetType::NonUkResidentialProperty,
            },
        );
        g.tax_already_paid += or_zero(e.rtt_tax_paid);
    }
    for u in o.unlisted_shares.iter().flatten() {
        for (amount, what) in [
            (u.gains_exceeding_lifetime_limit, "gains above the lifetime limit of a relief"),
            (u.gains_under_seis, "SEIS reinvestment relief"),
            (u.eis_or_seis_relief_due_current_year, "EIS or SEIS relief on a disposal"),
            (
                u.losses_used_against_general_income_previous_year,
                "share loss relief against the previous year's income",
            ),
            (u.eis_or_seis_relief_due_previous_year, "EIS or SEIS relief of the previous year"),
        ] {
            refuse_if_any(or_zero(amount), at, what)?;
        }
        // A loss claimed against this year's income (ITA 2007 s131) is relieved there and
        // is not also an allowable loss for capital gains tax.
        let against_income = or_zero(u.loss_used_against_general_income);
        g.share_losses_against_income += against_income;
        let gains = u.gains_before_losses.money();
        let losses = or_zero(u.losses).saturating_sub(against_income);
        add(
            g,
            Entry {
                gains,
                net: gains - losses,
                relief: or_zero(u.gains_with_badr) + or_zero(u.gains_with_inv),
                residential: false,
            },
        );
        g.tax_already_paid += or_zero(u.rtt_tax_paid);
    }
    if let Some(e) = &o.gain_excluded_indexed_securities {
        g.other_gains += or_zero(e.gains_from_excluded_securities);
    }
    if let Some(q) = &o.qualifying_asset_holding_company {
        g.other_gains += or_zero(q.gains_from_qahc_before_losses);
        g.losses_of_year += or_zero(q.losses_from_qahc);
    }
    if let Some(n) = &o.non_standard_gains {
        g.attributed_gains += or_zero(n.attributed_gains);
        g.other_gains += or_zero(n.other_gains);
        g.tax_already_paid += or_zero(n.attributed_gains_rtt_tax_paid) + or_zero(n.other_gains_rtt_tax_paid);
        // Carried interest was charged at 18% and 28%, the rates of residential property
        // gains, to 2023-24 (TCGA 1992 s1H, s1I); in 2024-25 the residential higher rate
        // fell to 24% and that of carried interest stayed at 28%.
        if year.start_year() >= CARRIED_INTEREST_OWN_RATES {
            refuse_if_any(
                or_zero(n.carried_interest_gain),
                at,
                "carried interest gains of 2024-25 (charged at 28% while residential property gains are charged at 24%)",
            )?;
        }
        g.residential_gains += or_zero(n.carried_interest_gain);
        g.tax_already_paid += or_zero(n.carried_interest_rtt_tax_paid);
    }
    if let Some(l) = &o.losses {
        refuse_if_any(
            or_zero(l.set_against_in_year_gains),
            at,
            "trading losses set against capital gains (ITA 2007 s71, TCGA 1992 s261B)",
        )?;
        g.losses_brought_forward += or_zero(l.brought_forward_losses_used_in_current_year);
        // To 2024-25, losses on shares claimed against this year's income (ITA 2007 s131);
        // like those set against the previous year's income, they are used there and are
        // not also allowable losses.
        let against_income = or_zero(l.set_against_in_year_general_income);
        g.share_losses_against_income += against_income;
        g.losses_of_year =
            g.losses_of_year.saturating_sub(or_zero(l.set_against_earlier_year)).saturating_sub(against_income);
    }
    match &o.adjustments {
        Some(CgtAdjustments::Detail(d)) => g.adjustments += or_zero(d.adjustment_amount),
        Some(CgtAdjustments::Amount(a)) => g.adjustments += a.money(),
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Endpoint, NOT_CALCULATED};

    fn body<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    fn pounds(n: i64) -> Money {
        Money::pounds(n)
    }

    #[test]
    fn entries_count_by_their_gains_before_losses_and_their_own_losses() {
        let residential = body(
            r#"{"disposals": [{"numberOfDisposals": 2, "disposalDate": "2025-06-02", "completionDate": "2025-07-11",
                "disposalProceeds": 420000, "acquisitionDate": "2016-03-01", "acquisitionAmount": 394000,
                "gainsWithBadr": 1000, "gainsBeforeLosses": 20000, "lossesFromThisYear": 4000, "amountOfNetGain": 16000}]}"#,
        );
        let ppd = body(
            r#"{"singlePropertyDisposals": [{"ppdSubmissionId": "AB0000000098", "completionDate": "2025-08-09",
                "disposalProceeds": 100000, "acquisitionDate": "2021-03-08", "acquisitionAmount": 88500, "improvementCosts": 0,
                "additionalCosts": 0, "prfAmount": 0, "otherReliefAmount": 0, "lossesFromThisYear": 1000,
                "lossesFromPreviousYear": 500, "amountOfNetGain": 10000}],
               "multiplePropertyDisposals": [{"ppdSubmissionId": "AB0000000092", "amountOfNetLoss": 700}]}"#,
        );
        let other = body(
            r#"{"qualifyingAssetHoldingCompany": {"gainsFromQahcBeforeLosses": 300, "lossesFromQahc": 100},
                "nonStandardGains": {"attributedGains": 50, "otherGains": 20, "otherGainsRttTaxPaid": 2},
                "losses": {"broughtForwardLossesUsedInCurrentYear": 300, "setAgainstEarlierYear": 30},
                "adjustments": {"adjustmentAmount": 12.5}}"#,
        );
        let s = Submitted {
            residential: Some((At::Submission(0, Endpoint::CgtResidentialProperty), residential)),
            ppd: Some((At::Submission(1, Endpoint::CgtPpdOverrides), ppd)),
            other: Some((At::Submission(2, Endpoint::CgtOtherGains), other)),
        };
        let g = fold(TaxYear::starting(2025), &s).unwrap().unwrap();
        // 19,000 + 11,500 (the PPD gain before its losses); 1,000 relief gains.
        assert_eq!(g.residential_gains, pounds(30_500));
        assert_eq!(g.relief_gains, pounds(1_000));
        assert_eq!(g.other_gains, pounds(320));
        assert_eq!(g.attributed_gains, pounds(50));
        // 4,000 in the entry + 700 PPD net loss + 100 QAHC - 30 used in the previous year.
        assert_eq!(g.losses_of_year, pounds(4_770));
        assert_eq!(g.losses_brought_forward, pounds(800));
        assert_eq!(g.tax_already_paid, pounds(2));
        assert_eq!(g.adjustments, Money::new(rust_decimal::Decimal::new(125, 1)));
    }

    #[test]
    fn the_bodies_of_2024_25_and_before_count_gains_after_reliefs_before_losses() {
        let residential = body(
            r#"{"disposals": [{"disposalDate": "2024-06-04", "completionDate": "2024-07-08", "disposalProceeds": 250000,
                "acquisitionDate": "2010-02-01", "acquisitionAmount": 180000, "lossesFromThisYear": 1000,
                "lossesFromPreviousYear": 500, "amountOfNetGain": 68500},
               {"disposalDate": "2024-08-01", "completionDate": "2024-09-01", "disposalProceeds": 90000,
                "acquisitionDate": "2019-02-01", "acquisitionAmount": 92000, "amountOfNetLoss": 2000}]}"#,
        );
        let other = body(
            r#"{"disposals": [
                {"assetType": "listed-shares", "assetDescription": "Shares", "acquisitionDate": "2019-05-01",
                 "disposalDate": "2024-11-12", "disposalProceeds": 12000, "allowableCosts": 8000, "gain": 4000,
                 "claimOrElectionCodes": ["GHO"], "gainAfterRelief": 3500, "rttTaxPaid": 200},
                {"assetType": "unlisted-shares", "assetDescription": "Family company", "acquisitionDate": "2010-01-01",
                 "disposalDate": "2024-12-01", "disposalProceeds": 60000, "allowableCosts": 10000, "gain": 50000,
                 "claimOrElectionCodes": ["BAD"]},
                {"assetType": "other-asset", "assetDescription": "Painting", "acquisitionDate": "2015-01-01",
                 "disposalDate": "2024-05-01", "disposalProceeds": 1000, "allowableCosts": 1700, "loss": 700},
                {"assetType": "unlisted-shares", "assetDescription": "Start-up", "acquisitionDate": "2018-01-01",
                 "disposalDate": "2024-06-01", "disposalProceeds": 0, "allowableCosts": 3000, "loss": 3000}],
               "nonStandardGains": {"attributedGains": 50, "otherGains": 20, "otherGainsRttTaxPaid": 2},
               "losses": {"broughtForwardLossesUsedInCurrentYear": 300, "setAgainstInYearGeneralIncome": 3000},
               "adjustments": -250.75}"#,
        );
        let s = Submitted {
            residential: Some((At::Submission(0, Endpoint::CgtResidentialProperty), residential)),
            ppd: None,
            other: Some((At::Submission(2, Endpoint::CgtOtherGains), other)),
        };
        let g = fold(TaxYear::starting(2024), &s).unwrap().unwrap();
        // 68,500 put back to 70,000 before the losses set against it.
        assert_eq!(g.residential_gains, pounds(70_000));
        assert_eq!(g.relief_gains, pounds(50_000));
        // 3,500 after gift hold-over relief + 20 non-standard.
        assert_eq!(g.other_gains, pounds(3_520));
        assert_eq!(g.attributed_gains, pounds(50));
        // 2,000 + 700 + 3,000, less the 3,000 relieved against income.
        assert_eq!(g.losses_of_year, pounds(2_700));
        assert_eq!(g.share_losses_against_income, pounds(3_000));
        assert_eq!(g.losses_brought_forward, pounds(800));
        assert_eq!(g.tax_already_paid, pounds(202));
        assert_eq!(g.adjustments, Money::new(rust_decimal::Decimal::new(-25075, 2)));
    }

    #[test]
    fn what_is_not_calculated_is_refused() {
        let other = |json: &str| Submitted {
            other: Some((At::Submission(2, Endpoint::CgtOtherGains), body(json))),
            ..Submitted::default()
        };
        let s = other(r#"{"nonStandardGains": {"otherGains": 20}}"#);
        assert!(fold(TaxYear::starting(2021), &s).unwrap().is_some());
        assert!(fold(TaxYear::starting(2024), &s).unwrap().is_some());
        assert!(fold(TaxYear::starting(2026), &s).unwrap().is_some());
        // Carried interest is a residential-rate gain to 2023-24; in 2024-25 its rates are
        // its own.
        let s = other(r#"{"nonStandardGains": {"carriedInterestGain": 1000, "carriedInterestRttTaxPaid": 10}}"#);
        let g = fold(TaxYear::starting(2023), &s).unwrap().unwrap();
        assert_eq!((g.residential_gains, g.tax_already_paid), (pounds(1_000), pounds(10)));
        assert_eq!(fold(TaxYear::starting(2024), &s).unwrap_err().code, NOT_CALCULATED);
        let s = other(r#"{"losses": {"setAgainstInYearGains": 10}}"#);
        assert_eq!(fold(TaxYear::starting(2025), &s).unwrap_err().code, NOT_CALCULATED);
        assert_eq!(fold(TaxYear::starting(2024), &s).unwrap_err().code, NOT_CALCULATED);
        assert_eq!(fold(TaxYear::starting(2025), &Submitted::default()).unwrap(), None);
    }
}
