//! Stored settings (kernel::settings declares them and their defaults).

use kernel::settings::{SettingDef, Settings};

use crate::versions::{Cache, Versions};
use crate::{Changes, Db, DbError, Event, Tx, query};

/// The settings as last read, beside the settings table's version: nearly every request reads a
/// setting (the session's idle timeout, deadlines' calendar policy), and they seldom change.
pub(crate) fn cache() -> Cache<(), Settings> {
    Cache::new(&["settings"], 1)
}

/// Every stored value over the defaults, as of `versions` (kept until the settings are written).
pub async fn load_at(db: &Db, versions: &Versions) -> Result<Settings, DbError> {
    db.settings_cache()
        .get_or_load(versions, &(), || async {
            let values = query("SELECT key, value FROM settings")
                .map(&mut db.conn().await?, |r| {
                    Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?))
                })
                .await?;
            Ok(Settings::from_stored(values))
        })
        .await
}

/// Every stored value over the defaults, now.
pub async fn load(db: &Db) -> Result<Settings, DbError> {
    load_at(db, &db.versions().await?).await
}

/// Stores a setting (already checked with `def.parse`) and records the change; the next read of
/// the settings sees it (its version moves with the commit).
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
