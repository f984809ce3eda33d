//! 人民调解's SQL, for both backends.

use chrono::NaiveDate;
use db::Tx;
use db::{OrgScope, Params};
use kernel::ids::OrgId;

use crate::model::{
    AgreementForm, Dispute, DisputeId, DisputeType, Employment, Mediator, MediatorId, Organization,
    OrganizationId, OrganizationKind, Outcome, Sex, Source,
};

pub(crate) fn day(d: NaiveDate) -> String {
    kernel::time::iso_date(d)
}

fn date(text: &str) -> Option<NaiveDate> {
    kernel::time::parse_iso_date(text)
}

pub(crate) async fn organizations(conn: &mut db::Conn) -> Result<Vec<Organization>, db::DbError> {
    db::query(
        "SELECT m.id, m.name, m.kind, m.town_id, o.name, m.standardized, m.founded_on, m.members, m.term_started_on, \
         m.address, m.phone FROM mediation_organizations m JOIN orgs o ON o.id = m.town_id ORDER BY m.name",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let founded: String = r.try_get(6)?;
        Ok(Organization {
            id: OrganizationId::from_stored(r.try_get::<String, _>(0)?),
            name: r.try_get(1)?,
            kind: OrganizationKind::parse(&r.try_get::<String, _>(2)?)
                .unwrap_or(OrganizationKind::Other),
            town_id: OrgId::from_stored(r.try_get::<String, _>(3)?),
            town_name: r.try_get(4)?,
            standardized: r.try_get::<i64, _>(5)? != 0,
            founded_on: date(&founded).unwrap_or_default(),
            members: r.try_get(7)?,
            term_started_on: r.try_get::<Option<String>, _>(8)?.and_then(|t| date(&t)),
            address: r.try_get(9)?,
            phone: r.try_get(10)?,
        })
    })
    .collect()
}

pub(crate) async fn upsert_organization(
    tx: &mut Tx,
    o: &Organization,
    update: bool,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE mediation_organizations SET name = $2, kind = $3, town_id = $4, standardized = $5, founded_on = $6, \
         members = $7, term_started_on = $8, updated_at = $9, address = $10, phone = $11 WHERE id = $1"
    } else {
        "INSERT INTO mediation_organizations (id, name, kind, town_id, standardized, founded_on, members, term_started_on, \
         created_at, updated_at, address, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)"
    };
    db::query(sql)
        .bind(o.id.as_str())
        .bind(&o.name)
        .bind(o.kind.code())
        .bind(o.town_id.as_str())
        .bind(i64::from(o.standardized))
        .bind(day(o.founded_on))
        .bind(o.members)
        .bind(o.term_started_on.map(day))
        .bind(now)
        .bind(&o.address)
        .bind(&o.phone)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Each mediator's sealed phone (by id), for the roster exported to the staff who keep it.
pub(crate) async fn mediator_phones(
    conn: &mut db::Conn,
) -> Result<std::collections::HashMap<String, String>, db::DbError> {
    db::query("SELECT id, phone_sealed FROM mediators WHERE phone_sealed IS NOT NULL")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(crate) async fn mediators(conn: &mut db::Conn) -> Result<Vec<Mediator>, db::DbError> {
    db::query(
        "SELECT p.id, p.name, p.sex, p.organization_id, m.name, p.employment, p.phone_masked, p.published_on, p.notified_on \
         FROM mediators p JOIN mediation_organizations m ON m.id = p.organization_id ORDER BY m.name, p.name",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let opt = |i: usize| -> Result<Option<NaiveDate>, db::DbError> {
            Ok(r.try_get::<Option<String>, _>(i)?.and_then(|t| date(&t)))
        };
        Ok(Mediator {
            id: MediatorId::from_stored(r.try_get::<String, _>(0)?),
            name: r.try_get(1)?,
            sex: Sex::parse(&r.try_get::<String, _>(2)?).unwrap_or(Sex::Male),
            organization_id: OrganizationId::from_stored(r.try_get::<String, _>(3)?),
            organization_name: r.try_get(4)?,
            employment: Employment::parse(&r.try_get::<String, _>(5)?)
                .unwrap_or(Employment::PartTime),
            phone_masked: r.try_get(6)?,
            published_on: opt(7)?,
            notified_on: opt(8)?,
        })
    })
    .collect()
}

pub(crate) async fn upsert_mediator(
    tx: &mut Tx,
    m: &Mediator,
    phone_sealed: Option<String>,
    update: bool,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE mediators SET name = $2, sex = $3, organization_id = $4, employment = $5, phone_sealed = $6, \
         phone_masked = $7, published_on = $8, notified_on = $9, updated_at = $10 WHERE id = $1"
    } else {
        "INSERT INTO mediators (id, name, sex, organization_id, employment, phone_sealed, phone_masked, published_on, \
         notified_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
    };
    db::query(sql)
        .bind(m.id.as_str())
        .bind(&m.name)
        .bind(m.sex.code())
        .bind(m.organization_id.as_str())
        .bind(m.employment.code())
        .bind(phone_sealed)
        .bind(&m.phone_masked)
        .bind(m.published_on.map(day))
        .bind(m.notified_on.map(day))
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

const DISPUTE_SELECT: &str = "SELECT d.id, d.number, d.received_on, d.dispute_type, d.source, d.organization_id, m.name, \
     d.mediator_id, p.name, d.outcome, d.concluded_on, d.agreement, d.judicial_confirmation, d.parties, d.summary, d.source_kind, \
     d.agreement_content FROM mediation_disputes d JOIN mediation_organizations m ON m.id = d.organization_id \
     LEFT JOIN mediators p ON p.id = d.mediator_id";

fn read_dispute(r: &db::Row) -> Result<Dispute, db::DbError> {
    let received: String = r.try_get(2)?;
    Ok(Dispute {
        id: DisputeId::from_stored(r.try_get::<String, _>(0)?),
        number: r.try_get(1)?,
        received_on: date(&received).unwrap_or_default(),
        dispute_type: DisputeType::parse(&r.try_get::<String, _>(3)?).unwrap_or(DisputeType::Other),
        source: Source::parse(&r.try_get::<String, _>(4)?).unwrap_or(Source::Application),
        organization_id: OrganizationId::from_stored(r.try_get::<String, _>(5)?),
        organization_name: r.try_get(6)?,
        mediator_id: r
            .try_get::<Option<String>, _>(7)?
            .map(MediatorId::from_stored),
        mediator_name: r.try_get::<Option<String>, _>(8)?.unwrap_or_default(),
        outcome: Outcome::parse(&r.try_get::<String, _>(9)?).unwrap_or(Outcome::Ongoing),
        concluded_on: r.try_get::<Option<String>, _>(10)?.and_then(|t| date(&t)),
        agreement: r
            .try_get::<Option<String>, _>(11)?
            .and_then(|t| AgreementForm::parse(&t)),
        judicial_confirmation: r.try_get::<i64, _>(12)? != 0,
        parties: r.try_get(13)?,
        summary: r.try_get(14)?,
        source_kind: r.try_get(15)?,
        agreement_content: r.try_get(16)?,
    })
}

/// Records the agreement's content (the conclusion writes it; a ledger row never clears it).
pub(crate) async fn set_agreement_content(
    tx: &mut Tx,
    id: &str,
    content: &str,
) -> Result<(), db::DbError> {
    db::query("UPDATE mediation_disputes SET agreement_content = $1 WHERE id = $2")
        .bind(content)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Disputes received in `year` (every dispute without one), within the towns given.
pub(crate) async fn disputes(
    conn: &mut db::Conn,
    year: Option<i32>,
    towns: Option<&OrgScope>,
) -> Result<Vec<Dispute>, db::DbError> {
    let mut q = Params::new(DISPUTE_SELECT);
    q.push(" WHERE 1 = 1");
    if let Some(y) = year {
        q.push(" AND d.received_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND d.received_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    if let Some(t) = towns {
        q.push(" AND ").push_in_scope("d.town_id", t);
    }
    q.push(" ORDER BY d.received_on, d.number");
    q.fetch_all(conn).await?.iter().map(read_dispute).collect()
}

/// A dispute as a ledger states it: its id, the fields of a row as one text, and its parties and
/// summary (columns a ledger may leave out).
pub(crate) struct StoredKey {
    pub id: String,
    pub key: String,
    pub parties: String,
    pub summary: String,
}

/// (number, what a ledger row states) of every dispute.
pub(crate) async fn dispute_keys(
    conn: &mut db::Conn,
) -> Result<Vec<(String, StoredKey)>, db::DbError> {
    db::query(
        "SELECT number, id, received_on || '|' || dispute_type || '|' || source || '|' || organization_id || '|' || \
         COALESCE(mediator_id, '') || '|' || outcome || '|' || COALESCE(concluded_on, '') || '|' || COALESCE(agreement, '') || '|' || \
         judicial_confirmation, parties, summary FROM mediation_disputes",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get(0)?,
            StoredKey {
                id: r.try_get(1)?,
                key: r.try_get(2)?,
                parties: r.try_get(3)?,
                summary: r.try_get(4)?,
            },
        ))
    })
    .collect()
}

/// The same text `dispute_keys` builds in SQL, for a dispute about to be written.
pub(crate) fn dispute_key(d: &Dispute) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        day(d.received_on),
        d.dispute_type.code(),
        d.source.code(),
        d.organization_id,
        d.mediator_id
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        d.outcome.code(),
        d.concluded_on.map(day).unwrap_or_default(),
        d.agreement.map(|a| a.code()).unwrap_or_default(),
        i64::from(d.judicial_confirmation)
    )
}

pub(crate) async fn upsert_dispute(
    tx: &mut Tx,
    d: &Dispute,
    town_id: &OrgId,
    update: bool,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE mediation_disputes SET number = $2, received_on = $3, dispute_type = $4, source = $5, organization_id = $6, \
         town_id = $7, mediator_id = $8, outcome = $9, concluded_on = $10, agreement = $11, judicial_confirmation = $12, \
         parties = $13, summary = $14, source_kind = $15, updated_at = $16 WHERE id = $1"
    } else {
        "INSERT INTO mediation_disputes (id, number, received_on, dispute_type, source, organization_id, town_id, mediator_id, \
         outcome, concluded_on, agreement, judicial_confirmation, parties, summary, source_kind, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
    };
    db::query(sql)
        .bind(d.id.as_str())
        .bind(&d.number)
        .bind(day(d.received_on))
        .bind(d.dispute_type.code())
        .bind(d.source.code())
        .bind(d.organization_id.as_str())
        .bind(town_id.as_str())
        .bind(d.mediator_id.as_ref().map(|m| m.to_string()))
        .bind(d.outcome.code())
        .bind(d.concluded_on.map(day))
        .bind(d.agreement.map(|a| a.code()))
        .bind(i64::from(d.judicial_confirmation))
        .bind(&d.parties)
        .bind(&d.summary)
        .bind(&d.source_kind)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A record named by a statistics row: id, title, day.
pub(crate) type Named = (String, String, Option<String>);

/// Rows of a grouped count: three text columns and the count, as the query selects them; with
/// `named`, each row is one record and three more columns name it.
pub(crate) async fn grouped(
    conn: &mut db::Conn,
    q: &Params,
    named: bool,
) -> Result<
    Vec<(
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        Option<Named>,
    )>,
    db::DbError,
> {
    q.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let record = if named {
                Some((r.try_get(4)?, r.try_get(5)?, r.try_get(6)?))
            } else {
                None
            };
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                record,
            ))
        })
        .collect()
}

pub(crate) async fn dispute(conn: &mut db::Conn, id: &str) -> Result<Option<Dispute>, db::DbError> {
    db::query(format!("{DISPUTE_SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_dispute)
        .transpose()
}

pub(crate) async fn dispute_by_number(
    conn: &mut db::Conn,
    number: &str,
) -> Result<Option<String>, db::DbError> {
    db::query("SELECT id FROM mediation_disputes WHERE number = $1")
        .bind(number)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

/// The dispute numbers of `year`'s intake: the town's, and everyone's (the series to continue),
/// with the latest few of earlier years (the series to follow in a year without disputes yet).
pub(crate) async fn numbers_of_year(
    conn: &mut db::Conn,
    town: &OrgId,
    year: i32,
) -> Result<(Vec<String>, Vec<String>), db::DbError> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let rows = db::query(
        "SELECT number, town_id FROM mediation_disputes WHERE received_on >= $1 AND received_on <= $2 \
         UNION SELECT number, town_id FROM (SELECT number, town_id FROM mediation_disputes WHERE received_on < $1 \
         ORDER BY received_on DESC, number DESC LIMIT 5) latest",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(conn)
    .await?;
    let (mut mine, mut all) = (Vec::new(), Vec::with_capacity(rows.len()));
    for r in rows {
        let (number, t): (String, String) = (r.try_get(0)?, r.try_get(1)?);
        if t == town.as_str() {
            mine.push(number.clone());
        }
        all.push(number);
    }
    Ok((mine, all))
}

/// The SQL a dispute list is ordered by for its reader's key (None: not a key): names in 拼音
/// order with numbers as numbers (`kernel::collate`), enumerations in their declared order.
fn sort_column(key: &str) -> Option<String> {
    Some(match key {
        "number" => "d.number COLLATE zh".into(),
        "received" => "d.received_on".into(),
        "type" => DisputeType::sql_rank("d.dispute_type"),
        "source" => Source::sql_rank("d.source"),
        "organization" => "m.name COLLATE zh".into(),
        "mediator" => "p.name COLLATE zh".into(),
        "outcome" => Outcome::sql_rank("d.outcome"),
        _ => return None,
    })
}

/// One page of the disputes a filter selects (none when `limit` is 0), and how many it selects.
pub(crate) async fn dispute_page(
    db: &db::Db,
    versions: &db::Versions,
    conn: &mut db::Conn,
    f: &crate::disputes::DisputeFilter,
    towns: Option<&OrgScope>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Dispute>, i64), db::DbError> {
    let filtered = |select: &str| {
        let mut q = Params::new(select);
        q.push(" WHERE 1 = 1");
        if let Some(t) = towns {
            q.push(" AND ").push_in_scope("d.town_id", t);
        }
        if let Some(t) = &f.town {
            q.push(" AND d.town_id = ").bind(t);
        }
        if let Some(o) = f.outcome {
            q.push(" AND d.outcome = ").bind(o.code());
        }
        if let Some(t) = f.dispute_type {
            q.push(" AND d.dispute_type = ").bind(t.code());
        }
        if let Some(y) = f.year {
            q.push(" AND d.received_on >= ")
                .bind(format!("{y:04}-01-01"))
                .push(" AND d.received_on <= ")
                .bind(format!("{y:04}-12-31"));
        }
        if let Some(before) = f.open_before {
            q.push(" AND d.outcome = 'ongoing' AND d.received_on < ")
                .bind(day(before));
        }
        if let Some(text) = &f.text {
            let like = format!("%{}%", text.replace(['%', '_'], ""));
            q.push(" AND (d.number LIKE ")
                .bind(&like)
                .push(" OR d.parties LIKE ")
                .bind(&like)
                .push(")");
        }
        q
    };
    let total = db
        .count(
            conn,
            versions,
            &filtered("SELECT COUNT(*) FROM mediation_disputes d"),
        )
        .await?;
    if limit == 0 {
        return Ok((Vec::new(), total));
    }
    let mut q = filtered(DISPUTE_SELECT);
    let order = match &f.sort {
        Some((key, desc)) => sort_column(key).map(|column| {
            let dir = if *desc { "DESC" } else { "ASC" };
            format!(" ORDER BY {column} {dir}, d.number COLLATE zh {dir}")
        }),
        None => None,
    };
    q.push(
        order
            .as_deref()
            .unwrap_or(" ORDER BY d.received_on DESC, d.number DESC"),
    )
    .push(" LIMIT ")
    .bind(limit)
    .push(" OFFSET ")
    .bind(offset);
    let items = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_dispute)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}
