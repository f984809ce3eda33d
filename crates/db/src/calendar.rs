//! Holiday notices loaded after release, and the calendar in force (shipped + loaded notices,
//! under the calendar settings).

use kernel::calendar::{Calendar, CalendarError, YearNotice};
use sqlx::Row;

use crate::{Changes, Db, DbError, Event, Tx};

/// The notices loaded with `fazhi calendar load`, by year.
pub async fn loaded_notices(db: &Db) -> Result<Vec<YearNotice>, DbError> {
    let rows = sqlx::query("SELECT notice FROM calendar_notices ORDER BY year")
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let text: String = row.try_get(0)?;
        let notices = YearNotice::parse_toml(&text)
            .map_err(|e| DbError::Corrupt(format!("已载入的节假日安排无法读取：{e}")))?;
        out.extend(notices);
    }
    Ok(out)
}

/// The calendar in force.
pub async fn current(db: &Db) -> Result<Result<Calendar, CalendarError>, DbError> {
    let loaded = loaded_notices(db).await?;
    let policy = crate::settings::load(db).await?.calendar_policy();
    Ok(Calendar::with_loaded(loaded, policy))
}

/// Stores a year's notice (replacing an earlier load of the same year) and records it.
pub async fn store(tx: &mut Tx, notice: &YearNotice) -> Result<(), DbError> {
    let text = YearNotice::to_toml(std::slice::from_ref(notice));
    let now = tx.now_text();
    let by = tx.who().actor.clone();
    sqlx::query(
        "INSERT INTO calendar_notices (year, notice, loaded_at, loaded_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year) DO UPDATE SET notice = $2, loaded_at = $3, loaded_by = $4",
    )
    .bind(i64::from(notice.year))
    .bind(&text)
    .bind(&now)
    .bind(&by)
    .execute(tx.conn())
    .await?;
    let days: usize = notice
        .holiday
        .iter()
        .map(|h| h.off.len() + h.work.len())
        .sum();
    tx.record(
        Event::new("calendar_notice", &notice.year.to_string(), "load").changes(
            Changes::new()
                .set("year", notice.year)
                .set("notices", &notice.notices)
                .set(
                    "holidays",
                    notice
                        .holiday
                        .iter()
                        .map(|h| h.name.clone())
                        .collect::<Vec<_>>(),
                )
                .set("entries", days),
        ),
    )
    .await?;
    Ok(())
}
