//! The power list's SQL, for both backends.

use chrono::NaiveDate;
use db::Tx;
use db::{OrgScope, Params};
use kernel::ids::OrgId;

use crate::model::{
    Adjustment, AdjustmentId, AdjustmentKind, AdjustmentState, Delegation, DelegationId,
    DelegationState, Item, ItemFields, ItemId, ItemType, ItemVersionId, Level,
};

pub(crate) fn date(text: &str) -> NaiveDate {
    kernel::time::parse_iso_date(text).unwrap_or_else(crate::model::beginning)
}

pub(crate) fn day(d: NaiveDate) -> String {
    kernel::time::iso_date(d)
}

pub(crate) const ITEM_SELECT: &str = "SELECT v.id, v.item_id, i.code, v.valid_from, v.valid_to, v.active, v.name, v.sub_name, \
     v.item_type, v.org_id, o.name, v.handling_unit, v.legal_basis, v.level, v.responsibilities, v.accountability, v.note, v.change \
     FROM power_item_versions v JOIN power_items i ON i.id = v.item_id JOIN orgs o ON o.id = v.org_id";

pub(crate) fn read_item(row: &db::Row) -> Result<Item, db::DbError> {
    let s = |i: usize| row.try_get::<String, _>(i);
    Ok(Item {
        version_id: ItemVersionId::from_stored(s(0)?),
        id: ItemId::from_stored(s(1)?),
        code: s(2)?,
        valid_from: date(&s(3)?),
        valid_to: row.try_get::<Option<String>, _>(4)?.map(|t| date(&t)),
        active: row.try_get::<i64, _>(5)? != 0,
        fields: ItemFields {
            name: s(6)?,
            sub_name: s(7)?,
            item_type: ItemType::parse(&s(8)?).unwrap_or(ItemType::Other),
            org_id: OrgId::from_stored(s(9)?),
            handling_unit: s(11)?,
            legal_basis: s(12)?,
            level: Level::parse(&s(13)?).unwrap_or(Level::District),
            responsibilities: s(14)?,
            accountability: s(15)?,
            note: s(16)?,
        },
        org_name: s(10)?,
        change: s(17)?,
    })
}

pub(crate) async fn insert_item(tx: &mut Tx, id: &ItemId, code: &str) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query("INSERT INTO power_items (id, code, created_at, updated_at) VALUES ($1, $2, $3, $3)")
        .bind(id.as_str())
        .bind(code)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A version to write.
pub(crate) struct NewVersion<'a> {
    pub id: ItemVersionId,
    pub item_id: &'a ItemId,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub active: bool,
    pub fields: &'a ItemFields,
    pub change: &'a str,
}

pub(crate) async fn insert_version(tx: &mut Tx, v: &NewVersion<'_>) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let f = v.fields;
    db::query(
        "INSERT INTO power_item_versions (id, item_id, valid_from, valid_to, active, name, sub_name, item_type, org_id, \
         handling_unit, legal_basis, level, responsibilities, accountability, note, change, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(v.id.as_str())
    .bind(v.item_id.as_str())
    .bind(day(v.valid_from))
    .bind(v.valid_to.map(day))
    .bind(i64::from(v.active))
    .bind(&f.name)
    .bind(&f.sub_name)
    .bind(f.item_type.code())
    .bind(f.org_id.as_str())
    .bind(&f.handling_unit)
    .bind(&f.legal_basis)
    .bind(f.level.code())
    .bind(&f.responsibilities)
    .bind(&f.accountability)
    .bind(&f.note)
    .bind(v.change)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Many new items and their first versions, a few hundred rows to a statement (imports).
pub(crate) async fn insert_new_items(
    tx: &mut Tx,
    items: &[(&ItemId, &str)],
    versions: &[NewVersion<'_>],
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    for chunk in items.chunks(100) {
        let mut q =
            Params::new("INSERT INTO power_items (id, code, created_at, updated_at) VALUES ");
        for (i, (id, code)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(id.as_str()).push(", ").bind(*code).push(", ");
            q.bind(now.as_str()).push(", ").bind(now.as_str()).push(")");
        }
        q.execute(tx.conn()).await?;
    }
    for chunk in versions.chunks(40) {
        let mut q = Params::new(
            "INSERT INTO power_item_versions (id, item_id, valid_from, valid_to, active, name, sub_name, item_type, org_id, \
             handling_unit, legal_basis, level, responsibilities, accountability, note, change, created_at) VALUES ",
        );
        for (i, v) in chunk.iter().enumerate() {
            let f = v.fields;
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(v.id.as_str())
                .push(", ")
                .bind(v.item_id.as_str())
                .push(", ");
            q.bind(day(v.valid_from))
                .push(", ")
                .bind(v.valid_to.map(day))
                .push(", ");
            q.bind(i64::from(v.active))
                .push(", ")
                .bind(f.name.as_str())
                .push(", ");
            q.bind(f.sub_name.as_str())
                .push(", ")
                .bind(f.item_type.code())
                .push(", ");
            q.bind(f.org_id.as_str())
                .push(", ")
                .bind(f.handling_unit.as_str())
                .push(", ");
            q.bind(f.legal_basis.as_str())
                .push(", ")
                .bind(f.level.code())
                .push(", ");
            q.bind(f.responsibilities.as_str())
                .push(", ")
                .bind(f.accountability.as_str())
                .push(", ");
            q.bind(f.note.as_str()).push(", ").bind(v.change).push(", ");
            q.bind(now.as_str()).push(")");
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub(crate) async fn set_valid_to(
    tx: &mut Tx,
    version: &ItemVersionId,
    valid_to: Option<NaiveDate>,
) -> Result<(), db::DbError> {
    db::query("UPDATE power_item_versions SET valid_to = $1 WHERE id = $2")
        .bind(valid_to.map(day))
        .bind(version.as_str())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(crate) async fn set_valid_from(
    tx: &mut Tx,
    version: &ItemVersionId,
    valid_from: NaiveDate,
) -> Result<(), db::DbError> {
    db::query("UPDATE power_item_versions SET valid_from = $1 WHERE id = $2")
        .bind(day(valid_from))
        .bind(version.as_str())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Every version of an item, oldest first.
pub(crate) async fn versions(conn: &mut db::Conn, item: &ItemId) -> Result<Vec<Item>, db::DbError> {
    let sql = format!("{ITEM_SELECT} WHERE v.item_id = $1 ORDER BY v.valid_from, v.created_at");
    db::query(sql)
        .bind(item.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_item)
        .collect()
}

/// Every version of every item, by item, oldest first (imports and statistics).
pub(crate) async fn all_versions(conn: &mut db::Conn) -> Result<Vec<Item>, db::DbError> {
    let sql = format!("{ITEM_SELECT} ORDER BY i.code, v.valid_from, v.created_at");
    db::query(sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_item)
        .collect()
}

/// The versions of the items with these ids, by item, oldest first.
pub(crate) async fn versions_of_items(
    conn: &mut db::Conn,
    ids: &[String],
) -> Result<Vec<Item>, db::DbError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = Params::new(ITEM_SELECT);
        q.push(" WHERE v.item_id IN ")
            .bind_list(chunk.iter().map(String::as_str));
        q.push(" ORDER BY i.code, v.valid_from, v.created_at");
        for row in q.fetch_all(&mut *conn).await? {
            out.push(read_item(&row)?);
        }
    }
    Ok(out)
}

/// The versions of the items with these codes, by item, oldest first.
pub(crate) async fn versions_of_codes(
    conn: &mut db::Conn,
    codes: &[String],
) -> Result<Vec<Item>, db::DbError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let mut q = Params::new(ITEM_SELECT);
        q.push(" WHERE i.code IN ")
            .bind_list(chunk.iter().map(String::as_str));
        q.push(" ORDER BY i.code, v.valid_from, v.created_at");
        for row in q.fetch_all(&mut *conn).await? {
            out.push(read_item(&row)?);
        }
    }
    Ok(out)
}

pub(crate) async fn item_id_by_code(
    conn: &mut db::Conn,
    code: &str,
) -> Result<Option<ItemId>, db::DbError> {
    let row = db::query("SELECT id FROM power_items WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get::<String, _>(0).map(ItemId::from_stored))
        .transpose()
}

/// Filters of the list.
#[derive(Clone, Debug, Default)]
pub struct ItemFilter {
    /// Only items of these organisations (the actor's scope); None: all.
    pub orgs: Option<OrgScope>,
    pub department: Option<String>,
    pub item_type: Option<ItemType>,
    pub level: Option<Level>,
    /// Only items delegated (已核准 or 已下放) to this town on the date.
    pub town: Option<String>,
    /// A town's own view: its organisations' items or items delegated to it (with `orgs`).
    pub held_by_town: Option<String>,
    /// In the code or name.
    pub text: Option<String>,
    /// The cancelled items (their 取消 version holds on the date) instead of those in force.
    pub cancelled: bool,
    /// The list's order chosen by its reader: a key of the list's sortable columns and whether descending; None
    /// (or an unknown key): by code.
    pub sort: Option<(String, bool)>,
}

/// The SQL an item list is ordered by for its reader's key (None: not a key): codes and names in
/// 拼音 order with numbers as numbers (`kernel::collate`), types and levels in the official order.
fn sort_column(key: &str) -> Option<String> {
    Some(match key {
        "code" => "i.code COLLATE zh".into(),
        "name" => "v.name COLLATE zh".into(),
        "type" => ItemType::sql_rank("v.item_type"),
        "org" => "o.name COLLATE zh".into(),
        "level" => Level::sql_rank("v.level"),
        "from" => "v.valid_from".into(),
        _ => return None,
    })
}

fn filtered(select: &str, on: NaiveDate, f: &ItemFilter) -> Params {
    let mut q = Params::new(select);
    q.push(if f.cancelled {
        " WHERE v.active = 0 AND v.valid_from <= "
    } else {
        " WHERE v.active = 1 AND v.valid_from <= "
    })
    .bind(day(on));
    q.push(" AND (v.valid_to IS NULL OR v.valid_to > ")
        .bind(day(on))
        .push(")");
    match (&f.orgs, &f.held_by_town) {
        (Some(orgs), Some(town)) => {
            q.push(" AND (").push_in_scope("v.org_id", orgs);
            q.push(" OR EXISTS (SELECT 1 FROM power_delegations h WHERE h.item_id = v.item_id AND (h.town_id IS NULL OR h.town_id = ");
            q.bind(town.as_str())
                .push(") AND h.state IN ('approved', 'delegated')))");
        }
        (Some(orgs), None) => {
            q.push(" AND ").push_in_scope("v.org_id", orgs);
        }
        _ => {}
    }
    if let Some(d) = &f.department {
        q.push(" AND v.org_id = ").bind(d.as_str());
    }
    if let Some(t) = f.item_type {
        q.push(" AND v.item_type = ").bind(t.code());
    }
    if let Some(l) = f.level {
        q.push(" AND v.level = ").bind(l.code());
    }
    if let Some(town) = &f.town {
        q.push(" AND EXISTS (SELECT 1 FROM power_delegations d WHERE d.item_id = v.item_id AND (d.town_id IS NULL OR d.town_id = ");
        q.bind(town.as_str())
            .push(") AND d.state IN ('approved', 'delegated') AND d.state_on <= ")
            .bind(day(on))
            .push(")");
    }
    if let Some(text) = f.text.as_ref().filter(|t| !t.trim().is_empty()) {
        let like = format!("%{}%", text.trim().replace(['%', '_'], ""));
        q.push(" AND (i.code LIKE ")
            .bind(like.clone())
            .push(" OR v.name LIKE ")
            .bind(like)
            .push(")");
    }
    q
}

/// The items in force on `on`, one page, and how many there are.
pub(crate) async fn items_on(
    db: &db::Db,
    versions: &db::Versions,
    conn: &mut db::Conn,
    on: NaiveDate,
    f: &ItemFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Item>, i64), db::DbError> {
    let count_select =
        "SELECT COUNT(*) FROM power_item_versions v JOIN power_items i ON i.id = v.item_id";
    let total = db
        .count(conn, versions, &filtered(count_select, on, f))
        .await?;
    let mut q = filtered(ITEM_SELECT, on, f);
    let order = f
        .sort
        .as_ref()
        .and_then(|(key, desc)| {
            let column = sort_column(key)?;
            let dir = if *desc { "DESC" } else { "ASC" };
            Some(format!(" ORDER BY {column} {dir}, i.code {dir}"))
        })
        .unwrap_or_else(|| " ORDER BY i.code".to_string());
    q.push(&order)
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let items = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_item)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

const ADJUSTMENT_SELECT: &str = "SELECT a.id, a.item_id, a.item_code, a.kind, a.effective_on, a.org_id, o.name, a.reason, a.basis, \
     a.proposal, a.state, a.source, a.proposed_by, a.proposed_at, a.reviewed_by, a.review_note, a.decided_by, a.decision_note \
     FROM power_adjustments a JOIN orgs o ON o.id = a.org_id";

fn read_adjustment(row: &db::Row) -> Result<Adjustment, db::DbError> {
    let s = |i: usize| row.try_get::<String, _>(i);
    let o = |i: usize| row.try_get::<Option<String>, _>(i);
    let proposal: String = s(9)?;
    Ok(Adjustment {
        id: AdjustmentId::from_stored(s(0)?),
        item_id: o(1)?.map(ItemId::from_stored),
        item_code: s(2)?,
        kind: AdjustmentKind::parse(&s(3)?).unwrap_or(AdjustmentKind::Change),
        effective_on: date(&s(4)?),
        org_id: OrgId::from_stored(s(5)?),
        org_name: s(6)?,
        reason: s(7)?,
        basis: s(8)?,
        proposal: serde_json::from_str(&proposal).ok().flatten(),
        state: AdjustmentState::parse(&s(10)?).unwrap_or(AdjustmentState::Proposed),
        source: s(11)?,
        proposed_by: s(12)?,
        proposed_at: s(13)?,
        reviewed_by: o(14)?,
        review_note: o(15)?,
        decided_by: o(16)?,
        decision_note: o(17)?,
    })
}

pub(crate) async fn insert_adjustment(tx: &mut Tx, a: &Adjustment) -> Result<(), db::DbError> {
    db::query(
        "INSERT INTO power_adjustments (id, item_id, item_code, kind, effective_on, org_id, reason, basis, proposal, state, source, \
         proposed_by, proposed_at, reviewed_by, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(a.id.as_str())
    .bind(a.item_id.as_ref().map(|i| i.as_str()))
    .bind(&a.item_code)
    .bind(a.kind.code())
    .bind(day(a.effective_on))
    .bind(a.org_id.as_str())
    .bind(&a.reason)
    .bind(&a.basis)
    .bind(serde_json::to_string(&a.proposal).unwrap_or_else(|_| "null".into()))
    .bind(a.state.code())
    .bind(&a.source)
    .bind(&a.proposed_by)
    .bind(&a.proposed_at)
    .bind(&a.reviewed_by)
    .bind(&a.decided_by)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(crate) async fn adjustment(
    conn: &mut db::Conn,
    id: &AdjustmentId,
) -> Result<Option<Adjustment>, db::DbError> {
    let sql = format!("{ADJUSTMENT_SELECT} WHERE a.id = $1");
    db::query(sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_adjustment)
        .transpose()
}

/// Adjustments, newest effective date first; `orgs` limits to the actor's scope.
pub(crate) async fn adjustments(
    conn: &mut db::Conn,
    orgs: Option<&OrgScope>,
    state: Option<AdjustmentState>,
    item: Option<&ItemId>,
) -> Result<Vec<Adjustment>, db::DbError> {
    let mut q = Params::new(ADJUSTMENT_SELECT);
    q.push(" WHERE 1 = 1");
    if let Some(orgs) = orgs {
        q.push(" AND ").push_in_scope("a.org_id", orgs);
    }
    if let Some(s) = state {
        q.push(" AND a.state = ").bind(s.code());
    }
    if let Some(i) = item {
        q.push(" AND a.item_id = ").bind(i.as_str());
    }
    q.push(" ORDER BY a.effective_on DESC, a.proposed_at DESC");
    q.fetch_all(conn)
        .await?
        .iter()
        .map(read_adjustment)
        .collect()
}

pub(crate) async fn update_adjustment(
    tx: &mut Tx,
    a: &Adjustment,
    item: Option<&ItemId>,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "UPDATE power_adjustments SET state = $1, item_id = $2, reviewed_by = $3, review_note = $4, decided_by = $5, decision_note = $6, \
         reviewed_at = CASE WHEN $3 IS NULL THEN reviewed_at ELSE COALESCE(reviewed_at, $7) END, \
         decided_at = CASE WHEN $5 IS NULL THEN decided_at ELSE $7 END WHERE id = $8",
    )
    .bind(a.state.code())
    .bind(item.or(a.item_id.as_ref()).map(|i| i.as_str()))
    .bind(&a.reviewed_by)
    .bind(&a.review_note)
    .bind(&a.decided_by)
    .bind(&a.decision_note)
    .bind(&now)
    .bind(a.id.as_str())
    .execute(tx.conn())
    .await?;
    Ok(())
}

const DELEGATION_SELECT: &str = "SELECT d.id, d.item_id, i.code, d.town_id, t.name, d.category, d.batch_doc, d.state, d.state_on \
     FROM power_delegations d JOIN power_items i ON i.id = d.item_id LEFT JOIN orgs t ON t.id = d.town_id";

fn read_delegation(row: &db::Row) -> Result<Delegation, db::DbError> {
    let s = |i: usize| row.try_get::<String, _>(i);
    Ok(Delegation {
        id: DelegationId::from_stored(s(0)?),
        item_id: ItemId::from_stored(s(1)?),
        item_code: s(2)?,
        town_id: row.try_get::<Option<String>, _>(3)?.map(OrgId::from_stored),
        town_name: row.try_get(4)?,
        category: ItemType::parse(&s(5)?).unwrap_or(ItemType::Other),
        batch_doc: s(6)?,
        state: DelegationState::parse(&s(7)?).unwrap_or(DelegationState::Proposed),
        state_on: date(&s(8)?),
    })
}

pub(crate) async fn delegations(
    conn: &mut db::Conn,
    item: Option<&ItemId>,
) -> Result<Vec<Delegation>, db::DbError> {
    let mut q = Params::new(DELEGATION_SELECT);
    if let Some(i) = item {
        q.push(" WHERE d.item_id = ").bind(i.as_str());
    }
    q.push(" ORDER BY i.code, d.state_on");
    q.fetch_all(conn)
        .await?
        .iter()
        .map(read_delegation)
        .collect()
}

pub(crate) async fn delegation(
    conn: &mut db::Conn,
    id: &DelegationId,
) -> Result<Option<Delegation>, db::DbError> {
    let sql = format!("{DELEGATION_SELECT} WHERE d.id = $1");
    db::query(sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_delegation)
        .transpose()
}

pub(crate) async fn insert_delegation(tx: &mut Tx, d: &Delegation) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO power_delegations (id, item_id, town_id, category, batch_doc, state, state_on, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(d.id.as_str())
    .bind(d.item_id.as_str())
    .bind(d.town_id.as_ref().map(|t| t.as_str()))
    .bind(d.category.code())
    .bind(&d.batch_doc)
    .bind(d.state.code())
    .bind(day(d.state_on))
    .bind(&now)
    .execute(tx.conn())
    .await?;
    insert_state(tx, &d.id, 0, d.state, d.state_on, &d.batch_doc).await
}

async fn insert_state(
    tx: &mut Tx,
    id: &DelegationId,
    seq: i64,
    state: DelegationState,
    on: NaiveDate,
    doc: &str,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO power_delegation_states (delegation_id, seq, state, state_on, batch_doc, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.as_str())
    .bind(seq)
    .bind(state.code())
    .bind(day(on))
    .bind(doc)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Moves a delegation to a new state and keeps the step.
pub(crate) async fn set_delegation_state(
    tx: &mut Tx,
    id: &DelegationId,
    state: DelegationState,
    on: NaiveDate,
    doc: &str,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    let seq: i64 =
        db::query_scalar("SELECT COUNT(*) FROM power_delegation_states WHERE delegation_id = $1")
            .bind(id.as_str())
            .fetch_one(tx.conn())
            .await?;
    db::query("UPDATE power_delegations SET state = $1, state_on = $2, batch_doc = $3, updated_at = $4 WHERE id = $5")
        .bind(state.code())
        .bind(day(on))
        .bind(doc)
        .bind(&now)
        .bind(id.as_str())
        .execute(tx.conn())
        .await?;
    insert_state(tx, id, seq, state, on, doc).await
}

/// Every state step of every delegation: (delegation, item, category, state, date), by date.
pub(crate) async fn delegation_steps(
    conn: &mut db::Conn,
) -> Result<Vec<(String, String, ItemType, DelegationState, NaiveDate)>, db::DbError> {
    let rows = db::query(
        "SELECT s.delegation_id, d.item_id, d.category, s.state, s.state_on FROM power_delegation_states s \
         JOIN power_delegations d ON d.id = s.delegation_id ORDER BY s.state_on, s.seq",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                ItemType::parse(&r.try_get::<String, _>(2)?).unwrap_or(ItemType::Other),
                DelegationState::parse(&r.try_get::<String, _>(3)?)
                    .unwrap_or(DelegationState::Proposed),
                date(&r.try_get::<String, _>(4)?),
            ))
        })
        .collect()
}
