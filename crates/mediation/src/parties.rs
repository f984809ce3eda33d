//! 当事人: the parties of a dispute as records (人民调解法第二十九条 — the agreement states their
//! basic facts): name, sex, address, and the ID number and phone sealed with SM4; only their masked
//! forms leave the service.

use db::{Changes, Event};
use kernel::IdNumber;
use platform::Actor;
use serde::Serialize;

use crate::model::Sex;

kernel::typed_id!(
    /// A party of a dispute.
    PartyId
);
use crate::{Error, Mediation, Result};

/// A party as the intake of parties takes it.
#[derive(Clone, Debug, Default)]
pub struct NewParty {
    pub name: String,
    pub sex: Option<Sex>,
    /// 身份证号 (optional): checked, sealed, shown masked.
    pub id_number: String,
    pub address: String,
    /// 联系电话 (optional): sealed, shown masked.
    pub phone: String,
}

/// A party as it is shown: the ID number and phone masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Its place among the dispute's parties (1, 2, …), the handle to remove it by.
    pub seq: i64,
    pub name: String,
    pub sex: Option<Sex>,
    pub id_masked: String,
    pub address: String,
    pub phone_masked: String,
}

/// A party checked and sealed, ready to be written.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    party: Party,
    id_sealed: Option<String>,
    phone_sealed: Option<String>,
}

impl Prepared {
    pub(crate) fn name(&self) -> &str {
        &self.party.name
    }
}

/// Checks a party as typed (a name; an ID number that is one; a phone of 7–12 digits) and seals
/// the ID number and phone.
pub(crate) fn prepare(seal: &kernel::crypto::SealKey, p: NewParty) -> Result<Prepared> {
    let name = p.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::Invalid("请填写当事人姓名或名称".into()));
    }
    let id = match p.id_number.trim() {
        "" => None,
        text => Some(
            IdNumber::parse(text).map_err(|e| Error::Invalid(format!("当事人身份证号码：{e}")))?,
        ),
    };
    let phone = match p.phone.trim() {
        "" => None,
        text => {
            let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
            if !(7..=12).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(Error::Invalid(format!("“{text}”不是电话号码")));
            }
            Some(digits)
        }
    };
    Ok(Prepared {
        party: Party {
            seq: 0,
            name,
            sex: p.sex,
            id_masked: id.as_ref().map(|i| i.masked()).unwrap_or_default(),
            address: p.address.trim().to_string(),
            phone_masked: phone
                .as_deref()
                .map(kernel::crypto::mask_phone)
                .unwrap_or_default(),
        },
        id_sealed: id.as_ref().map(|i| seal.seal(i.as_str())),
        phone_sealed: phone.as_deref().map(|p| seal.seal(p)),
    })
}

/// Writes a prepared party after the dispute's highest (a removed party's number is never
/// reused), with its audit event holding the masked forms only.
pub(crate) async fn insert(
    tx: &mut db::Tx,
    dispute_id: &str,
    prepared: &Prepared,
    who: &str,
) -> std::result::Result<(), db::DbError> {
    let p = &prepared.party;
    let seq: i64 = db::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) FROM mediation_parties WHERE dispute_id = $1",
    )
    .bind(dispute_id)
    .fetch_one(tx.conn())
    .await?;
    let now = tx.now_text();
    db::query(
        "INSERT INTO mediation_parties (id, dispute_id, seq, name, sex, id_sealed, id_masked, address, \
         phone_sealed, phone_masked, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(PartyId::generate().as_str())
    .bind(dispute_id)
    .bind(seq + 1)
    .bind(&p.name)
    .bind(p.sex.map(|s| s.code()).unwrap_or_default())
    .bind(prepared.id_sealed.clone())
    .bind(&p.id_masked)
    .bind(&p.address)
    .bind(prepared.phone_sealed.clone())
    .bind(&p.phone_masked)
    .bind(who)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.record(
        Event::new("mediation_dispute", dispute_id, "party").changes(
            Changes::new()
                .set("name", &p.name)
                .set("id", &p.id_masked)
                .set("phone", &p.phone_masked),
        ),
    )
    .await?;
    Ok(())
}

impl Mediation {
    /// Records a party of the dispute.
    pub async fn add_party(&self, actor: &Actor, dispute_id: &str, p: NewParty) -> Result<Party> {
        let dispute = self.writable(actor, dispute_id).await?;
        let prepared = prepare(self.platform.seal(), p)?;
        let party = prepared.party.clone();
        let (dispute_id, who) = (dispute.id.to_string(), actor.audit_name());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move { insert(tx, &dispute_id, &prepared, &who).await })
            })
            .await?;
        Ok(party)
    }

    /// Removes a party recorded by mistake (to correct one: remove it and record it again); the
    /// audit log keeps what was recorded, masked.
    pub async fn remove_party(&self, actor: &Actor, dispute_id: &str, seq: i64) -> Result<()> {
        self.writable(actor, dispute_id).await?;
        let party = self
            .parties(actor, dispute_id)
            .await?
            .into_iter()
            .find(|p| p.seq == seq)
            .ok_or_else(|| Error::NotFound("该当事人".into()))?;
        let dispute_id = dispute_id.to_string();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    db::query("DELETE FROM mediation_parties WHERE dispute_id = $1 AND seq = $2")
                        .bind(&dispute_id)
                        .bind(seq)
                        .execute(tx.conn())
                        .await?;
                    tx.record(
                        Event::new("mediation_dispute", &dispute_id, "party_removed").changes(
                            Changes::new()
                                .set("name", &party.name)
                                .set("id", &party.id_masked)
                                .set("phone", &party.phone_masked),
                        ),
                    )
                    .await
                })
            })
            .await?;
        Ok(())
    }

    /// The parties as the agreement prints them for signing: the ID number and phone in full, for
    /// the dispute's own mediation staff (WriteRecords in its scope); the unsealing is audited.
    pub(crate) async fn parties_for_signing(
        &self,
        actor: &Actor,
        dispute_id: &str,
    ) -> Result<Vec<Party>> {
        self.writable(actor, dispute_id).await?;
        let mut conn = self.platform.db().conn().await?;
        let rows = db::query(
            "SELECT name, sex, id_sealed, id_masked, address, phone_sealed, phone_masked, seq \
             FROM mediation_parties WHERE dispute_id = $1 ORDER BY seq",
        )
        .bind(dispute_id)
        .fetch_all(&mut conn)
        .await?;
        drop(conn);
        let seal = self.platform.seal();
        let open = |sealed: Option<String>, masked: String| match sealed {
            Some(s) => seal.open(&s).unwrap_or(masked),
            None => masked,
        };
        let mut parties = Vec::new();
        for r in &rows {
            parties.push(Party {
                name: r.try_get(0)?,
                sex: Sex::parse(&r.try_get::<String, _>(1)?),
                id_masked: open(r.try_get(2)?, r.try_get(3)?),
                address: r.try_get(4)?,
                phone_masked: open(r.try_get(5)?, r.try_get(6)?),
                seq: r.try_get(7)?,
            });
        }
        if !parties.is_empty() {
            let event = Event::new("mediation_dispute", dispute_id, "unseal").changes(
                Changes::new()
                    .set("document", "人民调解协议书")
                    .set("count", parties.len()),
            );
            self.platform.db().record(&actor.who(), event).await?;
        }
        Ok(parties)
    }

    /// The parties of a dispute the actor may read, in the order recorded.
    pub async fn parties(&self, actor: &Actor, dispute_id: &str) -> Result<Vec<Party>> {
        self.dispute(actor, dispute_id).await?;
        let mut conn = self.platform.db().conn().await?;
        db::query(
            "SELECT name, sex, id_masked, address, phone_masked, seq FROM mediation_parties \
             WHERE dispute_id = $1 ORDER BY seq",
        )
        .bind(dispute_id)
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Party {
                name: r.try_get(0)?,
                sex: Sex::parse(&r.try_get::<String, _>(1)?),
                id_masked: r.try_get(2)?,
                address: r.try_get(3)?,
                phone_masked: r.try_get(4)?,
                seq: r.try_get(5)?,
            })
        })
        .collect::<std::result::Result<_, db::DbError>>()
        .map_err(Error::from)
    }
}
