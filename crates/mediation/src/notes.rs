//! 调解记录与回访 (sessions and return visits of a dispute), and the roster's publication and
//! notification to the court, each kept as a record.

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::{Permission, labelled_enum, typed_id};
use platform::Actor;
use serde::Serialize;

use crate::model::Outcome;
use crate::{Error, Mediation, Result, store};

typed_id!(
    /// A session or return visit.
    NoteId
);

labelled_enum!(
    /// What a note records.
    NoteKind {
        Session => ("session", "调解记录"),
        ReturnVisit => ("return_visit", "回访"),
    }
);

labelled_enum!(
    /// What was done with the roster.
    NoticeKind {
        Publish => ("publish", "向社会公开"),
        Notify => ("notify", "通报人民法院"),
    }
);

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub on: NaiveDate,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RosterNotice {
    pub kind: NoticeKind,
    pub on: NaiveDate,
    pub mediators: i64,
    pub note: String,
    pub recorded_by: String,
}

fn date(t: &str) -> NaiveDate {
    NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap_or_default()
}

impl Mediation {
    /// Records a session or, after the conclusion, a return visit.
    pub async fn record_note(
        &self,
        actor: &Actor,
        dispute_id: &str,
        kind: NoteKind,
        on: NaiveDate,
        note: &str,
    ) -> Result<Note> {
        let d = self.writable(actor, dispute_id).await?;
        if note.trim().is_empty() {
            return Err(Error::Invalid(format!("请填写{}的内容", kind.label())));
        }
        if on < d.received_on {
            return Err(Error::Rule(format!(
                "{}日期{on}早于受理日期{}",
                kind.label(),
                d.received_on
            )));
        }
        // Rule 日期: the record is what happened, in order.
        let today = kernel::time::china_today();
        if on > today {
            return Err(Error::Rule(format!(
                "{}日期{on}晚于今天（{today}）：只记录已经发生的调解和回访",
                kind.label()
            )));
        }
        if let Some(last) = self.notes(actor, dispute_id).await?.last()
            && on < last.on
        {
            return Err(Error::Rule(format!(
                "{}日期{on}早于上一次{}的日期{}：应按时间先后记录",
                kind.label(),
                last.kind.label(),
                last.on
            )));
        }
        if kind == NoteKind::ReturnVisit {
            match d.concluded_on {
                Some(c) if d.outcome != Outcome::Ongoing && on >= c => {}
                _ => return Err(Error::Rule("回访在纠纷调结之后进行".into())),
            }
        }
        let n = Note {
            kind,
            on,
            note: note.trim().into(),
            recorded_by: actor.audit_name(),
        };
        let town = self.dispute_town(dispute_id).await?;
        {
            let n = n.clone();
            let dispute_id = dispute_id.to_string();
            self.platform.db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                    let now = tx.now_text();
                    db::query(
                        "INSERT INTO mediation_dispute_notes (id, dispute_id, kind, on_date, note, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(NoteId::generate().as_str())
                    .bind(&dispute_id)
                    .bind(kind.code())
                    .bind(store::day(on))
                    .bind(&n.note)
                    .bind(&n.recorded_by)
                    .bind(now)
                    .execute(tx.conn())
                    .await?;
                    tx.record(
                        Event::new("mediation_dispute", &dispute_id, kind.code())
                            .org(Some(town.as_str()))
                            .changes(Changes::new().set("on", store::day(on))),
                    )
                    .await?;
                        Ok::<_, db::DbError>(())
                    })
                })
                .await?;
        }
        Ok(n)
    }

    async fn dispute_town(&self, id: &str) -> Result<String> {
        Ok(
            db::query("SELECT town_id FROM mediation_disputes WHERE id = $1")
                .bind(id)
                .fetch_one(&mut self.platform.db().conn().await?)
                .await?
                .try_get(0)?,
        )
    }

    /// The sessions and return visits of a dispute, in order.
    pub async fn notes(&self, actor: &Actor, dispute_id: &str) -> Result<Vec<Note>> {
        self.dispute(actor, dispute_id).await?;
        db::query(
            "SELECT kind, on_date, note, recorded_by FROM mediation_dispute_notes WHERE dispute_id = $1 ORDER BY on_date, recorded_at",
        )
        .bind(dispute_id)
        .fetch_all(&mut self.platform.db().conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok(Note {
                kind: NoteKind::parse(&r.try_get::<String, _>(0)?).unwrap_or(NoteKind::Session),
                on: date(&r.try_get::<String, _>(1)?),
                note: r.try_get(2)?,
                recorded_by: r.try_get(3)?,
            })
        })
        .collect::<std::result::Result<_, db::DbError>>()
        .map_err(Error::from)
    }

    /// Publishes the roster (mediators not yet published) or notifies it to the court (mediators
    /// published but not yet notified), within the actor's scope; the act is kept as a record.
    pub async fn roster_notice(
        &self,
        actor: &Actor,
        kind: NoticeKind,
        on: NaiveDate,
        note: &str,
    ) -> Result<RosterNotice> {
        self.platform
            .require(actor, Permission::WriteRecords, "mediator", kind.code())
            .await?;
        let ids: Vec<String> = self
            .roster(actor)
            .await?
            .into_iter()
            .filter(|m| match kind {
                NoticeKind::Publish => m.published_on.is_none(),
                NoticeKind::Notify => m.published_on.is_some() && m.notified_on.is_none(),
            })
            .map(|m| m.id.to_string())
            .collect();
        if ids.is_empty() {
            return Err(Error::Rule(match kind {
                NoticeKind::Publish => "名册上没有尚未公开的调解员".into(),
                NoticeKind::Notify => "没有已公开而尚未通报人民法院的调解员".into(),
            }));
        }
        let n = RosterNotice {
            kind,
            on,
            mediators: ids.len() as i64,
            note: note.trim().into(),
            recorded_by: actor.audit_name(),
        };
        let column = match kind {
            NoticeKind::Publish => "published_on",
            NoticeKind::Notify => "notified_on",
        };
        {
            let n = n.clone();
            let ids = ids.clone();
            let org = actor.org_id.clone();
            self.platform.db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                    let now = tx.now_text();
                    for chunk in ids.chunks(200) {
                        let mut q = db::Params::new(&format!("UPDATE mediators SET {column} = "));
                        q.bind(store::day(on))
                            .push(", updated_at = ")
                            .bind(now.as_str())
                            .push(" WHERE id IN ")
                            .bind_list(chunk.iter());
                        q.execute(tx.conn()).await?;
                    }
                    let id = NoteId::generate();
                    db::query(
                        "INSERT INTO mediation_roster_notices (id, kind, on_date, mediators, note, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id.as_str())
                    .bind(kind.code())
                    .bind(store::day(on))
                    .bind(n.mediators)
                    .bind(&n.note)
                    .bind(&n.recorded_by)
                    .bind(now)
                    .execute(tx.conn())
                    .await?;
                    tx.record(
                        Event::new("mediator_roster", id.as_str(), kind.code())
                            .org(org.as_ref().map(|o| o.as_str()))
                            .changes(
                                Changes::new()
                                    .set("on", store::day(on))
                                    .set("mediators", n.mediators),
                            ),
                    )
                    .await?;
                        Ok::<_, db::DbError>(())
                    })
                })
                .await?;
        }
        Ok(n)
    }

    /// Every publication and notification of the roster, newest first.
    pub async fn roster_notices(&self, actor: &Actor) -> Result<Vec<RosterNotice>> {
        self.platform
            .require(actor, Permission::ReadRecords, "mediator", "notices")
            .await?;
        db::query(
            "SELECT kind, on_date, mediators, note, recorded_by FROM mediation_roster_notices ORDER BY on_date DESC, recorded_at DESC",
        )
        .fetch_all(&mut self.platform.db().conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok(RosterNotice {
                kind: NoticeKind::parse(&r.try_get::<String, _>(0)?).unwrap_or(NoticeKind::Publish),
                on: date(&r.try_get::<String, _>(1)?),
                mediators: r.try_get(2)?,
                note: r.try_get(3)?,
                recorded_by: r.try_get(4)?,
            })
        })
        .collect::<std::result::Result<_, db::DbError>>()
        .map_err(Error::from)
    }
}
