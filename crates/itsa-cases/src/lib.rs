//! Calculation cases: the flat, one-line-per-taxpayer format that the engine's command
//! line, the service's test-support loader and independent calculators all share.
//!
//! [`parse_case`] reads one case into engine [`Inputs`]; [`result_line`] renders the
//! engine's answer as a result object (`summary`, the HMRC-shaped `calculation` of the
//! newest API version for the tax year, and `messages`). Unknown fields are refused, so
//! that a typo can never produce a wrong tax bill; the test-file fields `expected`,
//! `source`, `working` and `tolerance` are the one exception and are ignored.

use std::borrow::Cow;
use std::str::FromStr;

use itsa_engine::inputs::MarriageAllowance;
use itsa_engine::{Calculation, Date, EngineError, Inputs, Money, Regime, RulesError, TaxYear};
use itsa_hmrc::{Borrowed, Field, Items, Node, Num, key, object};
use itsa_submissions::TaxpayerYear;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

/// The business id given to the single self-employment of a case.
pub const CASE_BUSINESS_ID: &str = "XAIS00000000001";
/// The business id given to the UK property business of a case.
pub const CASE_PROPERTY_BUSINESS_ID: &str = "XPIS00000000001";
/// The date of birth assumed when a case gives none.
pub const DEFAULT_DATE_OF_BIRTH: &str = "1980-01-01";

/// Why a case could not be read or calculated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A submission case that HMRC would refuse, or that itsa cannot calculate yet.
    #[error(transparent)]
    Submission(itsa_submissions::SubmissionError),
}

impl CaseError {
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::Invalid(_) => "INVALID_CASE",
            CaseError::Engine(e) => e.code(),
            CaseError::Submission(e) => e.code,
        }
    }
}

/// An amount in pounds as written in the case (a JSON number), read as an exact decimal.
///
/// serde_json prints a number back in its shortest exact form, so the decimal read here is
/// exactly the digits written in the file: no binary float rounding reaches the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Amount(Money);

impl Amount {
    const ZERO: Amount = Amount(Money::ZERO);
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

/// Reads a JSON number as the decimal it was written as: whole numbers directly, others
/// from the shortest text that reads back as the same `f64`, which is the text written.
struct AmountVisitor;

impl serde::de::Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an amount of money")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(Money::new(Decimal::from(v))))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount(Money::new(Decimal::from(v))))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
        use std::io::Write as _;
        let not_money = |text: &str| E::custom(format!("{text} is not an amount of money"));
        let number = serde_json::Number::from_f64(v).ok_or_else(|| not_money(&v.to_string()))?;
        let mut buffer = [0_u8; 32];
        let mut cursor = std::io::Cursor::new(&mut buffer[..]);
        write!(cursor, "{number}").expect("the shortest text of an f64 is at most 24 bytes");
        let written = usize::try_from(cursor.position()).expect("at most 32");
        let text = std::str::from_utf8(&buffer[..written]).expect("a number's text is ASCII");
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map(|v| Amount(Money::new(v)))
            .map_err(|_| not_money(text))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case<'a> {
    // Borrowed from the line unless written with escapes.
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    tax_year: Cow<'a, str>,
    #[serde(borrow)]
    regime: Cow<'a, str>,
    #[serde(borrow)]
    date_of_birth: Option<Cow<'a, str>>,
    #[serde(default)]
    employment_income: Amount,
    #[serde(default)]
    paye_tax_deducted: Amount,
    self_employment_profit: Option<Amount>,
    #[serde(default)]
    property_profit: Amount,
    #[serde(default)]
    property_finance_costs: Amount,
    #[serde(default)]
    property_finance_costs_brought_forward: Amount,
    #[serde(default)]
    savings_interest: Amount,
    #[serde(default)]
    dividends: Amount,
    #[serde(default)]
    pension_income: Amount,
    #[serde(default)]
    state_pension: Amount,
    #[serde(default)]
    other_non_savings_income: Amount,
    #[serde(default)]
    gift_aid_paid: Amount,
    #[serde(default)]
    pension_contributions_gross: Amount,
    #[serde(default)]
    blind: bool,
    #[serde(borrow)]
    marriage_allowance: Option<Cow<'a, str>>,
    #[serde(default)]
    student_loan_plans: Vec<String>,
    #[serde(default)]
    child_benefit_received: Amount,
    #[serde(default)]
    sa_underpayment_coded_out: Amount,
    #[serde(default)]
    paye_underpayment_coded_out: Amount,
    // Test-file fields, accepted and ignored (FORMAT.md).
    #[serde(default, rename = "expected")]
    _expected: Option<Ignored>,
    #[serde(default, rename = "source")]
    _source: Option<Ignored>,
    #[serde(default, rename = "working")]
    _working: Option<Ignored>,
    #[serde(default, rename = "tolerance")]
    _tolerance: Option<Ignored>,
    /// Which amounts may be other than nothing, a bit for each in the order of
    /// [`AMOUNT_FIELDS`]: those the plain reader read, and every one as serde reads a case.
    /// The checks pass over the others, which are nothing.
    #[serde(skip, default = "every_amount")]
    given: u16,
}

/// Every amount of a case, as [`Case::given`].
fn every_amount() -> u16 {
    u16::MAX
}

/// A test-file field's value: read as any JSON value is, so that what is refused in it is
/// refused as before, and then dropped, leaving nothing in the case to carry along.
#[derive(Debug)]
struct Ignored;

impl<'de> Deserialize<'de> for Ignored {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(|_| Ignored)
    }
}

/// The `id` of a case line, if it has one, for error lines.
pub fn case_id(line: &str) -> Option<String> {
    serde_json::from_str::<Value>(line).ok()?.get("id")?.as_str().map(str::to_owned)
}

/// The largest amount HMRC's submission schemas accept, in pounds: 99999999999.99.
const MAXIMUM_AMOUNT: Decimal = Decimal::from_parts(1_316_134_911, 2_328, 0, false, 2);

/// The field name of every amount of a case, in the order of [`Case::amounts`], and
/// whether it may be negative (a loss).
const AMOUNT_FIELDS: [(&str, bool); 16] = [
    ("employment_income", false),
    ("paye_tax_deducted", false),
    ("self_employment_profit", true),
    ("property_profit", true),
    ("property_finance_costs", false),
    ("property_finance_costs_brought_forward", false),
    ("savings_interest", false),
    ("dividends", false),
    ("pension_income", false),
    ("state_pension", false),
    ("other_non_savings_income", false),
    ("gift_aid_paid", false),
    ("pension_contributions_gross", false),
    ("child_benefit_received", false),
    ("sa_underpayment_coded_out", false),
    ("paye_underpayment_coded_out", false),
];

impl Case<'_> {
    /// The `i`th amount in the order of [`AMOUNT_FIELDS`]; an amount not given is nothing.
    fn amount(&self, i: usize) -> Money {
        let amount = match i {
            0 => self.employment_income,
            1 => self.paye_tax_deducted,
            2 => self.self_employment_profit.unwrap_or(Amount::ZERO),
            3 => self.property_profit,
            4 => self.property_finance_costs,
            5 => self.property_finance_costs_brought_forward,
            6 => self.savings_interest,
            7 => self.dividends,
            8 => self.pension_income,
            9 => self.state_pension,
            10 => self.other_non_savings_income,
            11 => self.gift_aid_paid,
            12 => self.pension_contributions_gross,
            13 => self.child_benefit_received,
            14 => self.sa_underpayment_coded_out,
            15 => self.paye_underpayment_coded_out,
            _ => unreachable!("a case has sixteen amounts"),
        };
        amount.0
    }

    /// What HMRC's submission schemas would refuse: an amount in fractions of a penny,
    /// over 99999999999.99, or negative where only a loss may be. Only the amounts given
    /// are looked at, in the order of [`AMOUNT_FIELDS`]: the others are nothing, which
    /// passes every check, and a case gives one or two of its sixteen.
    fn check_amounts(&self) -> Result<(), CaseError> {
        let mut given = self.given;
        while given != 0 {
            let i = given.trailing_zeros() as usize;
            given &= given - 1;
            let amount = self.amount(i);
            if amount.is_zero() {
                continue;
            }
            let (field, may_be_negative) = AMOUNT_FIELDS[i];
            let value = amount.amount();
            let refuse = |why: &str| Err(CaseError::Invalid(format!("{field}: {value} {why}")));
            if value.scale() > 2 && value.normalize().scale() > 2 {
                return refuse("has more than two decimal places: amounts are in pounds and pence");
            }
            if value.is_sign_negative() && !value.is_zero() && !may_be_negative {
                return refuse("is negative, which this amount cannot be");
            }
            if value.abs() > MAXIMUM_AMOUNT {
                return refuse(&format!("is more than the largest amount accepted, {MAXIMUM_AMOUNT}"));
            }
        }
        Ok(())
    }
}

impl<'a> Case<'a> {
    /// Read a case line as serde reads it, or refuse it as serde does.
    fn read(line: &'a str) -> Result<Case<'a>, CaseError> {
        match Case::read_plain(line) {
            Some(case) => Ok(case),
            None => serde_json::from_str(line).map_err(|e| CaseError::Invalid(format!("not a valid case: {e}"))),
        }
    }

    /// Read a case written plainly, as nearly every case is: one object of the case's
    /// fields, none twice, its strings without escapes, its amounts whole numbers of at
    /// most 18 digits, and no test-file fields or student loan plans. It is the case that
    /// serde would read, read without serde's machinery, which cost more than the rest of
    /// reading a case; anything else gives `None`, for serde to read or refuse.
    fn read_plain(line: &'a str) -> Option<Case<'a>> {
        let mut case = Case::nothing();
        case.read_plain_in(line)?;
        Some(case)
    }

    /// A case of nothing: no id, year or regime, no amounts.
    fn nothing() -> Case<'a> {
        Case {
            id: Cow::Borrowed(""),
            tax_year: Cow::Borrowed(""),
            regime: Cow::Borrowed(""),
            date_of_birth: None,
            employment_income: Amount::ZERO,
            paye_tax_deducted: Amount::ZERO,
            self_employment_profit: None,
            property_profit: Amount::ZERO,
            property_finance_costs: Amount::ZERO,
            property_finance_costs_brought_forward: Amount::ZERO,
            savings_interest: Amount::ZERO,
            dividends: Amount::ZERO,
            pension_income: Amount::ZERO,
            state_pension: Amount::ZERO,
            other_non_savings_income: Amount::ZERO,
            gift_aid_paid: Amount::ZERO,
            pension_contributions_gross: Amount::ZERO,
            blind: false,
            marriage_allowance: None,
            student_loan_plans: Vec::new(),
            child_benefit_received: Amount::ZERO,
            sa_underpayment_coded_out: Amount::ZERO,
            paye_underpayment_coded_out: Amount::ZERO,
            _expected: None,
            _source: None,
            _working: None,
            _tolerance: None,
            given: 0,
        }
    }

    /// [`Case::read_plain`] into a case of nothing, where the caller keeps it: a case is
    /// large, and read where it is kept it is not moved. What is read of a line that gives
    /// `None` is to be left unused.
    fn read_plain_in(&mut self, line: &'a str) -> Option<()> {
        let case = self;
        let mut text = Plain { line, at: 0 };
        text.byte(b'{')?;
        // One bit for each field read: the amounts' in the order of `AMOUNT_FIELDS`, then
        // the others'. `id`, `tax_year` and `regime` must be read.
        const REQUIRED: u32 = 0b111 << ID;
        let mut read = 0_u32;
        loop {
            text.byte(b'"')?;
            let bit = text.field()?;
            text.byte(b':')?;
            match bit {
                ID => case.id = Cow::Borrowed(text.string()?),
                TAX_YEAR => case.tax_year = Cow::Borrowed(text.string()?),
                REGIME => case.regime = Cow::Borrowed(text.string()?),
                DATE_OF_BIRTH => case.date_of_birth = Some(Cow::Borrowed(text.string()?)),
                MARRIAGE_ALLOWANCE => case.marriage_allowance = Some(Cow::Borrowed(text.string()?)),
                BLIND => case.blind = text.boolean()?,
                2 => case.self_employment_profit = Some(text.amount()?),
                _ => {
                    let amount = match bit {
                        0 => &mut case.employment_income,
                        1 => &mut case.paye_tax_deducted,
                        3 => &mut case.property_profit,
                        4 => &mut case.property_finance_costs,
                        5 => &mut case.property_finance_costs_brought_forward,
                        6 => &mut case.savings_interest,
                        7 => &mut case.dividends,
                        8 => &mut case.pension_income,
                        9 => &mut case.state_pension,
                        10 => &mut case.other_non_savings_income,
                        11 => &mut case.gift_aid_paid,
                        12 => &mut case.pension_contributions_gross,
                        13 => &mut case.child_benefit_received,
                        14 => &mut case.sa_underpayment_coded_out,
                        15 => &mut case.paye_underpayment_coded_out,
                        _ => unreachable!("every field's bit is matched"),
                    };
                    *amount = text.amount()?;
                }
            }
            if read & (1 << bit) != 0 {
                return None;
            }
            read |= 1 << bit;
            match text.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        text.skip_whitespace();
        case.given = read as u16;
        (text.at == line.len() && read & REQUIRED == REQUIRED).then_some(())
    }
}

/// The bits of a plain case's fields that are not amounts (an amount's is its place in
/// [`AMOUNT_FIELDS`]).
const ID: u32 = 16;
const TAX_YEAR: u32 = 17;
const REGIME: u32 = 18;
const DATE_OF_BIRTH: u32 = 19;
const MARRIAGE_ALLOWANCE: u32 = 20;
const BLIND: u32 = 21;

/// A case line read from its start, for [`Case::read_plain`]: each step gives `None` for
/// what it does not read as serde would.
struct Plain<'a> {
    line: &'a str,
    /// The byte read next.
    at: usize,
}

impl<'a> Plain<'a> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.at).copied()
    }

    /// JSON's whitespace.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next byte after whitespace.
    fn next(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn byte(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    /// The bit of the field whose name is next, its opening quote read, and the name and
    /// its closing quote read; `None` for a name that is not a plain case's field as
    /// written without escapes. The name is told by its first byte and its closing quote
    /// where the field's name would end, then compared once, rather than read as a string
    /// and compared with the names one after another: most of a case's strings are names.
    // Apart from the reading of the values, whose loop it would crowd: held in registers,
    // the long names' bytes were reloaded after every value read.
    #[inline(never)]
    fn field(&mut self) -> Option<u32> {
        let rest = &self.line.as_bytes()[self.at..];
        // Each name with its closing quote, so that a name is not taken for a longer one.
        macro_rules! named {
            ($($name:literal => $bit:expr),+ $(,)?) => {
                'named: {
                    $({
                        const NAME: &[u8] = concat!($name, "\"").as_bytes();
                        if rest.get(NAME.len() - 1) == Some(&b'"') && rest.starts_with(NAME) {
                            self.at += NAME.len();
                            break 'named Some($bit);
                        }
                    })+
                    None
                }
            };
        }
        match rest.first()? {
            b'i' => named!("id" => ID),
            b't' => named!("tax_year" => TAX_YEAR),
            b'r' => named!("regime" => REGIME),
            b'd' => named!("date_of_birth" => DATE_OF_BIRTH, "dividends" => 7),
            b'm' => named!("marriage_allowance" => MARRIAGE_ALLOWANCE),
            b'b' => named!("blind" => BLIND),
            b'e' => named!("employment_income" => 0),
            b'p' => named!(
                "paye_tax_deducted" => 1,
                "property_profit" => 3,
                "property_finance_costs" => 4,
                "property_finance_costs_brought_forward" => 5,
                "pension_income" => 8,
                "pension_contributions_gross" => 12,
                "paye_underpayment_coded_out" => 15,
            ),
            b's' => named!(
                "self_employment_profit" => 2,
                "savings_interest" => 6,
                "state_pension" => 9,
                "sa_underpayment_coded_out" => 14,
            ),
            b'o' => named!("other_non_savings_income" => 10),
            b'g' => named!("gift_aid_paid" => 11),
            b'c' => named!("child_benefit_received" => 13),
            _ => None,
        }
    }

    /// A string without escapes or the control characters JSON refuses in one.
    fn string(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let start = self.at;
        let rest = &self.line.as_bytes()[start..];
        let length = unescaped_length(rest);
        if rest.get(length) != Some(&b'"') {
            return None;
        }
        self.at += length + 1;
        self.line.get(start..start + length)
    }

    fn boolean(&mut self) -> Option<bool> {
        self.skip_whitespace();
        let rest = &self.line.as_bytes()[self.at..];
        let (value, length) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        self.at += length;
        Some(value)
    }

    /// A whole number of at most 18 digits, which serde reads as an integer (a `u64`, or
    /// an `i64` if negative) and [`AmountVisitor`] makes a decimal of; not `-0`, which
    /// serde reads as a float.
    fn amount(&mut self) -> Option<Amount> {
        self.skip_whitespace();
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let start = self.at;
        let mut value = 0_i64;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            if self.at - start == 18 {
                return None;
            }
            value = value * 10 + i64::from(digit - b'0');
            self.at += 1;
        }
        let digits = &self.line.as_bytes()[start..self.at];
        if digits.is_empty()
            || (digits.len() > 1 && digits[0] == b'0')
            || matches!(self.peek(), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        let value = if negative {
            if value == 0 {
                return None;
            }
            Decimal::from(-value)
        } else {
            Decimal::from(value.unsigned_abs())
        };
        Some(Amount(Money::new(value)))
    }
}

/// How many bytes of `text` come before the first `"`, `\` or control character (the
/// end of a string, an escape, or what JSON refuses in a string), looked for eight bytes
/// at a time: a byte is one of them where subtracting from it borrows.
fn unescaped_length(text: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_at = |word: u64| word.wrapping_sub(ONES) & !word;
    let mut at = 0;
    while let Some(chunk) = text.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The lowest byte marked is the first of them; a borrow marks only bytes above it.
        let marked = (zero_at(word ^ (ONES * u64::from(b'"')))
            | zero_at(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word))
            & HIGH;
        if marked != 0 {
            return at + marked.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + text[at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(text.len() - at)
}

/// Read one case (a JSON object) into the engine's inputs, refusing what HMRC would refuse
/// on submission: a tax year itsa has no rules for, a date of birth after the year, and
/// amounts of fractions of a penny, of more than HMRC's maximum, or negative where only a
/// loss may be. Each refusal names its field.
///
/// The inputs are those of the taxpayer's year the case describes, in HMRC's terms
/// ([`flat_year`]), turned into inputs as a submission case is; they are made without
/// that year between ([`flat_inputs`]).
pub fn parse_case(line: &str) -> Result<(String, Inputs), CaseError> {
    let mut slot = Slot::default();
    let (id, _) = flat_inputs(&Case::read(line)?, &mut slot)?;
    Ok((id.into_owned(), slot.inputs.expect("the inputs are made with the id")))
}

/// Where a case's inputs are made: the inputs of the case before, if any, to be emptied
/// rather than freed, so that what their lists and strings allocated is used again.
#[derive(Default)]
struct Slot {
    inputs: Option<Inputs>,
    /// Whether the inputs were made of a flat case ([`flat::inputs`]), which fills only
    /// some of their fields: only those are to be emptied for the next case.
    flat: bool,
    /// Strings of the inputs before, for the names and ids of the next case's.
    spare: Vec<String>,
}

/// The inputs of `year`, made in `slot` rather than moved there.
fn year_inputs<'s>(year: &TaxpayerYear, slot: &'s mut Slot) -> Result<&'s mut Inputs, CaseError> {
    let (inputs, _) = new_inputs(slot, year.tax_year, year.hmrc_held.regime, false);
    itsa_submissions::to_inputs_in(year, inputs).map_err(CaseError::Submission)?;
    Ok(inputs)
}

/// `Inputs::new(tax_year, regime)` in `slot`, to be filled as a flat case's inputs or not
/// (`flat`): the inputs it holds, if any, emptied, so that what the lists of one case's
/// inputs allocated is used again for the next case's. With the inputs, the strings kept
/// of the inputs before.
fn new_inputs(slot: &mut Slot, tax_year: TaxYear, regime: Regime, flat: bool) -> (&mut Inputs, &mut Vec<String>) {
    let Slot { inputs, flat: made_flat, spare } = slot;
    match inputs.as_mut() {
        Some(kept) if *made_flat => renew_flat(kept, tax_year, regime, spare),
        Some(kept) => renew(kept, tax_year, regime),
        None => {}
    }
    *made_flat = flat;
    (inputs.get_or_insert_with(|| Inputs::new(tax_year, regime)), spare)
}

/// [`renew`] for inputs made of a flat case: only the fields that [`flat::inputs`] fills
/// are emptied, the others being still as `Inputs::new` made them (the tests hold the two
/// to the same inputs), and the strings of their names and ids are kept in `spare`. Every
/// field was emptied and made anew for every case, which cost more than filling them.
fn renew_flat(inputs: &mut Inputs, tax_year: TaxYear, regime: Regime, spare: &mut Vec<String>) {
    inputs.tax_year = tax_year;
    inputs.regime = regime;
    inputs.date_of_birth = None;
    inputs.student_loan_plans.clear();
    inputs.blind_persons_allowance = false;
    inputs.marriage_allowance = MarriageAllowance::None;
    inputs.child_benefit = Money::ZERO;
    inputs.coded_out = Default::default();
    // Taken one by one: a flat case's lists hold one item at most, and draining a list
    // cost more than the item.
    while let Some(employment) = inputs.employments.pop() {
        spare.push(employment.name);
    }
    while let Some(pension) = inputs.pensions.pop() {
        spare.push(pension.name);
    }
    inputs.state_pension = Money::ZERO;
    while let Some(benefit) = inputs.state_pension_sources.pop().or_else(|| inputs.state_benefits.pop()) {
        spare.push(benefit.name);
        spare.extend(benefit.income_source_id);
    }
    if let Some(property) = inputs.uk_property.take() {
        spare.push(property.business_id);
    }
    while let Some(trade) = inputs.self_employments.pop() {
        spare.push(trade.business_id);
        spare.extend(trade.extras.accounts.and_then(|accounts| accounts.name));
    }
    while let Some(account) = inputs.savings_accounts.pop() {
        spare.push(account.name);
    }
    inputs.dividends = Money::ZERO;
    inputs.gift_aid_paid = Money::ZERO;
    inputs.pension_contributions_relief_at_source = Money::ZERO;
}

/// Make `inputs` what `Inputs::new(tax_year, regime)` makes, their lists emptied rather
/// than freed. Every field is named, so that one added to the inputs cannot be missed,
/// and given the value `Inputs::new` gives it (the tests hold the two to the same inputs).
fn renew(inputs: &mut Inputs, tax_year: TaxYear, regime: Regime) {
    let Inputs {
        tax_year: year,
        regime: its_regime,
        date_of_birth,
        sex,
        allowance_order,
        income_to_date,
        employments,
        pensions,
        state_pension,
        state_benefits,
        state_pension_sources,
        state_pension_lump_sums,
        self_employments,
        uk_property,
        foreign_property,
        savings_accounts,
        dividends,
        foreign_dividends,
        other_income,
        post_cessation_receipts,
        employment_extras,
        life_policy_gains,
        foreign,
        gift_aid_paid,
        pension_contributions_relief_at_source,
        investment_subscriptions,
        relief_claims,
        annual_allowance_excess,
        pension_charges,
        winter_fuel_payment,
        blind_persons_allowance,
        marriage_allowance,
        student_loan_plans,
        child_benefit,
        class2_voluntary,
        coded_out,
        capital_gains,
        loss_records,
        business_tax_deducted,
    } = inputs;
    *year = tax_year;
    *its_regime = regime;
    *date_of_birth = None;
    *sex = Default::default();
    *allowance_order = Default::default();
    *income_to_date = None;
    employments.clear();
    pensions.clear();
    *state_pension = Money::ZERO;
    state_benefits.clear();
    state_pension_sources.clear();
    state_pension_lump_sums.clear();
    self_employments.clear();
    *uk_property = None;
    *foreign_property = None;
    savings_accounts.clear();
    *dividends = Money::ZERO;
    *foreign_dividends = Money::ZERO;
    *other_income = Money::ZERO;
    post_cessation_receipts.clear();
    *employment_extras = Default::default();
    life_policy_gains.clear();
    *foreign = Default::default();
    *gift_aid_paid = Money::ZERO;
    *pension_contributions_relief_at_source = Money::ZERO;
    *investment_subscriptions = Default::default();
    *relief_claims = Default::default();
    *annual_allowance_excess = Money::ZERO;
    *pension_charges = Default::default();
    *winter_fuel_payment = Money::ZERO;
    *blind_persons_allowance = false;
    *marriage_allowance = MarriageAllowance::None;
    student_loan_plans.clear();
    *child_benefit = Money::ZERO;
    *class2_voluntary = false;
    *coded_out = Default::default();
    *capital_gains = None;
    *loss_records = Default::default();
    *business_tax_deducted = Default::default();
}

/// Read a flat case as the taxpayer's year it describes: HMRC-held employments, pensions
/// and benefits, a self-employment and a UK property business with one summary for the
/// whole year, a savings account, and the submissions of HMRC's income APIs that carry
/// each other amount (docs/cases.md, "The flat format as submissions").
pub fn flat_year(line: &str) -> Result<(String, TaxpayerYear), CaseError> {
    year_of(&Case::read(line)?)
}

/// The taxpayer's year of a flat case ([`flat_year`]).
fn year_of(case: &Case) -> Result<(String, TaxpayerYear), CaseError> {
    let checked = check(case)?;
    Ok((String::from(&*case.id), flat::year(case, checked)))
}

/// The engine's inputs of a flat case, made in `slot`, with the case's id: the inputs that
/// [`itsa_submissions::to_inputs`] makes of the case's year ([`flat_year`]), refused as
/// that year is, but made straight from the case. The year is a dozen allocations and
/// large values moved about, which cost more than reading the case; the tests hold the
/// two ways to the same inputs.
fn flat_inputs<'a, 's>(case: &Case<'a>, slot: &'s mut Slot) -> Result<(Cow<'a, str>, &'s mut Inputs), CaseError> {
    let checked = check(case)?;
    // As `to_inputs_in` refuses a year whose rules cannot be had.
    itsa_engine::Rules::for_year(checked.tax_year, checked.regime).map_err(|e| {
        CaseError::Submission(itsa_submissions::SubmissionError::new("TAX_YEAR_NOT_SUPPORTED", e.to_string()))
    })?;
    let (inputs, spare) = new_inputs(slot, checked.tax_year, checked.regime, true);
    flat::inputs(case, checked, inputs, spare);
    // Borrowed from the line, unless written with escapes.
    Ok((case.id.clone(), inputs))
}

/// ASCII digits as a number (of at most four digits); `None` if any byte is not a digit.
fn digits(text: &[u8]) -> Option<u16> {
    text.iter().try_fold(0_u16, |n, &b| b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0')))
}

/// [`TaxYear::parse`], with a year written as `2024-25` read without `str::parse`: it is
/// read for every case.
fn tax_year(text: &str) -> Result<TaxYear, impl std::fmt::Display + use<>> {
    let b = text.as_bytes();
    if b.len() == 7
        && b[4] == b'-'
        && let (Some(start), Some(end)) = (digits(&b[..4]), digits(&b[5..]))
        && (start + 1) % 100 == end
        && start >= 1900
    {
        return Ok(TaxYear::starting(start));
    }
    TaxYear::parse(text)
}

/// [`Date::parse`], with a date written as `YYYY-MM-DD` read without `str::parse`: a
/// date of birth is read for every case.
fn date(text: &str) -> Result<Date, impl std::fmt::Display + use<>> {
    let b = text.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(year), Some(month), Some(day)) = (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..]))
        && let Some(date) = Date::new(i32::from(year), month as u8, day as u8)
    {
        return Ok(date);
    }
    Date::parse(text)
}

/// What a flat case gives besides its amounts, read and checked.
struct Checked {
    tax_year: TaxYear,
    regime: Regime,
    date_of_birth: Date,
    marriage_allowance: MarriageAllowance,
    student_loan_plans: Vec<itsa_engine::inputs::StudentLoanPlan>,
}

/// A flat case's year, regime, date of birth, claims and amounts checked, in this order,
/// as HMRC would check them.
fn check(case: &Case) -> Result<Checked, CaseError> {
    let invalid = |e: &dyn std::fmt::Display| CaseError::Invalid(e.to_string());
    let tax_year = tax_year(&case.tax_year).map_err(|e| invalid(&format!("tax_year: {e}")))?;
    if !tax_year.is_supported() {
        return Err(CaseError::Engine(EngineError::Rules(RulesError::UnsupportedTaxYear(tax_year))));
    }
    let regime = Regime::parse(&case.regime).map_err(|e| invalid(&format!("regime: {e}")))?;
    let date_of_birth = date(case.date_of_birth.as_deref().unwrap_or(DEFAULT_DATE_OF_BIRTH))
        .map_err(|e| invalid(&format!("date_of_birth: {e}")))?;
    if date_of_birth > tax_year.last_day() {
        return Err(CaseError::Invalid(format!("date_of_birth: {date_of_birth} is after the end of the tax year")));
    }
    case.check_amounts()?;
    let marriage_allowance = match case.marriage_allowance.as_deref() {
        None | Some("none") => MarriageAllowance::None,
        Some("transferor") => MarriageAllowance::Transferor,
        Some("recipient") => MarriageAllowance::Recipient,
        Some(other) => {
            return Err(CaseError::Invalid(format!(
                "marriage_allowance: '{other}' is not none, transferor or recipient"
            )));
        }
    };
    let mut student_loan_plans = Vec::new();
    for plan in &case.student_loan_plans {
        let plan = itsa_submissions::case::student_loan_plan(plan).ok_or_else(|| {
            CaseError::Invalid(format!(
                "student_loan_plans: '{plan}' is not plan1, plan2, plan4, plan5 or postgraduate"
            ))
        })?;
        if !student_loan_plans.contains(&plan) {
            student_loan_plans.push(plan);
        }
    }
    Ok(Checked { tax_year, regime, date_of_birth, marriage_allowance, student_loan_plans })
}

mod flat {
    //! A flat case as HMRC would hold it.

    use itsa_engine::employment::{EmploymentRecord, Source};
    use itsa_engine::inputs::{
        CodedOut, Employment, Pension, SavingsAccount, SelfEmployment, StateBenefit, UkProperty,
    };
    use itsa_engine::losses::{BusinessAccounts, TradeExtras};
    use itsa_submissions::amount::{Amount, IsoDate, SignedAmount};
    use itsa_submissions::bodies::{charges, dividends, property, reliefs, savings, self_employment as se};
    use itsa_submissions::case::{HeldBenefit, HeldCodedOut, HeldEmployment, business_id, created_id};
    use itsa_submissions::{Body, Business, BusinessType, CalculationType, Endpoint, HmrcHeld, Named, Submission};

    use super::*;

    /// The first tax year of the cumulative endpoints (2025-26).
    const CUMULATIVE_FROM: u16 = 2025;

    fn amount(m: Money) -> Amount {
        Amount::new(m.amount()).expect("flat amounts are checked on reading")
    }

    fn some(m: Money) -> Option<Amount> {
        (!m.is_zero()).then(|| amount(m))
    }

    fn signed(m: Money) -> SignedAmount {
        SignedAmount::new(m.amount()).expect("flat amounts are checked on reading")
    }

    fn submission(endpoint: Endpoint, body: Body) -> Submission {
        Submission { endpoint, business: None, target: None, created: None, body }
    }

    pub(super) fn year(case: &Case, checked: Checked) -> TaxpayerYear {
        let Checked { tax_year, regime, date_of_birth, marriage_allowance, student_loan_plans } = checked;
        let cumulative = tax_year.start_year() >= CUMULATIVE_FROM;
        let (first, last) = (IsoDate(tax_year.first_day()), IsoDate(tax_year.last_day()));

        // PAYE goes with the employment if there is one, else with the pension.
        let paye = case.paye_tax_deducted.0;
        let has_employment =
            !case.employment_income.0.is_zero() || (case.pension_income.0.is_zero() && !paye.is_zero());
        let mut employments = Vec::new();
        let held = |name: &str, pension: bool, pay: Money, tax: Money| HeldEmployment {
            employer_ref: None,
            employer_name: name.into(),
            occupational_pension: pension,
            pay: amount(pay),
            tax_deducted: Some(signed(tax)),
            student_loan_deductions: None,
            postgraduate_loan_deductions: None,
            benefits_in_kind: None,
        };
        if has_employment {
            employments.push(held("employment", false, case.employment_income.0, paye));
        }
        if !case.pension_income.0.is_zero() {
            employments.push(held(
                "pension",
                true,
                case.pension_income.0,
                if has_employment { Money::ZERO } else { paye },
            ));
        }
        let mut state_benefits = Vec::new();
        for (kind, value) in
            [("statePension", case.state_pension.0), ("otherStateBenefits", case.other_non_savings_income.0)]
        {
            if !value.is_zero() {
                state_benefits.push(HeldBenefit { benefit_type: kind.into(), amount: amount(value), tax_paid: None });
            }
        }
        let (sa, paye_coded) = (case.sa_underpayment_coded_out.0, case.paye_underpayment_coded_out.0);
        let hicbc_submitted = cumulative && !case.child_benefit_received.0.is_zero();
        let hmrc_held = HmrcHeld {
            regime,
            date_of_birth: Some(IsoDate(date_of_birth)),
            sex: Default::default(),
            student_loan_plans,
            blind: case.blind,
            marriage_allowance,
            employments,
            state_benefits,
            coded_out: (!sa.is_zero() || !paye_coded.is_zero())
                .then(|| HeldCodedOut { self_assessment_underpayment: some(sa), paye_underpayment: some(paye_coded) }),
            child_benefit_received: if hicbc_submitted { None } else { some(case.child_benefit_received.0) },
        };

        let mut businesses = Vec::new();
        let mut submissions = Vec::new();
        if let Some(profit) = case.self_employment_profit.map(|p| p.0).filter(|p| !p.is_zero()) {
            businesses.push(Business {
                alias: "trade".into(),
                business_id: business_id(BusinessType::SelfEmployment, 0),
                type_of_business: BusinessType::SelfEmployment,
                trading_name: Some("Trade".into()),
                accounting_type: Some("CASH".into()),
                commencement_date: None,
                cessation_date: None,
            });
            // A profit is turnover; a loss is expenses.
            let income =
                profit.is_positive().then(|| se::PeriodIncome { turnover: some(profit), ..Default::default() });
            let expenses = profit
                .is_negative()
                .then(|| se::PeriodExpenses { consolidated_expenses: Some(signed(-profit)), ..Default::default() });
            let dates = se::PeriodDates { period_start_date: first, period_end_date: last };
            let (endpoint, body) = if cumulative {
                (
                    Endpoint::SeCumulative,
                    Body::SeCumulative(se::CumulativePeriodSummary {
                        period_dates: Some(dates),
                        period_income: income,
                        period_expenses: expenses,
                        period_disallowable_expenses: None,
                    }),
                )
            } else {
                (
                    Endpoint::SePeriod,
                    Body::SePeriod(se::PeriodSummary {
                        period_dates: dates,
                        period_income: income,
                        period_expenses: expenses,
                        period_disallowable_expenses: None,
                    }),
                )
            };
            submissions.push(Submission { business: Some(businesses.len() - 1), ..submission(endpoint, body) });
        }
        let (profit, costs, costs_brought_forward) =
            (case.property_profit.0, case.property_finance_costs.0, case.property_finance_costs_brought_forward.0);
        if [profit, costs, costs_brought_forward].iter().any(|a| !a.is_zero()) {
            businesses.push(Business {
                alias: "property".into(),
                business_id: business_id(BusinessType::UkProperty, 0),
                type_of_business: BusinessType::UkProperty,
                trading_name: None,
                accounting_type: Some("CASH".into()),
                commencement_date: None,
                cessation_date: None,
            });
            // A profit is rent; a loss is other expenses.
            let income = profit
                .is_positive()
                .then(|| property::UkPropertyIncome { period_amount: some(profit), ..Default::default() });
            let expenses = property::UkPropertyExpenses {
                other: profit.is_negative().then(|| signed(-profit)),
                residential_financial_cost: some(costs),
                residential_financial_costs_carried_forward: some(costs_brought_forward),
                ..Default::default()
            };
            let figures = property::UkPropertyIncomeAndExpenses {
                income,
                expenses: (expenses != property::UkPropertyExpenses::default()).then_some(expenses),
            };
            let (endpoint, body) = if cumulative {
                (
                    Endpoint::UkPropertyCumulative,
                    Body::UkPropertyCumulative(property::UkPropertyCumulativeSummary {
                        from_date: Some(first),
                        to_date: Some(last),
                        uk_property: figures,
                    }),
                )
            } else {
                (
                    Endpoint::UkPropertyPeriod,
                    Body::UkPropertyPeriod(property::UkPropertyPeriodSummary {
                        from_date: first,
                        to_date: last,
                        uk_fhl_property: None,
                        uk_non_fhl_property: Some(figures),
                    }),
                )
            };
            submissions.push(Submission { business: Some(businesses.len() - 1), ..submission(endpoint, body) });
        }
        if !case.savings_interest.0.is_zero() {
            let account = Named { alias: "savings".into(), id: created_id(0) };
            submissions.push(Submission {
                created: Some(account.clone()),
                ..submission(
                    Endpoint::SavingsAccountCreate,
                    Body::SavingsAccountCreate(savings::SavingsAccountCreate { account_name: "savings".into() }),
                )
            });
            submissions.push(Submission {
                target: Some(account),
                ..submission(
                    Endpoint::SavingsAccountAnnual,
                    Body::SavingsAccountAnnual(savings::SavingsAccountAnnual {
                        taxed_uk_interest: None,
                        untaxed_uk_interest: some(case.savings_interest.0),
                    }),
                )
            });
        }
        if !case.dividends.0.is_zero() {
            submissions.push(submission(
                Endpoint::DividendsUk,
                Body::DividendsUk(dividends::UkDividends {
                    uk_dividends: some(case.dividends.0),
                    other_uk_dividends: None,
                }),
            ));
        }
        if !case.gift_aid_paid.0.is_zero() {
            submissions.push(submission(
                Endpoint::ReliefsCharitableGiving,
                Body::ReliefsCharitableGiving(reliefs::CharitableGiving {
                    gift_aid_payments: Some(reliefs::GiftAidPayments {
                        total_amount: some(case.gift_aid_paid.0),
                        ..Default::default()
                    }),
                    gifts: None,
                }),
            ));
        }
        if !case.pension_contributions_gross.0.is_zero() {
            submissions.push(submission(
                Endpoint::ReliefsPensions,
                Body::ReliefsPensions(reliefs::PensionReliefs {
                    pension_reliefs: reliefs::PensionReliefAmounts {
                        regular_pension_contributions: some(case.pension_contributions_gross.0),
                        ..Default::default()
                    },
                }),
            ));
        }
        if hicbc_submitted {
            submissions.push(submission(
                Endpoint::ChargesHicbc,
                Body::ChargesHicbc(charges::HighIncomeChildBenefitCharge {
                    amount_of_child_benefit_received: amount(case.child_benefit_received.0),
                    number_of_children: 1,
                    date_ceased: None,
                }),
            ));
        }
        TaxpayerYear {
            tax_year,
            calculation_type: CalculationType::IntentToFinalise,
            hmrc_held,
            businesses,
            submissions,
        }
    }

    /// The engine's inputs of a flat case, in `inputs` as `Inputs::new` makes them for the
    /// case's year and regime: what `to_inputs_in` makes of the case's [`year`], figure for
    /// figure, without the year between.
    ///
    /// `to_inputs_in` adds up each figure of the year from the parts of the submissions
    /// that carry it, and here every part but one is nothing. Money adding or taking away
    /// nothing gives the other amount as it is (its decimal places too), so each figure is
    /// the case's amount itself, or nothing where the case gives none (`given`).
    ///
    /// Names and ids are made in the strings of `spare` while there are any.
    pub(super) fn inputs(case: &Case, checked: Checked, inputs: &mut Inputs, spare: &mut Vec<String>) {
        let Checked { tax_year: _, regime: _, date_of_birth, marriage_allowance, student_loan_plans } = checked;
        // An amount of the case, or nothing as `Money::ZERO` (a zero written `0.00` is
        // not submitted at all).
        let given = |m: Money| if m.is_zero() { Money::ZERO } else { m };

        // What HMRC holds.
        inputs.date_of_birth = Some(date_of_birth);
        inputs.student_loan_plans = student_loan_plans;
        inputs.blind_persons_allowance = case.blind;
        inputs.marriage_allowance = marriage_allowance;
        // Held before 2025-26, submitted as the charge's figure from then: the same amount.
        inputs.child_benefit = given(case.child_benefit_received.0);
        let (sa, paye_coded) = (case.sa_underpayment_coded_out.0, case.paye_underpayment_coded_out.0);
        if !sa.is_zero() || !paye_coded.is_zero() {
            inputs.coded_out =
                CodedOut { sa_underpayments: given(sa), paye_underpayments: given(paye_coded), from_customer: false };
        }
        // PAYE goes with the employment if there is one, else with the pension.
        let paye = case.paye_tax_deducted.0;
        let has_employment =
            !case.employment_income.0.is_zero() || (case.pension_income.0.is_zero() && !paye.is_zero());
        if has_employment {
            inputs.employments.push(Employment {
                name: text(spare, "employment"),
                pay: case.employment_income.0,
                benefits_in_kind: Money::ZERO,
                tax_deducted: paye,
                student_loan_deductions: Money::ZERO,
                postgraduate_loan_deductions: Money::ZERO,
                record: EmploymentRecord { source: Source::HmrcHeld, ..EmploymentRecord::default() },
            });
        }
        if !case.pension_income.0.is_zero() {
            inputs.pensions.push(Pension {
                name: text(spare, "pension"),
                amount: case.pension_income.0,
                tax_deducted: if has_employment { Money::ZERO } else { paye },
            });
        }
        // HMRC's benefits are numbered in the order held: the State Pension first.
        let mut held = 0;
        for (kind, amount) in
            [("statePension", case.state_pension.0), ("otherStateBenefits", case.other_non_savings_income.0)]
        {
            if amount.is_zero() {
                continue;
            }
            let name = text(spare, kind);
            let mut id = spare.pop().unwrap_or_default();
            itsa_submissions::write_held_benefit_id(&mut id, held);
            let benefit =
                StateBenefit { name, amount, tax_deducted: Money::ZERO, income_source_id: Some(id), hmrc_held: true };
            held += 1;
            if kind == "statePension" {
                inputs.state_pension += amount;
                inputs.state_pension_sources.push(benefit);
            } else {
                inputs.state_benefits.push(benefit);
            }
        }

        // What is submitted. A profit is income (rent, turnover); a loss is expenses.
        let income_and_expenses =
            |profit: Money| if profit.is_negative() { (Money::ZERO, -profit) } else { (given(profit), Money::ZERO) };
        let (profit, costs, costs_brought_forward) =
            (case.property_profit.0, case.property_finance_costs.0, case.property_finance_costs_brought_forward.0);
        if [profit, costs, costs_brought_forward].iter().any(|a| !a.is_zero()) {
            let (income, expenses) = income_and_expenses(profit);
            inputs.uk_property = Some(UkProperty {
                business_id: text(spare, CASE_PROPERTY_BUSINESS_ID),
                profit: given(profit),
                residential_finance_costs: given(costs),
                finance_costs_brought_forward: given(costs_brought_forward),
                losses_brought_forward: Money::ZERO,
                accounts: Some(BusinessAccounts {
                    total_income: income,
                    total_expenses: expenses,
                    ..Default::default()
                }),
            });
        }
        if let Some(profit) = case.self_employment_profit.map(|p| p.0).filter(|p| !p.is_zero()) {
            let (income, expenses) = income_and_expenses(profit);
            inputs.self_employments.push(SelfEmployment {
                business_id: text(spare, CASE_BUSINESS_ID),
                adjusted_profit: profit,
                losses_brought_forward: Money::ZERO,
                claims_sideways: false,
                extras: TradeExtras {
                    accounts: Some(BusinessAccounts {
                        name: Some(text(spare, "Trade")),
                        total_income: income,
                        total_expenses: expenses,
                        adjusted_profit: Some(profit),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            });
        }
        let interest = case.savings_interest.0;
        if !interest.is_zero() {
            // Untaxed interest: nothing grossed up, no tax deducted.
            inputs.savings_accounts.push(SavingsAccount {
                name: text(spare, "savings"),
                gross_interest: interest,
                tax_deducted: Money::ZERO,
            });
        }
        // These amounts are never negative (`check_amounts`).
        inputs.dividends = given(case.dividends.0);
        inputs.gift_aid_paid = given(case.gift_aid_paid.0);
        inputs.pension_contributions_relief_at_source = given(case.pension_contributions_gross.0);
    }

    /// `text` as a string of its own, made in one of `spare` if there is one.
    fn text(spare: &mut Vec<String>, text: &str) -> String {
        match spare.pop() {
            Some(mut string) => {
                string.clear();
                string.push_str(text);
                string
            }
            None => text.to_owned(),
        }
    }
}

/// Money as a JSON number (pounds and pence).
fn money(m: Money) -> Num {
    Num::from(m.amount())
}

/// The `summary` object of a result (FORMAT.md "Result").
pub fn summary(calculation: &Calculation) -> Value {
    summary_node(calculation).into()
}

/// [`summary_object`] as a [`Node`].
fn summary_node(calculation: &Calculation) -> Node {
    Node::from_object(summary_object(calculation))
}

/// The result object for a calculated case.
pub fn result_line(id: &str, calculation: &Calculation) -> Value {
    result_node(id, calculation).into()
}

/// The `summary` object: FORMAT.md's fields in its order, then the further fields of
/// SUBMISSION-CASES.md "Result", each present when the calculation has such an amount.
fn summary_object(calculation: &Calculation) -> impl Field {
    let tc = &calculation.tax_calculation;
    let it = &tc.income_tax;
    // Present with foreign income, nil when no credit is given.
    let foreign_tax_credit_relief =
        calculation.foreign.foreign_tax_credit_relief.as_ref().map(|r| r.total).or((calculation
            .dividends_income
            .is_some_and(|d| d.total_foreign_dividends.is_positive())
            || !calculation.foreign.inputs.sources.is_empty())
        .then_some(Money::ZERO));
    let total_taxable_profits = (!calculation.business_profit_and_loss.is_empty()).then(|| {
        let t = &calculation.income_summary_totals;
        t.total_self_employment_profit + t.total_property_profit + t.total_foreign_property_profit
    });
    object(move |o| {
        o.set(key!("personal_allowance"), money(calculation.allowances_and_deductions.personal_allowance))
            .set(key!("taxable_income"), money(it.total_taxable_income))
            .set(key!("income_tax_charged"), money(it.income_tax_charged))
            .set(key!("income_tax_due"), money(it.income_tax_due_after_gift_aid))
            .set(key!("hicbc"), money(it.high_income_child_benefit_charge.map_or(Money::ZERO, |h| h.amount)))
            .set(key!("class2"), money(tc.nics.class2.map_or(Money::ZERO, |c| c.amount)))
            .set(key!("class4"), money(tc.nics.class4.as_ref().map_or(Money::ZERO, |c| c.total_amount)))
            .set(key!("student_loans"), money(tc.total_student_loans_repayment_amount))
            .set(key!("total_tax_deducted"), money(tc.total_tax_deducted))
            .set(key!("total_income_tax_and_nics_due"), money(tc.total_income_tax_and_nics_due))
            .opt(key!("foreign_tax_credit_relief"), foreign_tax_credit_relief.map(money))
            .opt(key!("total_taxable_profits"), total_taxable_profits.map(money))
            .opt(key!("total_reliefs"), it.total_reliefs.is_positive().then(|| money(it.total_reliefs)))
            .opt(key!("top_slicing_relief"), calculation.reliefs.top_slicing_relief.map(|t| money(t.amount)))
            .opt(
                key!("losses_applied_to_general_income"),
                calculation.allowances_and_deductions.losses_applied_to_general_income.map(money),
            )
            .opt(
                key!("pension_savings_tax_charges"),
                it.pension_savings_tax_charges.as_ref().map(|p| money(p.total_pension_savings_tax_charges)),
            )
            .opt(key!("capital_gains_tax"), tc.capital_gains_tax.as_ref().map(|g| money(g.capital_gains_tax_due)))
    })
}

/// `[{id, text}]` for each message of a list.
fn listed(list: &[itsa_engine::messages::Message]) -> impl Field {
    Items(list.iter().map(|m| object(move |o| o.set(key!("id"), m.id).set(key!("text"), Borrowed(&m.text)))))
}

/// [`result_object`] as a [`Node`].
fn result_node(id: &str, calculation: &Calculation) -> Node {
    Node::from_object(result_object(id, calculation))
}

/// The result object: `id`, `summary`, the HMRC-shaped `calculation` and `messages` (all
/// three lists, empty or not), written into one text as it goes.
fn result_object<'a>(id: &'a str, calculation: &'a Calculation) -> impl Field + 'a {
    let m = &calculation.messages;
    object(move |o| {
        o.set(key!("id"), Borrowed(id))
            .set(key!("summary"), summary_object(calculation))
            .set(key!("calculation"), itsa_hmrc::calculation_v8_field(calculation))
            .set(
                key!("messages"),
                object(move |o| {
                    o.set(key!("info"), listed(&m.info))
                        .set(key!("warnings"), listed(&m.warnings))
                        .set(key!("errors"), listed(&m.errors))
                }),
            )
    })
}

/// The result object for a case that could not be calculated.
pub fn error_line(id: Option<&str>, error: &CaseError) -> Value {
    json!({"id": id, "error": {"code": error.code(), "message": error.to_string()}})
}

/// Whether a case line is a submission case (SUBMISSION-CASES.md): an object with a
/// `submissions` key. A flat case cannot have one (unknown fields are refused).
pub fn is_submission_case(line: &str) -> bool {
    line.contains("\"submissions\"")
        && serde_json::from_str::<Value>(line).is_ok_and(|v| v.get("submissions").is_some())
}

/// Read a case line of either format into its id and the engine's inputs.
pub fn read_case(line: &str) -> Result<(String, Inputs), CaseError> {
    let mut slot = Slot::default();
    let (id, _) = read_case_in(line, &mut slot)?;
    Ok((id.into_owned(), slot.inputs.expect("the inputs are made with the id")))
}

/// Read a case line of either format: its id (borrowed from the line where it can be) and
/// the engine's inputs, made in `slot`. The inputs are large: made where they are kept,
/// they are not moved again.
fn read_case_in<'a, 's>(line: &'a str, slot: &'s mut Slot) -> Result<(Cow<'a, str>, &'s mut Inputs), CaseError> {
    // A plain case is a flat one: it has no `submissions`.
    let mut case = Case::nothing();
    if case.read_plain_in(line).is_some() {
        return flat_inputs(&case, slot);
    }
    if !is_submission_case(line) {
        return flat_inputs(&Case::read(line)?, slot);
    }
    let (id, year) = itsa_submissions::TaxpayerYear::parse_case(line).map_err(CaseError::Submission)?;
    Ok((Cow::Owned(id), year_inputs(&year, slot)?))
}

/// One case line calculated, handed to `then` with its id (the calculation is not moved
/// again once made), or its error object; its inputs are made in `slot`.
fn with_outcome<R>(line: &str, slot: &mut Slot, then: impl FnOnce(&str, &Calculation) -> R) -> Result<R, Value> {
    let (id, inputs) = read_case_in(line, slot).map_err(|e| error_line(case_id(line).as_deref(), &e))?;
    // Looked at where it was returned: moved out of the result, the calculation (several
    // kilobytes) was copied.
    let calculated = itsa_engine::calculate(inputs);
    match &calculated {
        Ok(calculation) => Ok(then(&id, calculation)),
        Err(e) => Err(error_line(Some(&id), &e.clone().into())),
    }
}

/// Calculate one case line: the result object, or an error object.
pub fn calculate_line(line: &str) -> Value {
    with_outcome(line, &mut Slot::default(), result_line).unwrap_or_else(|error| error)
}

/// Calculate one case line and write its result object (or error object) to `out`: the
/// same text as `serde_json::to_writer(out, &calculate_line(line))`, written straight
/// from the calculation.
pub fn write_result_line(out: &mut impl std::io::Write, line: &str) -> serde_json::Result<()> {
    CaseLines::default().write_result_line(out, line)
}

/// Case lines calculated one after another, as [`write_result_line`] calculates each: the
/// inputs of one case are kept for the next, so that their lists are allocated once
/// rather than for every line.
#[derive(Default)]
pub struct CaseLines {
    slot: Slot,
}

impl CaseLines {
    /// [`write_result_line`] for the next case line.
    pub fn write_result_line(&mut self, out: &mut impl std::io::Write, line: &str) -> serde_json::Result<()> {
        write_result_line_in(out, line, &mut self.slot)
    }

    /// [`write_result_line`] for the next case line, its text appended to `out`: the
    /// result object is written there as it is made, not made in a buffer of its own and
    /// copied.
    pub fn append_result_line(&mut self, out: &mut Vec<u8>, line: &str) {
        let written = with_outcome(line, &mut self.slot, |id, calculation| {
            result_object(id, calculation).write_field(out);
        });
        if let Err(error) = written {
            serde_json::to_writer(out, &error).expect("a value serialises to a Vec");
        }
    }
}

/// [`write_result_line`], the case's inputs made in `slot`.
fn write_result_line_in(out: &mut impl std::io::Write, line: &str, slot: &mut Slot) -> serde_json::Result<()> {
    let written = with_outcome(line, slot, |id, calculation| {
        let node = result_node(id, calculation);
        match &node {
            Node::Object(text) => out.write_all(text.as_bytes()),
            other => {
                let mut text = Vec::new();
                other.write_json(&mut text);
                out.write_all(&text)
            }
        }
    });
    match written {
        Ok(result) => result.map_err(serde_json::Error::io),
        Err(error) => serde_json::to_writer(out, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_amount_is_hmrcs() {
        assert_eq!(MAXIMUM_AMOUNT.to_string(), "99999999999.99");
    }

    #[test]
    fn amounts_are_read_as_written() {
        for text in ["0", "12570", "-1", "1234.56", "0.1", "87.5", "99999999999.99", "1e3", "1.5E2", "-0.01"] {
            let line = format!(r#"{{"id":"a","tax_year":"2024-25","regime":"rUK","self_employment_profit":{text}}}"#);
            let case: Case = serde_json::from_str(&line).unwrap();
            let expected = Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text)).unwrap();
            assert_eq!(case.self_employment_profit.unwrap().0.amount(), expected, "{text}");
        }
        assert!(
            serde_json::from_str::<Case>(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","dividends":"5"}"#).is_err()
        );
    }

    /// A case read plainly as serde reads it, every amount taken as given: those the plain
    /// reader did not mark as given must be nothing, for the checks to pass over them.
    fn as_serde_reads(mut case: Case) -> Case {
        for (i, (field, _)) in AMOUNT_FIELDS.iter().enumerate() {
            assert!(case.given & (1 << i) != 0 || case.amount(i).is_zero(), "{field} is given but not marked");
        }
        case.given = every_amount();
        case
    }

    #[test]
    fn a_plain_case_is_read_as_serde_reads_it() {
        let case = |fields: &str| format!(r#"{{"id":"a","tax_year":"2024-25","regime":"rUK"{fields}}}"#);
        let plain = [
            case(""),
            case(r#","dividends":0,"property_profit":-12,"self_employment_profit":999999999999999999"#),
            case(r#","blind":true,"marriage_allowance":"recipient","date_of_birth":"1950-01-01""#),
            case(r#","blind":false,"marriage_allowance":"x","date_of_birth":"1950""#),
            case(r#","employment_income":-123456789012345678"#),
            case(
                r#","paye_tax_deducted":1,"self_employment_profit":2,"property_profit":3,"property_finance_costs":4,"property_finance_costs_brought_forward":5,"savings_interest":6,"dividends":7,"pension_income":8,"state_pension":9,"other_non_savings_income":10,"gift_aid_paid":11,"pension_contributions_gross":12,"child_benefit_received":13,"sa_underpayment_coded_out":14,"paye_underpayment_coded_out":15,"employment_income":16"#,
            ),
            case(r#","property_finance_costs_brought_forward":5,"property_finance_costs":4"#),
            " { \"id\" : \"caf\u{e9}\" ,\t\"regime\":\"Wales\",\"tax_year\":\"2025-26\" }\r\n ".to_owned(),
        ];
        let not_plain = [
            case(r#","dividends":-0"#),
            case(r#","dividends":1.5"#),
            case(r#","dividends":1e3"#),
            case(r#","dividends":01"#),
            case(r#","dividends":1234567890123456789"#),
            case(r#","dividends":null"#),
            case(r#","self_employment_profit":null"#),
            case(r#","dividends":"5""#),
            case(r#","dividends":5,"dividends":5"#),
            case(r#","student_loan_plans":["plan1"]"#),
            case(r#","expected":{}"#),
            case(r#","divdends":5"#),
            case(r#","dividend":5"#),
            case(r#","dividendss":5"#),
            case(r#","property_finance_cost":5"#),
            case(r#","property_finance_costs_brought":5"#),
            case(r#","given":5"#),
            case(r#","":5"#),
            r#"{"i\u0064":"a","tax_year":"2024-25","regime":"rUK"}"#.to_owned(),
            r#"{"id":"a","tax_year":"2024-25","regime":"rUK","dividends\n":5}"#.to_owned(),
            case(r#","date_of_birth":null"#),
            case(r#","blind":1"#),
            case(r#","blind":truex"#),
            case(r#","dividends":5,"#),
            case(r#","dividends":5} x"#),
            r#"{"id":"a\u0041","tax_year":"2024-25","regime":"rUK"}"#.to_owned(),
            "{\"id\":\"a\tb\",\"tax_year\":\"2024-25\",\"regime\":\"rUK\"}".to_owned(),
            r#"{"id":"a","tax_year":"2024-25"}"#.to_owned(),
            r#"{"id":"a","tax_year":"2024-25","regime":"rUK""#.to_owned(),
            r#"["a","2024-25","rUK"]"#.to_owned(),
            "{}".to_owned(),
        ];
        for line in &plain {
            let read = as_serde_reads(Case::read_plain(line).unwrap_or_else(|| panic!("{line}")));
            let serde: Case = serde_json::from_str(line).unwrap();
            assert_eq!(format!("{read:?}"), format!("{serde:?}"), "{line}");
        }
        for line in &not_plain {
            assert!(Case::read_plain(line).is_none(), "{line}");
        }
    }

    #[test]
    fn what_is_read_plainly_serde_reads_the_same() {
        // Every line one edit away from plain cases: each byte removed, or replaced by one
        // of the bytes that JSON's grammar turns on.
        let lines = [
            r#"{"id": "c1", "tax_year": "2024-25", "regime": "rUK", "dividends": 10, "blind": false}"#,
            r#"{"id":"c2","tax_year":"2025-26","regime":"Wales","self_employment_profit":-205,"date_of_birth":"1990-01-01"}"#,
        ];
        let replacements = b"\"\\,:}{ \t0-9.eEn]";
        for line in lines {
            for at in 0..line.len() {
                let mut edits = vec![format!("{}{}", &line[..at], &line[at + 1..])];
                for &b in replacements {
                    edits.push(format!("{}{}{}", &line[..at], b as char, &line[at + 1..]));
                }
                for edit in edits {
                    if let Some(read) = Case::read_plain(&edit).map(as_serde_reads) {
                        let serde: Case = serde_json::from_str(&edit).unwrap_or_else(|e| panic!("{edit}: {e}"));
                        assert_eq!(format!("{read:?}"), format!("{serde:?}"), "{edit}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_end_of_an_unescaped_string_is_found_as_byte_by_byte() {
        let slow = |text: &[u8]| text.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(text.len());
        for stop in [b'"', b'\\', 0, b'\t', 0x1f] {
            for length in 0..20 {
                for at in 0..=length {
                    for filler in [b'a', b' ', 0x20, 0x21, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']'] {
                        let mut text = vec![filler; length];
                        if at < length {
                            text[at] = stop;
                        }
                        if at + 1 < length {
                            text[at + 1] = b'"';
                        }
                        assert_eq!(unescaped_length(&text), slow(&text), "{text:?}");
                    }
                }
            }
        }
        let text = "caf\u{e9} \u{2603} and more \u{1f600}\"".as_bytes();
        assert_eq!(unescaped_length(text), text.len() - 1);
    }

    /// A flat case's inputs as [`parse_case`] makes them, and as `to_inputs` makes them of
    /// the case's year, refusals included: written out, so that an amount's decimal places
    /// count as well as its value.
    fn both_ways(line: &str) -> (String, String) {
        let straight = parse_case(line);
        let through_the_year = flat_year(line)
            .and_then(|(id, year)| Ok((id, itsa_submissions::to_inputs(&year).map_err(CaseError::Submission)?)));
        (format!("{straight:?}"), format!("{through_the_year:?}"))
    }

    /// Amounts of every kind: nothing written three ways, whole pounds, pence, trailing
    /// zeros, losses, the largest amount and what is refused.
    const AMOUNTS: [&str; 14] = [
        "0",
        "0.00",
        "-0",
        "1",
        "12570",
        "1234.5",
        "1.500",
        "99.99",
        "-7",
        "-2500.25",
        "99999999999.99",
        "100000000000",
        "0.001",
        "null",
    ];

    #[test]
    fn a_flat_case_gives_the_inputs_of_its_year() {
        // Each amount alone and beside an employment, a pension or PAYE, in every year,
        // before and after the cumulative endpoints, and in each regime.
        for year in ["2016-17", "2017-18", "2020-21", "2024-25", "2025-26", "2026-27", "2027-28", "2024/25"] {
            for regime in ["rUK", "Scotland", "Wales", "England"] {
                for (field, _) in AMOUNT_FIELDS {
                    for amount in AMOUNTS {
                        for beside in ["", r#","employment_income":30000"#, r#","pension_income":9000.5"#] {
                            let line = format!(
                                r#"{{"id":"a","tax_year":"{year}","regime":"{regime}","{field}":{amount}{beside}}}"#
                            );
                            if field == "employment_income" && !beside.is_empty() {
                                continue;
                            }
                            let (straight, through_the_year) = both_ways(&line);
                            assert_eq!(straight, through_the_year, "{line}");
                        }
                    }
                }
            }
        }
        // Many amounts together, with the rest of what a case may say, picked at random
        // (the same every run).
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut pick = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).expect("small")
        };
        let optional = |value: &str| if value.is_empty() { String::new() } else { format!(",{value}") };
        for _ in 0..4000 {
            let year = ["2019-20", "2023-24", "2024-25", "2025-26", "2026-27"][pick(5)];
            let regime = ["rUK", "Scotland", "Wales"][pick(3)];
            let mut line = format!(r#"{{"id":"c{}","tax_year":"{year}","regime":"{regime}""#, pick(1000));
            for (field, _) in AMOUNT_FIELDS {
                if pick(3) == 0 {
                    let amount = match pick(4) {
                        0 => AMOUNTS[pick(AMOUNTS.len())].to_owned(),
                        1 => format!("-{}", pick(100_000)),
                        _ => format!("{}.{:02}", pick(200_000), pick(100)),
                    };
                    line.push_str(&format!(r#","{field}":{amount}"#));
                }
            }
            let date_of_birth = ["", r#""date_of_birth":"1950-06-01""#, r#""date_of_birth":"1990-01-01""#][pick(3)];
            let blind = ["", r#""blind":true"#, r#""blind":false"#][pick(3)];
            let marriage_allowance = [
                "",
                r#""marriage_allowance":"none""#,
                r#""marriage_allowance":"transferor""#,
                r#""marriage_allowance":"recipient""#,
            ][pick(4)];
            let plans =
                ["", r#""student_loan_plans":[]"#, r#""student_loan_plans":["plan2","postgraduate","plan2"]"#][pick(3)];
            for extra in [date_of_birth, blind, marriage_allowance, plans] {
                line.push_str(&optional(extra));
            }
            line.push('}');
            let (straight, through_the_year) = both_ways(&line);
            assert_eq!(straight, through_the_year, "{line}");
        }
        // The refusals of what else a case may say.
        for extra in [
            r#""date_of_birth":"2030-01-01""#,
            r#""date_of_birth":"1990-02-30""#,
            r#""marriage_allowance":"both""#,
            r#""student_loan_plans":["plan3"]"#,
            r#""blind":1"#,
        ] {
            let line = format!(r#"{{"id":"a","tax_year":"2024-25","regime":"rUK","dividends":5,{extra}}}"#);
            let (straight, through_the_year) = both_ways(&line);
            assert_eq!(straight, through_the_year, "{line}");
        }
    }

    #[test]
    fn years_and_dates_are_read_as_their_parsers_read_them() {
        let mut texts: Vec<String> = Vec::new();
        for start in (0..10_000).step_by(7).chain(1890..2110) {
            for end in [(start + 1) % 100, (start + 2) % 100, start % 100] {
                texts.push(format!("{start:04}-{end:02}"));
            }
        }
        texts.extend(
            ["", "2024-5", "2024-256", "2024/25", "+024-25", "2024-2a", "2024-25 ", "\u{ff12}024-25"].map(String::from),
        );
        for text in &texts {
            assert_eq!(
                tax_year(text).map_err(|e| e.to_string()),
                TaxYear::parse(text).map_err(|e| e.to_string()),
                "{text}"
            );
        }
        let mut texts: Vec<String> = Vec::new();
        for year in [0, 1, 1899, 1900, 1980, 2000, 2023, 2024, 2100, 9999] {
            for month in 0..=13 {
                for day in 0..=32 {
                    texts.push(format!("{year:04}-{month:02}-{day:02}"));
                }
            }
        }
        texts.extend(
            ["", "2024-1-01", "2024-01-1 ", "+024-01-01", "2024/01/01", "2024-01-01x", "20240-1-01", "2024-0a-01"]
                .map(String::from),
        );
        for text in &texts {
            assert_eq!(date(text).map_err(|e| e.to_string()), Date::parse(text).map_err(|e| e.to_string()), "{text}");
        }
    }

    #[test]
    fn inputs_renewed_are_new_inputs() {
        // Inputs of every kind: the project's submission cases fill most of their fields.
        let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases");
        let mut lines: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(&cases).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                lines.extend(std::fs::read_to_string(&path).unwrap().lines().map(String::from));
            }
        }
        lines.push(r#"{"id":"a","tax_year":"2024-25","regime":"Wales","employment_income":1,"pension_income":2,"state_pension":3,"other_non_savings_income":4,"self_employment_profit":5,"property_profit":6,"savings_interest":7,"student_loan_plans":["plan1"]}"#.to_owned());
        let mut renewed = 0;
        for line in lines.iter().filter(|l| !l.trim().is_empty()) {
            let Ok((_, mut inputs)) = read_case(line) else { continue };
            for (tax_year, regime) in
                [(TaxYear::starting(2024), Regime::Scotland), (TaxYear::starting(2019), Regime::RestOfUk)]
            {
                renew(&mut inputs, tax_year, regime);
                assert_eq!(inputs, Inputs::new(tax_year, regime), "{line}");
            }
            renewed += 1;
        }
        assert!(renewed > 50, "{renewed}");
    }

    #[test]
    fn flat_inputs_renewed_as_such_are_new_inputs() {
        // Every field a flat case can fill, in years before and after the cumulative
        // endpoints, profits and losses; and cases of one field.
        let every: String =
            AMOUNT_FIELDS.iter().enumerate().map(|(i, (field, _))| format!(r#","{field}":{}"#, 100 + i)).collect();
        let mut lines = Vec::new();
        for year in ["2019-20", "2024-25", "2025-26"] {
            let losses = every
                .replace(r#""self_employment_profit":102"#, r#""self_employment_profit":-5"#)
                .replace(r#""property_profit":103"#, r#""property_profit":-6"#);
            for amounts in [&every, &losses] {
                lines.push(format!(
                    r#"{{"id":"a","tax_year":"{year}","regime":"Wales","blind":true,"marriage_allowance":"recipient","date_of_birth":"1950-01-01","student_loan_plans":["plan1","plan2"]{amounts}}}"#
                ));
            }
        }
        for (field, _) in AMOUNT_FIELDS {
            lines.push(format!(r#"{{"id":"b","tax_year":"2024-25","regime":"rUK","{field}":12.5}}"#));
        }
        lines.push(r#"{"id":"c","tax_year":"2024-25","regime":"rUK"}"#.to_owned());
        for line in &lines {
            let mut slot = Slot::default();
            flat_inputs(&Case::read(line).unwrap(), &mut slot).unwrap();
            assert!(slot.flat);
            let Slot { inputs, spare, .. } = &mut slot;
            let inputs = inputs.as_mut().unwrap();
            renew_flat(inputs, TaxYear::starting(2019), Regime::RestOfUk, spare);
            assert_eq!(*inputs, Inputs::new(TaxYear::starting(2019), Regime::RestOfUk), "{line}");
            // One case's inputs made after another's are the case's own.
            for next in &lines {
                let mut slot = Slot::default();
                flat_inputs(&Case::read(line).unwrap(), &mut slot).unwrap();
                let (_, inputs) = flat_inputs(&Case::read(next).unwrap(), &mut slot).unwrap();
                assert_eq!(*inputs, parse_case(next).unwrap().1, "{line} then {next}");
            }
        }
    }

    #[test]
    fn lines_calculated_one_after_another_are_calculated_as_each_alone() {
        // Flat and submission cases, and refused ones, in turn: nothing of one case's
        // inputs is left for the next.
        let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases");
        let mut lines: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(&cases).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                for line in std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.trim().is_empty()) {
                    lines.push(line.to_owned());
                    lines.push(r#"{"id":"flat","tax_year":"2025-26","regime":"rUK","employment_income":30000,"savings_interest":200}"#.to_owned());
                    lines.push(r#"{"id":"refused","tax_year":"2025-26","regime":"rUK","dividends":-1}"#.to_owned());
                }
            }
        }
        let mut one_after_another = CaseLines::default();
        for line in &lines {
            let (mut kept, mut alone) = (Vec::new(), Vec::new());
            one_after_another.write_result_line(&mut kept, line).unwrap();
            write_result_line(&mut alone, line).unwrap();
            assert!(kept == alone, "{line}");
        }
        assert!(lines.len() > 150);
    }

    #[test]
    fn unknown_fields_are_refused_but_test_fields_ignored() {
        let err = parse_case(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","employment_incme":1}"#).unwrap_err();
        assert!(err.to_string().contains("employment_incme"), "{err}");
        // What the checks keep of a case is not one of its fields.
        let err = parse_case(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","given":0}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `given`"), "{err}");
        let (id, inputs) =
            parse_case(r#"{"id":"a","tax_year":"2024-25","regime":"rUK","expected":{"x":1},"source":"s","working":"w","tolerance":0.02}"#).unwrap();
        assert_eq!(id, "a");
        assert!(!inputs.has_income());
    }

    #[test]
    fn amounts_are_read_exactly() {
        let (_, inputs) = parse_case(
            r#"{"id":"a","tax_year":"2024-25","regime":"rUK","employment_income":12345.67,"paye_tax_deducted":0.1}"#,
        )
        .unwrap();
        assert_eq!(inputs.employments[0].pay, Money::new(Decimal::from_str("12345.67").unwrap()));
        assert_eq!(inputs.employments[0].tax_deducted, Money::new(Decimal::from_str("0.1").unwrap()));
    }

    #[test]
    fn bad_values_are_refused_with_the_field_named() {
        for (line, needle) in [
            (r#"{"id":"a","tax_year":"2024/25","regime":"rUK"}"#, "tax year"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"England"}"#, "regime"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","marriage_allowance":"both"}"#, "marriage_allowance"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","student_loan_plans":["plan3"]}"#, "student_loan_plans"),
            (r#"{"id":"a","tax_year":"2024-25","regime":"rUK","dividends":"100"}"#, "invalid type"),
        ] {
            let err = parse_case(line).unwrap_err().to_string();
            assert!(err.contains(needle), "{line}: {err}");
        }
    }

    #[test]
    fn what_hmrc_would_refuse_is_refused_with_the_field_named() {
        let case = |extra: &str| format!(r#"{{"id":"a","tax_year":"2024-25","regime":"rUK",{extra}}}"#);
        for (extra, needle) in [
            (r#""employment_income":100.001"#, "employment_income: 100.001 has more than two decimal places"),
            (r#""dividends":-1"#, "dividends: -1 is negative"),
            (r#""paye_tax_deducted":-0.01"#, "paye_tax_deducted: -0.01 is negative"),
            (r#""savings_interest":100000000000"#, "savings_interest: 100000000000 is more than the largest"),
            (r#""self_employment_profit":-100000000000"#, "self_employment_profit: -100000000000 is more than"),
            (r#""date_of_birth":"2030-01-01""#, "date_of_birth: 2030-01-01 is after the end of the tax year"),
        ] {
            let err = parse_case(&case(extra)).unwrap_err();
            assert_eq!(err.code(), "INVALID_CASE", "{extra}");
            assert!(err.to_string().contains(needle), "{extra}: {err}");
        }
        // Losses may be negative; trailing zeros are still pence; -0 is nothing.
        for extra in [
            r#""self_employment_profit":-5000.5"#,
            r#""property_profit":-1"#,
            r#""dividends":1.500"#,
            r#""dividends":-0"#,
        ] {
            assert!(parse_case(&case(extra)).is_ok(), "{extra}");
        }
        for year in ["2016-17", "2027-28"] {
            let line = format!(r#"{{"id":"a","tax_year":"{year}","regime":"rUK"}}"#);
            let err = parse_case(&line).unwrap_err();
            assert_eq!(err.code(), "TAX_YEAR_NOT_SUPPORTED", "{year}");
            assert!(err.to_string().contains(year), "{err}");
        }
    }

    #[test]
    fn an_unsupported_year_gives_an_error_line() {
        let out = calculate_line(r#"{"id":"old","tax_year":"2016-17","regime":"rUK","employment_income":1}"#);
        assert_eq!(out["id"], "old");
        assert_eq!(out["error"]["code"], "TAX_YEAR_NOT_SUPPORTED");
    }
}
