//! The tax code itself: its grammar, its parts, and the tax years HMRC issues it in.
//!
//! The grammar (`shared` reference, section 1; HMRC PAYE Manual PAYE11015, PAYE11045,
//! PAYE11075, PAYE11095, PAYE13002; the RTI field definitions):
//!
//! ```text
//! tax code ::= "NT" | prefix? body marker?
//! prefix   ::= "S" (Scottish taxpayer) | "C" (Welsh taxpayer)
//! body     ::= number suffix | "0T" | "K" number | "BR" | "D0" | "D1" | "D2" | "D3"
//! suffix   ::= L | M | N | T, or the withdrawn P | V | Y
//! marker   ::= "W1" | "M1" | "X"          (week 1 / month 1: non-cumulative)
//! ```
//!
//! A suffix code's number runs from 1 to 999999 with no leading zero (the whole body is at
//! most 7 characters: `999999T`); `0` appears only in `0T`. A K code's number runs from 1 to
//! 9999. `D2` and `D3` exist only with the Scottish prefix. `NT` takes neither a prefix nor a
//! marker. Input is read in any case, and spaces are ignored wherever they fall.

use std::fmt;

use itsa_rules::{Regime, Rules, TaxYear};

use crate::bands;

/// The letter after the number of a suffix code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suffix {
    /// The standard Personal Allowance.
    L,
    /// Marriage Allowance received from a spouse or civil partner.
    M,
    /// Marriage Allowance given to a spouse or civil partner.
    N,
    /// Other items for HMRC to review; a reduced allowance; a code the employee asked not to show.
    T,
    /// Withdrawn: age-related allowance, aged 65 to 74 (last issued for 2014-15).
    P,
    /// Withdrawn: aged 65 to 74 with married couple's allowance, basic rate (last issued for 2014-15).
    V,
    /// Withdrawn: age-related allowance, aged 75 or over (last issued for 2015-16).
    Y,
}

impl Suffix {
    pub const fn letter(self) -> char {
        match self {
            Suffix::L => 'L',
            Suffix::M => 'M',
            Suffix::N => 'N',
            Suffix::T => 'T',
            Suffix::P => 'P',
            Suffix::V => 'V',
            Suffix::Y => 'Y',
        }
    }

    fn from_letter(c: char) -> Option<Suffix> {
        Some(match c {
            'L' => Suffix::L,
            'M' => Suffix::M,
            'N' => Suffix::N,
            'T' => Suffix::T,
            'P' => Suffix::P,
            'V' => Suffix::V,
            'Y' => Suffix::Y,
            _ => return None,
        })
    }

    /// The last tax year HMRC issued codes with this suffix, for the withdrawn ones
    /// (PAYE11075: P and V went with the 65-74 age allowance on 5 April 2015, Y on
    /// 5 April 2016).
    pub fn last_issued(self) -> Option<TaxYear> {
        match self {
            Suffix::P | Suffix::V => Some(TaxYear::starting(2014)),
            Suffix::Y => Some(TaxYear::starting(2015)),
            Suffix::L | Suffix::M | Suffix::N | Suffix::T => None,
        }
    }
}

/// `W1`, `M1` or `X`: the code is operated on the week 1 / month 1 (non-cumulative) basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BasisMarker {
    Week1,
    Month1,
    /// Printed on some forms in place of W1 or M1, for either.
    X,
}

impl BasisMarker {
    pub const fn as_str(self) -> &'static str {
        match self {
            BasisMarker::Week1 => "W1",
            BasisMarker::Month1 => "M1",
            BasisMarker::X => "X",
        }
    }
}

/// How a code is operated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// Each payment's tax is worked out on the pay and tax of the year so far.
    Cumulative,
    /// Each payment is taxed on its own, as if it were the first of the year.
    NonCumulative,
}

impl Basis {
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Cumulative => "cumulative",
            Basis::NonCumulative => "non-cumulative",
        }
    }
}

/// The kind of code, without its prefix (`SD2` is [`Kind::D2`] in the Scottish regime).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A number and a suffix letter, `0T` included: free pay.
    Suffix,
    /// `K` and a number: additional pay.
    K,
    /// `BR`: all pay at the basic rate.
    BasicRate,
    /// `D0` … `D3`: all pay at one rate above the basic rate.
    D0,
    D1,
    D2,
    D3,
    /// `NT`: no tax.
    NoTax,
}

impl Kind {
    /// The spelling in `shared/taxcodes/FORMAT.md`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Suffix => "suffix",
            Kind::K => "K",
            Kind::BasicRate => "BR",
            Kind::D0 => "D0",
            Kind::D1 => "D1",
            Kind::D2 => "D2",
            Kind::D3 => "D3",
            Kind::NoTax => "NT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Body {
    Suffix {
        number: u32,
        suffix: Suffix,
    },
    K(u32),
    BasicRate,
    /// `D<n>`: the n-th rate above the basic rate, counting from 0.
    D(u8),
    NoTax,
}

/// A PAYE tax code that follows HMRC's grammar. Whether HMRC issues it in a given tax
/// year (the `C` prefix from 2019-20, `SD3` from 2024-25, no withdrawn suffixes) is asked
/// separately, with [`TaxCode::check_year`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaxCode {
    regime: Regime,
    body: Body,
    marker: Option<BasisMarker>,
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// Not a tax code at all.
    #[error("'{input}' is not a tax code: {reason}")]
    Invalid { input: String, reason: String },
    /// A well-formed code that HMRC does not issue in that tax year.
    #[error("{code} is not a tax code for {tax_year}: {reason}")]
    NotValidInYear { code: String, tax_year: TaxYear, reason: String },
    /// A tax year itsa has no rules for.
    #[error("tax year {0} is not supported: itsa has PAYE rules for {first} to {last}", first = TaxYear::FIRST_SUPPORTED, last = TaxYear::LAST_SUPPORTED)]
    UnsupportedTaxYear(TaxYear),
}

impl TaxCodeError {
    /// A short machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            TaxCodeError::Invalid { .. } => "INVALID_TAX_CODE",
            TaxCodeError::NotValidInYear { .. } => "TAX_CODE_NOT_VALID_IN_TAX_YEAR",
            TaxCodeError::UnsupportedTaxYear(_) => "TAX_YEAR_NOT_SUPPORTED",
        }
    }
}

/// The longest input worth reading: a prefix, a 7-character body and a marker, with room
/// for spaces. Anything longer is refused before it is examined.
const LONGEST_INPUT: usize = 64;

/// The input as it is quoted back in an error: at most 24 characters.
fn quoted(input: &str) -> String {
    let trimmed = input.trim();
    let mut shown: String = trimmed.chars().take(24).collect();
    if trimmed.chars().nth(24).is_some() {
        shown.push('…');
    }
    shown
}

impl TaxCode {
    /// Read a code as an employer or a payslip shows it: `1257L`, `s1257l`, `K475`,
    /// `1257L W1`, `SD2`, `NT`.
    pub fn parse(input: &str) -> Result<TaxCode, TaxCodeError> {
        let invalid = |reason: &str| TaxCodeError::Invalid { input: quoted(input), reason: reason.to_owned() };
        if input.len() > LONGEST_INPUT {
            return Err(invalid("far too long: a tax code has at most 11 characters (S999999T W1)"));
        }
        let mut text = String::with_capacity(input.len());
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(TaxCodeError::Invalid {
                    input: quoted(input),
                    reason: format!("'{c}' cannot appear in a tax code, which has only letters and digits"),
                });
            }
            text.push(c.to_ascii_uppercase());
        }
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }

        let (rest, marker) = if let Some(rest) = text.strip_suffix("W1") {
            (rest, Some(BasisMarker::Week1))
        } else if let Some(rest) = text.strip_suffix("M1") {
            (rest, Some(BasisMarker::Month1))
        } else if let Some(rest) = text.strip_suffix('X') {
            (rest, Some(BasisMarker::X))
        } else {
            (text.as_str(), None)
        };
        if rest.is_empty() {
            return Err(invalid("W1, M1 and X say how a code is operated; they follow a code such as 1257L"));
        }
        if rest == "NT" {
            if marker.is_some() {
                return Err(invalid("NT takes no W1, M1 or X: with no tax there is nothing to operate"));
            }
            return Ok(TaxCode { regime: Regime::RestOfUk, body: Body::NoTax, marker: None });
        }

        let (regime, body) = match rest.as_bytes()[0] {
            b'S' => (Regime::Scotland, &rest[1..]),
            b'C' => (Regime::Wales, &rest[1..]),
            _ => (Regime::RestOfUk, rest),
        };
        if body.is_empty() {
            return Err(invalid("S and C say whose rates apply; a code such as 1257L follows them"));
        }
        if body == "NT" {
            return Err(invalid("NT never takes an S or C prefix: no tax is due whoever's rates apply"));
        }
        if body.starts_with(['S', 'C']) {
            return Err(invalid("a code has at most one prefix, S (Scotland) or C (Wales)"));
        }
        let body = parse_body(body, regime).map_err(|reason| invalid(&reason))?;
        Ok(TaxCode { regime, body, marker })
    }

    /// The regime whose rates and bands apply: rUK (no prefix), Scotland (`S`), Wales (`C`).
    pub const fn regime(&self) -> Regime {
        self.regime
    }

    pub const fn kind(&self) -> Kind {
        match self.body {
            Body::Suffix { .. } => Kind::Suffix,
            Body::K(_) => Kind::K,
            Body::BasicRate => Kind::BasicRate,
            Body::D(0) => Kind::D0,
            Body::D(1) => Kind::D1,
            Body::D(2) => Kind::D2,
            Body::D(_) => Kind::D3,
            Body::NoTax => Kind::NoTax,
        }
    }

    /// The number of a suffix or K code (`0` for `0T`).
    pub const fn number(&self) -> Option<u32> {
        match self.body {
            Body::Suffix { number, .. } | Body::K(number) => Some(number),
            _ => None,
        }
    }

    pub const fn suffix(&self) -> Option<Suffix> {
        match self.body {
            Body::Suffix { suffix, .. } => Some(suffix),
            _ => None,
        }
    }

    /// For a D code, which rate above the basic rate it names (0 for `D0`).
    pub const fn d_index(&self) -> Option<u8> {
        match self.body {
            Body::D(n) => Some(n),
            _ => None,
        }
    }

    pub const fn basis_marker(&self) -> Option<BasisMarker> {
        self.marker
    }

    pub const fn basis(&self) -> Basis {
        if self.marker.is_some() { Basis::NonCumulative } else { Basis::Cumulative }
    }

    /// The same code on the cumulative basis (a code carried into a new tax year loses
    /// its W1, M1 or X).
    pub const fn cumulative(self) -> TaxCode {
        TaxCode { marker: None, ..self }
    }

    /// The same code with a week 1 / month 1 marker.
    pub fn with_marker(self, marker: BasisMarker) -> Result<TaxCode, TaxCodeError> {
        if self.body == Body::NoTax {
            return Err(TaxCodeError::Invalid {
                input: format!("NT {}", marker.as_str()),
                reason: "NT takes no W1, M1 or X: with no tax there is nothing to operate".into(),
            });
        }
        Ok(TaxCode { marker: Some(marker), ..self })
    }

    /// A suffix code from its parts; `None` if the number is out of range (1 to 999999,
    /// or 0 with `T`).
    pub fn suffix_code(regime: Regime, number: u32, suffix: Suffix) -> Option<TaxCode> {
        let valid = (1..=MAX_SUFFIX_NUMBER).contains(&number) || (number == 0 && suffix == Suffix::T);
        valid.then_some(TaxCode { regime, body: Body::Suffix { number, suffix }, marker: None })
    }

    /// A K code from its number; `None` outside K1 to K9999.
    pub fn k_code(regime: Regime, number: u32) -> Option<TaxCode> {
        (1..=MAX_K_NUMBER).contains(&number).then_some(TaxCode { regime, body: Body::K(number), marker: None })
    }

    /// Is this code one HMRC issues in `tax_year`? The year must be one itsa has rules for;
    /// the `C` prefix exists from 2019-20 (Welsh rates of income tax); the withdrawn
    /// suffixes P, V and Y are not issued in any year itsa supports; a Scottish D code must
    /// name a Scottish rate that exists that year (SD2 from 2018-19, SD3 from 2024-25).
    pub fn check_year(&self, tax_year: TaxYear) -> Result<(), TaxCodeError> {
        let refuse = |reason: String| Err(TaxCodeError::NotValidInYear { code: self.to_string(), tax_year, reason });
        let rules = Rules::for_year(tax_year, self.regime).map_err(|_| TaxCodeError::UnsupportedTaxYear(tax_year))?;
        if self.regime == Regime::Wales && tax_year < WELSH_RATES_BEGIN {
            return refuse(format!(
                "the C prefix for Welsh taxpayers is used from {WELSH_RATES_BEGIN}, when Welsh rates of income tax began"
            ));
        }
        if let Some(suffix) = self.suffix()
            && let Some(last) = suffix.last_issued()
            && tax_year > last
        {
            return refuse(format!(
                "the {} suffix was withdrawn: the last codes with it were for {last}",
                suffix.letter()
            ));
        }
        if let Some(n) = self.d_index() {
            let above = bands::rates_above_basic(rules);
            if usize::from(n) >= above.len() {
                let names: Vec<String> = above.iter().map(|b| format!("{} {}", b.name, b.rate)).collect();
                return refuse(format!(
                    "the rates above the basic rate that year are {}, so the D codes run from {p}D0 to {p}D{}",
                    names.join(", "),
                    above.len() - 1,
                    p = self.prefix()
                ));
            }
        }
        Ok(())
    }

    fn prefix(&self) -> &'static str {
        match self.regime {
            Regime::RestOfUk => "",
            Regime::Scotland => "S",
            Regime::Wales => "C",
        }
    }

    /// The code without its prefix and marker, as RTI carries it (`1257L`, `K475`, `D0`).
    pub fn base(&self) -> String {
        match self.body {
            Body::Suffix { number, suffix } => format!("{number}{}", suffix.letter()),
            Body::K(number) => format!("K{number}"),
            Body::BasicRate => "BR".into(),
            Body::D(n) => format!("D{n}"),
            Body::NoTax => "NT".into(),
        }
    }
}

/// The largest number of a suffix code: six digits (SPEC 3.3.2: codes up to 999999T).
pub const MAX_SUFFIX_NUMBER: u32 = 999_999;
/// The largest number of a K code (PAYE11015: K1 to K9999).
pub const MAX_K_NUMBER: u32 = 9_999;
/// The first year of Welsh rates of income tax, and of the C prefix (PAYE13002).
pub const WELSH_RATES_BEGIN: TaxYear = TaxYear::starting(2019);

fn parse_body(body: &str, regime: Regime) -> Result<Body, String> {
    const ZERO_NOT_O: &str = "it has the letter O where a zero belongs";
    if body == "BR" {
        return Ok(Body::BasicRate);
    }
    if body == "OT" {
        return Err(format!("{ZERO_NOT_O}: did you mean 0T (zero T)?"));
    }
    if let Some(rest) = body.strip_prefix('D') {
        return match rest {
            "0" | "1" => Ok(Body::D(rest.as_bytes()[0] - b'0')),
            "2" | "3" if regime == Regime::Scotland => Ok(Body::D(rest.as_bytes()[0] - b'0')),
            "2" | "3" => Err(format!("D{rest} exists only for Scottish taxpayers (SD{rest})")),
            "O" => Err(format!("{ZERO_NOT_O}: did you mean D0 (D zero)?")),
            "" => Err("D needs a digit: D0 or D1 (SD0 to SD3 in Scotland)".into()),
            _ => Err(format!("there is no D{rest} code: D codes are D0 and D1, and SD0 to SD3 in Scotland")),
        };
    }
    if let Some(digits) = body.strip_prefix('K') {
        if digits.is_empty() {
            return Err("K needs a number after it, as in K475".into());
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a K code is K and a number, with nothing after it except W1, M1 or X".into());
        }
        let number = read_number(digits, MAX_K_NUMBER)?;
        if number == 0 {
            return Err("K0 is not a code: K codes run from K1 to K9999".into());
        }
        return Ok(Body::K(number));
    }
    let split = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let (digits, letters) = body.split_at(split);
    if digits.is_empty() {
        return Err("not recognised: a code looks like 1257L, K475, BR, D0, 0T or NT".into());
    }
    let mut letters = letters.chars();
    let Some(letter) = letters.next() else {
        return Err("a code number needs a suffix letter after it, as in 1257L, or a K before it, as in K475".into());
    };
    if letters.next().is_some() {
        return Err("a code ends with its suffix letter, then only W1, M1 or X".into());
    }
    let Some(suffix) = Suffix::from_letter(letter) else {
        return Err(format!(
            "'{letter}' is not a suffix letter: they are L, M, N and T (and, before 2016, P, V and Y)"
        ));
    };
    let number = read_number(digits, MAX_SUFFIX_NUMBER)?;
    if number == 0 && suffix != Suffix::T {
        return Err(format!("0{} is not issued: a code with no allowance is 0T", suffix.letter()));
    }
    Ok(Body::Suffix { number, suffix })
}

/// A code number: no leading zero, at most `max_value`.
fn read_number(digits: &str, max_value: u32) -> Result<u32, String> {
    if digits.len() > 1 && digits.starts_with('0') {
        return Err("a code number has no leading zeros".into());
    }
    if digits.len() > max_value.to_string().len() {
        return Err(format!("the number is too large: the most a code can carry is {max_value}"));
    }
    let number: u32 = digits.parse().map_err(|_| "not a number".to_string())?;
    if number > max_value {
        return Err(format!("the number is too large: the most a code can carry is {max_value}"));
    }
    Ok(number)
}

impl fmt::Display for TaxCode {
    /// The canonical form: upper case, the prefix joined to the body, one space before a
    /// marker (`S1257L`, `1257L W1`, `SD2`, `NT`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.prefix(), self.base())?;
        if let Some(marker) = self.marker {
            write!(f, " {}", marker.as_str())?;
        }
        Ok(())
    }
}

impl std::str::FromStr for TaxCode {
    type Err = TaxCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaxCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: u16) -> TaxYear {
        TaxYear::starting(y)
    }

    #[test]
    fn accepts_the_codes_the_reference_lists() {
        for code in [
            "1257L", "S1257L", "C1257L", "1257L W1", "1257L M1", "1257L X", "K475", "SK29", "CK29", "K1", "K9999",
            "BR", "SBR", "CBR", "0T", "S0T", "C0T", "D0", "D1", "SD0", "SD1", "SD2", "SD3", "CD0", "CD1", "NT",
            "1383M", "1131N", "999999T", "500P", "500V", "500Y",
        ] {
            let parsed = TaxCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.to_string(), code);
        }
    }

    #[test]
    fn refuses_the_codes_the_reference_lists_with_a_reason() {
        for code in [
            "SNT",
            "CNT",
            "NT M1",
            "D2",
            "D3",
            "CD2",
            "SD4",
            "K0",
            "K10000",
            "0L",
            "01257L",
            "1257",
            "1257Q",
            "1000000L",
            "CSD0",
            "",
            "  ",
            "W1",
            "S",
            "K",
            "KX",
            "1257LL",
            "1257L W1 X",
            "12-57L",
            "OT",
            "DO",
            "SDO",
            "£1257L",
            "1257L/W1",
            "K04",
            "D",
            "D01",
            "L",
            "X1257L",
            "1257 L W2",
        ] {
            let err = TaxCode::parse(code).expect_err(code);
            assert!(matches!(err, TaxCodeError::Invalid { .. }), "{code}: {err}");
            assert!(err.to_string().len() > 20, "{code}: {err}");
        }
        assert!(TaxCode::parse("OT").unwrap_err().to_string().contains("0T"));
        assert!(TaxCode::parse("D2").unwrap_err().to_string().contains("SD2"));
    }

    #[test]
    fn reads_lower_case_and_spaces() {
        let canonical = TaxCode::parse("1257L W1").unwrap();
        for text in ["1257l w1", "1257LW1", " 1257L  W1 ", "1257 L W1", "\t1257lw1\n"] {
            assert_eq!(TaxCode::parse(text).unwrap(), canonical, "{text}");
        }
        assert_eq!(TaxCode::parse("s d 2").unwrap().to_string(), "SD2");
        assert_eq!(TaxCode::parse("k475m1").unwrap().to_string(), "K475 M1");
    }

    #[test]
    fn parts_are_reported() {
        let code = TaxCode::parse("SK29 M1").unwrap();
        assert_eq!(code.regime(), Regime::Scotland);
        assert_eq!(code.kind(), Kind::K);
        assert_eq!(code.number(), Some(29));
        assert_eq!(code.basis(), Basis::NonCumulative);
        assert_eq!(code.basis_marker(), Some(BasisMarker::Month1));
        assert_eq!(code.base(), "K29");
        let zero_t = TaxCode::parse("0T").unwrap();
        assert_eq!((zero_t.kind(), zero_t.number(), zero_t.suffix()), (Kind::Suffix, Some(0), Some(Suffix::T)));
        assert_eq!(TaxCode::parse("SD2").unwrap().kind(), Kind::D2);
        assert_eq!(TaxCode::parse("NT").unwrap().regime(), Regime::RestOfUk);
    }

    #[test]
    fn year_checks() {
        let ok = |code: &str, y: u16| TaxCode::parse(code).unwrap().check_year(year(y));
        assert!(ok("C1257L", 2019).is_ok());
        assert!(matches!(ok("C1257L", 2018), Err(TaxCodeError::NotValidInYear { .. })));
        assert!(ok("SD2", 2018).is_ok());
        assert!(ok("SD2", 2017).is_err());
        assert!(ok("SD3", 2023).is_err());
        assert!(ok("SD3", 2024).is_ok());
        assert!(ok("500P", 2017).is_err());
        assert!(ok("500Y", 2026).is_err());
        assert!(matches!(ok("1257L", 2016), Err(TaxCodeError::UnsupportedTaxYear(_))));
        assert!(matches!(ok("1257L", 2027), Err(TaxCodeError::UnsupportedTaxYear(_))));
        let err = ok("SD3", 2023).unwrap_err().to_string();
        assert!(err.contains("SD0 to SD2"), "{err}");
    }

    #[test]
    fn errors_quote_at_most_a_little_of_the_input() {
        let long = "Z".repeat(40);
        let err = TaxCode::parse(&long).unwrap_err().to_string();
        assert!(err.len() < 200 && err.contains('…'), "{err}");
    }
}
