//! The calendar in force, and loading a new year's holiday notice.

use kernel::Permission;
use kernel::calendar::{Calendar, YearNotice};

use crate::{Actor, Error, Platform, Result};

impl Platform {
    /// The shipped notices, those loaded since, under the calendar settings.
    pub async fn calendar(&self) -> Result<Calendar> {
        let versions = self.db.versions().await?;
        Ok(db::calendar::current_at(&self.db, &versions).await??)
    }

    /// The calendar for a request: kept beside the versions read at its start.
    pub async fn calendar_for(&self, actor: &Actor) -> Result<Calendar> {
        if !actor.versions.is_read() {
            return self.calendar().await;
        }
        Ok(db::calendar::current_at(&self.db, &actor.versions).await??)
    }

    /// The settings in force for a request (kept beside the versions read at its start).
    pub async fn settings_for(&self, actor: &Actor) -> Result<kernel::settings::Settings> {
        Ok(if actor.versions.is_read() {
            db::settings::load_at(&self.db, &actor.versions).await?
        } else {
            db::settings::load(&self.db).await?
        })
    }

    /// Loads notices (fazhi's TOML format, or a holiday-cn JSON file). A notice for a year that is
    /// already known replaces it. Returns the years loaded.
    pub async fn load_notices(&self, actor: &Actor, text: &str) -> Result<Vec<i32>> {
        self.require(actor, Permission::ManageCalendar, "calendar_notice", "new")
            .await?;
        let notices = YearNotice::parse_any(text)?;
        if notices.is_empty() {
            return Err(Error::Invalid("文件中没有节假日安排".into()));
        }
        self.store_notices(actor, notices).await
    }

    /// Loads one year's notice typed into the calendar page (already checked by
    /// [`YearNotice::from_typed`]). Returns the year loaded.
    pub async fn load_typed_notice(&self, actor: &Actor, notice: YearNotice) -> Result<Vec<i32>> {
        self.require(actor, Permission::ManageCalendar, "calendar_notice", "new")
            .await?;
        self.store_notices(actor, vec![notice]).await
    }

    async fn store_notices(&self, actor: &Actor, notices: Vec<YearNotice>) -> Result<Vec<i32>> {
        // Check that the whole calendar still builds with them before storing anything.
        let mut loaded = db::calendar::loaded_notices(&self.db).await?;
        loaded.extend(notices.iter().cloned());
        Calendar::with_loaded(loaded, Default::default())?;
        let years = notices.iter().map(|n| n.year).collect();
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for notice in &notices {
                        db::calendar::store(tx, notice).await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(years)
    }
}
