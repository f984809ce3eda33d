//! The statistics' reads of 行政复议: the year's figures grouped in SQL (or one row per case for
//! the records behind a figure), and the year by month for the charts.

use chrono::NaiveDate;
use db::{OrgScope, Params};
use kernel::figures::RecordRef;

use crate::store::{day, reaching};

/// Applications received in each month of `year` (January first), within `orgs`.
pub(crate) async fn monthly(
    conn: &mut db::Conn,
    year: i32,
    orgs: Option<&OrgScope>,
) -> Result<[u64; 12], db::DbError> {
    let mut q = Params::new(
        "SELECT substr(c.received_on, 6, 2), COUNT(*) FROM reconsideration_cases c WHERE c.received_on >= ",
    );
    q.bind(format!("{year:04}-01-01"))
        .push(" AND c.received_on <= ")
        .bind(format!("{year:04}-12-31"));
    if let Some(orgs) = orgs {
        reaching(&mut q, orgs);
    }
    q.push(" GROUP BY substr(c.received_on, 6, 2)");
    let mut out = [0u64; 12];
    for r in q.fetch_all(conn).await? {
        let month: String = r.try_get(0)?;
        let n: i64 = r.try_get(1)?;
        if let Some(slot) = month
            .parse::<usize>()
            .ok()
            .and_then(|m| out.get_mut(m.wrapping_sub(1)))
        {
            *slot = n as u64;
        }
    }
    Ok(out)
}

/// The rows of the year's figures, grouped in SQL so a province's year is a few small results;
/// or, for the records behind a figure, the same rows one per case with the case named.
pub(crate) struct Counts {
    /// Cases received in the year, by acceptance.
    pub received: Vec<ReceivedGroup>,
    /// Accepted cases concluded in the year.
    pub concluded: Vec<ConcludedGroup>,
    pub pending: i64,
    /// The pending cases themselves, one per case (only when reading records).
    pub pending_records: Vec<RecordRef>,
    /// Pending cases past their decision deadline on the reference day.
    pub open_overdue: i64,
    pub open_overdue_records: Vec<RecordRef>,
}

pub(crate) struct ReceivedGroup {
    pub acceptance: Option<String>,
    pub n: i64,
    pub record: Option<RecordRef>,
}

pub(crate) struct ConcludedGroup {
    pub method: Option<String>,
    pub withdrawal_reason: Option<String>,
    pub decision_type: Option<String>,
    pub opinion: bool,
    pub recommendation: bool,
    pub field: bool,
    pub overdue: bool,
    pub n: i64,
    pub record: Option<RecordRef>,
}

/// A case as a record behind a figure, from the columns `c.id, c.number, <day>` at `at`.
fn case_ref(r: &db::Row, at: usize) -> Result<RecordRef, db::DbError> {
    let day: Option<String> = r.try_get(at + 2)?;
    Ok(RecordRef {
        id: r.try_get(at)?,
        title: r.try_get(at + 1)?,
        date: day.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        kind: "reconsideration_case",
    })
}

pub(crate) async fn counts(
    conn: &mut db::Conn,
    year: i32,
    reference: NaiveDate,
    orgs: Option<&OrgScope>,
    records: bool,
) -> Result<Counts, db::DbError> {
    let start = format!("{year:04}-01-01");
    let end = format!("{year:04}-12-31");
    let scope = |q: &mut Params| {
        if let Some(orgs) = orgs {
            reaching(q, orgs);
        }
    };
    // One row per case (with the case named) or one row per group (with its count).
    let named = |day: &str| {
        if records {
            (format!(", c.id, c.number, {day}"), "CAST(1 AS BIGINT)")
        } else {
            (String::new(), "COUNT(*)")
        }
    };
    let (tail, n) = named("c.received_on");
    let mut q = Params::new(&format!(
        "SELECT c.acceptance, {n}{tail} FROM reconsideration_cases c WHERE c.received_on >= "
    ));
    q.bind(&start).push(" AND c.received_on <= ").bind(&end);
    scope(&mut q);
    if !records {
        q.push(" GROUP BY c.acceptance");
    }
    let received = q
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ReceivedGroup {
                acceptance: r.try_get(0)?,
                n: r.try_get(1)?,
                record: if records { Some(case_ref(r, 2)?) } else { None },
            })
        })
        .collect::<Result<_, db::DbError>>()?;

    let overdue = "CASE WHEN c.decision_due IS NOT NULL AND c.concluded_on > c.decision_due THEN 1 ELSE 0 END";
    let (tail, n) = named("c.concluded_on");
    let mut q = Params::new(&format!(
        "SELECT c.method, c.withdrawal_reason, c.decision_type, c.opinion_letter, c.recommendation_letter, \
         c.field_investigation, {overdue}, {n}{tail} \
         FROM reconsideration_cases c WHERE c.acceptance = 'accepted' AND c.concluded_on >= "
    ));
    q.bind(&start).push(" AND c.concluded_on <= ").bind(&end);
    scope(&mut q);
    if !records {
        q.push(&format!(
            " GROUP BY c.method, c.withdrawal_reason, c.decision_type, c.opinion_letter, c.recommendation_letter, \
             c.field_investigation, {overdue}"
        ));
    }
    let concluded = q
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ConcludedGroup {
                method: r.try_get(0)?,
                withdrawal_reason: r.try_get(1)?,
                decision_type: r.try_get(2)?,
                opinion: r.try_get::<i64, _>(3)? != 0,
                recommendation: r.try_get::<i64, _>(4)? != 0,
                field: r.try_get::<i64, _>(5)? != 0,
                overdue: r.try_get::<i64, _>(6)? != 0,
                n: r.try_get(7)?,
                record: if records { Some(case_ref(r, 8)?) } else { None },
            })
        })
        .collect::<Result<_, db::DbError>>()?;

    // Pending at the reference day, and of those the ones past their decision deadline then
    // (a case suspended now is not: its clock stands).
    let reference = day(reference);
    let mut q = Params::new(if records {
        "SELECT c.id, c.number, c.accepted_on, CASE WHEN c.decision_due < "
    } else {
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.decision_due < "
    });
    q.bind(&reference)
        .push(" AND NOT (c.concluded_on IS NULL AND c.stage = 'suspended') THEN 1 ELSE 0 END");
    q.push(if records { "" } else { "), 0)" })
        .push(" FROM reconsideration_cases c WHERE c.acceptance = 'accepted' AND c.accepted_on <= ")
        .bind(&reference)
        .push(" AND (c.concluded_on IS NULL OR c.concluded_on > ")
        .bind(&reference)
        .push(")");
    scope(&mut q);
    let (pending, open_overdue, pending_records, open_overdue_records) = if records {
        let rows = q.fetch_all(&mut *conn).await?;
        let (mut all, mut late) = (Vec::new(), Vec::new());
        for r in &rows {
            let record = case_ref(r, 0)?;
            if r.try_get::<i64, _>(3)? != 0 {
                late.push(record.clone());
            }
            all.push(record);
        }
        (all.len() as i64, late.len() as i64, all, late)
    } else {
        let row = q.fetch_one(&mut *conn).await?;
        (row.try_get(0)?, row.try_get(1)?, Vec::new(), Vec::new())
    };
    Ok(Counts {
        received,
        concluded,
        pending,
        pending_records,
        open_overdue,
        open_overdue_records,
    })
}
