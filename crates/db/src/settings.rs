//! Stored settings (kernel::settings declares them and their defaults).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kernel::settings::{SettingDef, Settings};

use crate::{Changes, Db, DbError, Event, Tx, query};

/// How long settings read from the database are used before they are read again. A change made
/// through this process is seen at once; one made by another process (a second server on the same
/// PostgreSQL database) within this time.
pub const CACHE_FOR: Duration = Duration::from_secs(1);

/// The settings as last read and when, shared by a Db's clones: nearly every request reads a
/// setting (the session's idle timeout, deadlines' calendar policy), and they seldom change.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cache(Arc<Mutex<Option<(Instant, Settings)>>>);

impl Cache {
    fn fresh(&self) -> Option<Settings> {
        let held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.as_ref()
            .filter(|(read, _)| read.elapsed() < CACHE_FOR)
            .map(|(_, s)| s.clone())
    }

    fn keep(&self, settings: &Settings) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), settings.clone()));
    }

    fn forget(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Every stored value over the defaults (read again at most every [`CACHE_FOR`]).
pub async fn load(db: &Db) -> Result<Settings, DbError> {
    if let Some(settings) = db.settings_cache().fresh() {
        return Ok(settings);
    }
    let values = query("SELECT key, value FROM settings")
        .map(&mut db.conn().await?, |r| {
            Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?))
        })
        .await?;
    let settings = Settings::from_stored(values);
    db.settings_cache().keep(&settings);
    Ok(settings)
}

/// Drops the settings held in memory: the next `load` reads the database. Called after a
/// change is committed.
pub fn forget(db: &Db) {
    db.settings_cache().forget();
}

/// Stores a setting (already checked with `def.parse`) and records the change; after the commit,
/// [`forget`] makes this process read it.
pub async fn store(tx: &mut Tx, def: &SettingDef, old: &str, value: &str) -> Result<(), DbError> {
    let now = tx.now_text();
    let by = tx.who().actor.clone();
    query(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4",
    )
    .bind(def.key)
    .bind(value)
    .bind(now)
    .bind(by)
    .execute(tx.conn())
    .await?;
    tx.record(
        Event::new("setting", def.key, "update")
            .changes(Changes::new().change("value", old, value)),
    )
    .await?;
    Ok(())
}
