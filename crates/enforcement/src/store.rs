//! 行政执法's SQL, for both backends.

use chrono::NaiveDate;
use db::Tx;
use kernel::Money;
use kernel::ids::OrgId;

use crate::model::{
    Body, BodyId, BodyKind, Case, CaseId, CertificateState, Decision, Inspection, InspectionId,
    InspectionMethod, InspectionResult, Officer, OfficerId, PartyKind, PenaltyType, Procedure,
    Regime, Step, StepId, StepKind, Training, TrainingId,
};

pub(crate) fn day(d: NaiveDate) -> String {
    kernel::time::iso_date(d)
}

fn date(text: &str) -> NaiveDate {
    kernel::time::parse_iso_date(text).unwrap_or_default()
}

fn opt_date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| kernel::time::parse_iso_date(&t))
}

/// Certificate numbers as stored: separated by 、.
pub(crate) fn join(list: &[String]) -> String {
    list.join("、")
}

fn split(text: &str) -> Vec<String> {
    text.split('、')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) async fn bodies(conn: &mut db::Conn) -> Result<Vec<Body>, db::DbError> {
    let mut catalogues: std::collections::HashMap<String, Vec<PenaltyType>> =
        std::collections::HashMap::new();
    for r in db::query(
        "SELECT body_id, penalty_type FROM enforcement_body_review_types ORDER BY body_id, penalty_type",
    )
    .fetch_all(conn)
    .await?
    {
        if let Some(t) = PenaltyType::parse(&r.try_get::<String, _>(1)?) {
            catalogues.entry(r.try_get(0)?).or_default().push(t);
        }
    }
    let mut out: Vec<Body> = db::query(
        "SELECT b.id, b.org_id, o.name, b.kind, b.entrusted_by, b.effective_on, b.ended_on, b.legal_basis \
         FROM enforcement_bodies b JOIN orgs o ON o.id = b.org_id ORDER BY o.path",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Body {
            id: BodyId::from_stored(r.try_get::<String, _>(0)?),
            org_id: OrgId::from_stored(r.try_get::<String, _>(1)?),
            org_name: r.try_get(2)?,
            kind: BodyKind::parse(&r.try_get::<String, _>(3)?).unwrap_or(BodyKind::Statutory),
            entrusted_by: r.try_get::<Option<String>, _>(4)?.map(OrgId::from_stored),
            effective_on: date(&r.try_get::<String, _>(5)?),
            ended_on: opt_date(r.try_get(6)?),
            legal_basis: r.try_get(7)?,
            review_types: Vec::new(),
        })
    })
    .collect::<Result<_, db::DbError>>()?;
    for b in &mut out {
        if let Some(mut types) = catalogues.remove(b.id.as_str()) {
            types.sort();
            b.review_types = types;
        }
    }
    Ok(out)
}

pub(crate) async fn upsert_body(tx: &mut Tx, b: &Body, update: bool) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE enforcement_bodies SET org_id = $2, kind = $3, entrusted_by = $4, effective_on = $5, ended_on = $6, \
         legal_basis = $7, updated_at = $8 WHERE id = $1"
    } else {
        "INSERT INTO enforcement_bodies (id, org_id, kind, entrusted_by, effective_on, ended_on, legal_basis, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    };
    db::query(sql)
        .bind(b.id.as_str())
        .bind(b.org_id.as_str())
        .bind(b.kind.code())
        .bind(b.entrusted_by.as_ref().map(|o| o.as_str().to_string()))
        .bind(day(b.effective_on))
        .bind(b.ended_on.map(day))
        .bind(&b.legal_basis)
        .bind(now)
        .execute(tx.conn())
        .await?;
    db::query("DELETE FROM enforcement_body_review_types WHERE body_id = $1")
        .bind(b.id.as_str())
        .execute(tx.conn())
        .await?;
    for t in &b.review_types {
        db::query(
            "INSERT INTO enforcement_body_review_types (body_id, penalty_type) VALUES ($1, $2)",
        )
        .bind(b.id.as_str())
        .bind(t.code())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

const OFFICER_SELECT: &str = "SELECT id, name, certificate, body_id, org_id, field, issued_on, valid_until, state, \
     legal_reviewer FROM enforcement_officers";

fn read_officer(r: &db::Row) -> Result<Officer, db::DbError> {
    Ok(Officer {
        id: OfficerId::from_stored(r.try_get::<String, _>(0)?),
        name: r.try_get(1)?,
        certificate: r.try_get(2)?,
        body_id: BodyId::from_stored(r.try_get::<String, _>(3)?),
        org_id: OrgId::from_stored(r.try_get::<String, _>(4)?),
        field: r.try_get(5)?,
        issued_on: date(&r.try_get::<String, _>(6)?),
        valid_until: date(&r.try_get::<String, _>(7)?),
        state: CertificateState::parse(&r.try_get::<String, _>(8)?)
            .unwrap_or(CertificateState::Cancelled),
        legal_reviewer: r.try_get::<i64, _>(9)? != 0,
    })
}

pub(crate) async fn officers(conn: &mut db::Conn) -> Result<Vec<Officer>, db::DbError> {
    db::query(format!("{OFFICER_SELECT} ORDER BY certificate"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_officer)
        .collect()
}

pub(crate) async fn upsert_officer(
    tx: &mut Tx,
    o: &Officer,
    update: bool,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE enforcement_officers SET name = $2, certificate = $3, body_id = $4, org_id = $5, field = $6, \
         issued_on = $7, valid_until = $8, state = $9, legal_reviewer = $10, updated_at = $11 WHERE id = $1"
    } else {
        "INSERT INTO enforcement_officers (id, name, certificate, body_id, org_id, field, issued_on, valid_until, \
         state, legal_reviewer, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    };
    db::query(sql)
        .bind(o.id.as_str())
        .bind(&o.name)
        .bind(&o.certificate)
        .bind(o.body_id.as_str())
        .bind(o.org_id.as_str())
        .bind(&o.field)
        .bind(day(o.issued_on))
        .bind(day(o.valid_until))
        .bind(o.state.code())
        .bind(i64::from(o.legal_reviewer))
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

const CASE_SELECT: &str = "SELECT c.id, c.number, c.body_id, c.org_id, c.item_code, c.party_kind, c.party, \
     c.opened_on, c.regime, c.procedure, c.officers, c.hearing, c.legal_review, c.collective, c.decided_on, \
     c.decision, c.amount_fen, c.published_on, c.closed_on, c.taken_down_on, c.inspection_id \
     FROM enforcement_cases c";

fn read_case(r: &db::Row) -> Result<Case, db::DbError> {
    let opened_on = date(&r.try_get::<String, _>(7)?);
    Ok(Case {
        id: CaseId::from_stored(r.try_get::<String, _>(0)?),
        number: r.try_get(1)?,
        body_id: BodyId::from_stored(r.try_get::<String, _>(2)?),
        org_id: OrgId::from_stored(r.try_get::<String, _>(3)?),
        item_code: r.try_get(4)?,
        party_kind: PartyKind::parse(&r.try_get::<String, _>(5)?).unwrap_or(PartyKind::Individual),
        party: r.try_get(6)?,
        opened_on,
        regime: Regime::parse(&r.try_get::<String, _>(8)?)
            .unwrap_or_else(|| crate::rules::regime(opened_on)),
        procedure: Procedure::parse(&r.try_get::<String, _>(9)?).unwrap_or(Procedure::Ordinary),
        officers: split(&r.try_get::<String, _>(10)?),
        hearing: r.try_get::<i64, _>(11)? != 0,
        legal_review: r.try_get::<i64, _>(12)? != 0,
        collective: r.try_get::<i64, _>(13)? != 0,
        decided_on: opt_date(r.try_get(14)?),
        decision: r
            .try_get::<Option<String>, _>(15)?
            .and_then(|t| Decision::parse(&t)),
        penalties: Vec::new(),
        amount: r.try_get::<Option<i64>, _>(16)?.map(Money::from_fen),
        published_on: opt_date(r.try_get(17)?),
        closed_on: opt_date(r.try_get(18)?),
        taken_down_on: opt_date(r.try_get(19)?),
        inspection_id: r
            .try_get::<Option<String>, _>(20)?
            .map(InspectionId::from_stored),
    })
}

/// The cases with these numbers (all when None), with their penalty types.
pub(crate) async fn cases_by_number(
    conn: &mut db::Conn,
    numbers: &[String],
) -> Result<Vec<Case>, db::DbError> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(500) {
        let mut q = db::Params::new(&format!("{CASE_SELECT} WHERE c.number IN ("));
        for (i, n) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(n.as_str());
        }
        q.push(")");
        for r in q.fetch_all(conn).await? {
            out.push(read_case(&r)?);
        }
    }
    with_penalties(conn, &mut out).await?;
    Ok(out)
}

async fn with_penalties(conn: &mut db::Conn, cases: &mut [Case]) -> Result<(), db::DbError> {
    for chunk in cases.chunks_mut(500) {
        if chunk.is_empty() {
            continue;
        }
        let mut q = db::Params::new(
            "SELECT case_id, penalty_type FROM enforcement_case_penalties WHERE case_id IN (",
        );
        for (i, c) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(c.id.as_str());
        }
        q.push(")");
        for r in q.fetch_all(conn).await? {
            let id: String = r.try_get(0)?;
            let ty: String = r.try_get(1)?;
            if let (Some(c), Some(t)) = (
                chunk.iter_mut().find(|c| c.id.as_str() == id),
                PenaltyType::parse(&ty),
            ) {
                c.penalties.push(t);
            }
        }
        for c in chunk.iter_mut() {
            c.penalties.sort();
        }
    }
    Ok(())
}

/// Writes a case (`source`: where it came from, `ledger` or `form`).
pub(crate) async fn upsert_case(
    tx: &mut Tx,
    c: &Case,
    update: bool,
    source: &str,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE enforcement_cases SET body_id = $2, org_id = $3, item_code = $4, party_kind = $5, party = $6, \
         opened_on = $7, regime = $8, procedure = $9, officers = $10, hearing = $11, legal_review = $12, \
         collective = $13, decided_on = $14, decision = $15, amount_fen = $16, published_on = $17, closed_on = $18, \
         updated_at = $19, number = $20, inspection_id = $21 WHERE id = $1"
    } else {
        "INSERT INTO enforcement_cases (id, body_id, org_id, item_code, party_kind, party, opened_on, regime, \
         procedure, officers, hearing, legal_review, collective, decided_on, decision, amount_fen, published_on, \
         closed_on, created_at, updated_at, number, source_kind, inspection_id) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21, $22)"
    };
    let q = db::query(sql)
        .bind(c.id.as_str())
        .bind(c.body_id.as_str())
        .bind(c.org_id.as_str())
        .bind(&c.item_code)
        .bind(c.party_kind.code())
        .bind(&c.party)
        .bind(day(c.opened_on))
        .bind(c.regime.code())
        .bind(c.procedure.code())
        .bind(join(&c.officers))
        .bind(i64::from(c.hearing))
        .bind(i64::from(c.legal_review))
        .bind(i64::from(c.collective))
        .bind(c.decided_on.map(day))
        .bind(c.decision.map(|d| d.code().to_string()))
        .bind(c.amount.map(Money::fen))
        .bind(c.published_on.map(day))
        .bind(c.closed_on.map(day))
        .bind(now)
        .bind(&c.number);
    let q = if update { q } else { q.bind(source) };
    q.bind(c.inspection_id.as_ref().map(|i| i.to_string()))
        .execute(tx.conn())
        .await?;
    db::query("DELETE FROM enforcement_case_penalties WHERE case_id = $1")
        .bind(c.id.as_str())
        .execute(tx.conn())
        .await?;
    for p in &c.penalties {
        db::query(
            "INSERT INTO enforcement_case_penalties (case_id, penalty_type, decided_on, org_id) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(c.id.as_str())
        .bind(p.code())
        .bind(c.decided_on.map(day))
        .bind(c.org_id.as_str())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

const INSPECTION_SELECT: &str = "SELECT id, number, body_id, org_id, item_code, object, inspected_on, method, \
     officers, result FROM enforcement_inspections";

fn read_inspection(r: &db::Row) -> Result<Inspection, db::DbError> {
    Ok(Inspection {
        id: InspectionId::from_stored(r.try_get::<String, _>(0)?),
        number: r.try_get(1)?,
        body_id: BodyId::from_stored(r.try_get::<String, _>(2)?),
        org_id: OrgId::from_stored(r.try_get::<String, _>(3)?),
        item_code: r.try_get(4)?,
        object: r.try_get(5)?,
        inspected_on: date(&r.try_get::<String, _>(6)?),
        method: InspectionMethod::parse(&r.try_get::<String, _>(7)?)
            .unwrap_or(InspectionMethod::Other),
        officers: split(&r.try_get::<String, _>(8)?),
        result: InspectionResult::parse(&r.try_get::<String, _>(9)?)
            .unwrap_or(InspectionResult::Clean),
    })
}

pub(crate) async fn inspections_by_number(
    conn: &mut db::Conn,
    numbers: &[String],
) -> Result<Vec<Inspection>, db::DbError> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(500) {
        let mut q = db::Params::new(&format!("{INSPECTION_SELECT} WHERE number IN ("));
        for (i, n) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(n.as_str());
        }
        q.push(")");
        for r in q.fetch_all(conn).await? {
            out.push(read_inspection(&r)?);
        }
    }
    Ok(out)
}

pub(crate) async fn upsert_inspection(
    tx: &mut Tx,
    i: &Inspection,
    update: bool,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let sql = if update {
        "UPDATE enforcement_inspections SET number = $2, body_id = $3, org_id = $4, item_code = $5, object = $6, \
         inspected_on = $7, method = $8, officers = $9, result = $10, updated_at = $11 WHERE id = $1"
    } else {
        "INSERT INTO enforcement_inspections (id, number, body_id, org_id, item_code, object, inspected_on, method, \
         officers, result, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    };
    db::query(sql)
        .bind(i.id.as_str())
        .bind(&i.number)
        .bind(i.body_id.as_str())
        .bind(i.org_id.as_str())
        .bind(&i.item_code)
        .bind(&i.object)
        .bind(day(i.inspected_on))
        .bind(i.method.code())
        .bind(join(&i.officers))
        .bind(i.result.code())
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// One page of the cases `filter` (a `WHERE …` over `c`) selects, newest first, and how many.
pub(crate) async fn case_page(
    conn: &mut db::Conn,
    filter: &db::Params,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Case>, i64), db::DbError> {
    let mut count = db::Params::new("SELECT COUNT(*) FROM enforcement_cases c");
    count.append(filter);
    let total: i64 = count.fetch_one(conn).await?.try_get(0)?;
    let mut q = db::Params::new(CASE_SELECT);
    q.append(filter);
    q.push(" ORDER BY c.opened_on DESC, c.number COLLATE zh DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let mut cases = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_case)
        .collect::<Result<Vec<_>, _>>()?;
    with_penalties(conn, &mut cases).await?;
    Ok((cases, total))
}

pub(crate) async fn case_by_id(conn: &mut db::Conn, id: &str) -> Result<Option<Case>, db::DbError> {
    let row = db::query(format!("{CASE_SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut cases = vec![read_case(&row)?];
    with_penalties(conn, &mut cases).await?;
    Ok(cases.pop())
}

/// The penalty decisions of `year` already published, newest first.
pub(crate) async fn published_cases(
    conn: &mut db::Conn,
    year: i32,
) -> Result<Vec<Case>, db::DbError> {
    let mut q = db::Params::new(&format!(
        "{CASE_SELECT} WHERE c.decision = 'penalty' AND c.published_on IS NOT NULL \
         AND c.taken_down_on IS NULL AND c.decided_on >= "
    ));
    q.bind(format!("{year:04}-01-01"))
        .push(" AND c.decided_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" ORDER BY c.published_on DESC, c.number COLLATE zh DESC LIMIT 500");
    let mut cases = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_case)
        .collect::<Result<Vec<_>, _>>()?;
    with_penalties(conn, &mut cases).await?;
    Ok(cases)
}

/// One page of the inspections `filter` selects, newest first, and how many.
pub(crate) async fn inspection_page(
    conn: &mut db::Conn,
    filter: &db::Params,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Inspection>, i64), db::DbError> {
    let mut count = db::Params::new("SELECT COUNT(*) FROM enforcement_inspections");
    count.append(filter);
    let total: i64 = count.fetch_one(conn).await?.try_get(0)?;
    let mut q = db::Params::new(INSPECTION_SELECT);
    q.append(filter);
    q.push(" ORDER BY inspected_on DESC, number COLLATE zh DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    q.fetch_all(conn)
        .await?
        .iter()
        .map(read_inspection)
        .collect::<Result<Vec<_>, _>>()
        .map(|v| (v, total))
}

/// The officers of one body.
pub(crate) async fn officers_of_body(
    conn: &mut db::Conn,
    body: &BodyId,
) -> Result<Vec<Officer>, db::DbError> {
    db::query(format!(
        "{OFFICER_SELECT} WHERE body_id = $1 ORDER BY certificate"
    ))
    .bind(body.as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(read_officer)
    .collect()
}

/// The steps of a case, in order.
pub(crate) async fn steps(conn: &mut db::Conn, case_id: &str) -> Result<Vec<Step>, db::DbError> {
    db::query(
        "SELECT id, seq, kind, on_date, officers, detail, recorded_by FROM enforcement_case_steps \
         WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Step {
            id: StepId::from_stored(r.try_get::<String, _>(0)?),
            seq: r.try_get(1)?,
            kind: StepKind::parse(&r.try_get::<String, _>(2)?).unwrap_or(StepKind::Open),
            on: date(&r.try_get::<String, _>(3)?),
            officers: split(&r.try_get::<String, _>(4)?),
            detail: serde_json::from_str(&r.try_get::<String, _>(5)?).unwrap_or_default(),
            recorded_by: r.try_get(6)?,
        })
    })
    .collect()
}

/// Adds a step to a case (its `seq` the next one).
pub(crate) async fn insert_step(tx: &mut Tx, case_id: &str, s: &Step) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO enforcement_case_steps (id, case_id, seq, kind, on_date, officers, detail, \
         recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(s.id.as_str())
    .bind(case_id)
    .bind(s.seq)
    .bind(s.kind.code())
    .bind(day(s.on))
    .bind(join(&s.officers))
    .bind(serde_json::to_string(&s.detail).unwrap_or_else(|_| "{}".into()))
    .bind(&s.recorded_by)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// One inspection by id.
pub(crate) async fn inspection_by_id(
    conn: &mut db::Conn,
    id: &str,
) -> Result<Option<Inspection>, db::DbError> {
    db::query(format!("{INSPECTION_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_inspection)
        .transpose()
}

/// The case an inspection opened, if any.
pub(crate) async fn case_of_inspection(
    conn: &mut db::Conn,
    inspection: &str,
) -> Result<Option<(String, String)>, db::DbError> {
    let row = db::query("SELECT id, number FROM enforcement_cases WHERE inspection_id = $1")
        .bind(inspection)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// An officer's trainings, newest first.
pub(crate) async fn trainings(
    conn: &mut db::Conn,
    officer: &str,
) -> Result<Vec<Training>, db::DbError> {
    db::query(
        "SELECT id, officer_id, on_date, tenths, subject FROM enforcement_trainings \
         WHERE officer_id = $1 ORDER BY on_date DESC, created_at DESC",
    )
    .bind(officer)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Training {
            id: TrainingId::from_stored(r.try_get::<String, _>(0)?),
            officer_id: OfficerId::from_stored(r.try_get::<String, _>(1)?),
            on: date(&r.try_get::<String, _>(2)?),
            tenths: r.try_get(3)?,
            subject: r.try_get(4)?,
        })
    })
    .collect()
}

/// Each officer's training hours (in tenths) in a year, by officer id.
pub(crate) async fn training_tenths(
    conn: &mut db::Conn,
    year: i32,
) -> Result<std::collections::HashMap<String, i64>, db::DbError> {
    db::query(
        "SELECT officer_id, SUM(tenths) FROM enforcement_trainings \
         WHERE on_date >= $1 AND on_date <= $2 GROUP BY officer_id",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
    .collect()
}

pub(crate) async fn insert_training(
    tx: &mut Tx,
    t: &Training,
    who: &str,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO enforcement_trainings (id, officer_id, on_date, tenths, subject, recorded_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id.as_str())
    .bind(t.officer_id.as_str())
    .bind(day(t.on))
    .bind(t.tenths)
    .bind(&t.subject)
    .bind(who)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets the inspection a case came from.
pub(crate) async fn set_inspection(
    tx: &mut Tx,
    case_id: &str,
    inspection: &str,
) -> Result<(), db::DbError> {
    db::query(
        "UPDATE enforcement_cases SET inspection_id = $2, source_kind = 'inspection' WHERE id = $1",
    )
    .bind(case_id)
    .bind(inspection)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Records the take-down of a published decision.
pub(crate) async fn set_taken_down(
    tx: &mut Tx,
    case_id: &str,
    on: NaiveDate,
) -> Result<(), db::DbError> {
    db::query("UPDATE enforcement_cases SET taken_down_on = $2 WHERE id = $1")
        .bind(case_id)
        .bind(day(on))
        .execute(tx.conn())
        .await?;
    Ok(())
}
