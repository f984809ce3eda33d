//! 行政复议's SQL, for both backends.

use chrono::NaiveDate;
use db::Tx;
use db::{OrgScope, Params};
use kernel::ids::OrgId;

use crate::model::{
    Acceptance, Case, CaseId, CaseSummary, Channel, DecisionType, DocumentId, DocumentKind, Method,
    Procedure, Regime, SimplifiedGround, Stage, Step, StepId, StepKind, StoredDocument,
    WithdrawalReason,
};

pub(crate) fn day(d: NaiveDate) -> String {
    kernel::time::iso_date(d)
}

fn date(text: &str) -> Option<NaiveDate> {
    kernel::time::parse_iso_date(text)
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.number, c.regime, c.channel, c.applicant, c.applicant_id_masked, \
     c.third_party, c.respondent, c.respondent_org_id, c.office_org_id, c.act_category, c.act_description, c.request, \
     c.received_on, c.stage, c.acceptance, c.accepted_on, c.deemed_accepted, c.not_accepted_reason, c.procedure, \
     c.simplified_ground, c.decision_due, c.concluded_on, c.method, c.withdrawal_reason, c.decision_type, \
     c.opinion_letter, c.recommendation_letter, c.field_investigation, c.published, c.decision_summary, c.note, c.source";

fn read_case(row: &db::Row) -> Result<Case, db::DbError> {
    let s = |i: usize| row.try_get::<String, _>(i);
    let o = |i: usize| row.try_get::<Option<String>, _>(i);
    let b = |i: usize| row.try_get::<i64, _>(i).map(|v| v != 0);
    let received: String = s(13)?;
    Ok(Case {
        id: CaseId::from_stored(s(0)?),
        number: s(1)?,
        regime: Regime::parse(&s(2)?).unwrap_or(Regime::Law2023),
        channel: Channel::parse(&s(3)?).unwrap_or(Channel::Written),
        applicant: s(4)?,
        applicant_id_masked: o(5)?,
        third_party: s(6)?,
        respondent: s(7)?,
        respondent_org_id: o(8)?.map(OrgId::from_stored),
        office_org_id: OrgId::from_stored(s(9)?),
        act_category: s(10)?,
        act_description: s(11)?,
        request: s(12)?,
        received_on: date(&received).unwrap_or_default(),
        stage: Stage::parse(&s(14)?).unwrap_or(Stage::Received),
        acceptance: o(15)?.and_then(|t| Acceptance::parse(&t)),
        accepted_on: o(16)?.and_then(|t| date(&t)),
        deemed_accepted: b(17)?,
        not_accepted_reason: s(18)?,
        procedure: Procedure::parse(&s(19)?).unwrap_or(Procedure::Ordinary),
        simplified_ground: o(20)?.and_then(|t| SimplifiedGround::parse(&t)),
        decision_due: o(21)?.and_then(|t| date(&t)),
        concluded_on: o(22)?.and_then(|t| date(&t)),
        method: o(23)?.and_then(|t| Method::parse(&t)),
        withdrawal_reason: o(24)?.and_then(|t| WithdrawalReason::parse(&t)),
        decision_type: o(25)?.and_then(|t| DecisionType::parse(&t)),
        opinion_letter: b(26)?,
        recommendation_letter: b(27)?,
        field_investigation: b(28)?,
        published: b(29)?,
        decision_summary: s(30)?,
        note: s(31)?,
        source: s(32)?,
    })
}

fn flag(v: bool) -> i64 {
    i64::from(v)
}

/// The applicant's sealed ID number travels beside the case, never inside it.
pub(crate) async fn insert_case(
    tx: &mut Tx,
    c: &Case,
    applicant_id_sealed: Option<String>,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO reconsideration_cases (id, number, regime, channel, applicant, applicant_id_sealed, applicant_id_masked, \
         third_party, respondent, respondent_org_id, office_org_id, act_category, act_description, request, received_on, \
         stage, acceptance, accepted_on, deemed_accepted, not_accepted_reason, procedure, simplified_ground, decision_due, \
         concluded_on, method, withdrawal_reason, decision_type, opinion_letter, recommendation_letter, field_investigation, \
         published, decision_summary, note, source, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $35)",
    )
    .bind(c.id.as_str())
    .bind(&c.number)
    .bind(c.regime.code())
    .bind(c.channel.code())
    .bind(&c.applicant)
    .bind(applicant_id_sealed)
    .bind(c.applicant_id_masked.clone())
    .bind(&c.third_party)
    .bind(&c.respondent)
    .bind(c.respondent_org_id.as_ref().map(|o| o.to_string()))
    .bind(c.office_org_id.as_str())
    .bind(&c.act_category)
    .bind(&c.act_description)
    .bind(&c.request)
    .bind(day(c.received_on))
    .bind(c.stage.code())
    .bind(c.acceptance.map(|a| a.code()))
    .bind(c.accepted_on.map(day))
    .bind(flag(c.deemed_accepted))
    .bind(&c.not_accepted_reason)
    .bind(c.procedure.code())
    .bind(c.simplified_ground.map(|g| g.code()))
    .bind(c.decision_due.map(day))
    .bind(c.concluded_on.map(day))
    .bind(c.method.map(|m| m.code()))
    .bind(c.withdrawal_reason.map(|w| w.code()))
    .bind(c.decision_type.map(|d| d.code()))
    .bind(flag(c.opinion_letter))
    .bind(flag(c.recommendation_letter))
    .bind(flag(c.field_investigation))
    .bind(flag(c.published))
    .bind(&c.decision_summary)
    .bind(&c.note)
    .bind(&c.source)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Writes the fields a step can change.
pub(crate) async fn update_case(tx: &mut Tx, c: &Case) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "UPDATE reconsideration_cases SET stage = $1, acceptance = $2, accepted_on = $3, deemed_accepted = $4, \
         not_accepted_reason = $5, procedure = $6, simplified_ground = $7, decision_due = $8, concluded_on = $9, \
         method = $10, withdrawal_reason = $11, decision_type = $12, opinion_letter = $13, recommendation_letter = $14, \
         field_investigation = $15, published = $16, decision_summary = $17, note = $18, updated_at = $19 WHERE id = $20",
    )
    .bind(c.stage.code())
    .bind(c.acceptance.map(|a| a.code()))
    .bind(c.accepted_on.map(day))
    .bind(flag(c.deemed_accepted))
    .bind(&c.not_accepted_reason)
    .bind(c.procedure.code())
    .bind(c.simplified_ground.map(|g| g.code()))
    .bind(c.decision_due.map(day))
    .bind(c.concluded_on.map(day))
    .bind(c.method.map(|m| m.code()))
    .bind(c.withdrawal_reason.map(|w| w.code()))
    .bind(c.decision_type.map(|d| d.code()))
    .bind(flag(c.opinion_letter))
    .bind(flag(c.recommendation_letter))
    .bind(flag(c.field_investigation))
    .bind(flag(c.published))
    .bind(&c.decision_summary)
    .bind(&c.note)
    .bind(now)
    .bind(c.id.as_str())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(crate) async fn case(conn: &mut db::Conn, id: &str) -> Result<Option<Case>, db::DbError> {
    db::query(format!(
        "SELECT {CASE_COLUMNS} FROM reconsideration_cases c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(read_case)
    .transpose()
}

pub(crate) async fn case_by_number(
    conn: &mut db::Conn,
    number: &str,
) -> Result<Option<Case>, db::DbError> {
    db::query(format!(
        "SELECT {CASE_COLUMNS} FROM reconsideration_cases c WHERE c.number = $1"
    ))
    .bind(number)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(read_case)
    .transpose()
}

pub(crate) async fn all_cases(conn: &mut db::Conn) -> Result<Vec<Case>, db::DbError> {
    db::query(format!(
        "SELECT {CASE_COLUMNS} FROM reconsideration_cases c"
    ))
    .fetch_all(conn)
    .await?
    .iter()
    .map(read_case)
    .collect()
}

/// Accepted cases whose stored decision deadline is on or after `from`.
pub(crate) async fn cases_due_from(
    conn: &mut db::Conn,
    from: NaiveDate,
) -> Result<Vec<Case>, db::DbError> {
    db::query(format!(
        "SELECT {CASE_COLUMNS} FROM reconsideration_cases c WHERE c.decision_due >= $1 ORDER BY c.number"
    ))
    .bind(day(from))
    .fetch_all(conn)
    .await?
    .iter()
    .map(read_case)
    .collect()
}

/// A case that came from a ledger, rewritten from a newer ledger row.
pub(crate) async fn update_imported(tx: &mut Tx, c: &Case) -> Result<(), db::DbError> {
    db::query(
        "UPDATE reconsideration_cases SET applicant = $1, respondent = $2, respondent_org_id = $3, act_category = $4, \
         received_on = $5, regime = $6 WHERE id = $7",
    )
    .bind(&c.applicant)
    .bind(&c.respondent)
    .bind(c.respondent_org_id.as_ref().map(|o| o.to_string()))
    .bind(&c.act_category)
    .bind(day(c.received_on))
    .bind(c.regime.code())
    .bind(c.id.as_str())
    .execute(tx.conn())
    .await?;
    update_case(tx, c).await
}

/// The case numbers that mention `year` (its series), and the latest few (the series to follow
/// in a year without cases yet).
pub(crate) async fn numbers_near(
    conn: &mut db::Conn,
    year: i32,
) -> Result<Vec<String>, db::DbError> {
    db::query(
        "SELECT number FROM reconsideration_cases WHERE number LIKE $1 \
         UNION SELECT number FROM (SELECT number FROM reconsideration_cases ORDER BY received_on DESC, number DESC LIMIT 5) latest",
    )
    .bind(format!("%{year}%"))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect()
}

pub(crate) async fn steps(conn: &mut db::Conn, case: &str) -> Result<Vec<Step>, db::DbError> {
    db::query(
        "SELECT id, kind, on_date, detail, recorded_by FROM reconsideration_steps WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let detail: String = r.try_get(3)?;
        let on: String = r.try_get(2)?;
        Ok(Step {
            id: StepId::from_stored(r.try_get::<String, _>(0)?),
            kind: StepKind::parse(&r.try_get::<String, _>(1)?).unwrap_or(StepKind::Committee),
            on: date(&on).unwrap_or_default(),
            detail: serde_json::from_str(&detail).unwrap_or_default(),
            recorded_by: r.try_get(4)?,
        })
    })
    .collect()
}

pub(crate) async fn insert_step(
    tx: &mut Tx,
    case: &CaseId,
    seq: i64,
    step: &Step,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let detail = serde_json::to_string(&step.detail).unwrap_or_else(|_| "{}".into());
    db::query(
        "INSERT INTO reconsideration_steps (id, case_id, seq, kind, on_date, detail, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(step.id.as_str())
    .bind(case.as_str())
    .bind(seq)
    .bind(step.kind.code())
    .bind(day(step.on))
    .bind(detail)
    .bind(&step.recorded_by)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What the case list can be narrowed by.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// Organisations whose cases (as office or respondent) the reader reaches; None: all.
    pub orgs: Option<OrgScope>,
    pub stage: Option<Stage>,
    pub regime: Option<Regime>,
    pub decision_type: Option<DecisionType>,
    pub respondent: Option<String>,
    /// Words in the number, the applicant, the respondent or the act.
    pub text: Option<String>,
    /// Open cases whose decision is due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Received in this year.
    pub year: Option<i32>,
    /// Published decisions only (the public portal); its text is not matched on the applicant,
    /// whom the public sees masked.
    pub published: bool,
    /// The list's order chosen by its reader: a key of the list's sortable columns and whether descending; None
    /// (or an unknown key): the list's own order.
    pub sort: Option<(String, bool)>,
}

/// The SQL a case list is ordered by for its reader's key (None: not a key): text in 拼音 order
/// with numbers as numbers (`kernel::collate`), stages in the order a case goes, dates as dates.
fn sort_column(key: &str) -> Option<String> {
    Some(match key {
        "number" => "c.number COLLATE zh".into(),
        "applicant" => "c.applicant COLLATE zh".into(),
        "respondent" => "c.respondent COLLATE zh".into(),
        "act" => "c.act_category COLLATE zh".into(),
        "received" => "c.received_on".into(),
        "stage" => Stage::sql_rank("c.stage"),
        "due" => "c.decision_due".into(),
        _ => return None,
    })
}

/// Cases the scope reaches, as the office or as the respondent.
pub(crate) fn reaching(q: &mut Params, orgs: &OrgScope) {
    q.push(" AND (")
        .push_in_scope("c.office_org_id", orgs)
        .push(" OR ")
        .push_in_scope("c.respondent_org_id", orgs)
        .push(")");
}

fn filtered(select: &str, f: &CaseFilter) -> Params {
    let mut q = Params::new(select);
    q.push(" WHERE 1 = 1");
    if let Some(orgs) = &f.orgs {
        reaching(&mut q, orgs);
    }
    if let Some(s) = f.stage {
        q.push(" AND c.stage = ").bind(s.code());
    }
    if let Some(r) = f.regime {
        q.push(" AND c.regime = ").bind(r.code());
    }
    if let Some(d) = f.decision_type {
        q.push(" AND c.decision_type = ").bind(d.code());
    }
    if let Some(r) = &f.respondent {
        q.push(" AND c.respondent = ").bind(r);
    }
    if let Some(t) = &f.text {
        let like = format!("%{}%", t.replace(['%', '_'], ""));
        q.push(" AND (c.number LIKE ").bind(&like);
        // The public sees the applicant masked (张*): matching the name it cannot see would tell
        // one hidden name from another.
        if !f.published {
            q.push(" OR c.applicant LIKE ").bind(&like);
        }
        q.push(" OR c.respondent LIKE ")
            .bind(&like)
            .push(" OR c.act_description LIKE ")
            .bind(&like)
            .push(")");
    }
    if let Some(due) = f.due_by {
        q.push(" AND c.stage IN ('in_review', 'suspended') AND c.decision_due <= ")
            .bind(day(due));
    }
    if let Some(y) = f.year {
        q.push(" AND c.received_on >= ")
            .bind(format!("{y:04}-01-01"))
            .push(" AND c.received_on <= ")
            .bind(format!("{y:04}-12-31"));
    }
    if f.published {
        q.push(" AND c.published = 1");
    }
    q
}

const SUMMARY_COLUMNS: &str = "c.id, c.number, c.applicant, c.respondent, c.act_category, c.received_on, \
     c.stage, c.decision_due, c.method, c.decision_type, c.withdrawal_reason";

fn read_summary(row: &db::Row) -> Result<CaseSummary, db::DbError> {
    let s = |i: usize| row.try_get::<String, _>(i);
    let o = |i: usize| row.try_get::<Option<String>, _>(i);
    Ok(CaseSummary {
        id: CaseId::from_stored(s(0)?),
        number: s(1)?,
        applicant: s(2)?,
        respondent: s(3)?,
        act_category: s(4)?,
        received_on: date(&s(5)?).unwrap_or_default(),
        stage: Stage::parse(&s(6)?).unwrap_or(Stage::Received),
        decision_due: o(7)?.and_then(|t| date(&t)),
        method: o(8)?.and_then(|t| Method::parse(&t)),
        decision_type: o(9)?.and_then(|t| DecisionType::parse(&t)),
        withdrawal_reason: o(10)?.and_then(|t| WithdrawalReason::parse(&t)),
    })
}

fn order(f: &CaseFilter) -> String {
    if let Some((key, desc)) = &f.sort
        && let Some(column) = sort_column(key)
    {
        let dir = if *desc { "DESC" } else { "ASC" };
        return format!(" ORDER BY {column} {dir}, c.number COLLATE zh {dir}");
    }
    if f.due_by.is_some() {
        " ORDER BY c.decision_due, c.number"
    } else if f.published {
        " ORDER BY c.concluded_on DESC, c.number DESC"
    } else {
        " ORDER BY c.received_on DESC, c.number DESC"
    }
    .to_string()
}

/// One page of the list's rows for `f`, and how many cases `f` selects (the count kept beside the
/// tables' `versions`).
pub(crate) async fn summaries(
    db: &db::Db,
    versions: &db::Versions,
    conn: &mut db::Conn,
    f: &CaseFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CaseSummary>, i64), db::DbError> {
    let total = db
        .count(
            conn,
            versions,
            &filtered("SELECT COUNT(*) FROM reconsideration_cases c", f),
        )
        .await?;
    let mut q = filtered(
        &format!("SELECT {SUMMARY_COLUMNS} FROM reconsideration_cases c"),
        f,
    );
    q.push(&order(f))
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    Ok((q.map(conn, read_summary).await?, total))
}

/// One page of the cases `f` selects, and how many there are (the count kept beside the tables'
/// `versions` when there are some).
pub(crate) async fn list(
    db: &db::Db,
    versions: &db::Versions,
    conn: &mut db::Conn,
    f: &CaseFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Case>, i64), db::DbError> {
    let total = db
        .count(
            conn,
            versions,
            &filtered("SELECT COUNT(*) FROM reconsideration_cases c", f),
        )
        .await?;
    let mut q = filtered(
        &format!("SELECT {CASE_COLUMNS} FROM reconsideration_cases c"),
        f,
    );
    q.push(&order(f))
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    Ok((q.map(conn, read_case).await?, total))
}

pub(crate) async fn insert_document(
    tx: &mut Tx,
    case: &CaseId,
    d: &StoredDocument,
    content: &[u8],
) -> Result<(), db::DbError> {
    db::query(
        "INSERT INTO reconsideration_documents (id, case_id, kind, file_name, sm3, content, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(d.id.as_str())
    .bind(case.as_str())
    .bind(d.kind.code())
    .bind(&d.file_name)
    .bind(&d.sm3)
    .bind(hex::encode(content))
    .bind(&d.created_by)
    .bind(&d.created_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn read_document(r: &db::Row) -> Result<StoredDocument, db::DbError> {
    Ok(StoredDocument {
        id: DocumentId::from_stored(r.try_get::<String, _>(0)?),
        kind: DocumentKind::parse(&r.try_get::<String, _>(1)?)
            .unwrap_or(DocumentKind::AcceptanceNotice),
        file_name: r.try_get(2)?,
        sm3: r.try_get(3)?,
        created_by: r.try_get(4)?,
        created_at: r.try_get(5)?,
    })
}

pub(crate) async fn documents(
    conn: &mut db::Conn,
    case: &str,
) -> Result<Vec<StoredDocument>, db::DbError> {
    db::query(
        "SELECT id, kind, file_name, sm3, created_by, created_at FROM reconsideration_documents \
         WHERE case_id = $1 ORDER BY created_at, id",
    )
    .bind(case)
    .fetch_all(conn)
    .await?
    .iter()
    .map(read_document)
    .collect()
}

/// A document and its bytes, with the case it belongs to.
pub(crate) async fn document(
    conn: &mut db::Conn,
    id: &str,
) -> Result<Option<(String, StoredDocument, Vec<u8>)>, db::DbError> {
    let Some(r) = db::query(
        "SELECT id, kind, file_name, sm3, created_by, created_at, case_id, content FROM reconsideration_documents WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    let content: String = r.try_get(7)?;
    Ok(Some((
        r.try_get(6)?,
        read_document(&r)?,
        hex::decode(content).unwrap_or_default(),
    )))
}
