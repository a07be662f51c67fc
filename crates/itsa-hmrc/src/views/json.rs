//! Small helpers for building HMRC's JSON: a light JSON value ([`Node`]), objects written
//! field by field with optional fields ([`Obj`]), and money, whole-pound and rate figures
//! as JSON numbers.

use std::fmt;

use itsa_engine::{Money, Rate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};
use serde_json::{Number, Value};

/// A JSON value as the views build it. Scalars are kept as they are; an object is its
/// JSON text, written field by field in HMRC's order as it was built ([`Obj`]), so a
/// response is written once, without a tree of fields to build, walk and free. It is
/// written out directly ([`Node::write_json`], or as [`Serialize`]) or turned into a
/// [`Value`] with the same fields in the same order and the same text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    /// An exact decimal, written as [`number`] describes; kept as a decimal so that the
    /// common figures (pounds, pounds and pence, rates) are written without a detour
    /// through `f64`.
    Decimal(Decimal),
    /// Text fixed in the program: HMRC's names and enumerated values.
    Str(&'static str),
    /// Text from the calculation: ids and names.
    String(String),
    Array(Vec<Node>),
    /// An object's JSON text.
    Object(Text),
    /// A value built elsewhere.
    Value(Box<Value>),
}

/// The JSON text of an object as [`Obj`] wrote it: valid JSON, UTF-8. Its buffer goes
/// back to the thread's spare buffers when it is dropped.
#[derive(Clone, PartialEq)]
pub struct Text(Vec<u8>);

impl Drop for Text {
    fn drop(&mut self) {
        recycle(std::mem::take(&mut self.0));
    }
}

/// Buffers kept per thread for the next objects, at most this many ...
const SPARE_BUFFERS: usize = 32;
/// ... of at most this capacity each, so what is kept stays under half a megabyte.
const SPARE_CAPACITY: usize = 16 * 1024;
/// The capacity of a new buffer: most of HMRC's objects fit it.
const NEW_CAPACITY: usize = 256;

thread_local! {
    /// Buffers of objects already written, reused for the next ones: writing a response
    /// then allocates nothing once the first few are written.
    static SPARE: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty buffer, a spare one if there is one.
fn buffer() -> Vec<u8> {
    SPARE.with_borrow_mut(Vec::pop).unwrap_or_else(|| Vec::with_capacity(NEW_CAPACITY))
}

/// Keep `buffer` for the next object, within the bounds above.
fn recycle(mut buffer: Vec<u8>) {
    if buffer.capacity() == 0 || buffer.capacity() > SPARE_CAPACITY {
        return;
    }
    buffer.clear();
    SPARE.with_borrow_mut(|spare| {
        if spare.len() < SPARE_BUFFERS {
            spare.push(buffer);
        }
    });
}

impl Text {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        // Written from `&str` keys and serde_json's own output: UTF-8 throughout.
        std::str::from_utf8(&self.0).expect("JSON text is UTF-8")
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::Decimal(d) => decimal_number(*d).serialize(serializer),
            Node::Str(text) => serializer.serialize_str(text),
            Node::String(text) => serializer.serialize_str(text),
            Node::Array(items) => serializer.collect_seq(items),
            Node::Object(text) => serde_json::value::RawValue::from_string(text.as_str().to_owned())
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
            Node::Value(value) => value.serialize(serializer),
        }
    }
}

impl Node {
    /// An object written as a [`Field`] ([`object`]), kept as its text.
    pub fn from_object(object: impl Field) -> Node {
        let mut text = buffer();
        object.write_field(&mut text);
        Node::Object(Text(text))
    }

    /// [`Node::write_json`], consuming the value: each kind is then let go of as what it
    /// is, without a general drop of a node.
    fn write_into(self, out: &mut Vec<u8>) {
        match self {
            Node::Decimal(d) => write_decimal(out, d),
            Node::Str(text) => write_plain_str(out, text),
            Node::Object(text) => out.extend_from_slice(text.as_bytes()),
            Node::String(text) => write_str(out, &text),
            other => other.write_json(out),
        }
    }

    /// Append the JSON text of this value to `out`: the text serde_json writes for it.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Node::Number(n) => write_serialized(out, n),
            Node::Decimal(d) => write_decimal(out, *d),
            Node::Str(text) => write_plain_str(out, text),
            Node::String(text) => write_str(out, text),
            Node::Array(items) => {
                out.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
            Node::Object(text) => out.extend_from_slice(text.as_bytes()),
            Node::Value(value) => write_serialized(out, value),
        }
    }
}

/// What a field of an [`Obj`] can hold, written straight into the object's text: a
/// [`Node`], or a scalar written without being made one ([`Num`], text, flags, counts).
pub trait Field: Sized {
    fn write_field(self, out: &mut Vec<u8>);

    /// Write this value as the field `key` of `obj`: the key, then the value. A value
    /// that may turn out to have nothing to write ([`ObjectIfAny`]) leaves out its key.
    #[inline]
    fn write_as<B: Buffer>(self, obj: &mut Obj<B>, key: impl KeyName) {
        obj.key(key);
        self.write_field(obj.text.bytes());
    }
}

impl Field for Node {
    fn write_field(self, out: &mut Vec<u8>) {
        self.write_into(out);
    }
}

/// A figure as a JSON number, as [`number`] writes it: what [`money`], [`pounds`] and
/// [`percent`] give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(Decimal);

impl Field for Num {
    #[inline]
    fn write_field(self, out: &mut Vec<u8>) {
        write_decimal(out, self.0);
    }
}

impl From<Decimal> for Num {
    fn from(value: Decimal) -> Self {
        Num(value)
    }
}

impl From<Num> for Node {
    fn from(n: Num) -> Self {
        Node::Decimal(n.0)
    }
}

impl From<Num> for Value {
    fn from(n: Num) -> Self {
        decimal_number(n.0)
    }
}

impl Field for &'static str {
    fn write_field(self, out: &mut Vec<u8>) {
        write_plain_str(out, self);
    }
}

/// Text borrowed from elsewhere (an id from the case), escaped as JSON needs.
pub struct Borrowed<'a>(pub &'a str);

impl Field for Borrowed<'_> {
    fn write_field(self, out: &mut Vec<u8>) {
        write_str(out, self.0);
    }
}

impl Field for String {
    fn write_field(self, out: &mut Vec<u8>) {
        write_str(out, &self);
    }
}

impl Field for bool {
    fn write_field(self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self { b"true" } else { b"false" });
    }
}

impl Field for u32 {
    fn write_field(self, out: &mut Vec<u8>) {
        // Below 10^10: the whole-number text [`write_decimal`] gives `Decimal::from(self)`.
        write_digits(out, false, u64::from(self), 0);
    }
}

impl Field for Vec<Node> {
    fn write_field(self, out: &mut Vec<u8>) {
        Node::Array(self).write_into(out);
    }
}

impl Field for Value {
    fn write_field(self, out: &mut Vec<u8>) {
        write_serialized(out, &self);
    }
}

/// Append `text` as a JSON string, as serde_json writes it: copied as it is when nothing
/// in it needs escaping (HMRC's names and most ids), else escaped by serde_json.
fn write_str(out: &mut Vec<u8>, text: &str) {
    if needs_no_escaping(text.as_bytes()) {
        write_plain_str(out, text);
    } else {
        write_serialized(out, text);
    }
}

/// Whether JSON writes this byte of a string as it is.
fn needs_no_escape(b: u8) -> bool {
    b >= 0x20 && b != b'"' && b != b'\\'
}

/// `byte` in every byte of a word.
const fn every_byte(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Whether JSON writes all of `bytes` as they are ([`needs_no_escape`]), looked at eight
/// at a time: ids and names are mostly longer than a word, and a byte-by-byte look took
/// several steps for each.
fn needs_no_escaping(bytes: &[u8]) -> bool {
    let (words, rest) = bytes.as_chunks::<8>();
    let mut found = 0;
    for word in words {
        let word = u64::from_ne_bytes(*word);
        // A byte of `x` below `n` (at most 0x80) sets its top bit in `(x - n…n) & !x`,
        // and no top bit is set there unless some byte is below `n` (a borrow only
        // passes on from such a byte). A byte equal to `c` is a zero byte of `x ^ c`.
        let below = |x: u64, n: u8| x.wrapping_sub(every_byte(n)) & !x;
        found |= below(word, 0x20) | below(word ^ every_byte(b'"'), 1) | below(word ^ every_byte(b'\\'), 1);
    }
    found & every_byte(0x80) == 0 && rest.iter().all(|&b| needs_no_escape(b))
}

/// Append text that needs no escaping as a JSON string: text fixed in the program
/// (HMRC's names and enumerated values, none of which needs escaping) is written so
/// without looking at it again.
fn write_plain_str(out: &mut Vec<u8>, text: &str) {
    debug_assert!(text.bytes().all(needs_no_escape), "{text:?} needs escaping");
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// The largest mantissa written digit by digit: below 10^15 a decimal has at most 15
/// significant digits, so the nearest `f64` prints back as the same digits (DBL_DIG), and
/// the text is the one serde_json would write for it.
const DIRECT_MANTISSA_LIMIT: u64 = 1_000_000_000_000_000;
/// The most decimal places written digit by digit: serde_json writes smaller fractions
/// (below 0.0001) in exponent form.
const DIRECT_SCALE_LIMIT: u32 = 4;

/// "00" to "99", for writing numbers two digits at a time.
const DIGIT_PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Append `value` as [`number`] writes it, without building a [`Number`]: whole values
/// as integers, others as their significant decimal digits. Values outside the direct
/// range go the way of [`number`].
fn write_decimal(out: &mut Vec<u8>, value: Decimal) {
    let mut scale = value.scale();
    // Amounts fit 64 bits; the digits are stripped in 64-bit arithmetic.
    let Ok(mut mantissa) = u64::try_from(value.mantissa().unsigned_abs()) else {
        return write_serialized(out, &decimal_number(value));
    };
    if mantissa == 0 {
        // Nil, whatever its sign and places: `0`.
        out.push(b'0');
        return;
    }
    while scale > 0 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > DIRECT_SCALE_LIMIT || mantissa >= DIRECT_MANTISSA_LIMIT {
        return write_serialized(out, &decimal_number(value));
    }
    write_digits(out, value.is_sign_negative(), mantissa, scale);
}

/// Where [`write_digits`] ends a number's text in its array: no text is longer (a sign,
/// 15 digits, a point).
const TEXT_END: usize = 24;

/// Append `mantissa` scaled down by `scale` decimal places (at most
/// [`DIRECT_SCALE_LIMIT`], the mantissa below [`DIRECT_MANTISSA_LIMIT`]), with a sign
/// when `negative`. The text is made from its last character back in a small array (the
/// fraction's `scale` digits, the point, the whole part two digits at a time, the sign),
/// ending at [`TEXT_END`]. The `TEXT_END` bytes from its first character are appended
/// and cut to its length: copying a fixed size takes a few moves, a varying one a call.
#[inline]
fn write_digits(out: &mut Vec<u8>, negative: bool, mantissa: u64, scale: u32) {
    let mut text = [0_u8; 2 * TEXT_END];
    let mut at = TEXT_END;
    let mut whole = mantissa;
    // Digits, 0 to 99: the casts below cannot truncate.
    match scale {
        0 => {}
        // Pence, the common case, and tenths: their places written without a loop.
        2 => {
            put_pair(&mut text, at, whole % 100);
            whole /= 100;
            text[at - 3] = b'.';
            at -= 3;
        }
        1 => {
            text[at - 1] = b'0' + (whole % 10) as u8;
            whole /= 10;
            text[at - 2] = b'.';
            at -= 2;
        }
        _ => {
            for _ in 0..scale {
                at -= 1;
                text[at] = b'0' + (whole % 10) as u8;
                whole /= 10;
            }
            at -= 1;
            text[at] = b'.';
        }
    }
    while whole >= 100 {
        put_pair(&mut text, at, whole % 100);
        whole /= 100;
        at -= 2;
    }
    if whole >= 10 {
        put_pair(&mut text, at, whole);
        at -= 2;
    } else {
        at -= 1;
        text[at] = b'0' + whole as u8;
    }
    if negative {
        at -= 1;
        text[at] = b'-';
    }
    let length = TEXT_END - at;
    let from_first: &[u8; TEXT_END] = text[at..at + TEXT_END].try_into().expect("TEXT_END bytes");
    let start = out.len();
    out.extend_from_slice(from_first);
    out.truncate(start + length);
}

/// Write `value`, two digits (below 100), at `text[at - 2..at]`.
#[inline]
fn put_pair(text: &mut [u8; 2 * TEXT_END], at: usize, value: u64) {
    let pair = value as usize * 2;
    text[at - 2..at].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
}

/// `value` as JSON number text, as [`write_decimal`] writes it.
pub(crate) fn decimal_text(value: Decimal) -> String {
    let mut text = Vec::with_capacity(24);
    write_decimal(&mut text, value);
    // Digits, a sign, a point, or serde_json's own number text: ASCII throughout.
    String::from_utf8(text).unwrap_or_default()
}

/// `value` as serde_json writes it, appended to `out`.
fn write_serialized(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    serde_json::to_writer(out, value).expect("numbers, strings and values serialise to a Vec");
}

impl From<Node> for Value {
    fn from(node: Node) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::Decimal(d) => decimal_number(d),
            Node::Str(text) => Value::String(text.to_owned()),
            Node::String(text) => Value::String(text),
            Node::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            // The text was written from values that read back as themselves: numbers
            // exactly (serde_json's `float_roundtrip`), fields in order (`preserve_order`).
            Node::Object(text) => serde_json::from_slice(text.as_bytes()).expect("an object's text is JSON"),
            Node::Value(value) => *value,
        }
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Self {
        Node::Bool(b)
    }
}

impl From<u32> for Node {
    fn from(n: u32) -> Self {
        Node::Number(n.into())
    }
}

impl From<&'static str> for Node {
    fn from(text: &'static str) -> Self {
        Node::Str(text)
    }
}

impl From<String> for Node {
    fn from(text: String) -> Self {
        Node::String(text)
    }
}

impl From<Vec<Node>> for Node {
    fn from(items: Vec<Node>) -> Self {
        Node::Array(items)
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Self {
        Node::Value(Box::new(value))
    }
}

/// Where an object's text goes: a buffer of its own ([`Obj::new`], for an object built
/// on its own and kept as a [`Node`]), or the buffer of the text it is part of ([`In`],
/// for an object written in place, [`object`]).
pub trait Buffer {
    fn bytes(&mut self) -> &mut Vec<u8>;
}

impl Buffer for Vec<u8> {
    #[inline]
    fn bytes(&mut self) -> &mut Vec<u8> {
        self
    }
}

impl Buffer for &mut Vec<u8> {
    #[inline]
    fn bytes(&mut self) -> &mut Vec<u8> {
        self
    }
}

/// A JSON object written field by field in HMRC's order; optional fields that are `None`
/// are left out. Each field is set once.
#[derive(Debug)]
pub struct Obj<B: Buffer = Vec<u8>> {
    /// The text so far: `{` and the fields set, each `"key":value`; for an object written
    /// in place, the text before it too.
    text: B,
    /// Whether no field is set yet: the next one has no comma before it.
    empty: bool,
    /// The keys set, to check that none is set twice.
    #[cfg(debug_assertions)]
    keys: Vec<&'static str>,
}

/// A field name as an object's text has it after the field before: `,"name":`, made at
/// compile time by [`key!`]. Written in one copy, without the comma for an object's first
/// field: no quoting, no second look at the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(&'static str);

impl Key {
    /// `text` is `,"name":` for a field name (letters, digits, hyphens and underscores,
    /// written in JSON as they are); [`key!`] makes it so.
    #[doc(hidden)]
    pub const fn quoted(text: &'static str) -> Key {
        Key(text)
    }
}

/// The [`Key`] of a field name: `key!("totalIncomeTaxDue")`.
#[macro_export]
macro_rules! key {
    ($name:literal) => {
        $crate::Key::quoted(concat!(",\"", $name, "\":"))
    };
}

/// A field's name as the views give it: a [`Key`], or a name chosen as the program runs
/// (`&'static str`), quoted as it is written.
pub trait KeyName: Copy {
    /// Append the name, quoted, with its colon, and a comma before it unless `first`.
    fn write_key(self, out: &mut Vec<u8>, first: bool);

    /// The name itself.
    fn name(self) -> &'static str;
}

impl KeyName for Key {
    #[inline]
    fn write_key(self, out: &mut Vec<u8>, first: bool) {
        out.extend_from_slice(&self.0.as_bytes()[usize::from(first)..]);
    }

    fn name(self) -> &'static str {
        &self.0[2..self.0.len() - 2]
    }
}

impl KeyName for &'static str {
    #[inline]
    fn write_key(self, out: &mut Vec<u8>, first: bool) {
        // Keys are field names (letters, digits, hyphens and underscores), which JSON
        // writes as they are. One reservation for the comma, the quotes and the colon.
        out.reserve(self.len() + 4);
        if !first {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(self.as_bytes());
        out.extend_from_slice(b"\":");
    }

    fn name(self) -> &'static str {
        self
    }
}

/// An object written in place, into the text of the object or list it is part of: what
/// the fields of an [`object`] are set on.
pub type In<'a> = Obj<&'a mut Vec<u8>>;

impl Default for Obj {
    fn default() -> Self {
        Obj::new()
    }
}

impl Obj {
    pub fn new() -> Self {
        let mut text = buffer();
        text.push(b'{');
        Obj {
            text,
            empty: true,
            #[cfg(debug_assertions)]
            keys: Vec::new(),
        }
    }

    /// The object, or `None` if no field was set (HMRC leaves out empty objects).
    pub fn some_if_not_empty(self) -> Option<Node> {
        (!self.is_empty()).then(|| self.build())
    }

    pub fn build(mut self) -> Node {
        self.text.push(b'}');
        Node::Object(Text(self.text))
    }
}

impl<'a> In<'a> {
    /// An object begun at the end of `out`.
    #[inline]
    fn within(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Obj {
            text: out,
            empty: true,
            #[cfg(debug_assertions)]
            keys: Vec::new(),
        }
    }
}

impl<B: Buffer> Obj<B> {
    /// Start the field `key`: its name written, its value to follow.
    #[inline]
    fn key(&mut self, key: impl KeyName) {
        debug_assert!(is_field_name(key.name()), "{:?} is not a field name", key.name());
        #[cfg(debug_assertions)]
        {
            let name = key.name();
            assert!(!self.keys.contains(&name), "{name} set twice");
            self.keys.push(name);
        }
        key.write_key(self.text.bytes(), self.empty);
        self.empty = false;
    }

    /// Set a field.
    #[inline]
    pub fn set(mut self, key: impl KeyName, value: impl Field) -> Self {
        value.write_as(&mut self, key);
        self
    }

    /// Set a field if there is a value for it.
    #[inline]
    pub fn opt(self, key: impl KeyName, value: Option<impl Field>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    /// Set a field only when `condition` holds.
    #[inline]
    pub fn set_if(self, condition: bool, key: impl KeyName, value: impl Field) -> Self {
        if condition { self.set(key, value) } else { self }
    }

    /// Set an array field of `items` unless there are none; the items are written into
    /// the object as they come, with no list of them built.
    pub fn non_empty<F: Field>(mut self, key: impl KeyName, items: impl IntoIterator<Item = F>) -> Self {
        let mut items = items.into_iter();
        let Some(first) = items.next() else { return self };
        self.key(key);
        let out = self.text.bytes();
        out.push(b'[');
        first.write_field(out);
        for item in items {
            out.push(b',');
            item.write_field(out);
        }
        out.push(b']');
        self
    }

    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// An object written in place as a field's value or a list's item: `fields` sets its
/// fields on the [`In`] it is given and hands it back. Nothing is written until the
/// object's place in the text is reached, so no object is written twice (into a buffer
/// of its own, then copied into its parent's).
pub struct Object<F>(F);

/// An object written in place, with the fields `fields` sets ([`Object`]).
#[inline]
pub fn object<F>(fields: F) -> Object<F>
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    Object(fields)
}

impl<F> Field for Object<F>
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    #[inline]
    fn write_field(self, out: &mut Vec<u8>) {
        (self.0)(Obj::within(out)).text.push(b'}');
    }
}

impl<F> From<Object<F>> for Node
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    fn from(object: Object<F>) -> Node {
        Node::from_object(object)
    }
}

/// An object written in place as a field's value, or left out with its key when no
/// field of it is set (HMRC leaves out empty objects): it is written, and taken back if
/// it turns out empty.
pub struct ObjectIfAny<F>(F);

/// An object written in place unless it is empty ([`ObjectIfAny`]).
#[inline]
pub fn object_if_any<F>(fields: F) -> ObjectIfAny<F>
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    ObjectIfAny(fields)
}

impl<F> ObjectIfAny<F>
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    /// The object as a [`Node`], or `None` if it is empty.
    pub fn build(self) -> Option<Node> {
        let mut text = buffer();
        let inner = (self.0)(Obj::within(&mut text));
        if inner.empty {
            recycle(text);
            return None;
        }
        inner.text.push(b'}');
        Some(Node::Object(Text(text)))
    }
}

impl<F> Field for ObjectIfAny<F>
where
    F: for<'a> FnOnce(In<'a>) -> In<'a>,
{
    /// As an item of a list, where there is no key to leave out with it, an empty object
    /// is written as `{}`.
    fn write_field(self, out: &mut Vec<u8>) {
        Object(self.0).write_field(out);
    }

    #[inline]
    fn write_as<B: Buffer>(self, obj: &mut Obj<B>, key: impl KeyName) {
        let mark = obj.text.bytes().len();
        let was_empty = obj.empty;
        obj.key(key);
        let inner = (self.0)(Obj::within(obj.text.bytes()));
        let empty = inner.empty;
        let text = inner.text;
        if empty {
            // The key and `{` are taken back, and the comma before them.
            text.truncate(mark);
            obj.empty = was_empty;
            #[cfg(debug_assertions)]
            obj.keys.pop();
        } else {
            text.push(b'}');
        }
    }
}

/// One of two kinds of field: for a list whose items are written by two functions.
pub enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<A: Field, B: Field> Field for Either<A, B> {
    #[inline]
    fn write_field(self, out: &mut Vec<u8>) {
        match self {
            Either::Left(a) => a.write_field(out),
            Either::Right(b) => b.write_field(out),
        }
    }
}

/// A list written in place as a field's value, `[]` when there are no items, the items
/// written as they come ([`Obj::non_empty`] leaves out an empty list instead).
pub struct Items<I>(pub I);

impl<I> Field for Items<I>
where
    I: IntoIterator,
    I::Item: Field,
{
    fn write_field(self, out: &mut Vec<u8>) {
        out.push(b'[');
        let mut items = self.0.into_iter();
        if let Some(first) = items.next() {
            first.write_field(out);
            for item in items {
                out.push(b',');
                item.write_field(out);
            }
        }
        out.push(b']');
    }
}

/// Whether `key` is a field name as HMRC writes them (`totalIncomeTaxDue`,
/// `income-tax-nics-calculated`) or as the case format does (`income_tax_due`): letters,
/// digits, hyphens and underscores, written in JSON as they are.
fn is_field_name(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An exact decimal as a JSON number: whole values as integers, others as `f64`.
///
/// `f64` is used only here, at the JSON boundary: every figure is a `Decimal` until it
/// is written out. HMRC's amounts have at most 2 decimal places and are below 10^12, so
/// `to_f64` gives the nearest double and serde_json's shortest round-trip printing
/// writes back exactly the same digits (87.5, 1234.56).
pub(crate) fn number(value: Decimal) -> Num {
    Num(value)
}

/// [`number`] as serde_json's [`Value`]: `Null` for the (impossible) decimal no `f64`
/// can hold.
fn decimal_number(value: Decimal) -> Value {
    let value = value.normalize();
    // Normalised, a decimal is whole exactly when it has no decimal places.
    if value.scale() == 0
        && let Ok(whole) = i64::try_from(value.mantissa())
    {
        return Value::Number(Number::from(whole));
    }
    value.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
}

/// [`number`] as a [`Value`].
pub fn decimal(value: Decimal) -> Value {
    number(value).into()
}

/// A monetary value to 2 decimal places ("up to 2 decimal places" in HMRC's schemas).
pub(crate) fn money(amount: Money) -> Num {
    number(amount.amount())
}

/// A whole-pound figure ("No decimals" in HMRC's schemas), always a JSON integer.
/// Engine figures for these fields are already whole pounds; should one ever carry pence
/// they are dropped, as for income on a return (rounded down).
pub(crate) fn pounds(amount: Money) -> Num {
    // Most figures are whole pounds already, without places: those are as they are.
    let value = amount.amount();
    if value.scale() == 0 { number(value) } else { number(amount.round_down_to_pound().amount()) }
}

/// A percentage rate (20 for 20%, 8.75 for 8.75%).
pub(crate) fn percent(rate: Rate) -> Num {
    number(rate.as_percent())
}

/// An array, or `None` when there are no items (HMRC leaves out empty lists).
pub(crate) fn non_empty_array(items: Vec<Node>) -> Option<Node> {
    (!items.is_empty()).then_some(Node::Array(items))
}

/// `Some(money)` when the amount is not zero: for optional fields HMRC leaves out when
/// nothing arises.
pub(crate) fn money_if_not_zero(amount: Money) -> Option<Num> {
    (!amount.is_zero()).then(|| money(amount))
}

/// `Some(pounds)` when the amount is not zero.
pub(crate) fn pounds_if_not_zero(amount: Money) -> Option<Num> {
    (!amount.is_zero()).then(|| pounds(amount))
}

/// Whether `id` matches HMRC's business and account id pattern `^[A-Za-z0-9]{15}$`
/// (XAIS12345678901).
pub(crate) fn is_income_source_id(id: &str) -> bool {
    id.len() == 15 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `id` matches HMRC's UUID pattern for employments and state benefits:
/// `^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`.
pub(crate) fn is_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            14 => (b'1'..=b'5').contains(&b),
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn m(text: &str) -> Money {
        Money::new(Decimal::from_str(text).unwrap())
    }

    fn text(node: impl Into<Node>) -> String {
        serde_json::to_string(&node.into()).unwrap()
    }

    #[test]
    fn whole_amounts_are_integers_and_others_exact_decimals() {
        assert_eq!(text(money(m("12570.00"))), "12570");
        assert!(matches!(Value::from(money(m("12570.00"))), Value::Number(n) if n.is_i64()));
        assert_eq!(text(money(m("87.50"))), "87.5");
        assert_eq!(text(money(m("1234.56"))), "1234.56");
        assert_eq!(text(money(m("0.01"))), "0.01");
        assert_eq!(text(money(m("99999999999.99"))), "99999999999.99");
        assert_eq!(text(money(m("-123.45"))), "-123.45");
        assert_eq!(text(money(m("-0.00"))), "0");
        assert_eq!(text(pounds(m("1000.99"))), "1000");
        assert_eq!(text(percent(Rate::new(Decimal::from_str("8.75").unwrap()))), "8.75");
        assert_eq!(text(percent(Rate::percent(20))), "20");
    }

    #[test]
    fn a_tree_is_written_as_its_value_is() {
        let tree = Obj::new()
            .set("name", "basic-rate")
            .set("text", "a \"quoted\" \\ line\nwith\ttabs and £ and \u{1}".to_owned())
            .set("rate", percent(Rate::new(Decimal::from_str("8.75").unwrap())))
            .set("amount", money(m("-1234.50")))
            .set("whole", pounds(m("12570.99")))
            .set("weeks", 52_u32)
            .set("flag", false)
            .set("empty", Obj::new().build())
            .set("none", Vec::<Node>::new())
            .set("list", vec![Obj::new().set("a", true).build(), Node::Null, money(m("0.01")).into()])
            .set("value", serde_json::json!({"z": 1, "a": [2.5, "x"]}))
            .build();
        let value = Value::from(tree.clone());
        let expected = serde_json::to_string(&value).unwrap();
        assert_eq!(text(tree.clone()), expected, "serialised");
        let mut written = Vec::new();
        tree.write_json(&mut written);
        assert_eq!(String::from_utf8(written).unwrap(), expected, "written");
        assert!(expected.starts_with(r#"{"name":"basic-rate","text":"a \"quoted\""#), "{expected}");
    }

    #[test]
    fn numbers_are_whole_exactly_when_their_fraction_is_zero() {
        for text in [
            "12570.00",
            "12570",
            "-42.000",
            "-0.00",
            "0.01",
            "87.50",
            "-123.45",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "1000000000000000.0000000000000",
            "0.0000000000000000000000000001",
        ] {
            let value = Decimal::from_str(text).unwrap();
            let normalized = value.normalize();
            let whole = normalized.fract().is_zero().then(|| normalized.to_i64()).flatten();
            let expected = match whole {
                Some(whole) => Value::from(whole),
                None => normalized.to_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number),
            };
            assert_eq!(Value::from(number(value)), expected, "{text}");
        }
    }

    /// Written digit by digit, a decimal gives exactly the text serde_json writes for its
    /// value: whole, with pence, with rates' places, negative, tiny and huge.
    #[test]
    fn decimals_are_written_as_serde_json_writes_them() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0.00",
            "0.01",
            "0.1",
            "0.0001",
            "0.00001",
            "0.000001",
            "1e-7",
            "87.50",
            "-123.45",
            "12570",
            "12570.000",
            "8.75",
            "39.35",
            "99999999999.99",
            "999999999999999",
            "1000000000000000",
            "-1000000000000000.5",
            "9223372036854775807",
            "18446744073709551616",
            "0.0000000000000000000000000001",
        ]
        .iter()
        .map(|t| Decimal::from_scientific(t).or_else(|_| Decimal::from_str(t)).unwrap())
        .collect();
        // Pence and rates across the range, from a fixed linear congruential sequence.
        let mut x: u64 = 20_261_207;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let mantissa = i64::try_from(x >> 16).unwrap() % 100_000_000_000_000 - 50_000_000_000_000;
            values.push(Decimal::new(mantissa >> (x % 40), u32::try_from(x % 7).unwrap()));
        }
        // Every scale a decimal can have, both signs, zeros, and mantissas at the edges of
        // the digit-by-digit range and of each digit count.
        let mut mantissas: Vec<i64> = vec![0, 1, 5, 9, 10, 11, 99, 100, 101, 250, 12_345, 1_000_001];
        for power in (0..=16).map(|n| 10_i64.pow(n)) {
            mantissas.extend([power - 1, power, power + 1, power * 2 + 3]);
        }
        for scale in 0..=28 {
            for &mantissa in &mantissas {
                values.push(Decimal::new(mantissa, scale));
                values.push(Decimal::new(-mantissa, scale));
            }
        }
        for value in values {
            let mut written = Vec::new();
            write_decimal(&mut written, value);
            let expected = serde_json::to_string(&decimal_number(value)).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), expected, "{value}");
        }
    }

    /// Looked at eight bytes at a time, text needs escaping exactly when one of its bytes
    /// does, wherever that byte is.
    #[test]
    fn escaping_is_found_wherever_it_is_needed() {
        let plain = b"Acme Ltd XAIS12345678901 caf\xc3\xa9 0f9e8d7c-6b5a-4c3d";
        for length in 0..plain.len() {
            let text = &plain[..length];
            assert!(needs_no_escaping(text), "{text:?}");
            for at in 0..length {
                for byte in 0..=255_u8 {
                    let mut text = text.to_vec();
                    text[at] = byte;
                    assert_eq!(needs_no_escaping(&text), text.iter().all(|&b| needs_no_escape(b)), "{text:?}");
                }
            }
        }
        let mut written = Vec::new();
        write_str(&mut written, "a \"quoted\" \\ line\nof more than eight bytes");
        assert_eq!(written, serde_json::to_vec("a \"quoted\" \\ line\nof more than eight bytes").unwrap());
    }

    /// Whole pounds are written as the rounded-down figure, with or without places.
    #[test]
    fn pounds_are_the_amount_rounded_down() {
        for text in ["12570", "12570.00", "1000.99", "-1000.01", "-0.5", "0", "0.00", "99999999999.99"] {
            let amount = m(text);
            let expected = decimal_text(amount.round_down_to_pound().amount());
            assert_eq!(decimal_text(pounds(amount).0), expected, "{text}");
        }
    }

    #[test]
    fn id_patterns() {
        assert!(is_income_source_id("XAIS12345678901"));
        assert!(!is_income_source_id("uk-property"));
        assert!(is_uuid("0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f"));
        assert!(!is_uuid("0F9E8D7C-6b5a-4c3d-8e1f-2a3b4c5d6e7f"));
        assert!(!is_uuid("Acme Ltd"));
    }
}
