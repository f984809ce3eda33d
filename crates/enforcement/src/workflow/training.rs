//! 培训: an officer's training records, and this year's hours against the yearly minimum
//! (setting `enforcement.training_hours`, default 60).

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use platform::Actor;
use serde::Serialize;

use crate::model::{Training, TrainingId};
use crate::registry::OfficerView;
use crate::{Enforcement, Error, Result, store};

/// An officer's page: the roster line and the trainings.
#[derive(Clone, Debug, Serialize)]
pub struct OfficerFile {
    pub view: OfficerView,
    pub trainings: Vec<Training>,
    /// The yearly minimum, in hours.
    pub minimum: i64,
    pub year: i32,
}

/// Reads hours as written: 4, 2.5 (to a tenth).
pub fn parse_hours(text: &str) -> Result<i64, String> {
    let t = text
        .trim()
        .trim_end_matches("学时")
        .trim_end_matches("小时");
    let bad = || format!("学时“{}”应为不超过24的数，最多一位小数", text.trim());
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 1 {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let tenths = match frac {
        "" => 0,
        f => f.parse::<i64>().map_err(|_| bad())?,
    };
    let total = whole * 10 + tenths;
    if total <= 0 || total > 240 {
        return Err(bad());
    }
    Ok(total)
}

impl Enforcement {
    /// One officer with this year's training, within the actor's reach.
    pub async fn officer_file(&self, actor: &Actor, id: &str) -> Result<OfficerFile> {
        let view = self
            .officers(actor, false)
            .await?
            .into_iter()
            .find(|o| o.officer.id.as_str() == id)
            .ok_or_else(|| Error::NotFound("该执法人员".into()))?;
        let trainings = store::trainings(&mut self.platform.db().conn().await?, id).await?;
        Ok(OfficerFile {
            view,
            trainings,
            minimum: self.setting_number(&crate::TRAINING_HOURS).await?,
            year: kernel::time::china_today().year(),
        })
    }

    /// Records a training an officer took.
    pub async fn record_training(
        &self,
        actor: &Actor,
        officer_id: &str,
        on: NaiveDate,
        hours: &str,
        subject: &str,
    ) -> Result<Training> {
        self.platform
            .require(
                actor,
                kernel::Permission::WriteRecords,
                "enforcement_officer",
                officer_id,
            )
            .await?;
        let file = self.officer_file(actor, officer_id).await?;
        let tenths = parse_hours(hours).map_err(Error::Invalid)?;
        let subject = subject.trim().to_string();
        if subject.is_empty() {
            return Err(Error::Invalid("请填写培训内容".into()));
        }
        if on > kernel::time::china_today() {
            return Err(Error::Invalid(format!("培训日期{on}晚于今天")));
        }
        let t = Training {
            id: TrainingId::generate(),
            officer_id: file.view.officer.id.clone(),
            on,
            tenths,
            subject,
        };
        let event = Event::new("enforcement_officer", officer_id, "training")
            .org(Some(file.view.officer.org_id.as_str()))
            .changes(
                Changes::new()
                    .set("on", on.to_string())
                    .set("hours", t.hours())
                    .set("subject", &t.subject),
            );
        let (row, who) = (t.clone(), actor.audit_name());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::insert_training(tx, &row, &who).await?;
                    tx.record(event).await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_hours;

    #[test]
    fn hours_are_read_to_a_tenth() {
        assert_eq!(parse_hours("4"), Ok(40));
        assert_eq!(parse_hours("2.5学时"), Ok(25));
        assert!(parse_hours("2.55").is_err());
        assert!(parse_hours("0").is_err());
        assert!(parse_hours("25").is_err());
        assert!(parse_hours("两小时").is_err());
    }
}
