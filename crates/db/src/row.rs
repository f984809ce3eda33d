//! Rows as both backends give them, read through one [`Decode`] per Rust type: SQLite's cells
//! and PostgreSQL's binary values are first seen as a [`Cell`], so each type is decoded in one
//! place for both.

use std::sync::Arc;

use rusqlite::types::ValueRef;
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
    /// Copied out of SQLite's statement as it steps: every cell's text and bytes in one buffer.
    Sqlite {
        cells: Vec<Span>,
        bytes: Vec<u8>,
        names: Names,
    },
    Postgres(tokio_postgres::Row),
}

/// Where an SQLite cell's value is.
#[derive(Clone, Copy, Debug)]
enum Span {
    Null,
    Int(i64),
    Real(f64),
    Text(usize, usize),
    Blob(usize, usize),
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
        let mut out = Row::sqlite_empty(names);
        out.refill(row)?;
        Ok(out)
    }

    pub(crate) fn sqlite_empty(names: &Names) -> Row {
        Row(Inner::Sqlite {
            cells: Vec::with_capacity(names.len()),
            bytes: Vec::new(),
            names: names.clone(),
        })
    }

    /// Copies an SQLite row in, reusing this row's buffers (a statement's rows read one after
    /// the other allocate nothing once the buffers are large enough).
    pub(crate) fn refill(&mut self, row: &rusqlite::Row) -> Result<(), DbError> {
        let Inner::Sqlite {
            cells,
            bytes,
            names,
        } = &mut self.0
        else {
            return Err(DbError::Corrupt("行类型不符".into()));
        };
        cells.clear();
        bytes.clear();
        for i in 0..names.len() {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => Span::Null,
                ValueRef::Integer(n) => Span::Int(n),
                ValueRef::Real(x) => Span::Real(x),
                ValueRef::Text(t) => {
                    bytes.extend_from_slice(t);
                    Span::Text(bytes.len() - t.len(), t.len())
                }
                ValueRef::Blob(b) => {
                    bytes.extend_from_slice(b);
                    Span::Blob(bytes.len() - b.len(), b.len())
                }
            });
        }
        Ok(())
    }

    pub(crate) fn postgres(row: tokio_postgres::Row) -> Row {
        Row(Inner::Postgres(row))
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        match &self.0 {
            Inner::Sqlite { cells, .. } => cells.len(),
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
            Inner::Sqlite { cells, bytes, .. } => Ok(match cells[i] {
                Span::Null => Cell::Null,
                Span::Int(n) => Cell::Int(n),
                Span::Real(x) => Cell::Real(x),
                Span::Text(at, len) => Cell::Text(
                    std::str::from_utf8(&bytes[at..at + len])
                        .map_err(|_| DbError::Corrupt("数据库中有非UTF-8文本".into()))?,
                ),
                Span::Blob(at, len) => Cell::Bytes(&bytes[at..at + len]),
            }),
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
