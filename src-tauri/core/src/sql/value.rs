//! The values a statement takes and gives back, alike on both engines: parameters going in
//! (`Param`, `Arg`, `args!`) and cells coming out (`Cell`, `FromCell`), and how each is written
//! to and read from PostgreSQL's binary form (SQLite's own are in `lite_params` and `Row::get`).

use postgres::types::{private::BytesMut, FromSql, IsNull, ToSql, Type};

/// A value going in.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'v> {
    Null,
    Int(i64),
    Text(&'v str),
    Bytes(&'v [u8]),
}

/// What can be a statement's parameter.
pub trait Param: Sync {
    fn value(&self) -> Value<'_>;
}

impl Param for i64 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}
impl Param for i32 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl Param for u32 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl Param for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}
impl Param for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}
impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}
impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

/// A parameter owned, for lists of parameters built as a query is (filters the person chose).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Null,
    Int(i64),
    Text(String),
}

impl<T: Into<Arg>> From<Option<T>> for Arg {
    fn from(v: Option<T>) -> Arg {
        v.map_or(Arg::Null, Into::into)
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Int(i64::from(v))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}

impl Param for Arg {
    fn value(&self) -> Value<'_> {
        match self {
            Arg::Null => Value::Null,
            Arg::Int(i) => Value::Int(*i),
            Arg::Text(t) => Value::Text(t),
        }
    }
}

/// Parameters as a slice, in order: `args![a, b, c]`.
macro_rules! args {
    ($($p:expr),* $(,)?) => { &[$(&$p as &dyn $crate::sql::Param),*] as &[&dyn $crate::sql::Param] };
}
pub(crate) use args;

/// A value coming out, before it is read as the caller's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// What a column can be read as.
pub trait FromCell: Sized {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String>;
}

impl FromCell for i64 {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        match cell {
            Cell::Int(i) => Ok(i),
            Cell::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
impl FromCell for u32 {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        let i = i64::from_cell(cell)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromCell for bool {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        i64::from_cell(cell).map(|i| i != 0)
    }
}
impl FromCell for f64 {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        match cell {
            Cell::Int(i) => Ok(i as f64),
            Cell::Real(f) => Ok(f),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromCell for String {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        match cell {
            Cell::Text(s) => Ok(s),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromCell for Vec<u8> {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        match cell {
            Cell::Bytes(b) => Ok(b),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}
impl FromCell for Cell {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        Ok(cell)
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: Cell) -> std::result::Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            c => T::from_cell(c).map(Some),
        }
    }
}

/// A parameter as PostgreSQL wants it: the server says what type each `$N` is (from the
/// statement), and the value is written as that type.
pub(super) struct PgParam<'p>(pub(super) &'p dyn Param);

impl std::fmt::Debug for PgParam<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0.value())
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self.0.value() {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                _ => i.to_string().as_str().to_sql(ty, out),
            },
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A column as PostgreSQL sends it, read into the kinds SQLite has.
pub(super) struct PgCell(pub(super) Cell);

impl<'a> FromSql<'a> for PgCell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        Ok(PgCell(match *ty {
            Type::INT8 => Cell::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Cell::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Cell::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::BOOL => Cell::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Cell::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Cell::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Cell::Bytes(Vec::<u8>::from_sql(ty, raw)?),
            _ => Cell::Text(String::from_utf8(raw.to_vec())?),
        }))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(PgCell(Cell::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// PostgreSQL's `numeric` (what `sum` of integers returns) from its binary form: base-10000
/// digits with a weight. A whole number reads as an integer, anything else as a float.
fn numeric(raw: &[u8]) -> std::result::Result<Cell, BoxError> {
    let word = |i: usize| -> std::result::Result<i16, BoxError> {
        let b = raw.get(i * 2..i * 2 + 2).ok_or("a short numeric")?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    };
    let (ndigits, weight, sign) = (word(0)? as usize, word(1)?, word(2)? as u16);
    if sign == 0xC000 {
        return Ok(Cell::Real(f64::NAN));
    }
    let (mut whole, mut fraction) = (0i128, 0f64);
    for k in 0..ndigits {
        let digit = word(4 + k)?;
        match i32::from(weight) - k as i32 {
            // Trailing zero groups are not sent; the weight places each group sent.
            p if p >= 0 => whole += i128::from(digit) * 10_000i128.pow(p as u32),
            p => fraction += f64::from(digit) * 10_000f64.powi(p),
        }
    }
    let negative = sign == 0x4000;
    if fraction == 0.0 {
        let v = i64::try_from(if negative { -whole } else { whole })?;
        Ok(Cell::Int(v))
    } else {
        let v = whole as f64 + fraction;
        Ok(Cell::Real(if negative { -v } else { v }))
    }
}
