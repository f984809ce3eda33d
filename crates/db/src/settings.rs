//! Stored settings (kernel::settings declares them and their defaults).

use kernel::settings::{SettingDef, Settings};
use sqlx::Row;

use crate::{Changes, Db, DbError, Event, Tx};

/// Every stored value over the defaults.
pub async fn load(db: &Db) -> Result<Settings, DbError> {
    let rows = sqlx::query("SELECT key, value FROM settings")
        .fetch_all(db.pool())
        .await?;
    let values = rows
        .iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Settings::from_stored(values))
}

/// Stores a setting (already checked with `def.parse`) and records the change.
pub async fn store(tx: &mut Tx, def: &SettingDef, old: &str, value: &str) -> Result<(), DbError> {
    let now = tx.now_text();
    let by = tx.who().actor.clone();
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4",
    )
    .bind(def.key)
    .bind(value)
    .bind(&now)
    .bind(&by)
    .execute(tx.conn())
    .await?;
    tx.record(
        Event::new("setting", def.key, "update")
            .changes(Changes::new().change("value", old, value)),
    )
    .await?;
    Ok(())
}
