//! Fuzz the tax-code parser: any bytes, read as text, must either be refused with a
//! reason or give a code that prints back to itself and can be explained and operated in
//! every supported year without panicking.
#![no_main]

use itsa_taxcode::{Money, PayFrequency, Payment, TaxCode, TaxYear, explain, tax_on_payment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match TaxCode::parse(&text) {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(code) => {
            let printed = code.to_string();
            assert_eq!(TaxCode::parse(&printed), Ok(code), "{text:?} printed as {printed:?}");
            for year in TaxYear::supported() {
                if let Ok(explanation) = explain(&code, year) {
                    let _ = explanation.summary();
                    let payment = Payment {
                        frequency: PayFrequency::Weekly,
                        period: 53,
                        pay_this_period: Some(Money::pounds(700)),
                        pay_to_date: Some(Money::pounds(36_400)),
                        tax_deducted_previous_periods: Money::ZERO,
                    };
                    tax_on_payment(&code, year, &payment).expect("a code valid in the year can be operated");
                }
            }
        }
    }
});
