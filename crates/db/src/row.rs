//! Rows as both backends give them, read through one [`Decode`] per Rust type: SQLite's cells
//! and PostgreSQL's binary values are first seen as a [`Cell`], so each type is decoded in one
//! place for both.

use std::sync::Arc;

use rusqlite::types::{Value as SqliteValue, ValueRef};
use tokio_postgres::types::Type;

use crate::DbError;

/// One cell, borrowed from its row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// A Rust type a cell can be read as.
pub trait Decode: Sized {
    fn decode(cell: Cell<'_>) -> Result<Self, String>;
}

impl Decode for String {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Text(t) => Ok(t.to_string()),
            Cell::Int(n) => Ok(n.to_string()),
            Cell::Real(x) => Ok(x.to_string()),
            Cell::Null => Err("值为空".into()),
            Cell::Bytes(_) => Err("二进制值不能读作文本".into()),
        }
    }
}

impl Decode for i64 {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(n) => Ok(n),
            Cell::Text(t) => t.trim().parse().map_err(|_| format!("“{t}”不是整数")),
            Cell::Real(x) if x.fract() == 0.0 => Ok(x as i64),
            Cell::Real(x) => Err(format!("{x}不是整数")),
            Cell::Null => Err("值为空".into()),
            Cell::Bytes(_) => Err("二进制值不能读作整数".into()),
        }
    }
}

impl Decode for i32 {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        let n = i64::decode(cell)?;
        i32::try_from(n).map_err(|_| format!("{n}超出范围"))
    }
}

impl Decode for u32 {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        let n = i64::decode(cell)?;
        u32::try_from(n).map_err(|_| format!("{n}超出范围"))
    }
}

impl Decode for f64 {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Real(x) => Ok(x),
            Cell::Int(n) => Ok(n as f64),
            Cell::Text(t) => t.trim().parse().map_err(|_| format!("“{t}”不是数值")),
            Cell::Null => Err("值为空".into()),
            Cell::Bytes(_) => Err("二进制值不能读作数值".into()),
        }
    }
}

impl Decode for bool {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        Ok(i64::decode(cell)? != 0)
    }
}

impl Decode for Vec<u8> {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Bytes(b) => Ok(b.to_vec()),
            Cell::Text(t) => Ok(t.as_bytes().to_vec()),
            Cell::Null => Err("值为空".into()),
            _ => Err("数值不能读作二进制值".into()),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::decode(other).map(Some),
        }
    }
}

/// A column named by position or by name.
pub trait ColumnIndex {
    fn index(&self, row: &Row) -> Result<usize, DbError>;
}

impl ColumnIndex for usize {
    fn index(&self, row: &Row) -> Result<usize, DbError> {
        if *self < row.len() {
            Ok(*self)
        } else {
            Err(DbError::Decode {
                column: self.to_string(),
                reason: format!("查询只有{}列", row.len()),
            })
        }
    }
}

impl ColumnIndex for &str {
    fn index(&self, row: &Row) -> Result<usize, DbError> {
        row.position(self).ok_or_else(|| DbError::Decode {
            column: self.to_string(),
            reason: "查询没有这一列".into(),
        })
    }
}

/// The columns' names of an SQLite answer, shared by its rows.
pub(crate) type Names = Arc<[String]>;

/// One row of an answer, owned (it may be kept across an `.await`).
pub struct Row(Inner);

enum Inner {
    /// Copied out of SQLite's statement as it steps.
    Sqlite {
        values: Vec<SqliteValue>,
        names: Names,
    },
    Postgres(tokio_postgres::Row),
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        for i in 0..self.len() {
            list.entry(&self.cell(i).map(|c| format!("{c:?}")).unwrap_or_default());
        }
        list.finish()
    }
}

impl Row {
    pub(crate) fn sqlite(row: &rusqlite::Row, names: &Names) -> Result<Row, DbError> {
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            values.push(
                SqliteValue::try_from(row.get_ref(i)?)
                    .map_err(|_| DbError::Corrupt("数据库中有非UTF-8文本".into()))?,
            );
        }
        Ok(Row(Inner::Sqlite {
            values,
            names: names.clone(),
        }))
    }

    pub(crate) fn postgres(row: tokio_postgres::Row) -> Row {
        Row(Inner::Postgres(row))
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        match &self.0 {
            Inner::Sqlite { values, .. } => values.len(),
            Inner::Postgres(row) => row.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn position(&self, name: &str) -> Option<usize> {
        match &self.0 {
            Inner::Sqlite { names, .. } => names.iter().position(|n| n == name),
            Inner::Postgres(row) => row.columns().iter().position(|c| c.name() == name),
        }
    }

    fn cell(&self, i: usize) -> Result<Cell<'_>, DbError> {
        match &self.0 {
            Inner::Sqlite { values, .. } => Ok(sqlite_cell(ValueRef::from(&values[i]))?),
            Inner::Postgres(row) => postgres_cell(row, i),
        }
    }

    /// The value of a column, read as `T`.
    pub fn try_get<T: Decode, I: ColumnIndex>(&self, index: I) -> Result<T, DbError> {
        let i = index.index(self)?;
        T::decode(self.cell(i)?).map_err(|reason| DbError::Decode {
            column: self.column_name(i),
            reason,
        })
    }

    fn column_name(&self, i: usize) -> String {
        match &self.0 {
            Inner::Sqlite { names, .. } => names.get(i).cloned().unwrap_or_default(),
            Inner::Postgres(row) => row
                .columns()
                .get(i)
                .map(|c| c.name().to_string())
                .unwrap_or_default(),
        }
    }
}

fn sqlite_cell(v: ValueRef<'_>) -> Result<Cell<'_>, DbError> {
    Ok(match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(n) => Cell::Int(n),
        ValueRef::Real(x) => Cell::Real(x),
        ValueRef::Text(t) => Cell::Text(
            std::str::from_utf8(t).map_err(|_| DbError::Corrupt("数据库中有非UTF-8文本".into()))?,
        ),
        ValueRef::Blob(b) => Cell::Bytes(b),
    })
}

fn postgres_cell(row: &tokio_postgres::Row, i: usize) -> Result<Cell<'_>, DbError> {
    let ty = row.columns()[i].type_();
    let cell = match *ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Cell::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)?
            .map(|n| Cell::Int(n.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)?
            .map(|n| Cell::Int(n.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)?
            .map(|b| Cell::Int(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Cell::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)?
            .map(|x| Cell::Real(x.into())),
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(i)?.map(Cell::Bytes),
        Type::OID => row
            .try_get::<_, Option<u32>>(i)?
            .map(|n| Cell::Int(n.into())),
        _ => row.try_get::<_, Option<&str>>(i)?.map(Cell::Text),
    };
    Ok(cell.unwrap_or(Cell::Null))
}
