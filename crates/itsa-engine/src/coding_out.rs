//! Debts of earlier years collected through this year's PAYE tax code ("coding out"):
//! the detail HMRC's calculation gives for them.
//!
//! Two things HMRC does not publish are chosen here (docs/differences.md, "Coding out:
//! the year a debt relates to, and what is collected"):
//! - the year a coded-out amount relates to is the tax year two before the year it is
//!   collected in: a Self Assessment balancing payment for year Y-2 falls due on
//!   31 January in Y-1 and is coded out in year Y (ITEPA 2003 s684, PAYE Regulations
//!   2003 reg 14B), and a PAYE underpayment of Y-2 found when that year is reconciled in
//!   Y-1 is collected in Y's code;
//! - the whole Self Assessment amount in the tax code counts as collected, none as
//!   uncollected, as the calculation already sets all of it against the tax due
//!   (`saUnderpaymentsCodedOut`): itsa has no figure for what the employer actually
//!   collected by the end of the PAYE year.

use itsa_rules::{Money, TaxYear};

use crate::calculation::CodedOutUnderpayments;
use crate::inputs::Inputs;

/// The tax year a debt coded out in `year` relates to.
pub(crate) fn related_tax_year(year: TaxYear) -> TaxYear {
    year.previous().previous()
}

/// The Self Assessment underpayments counted as collected, and as uncollected.
pub(crate) fn collected(sa_underpayments: Money) -> (Money, Money) {
    (sa_underpayments, Money::ZERO)
}

pub(crate) fn coded_out_underpayments(inputs: &Inputs, paye: Money, sa: Money) -> CodedOutUnderpayments {
    let (collected, uncollected) = collected(sa);
    let sa_present = sa.is_positive();
    CodedOutUnderpayments {
        total_paye_underpayments: paye.is_positive().then_some(paye),
        total_self_assessment_underpayments: sa_present.then_some(sa),
        total_collected_self_assessment_underpayments: sa_present.then_some(collected),
        total_uncollected_self_assessment_underpayments: sa_present.then_some(uncollected),
        related_tax_year: related_tax_year(inputs.tax_year),
        from_customer: inputs.coded_out.from_customer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debts_relate_to_the_year_two_before() {
        let year = TaxYear::parse("2025-26").unwrap();
        assert_eq!(related_tax_year(year).to_string(), "2023-24");
    }

    #[test]
    fn the_whole_coded_out_amount_is_collected() {
        let m = Money::pounds(123);
        assert_eq!(collected(m), (m, Money::ZERO));
    }
}
