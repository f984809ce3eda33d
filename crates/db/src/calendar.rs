//! Holiday notices loaded after release, and the calendar in force (shipped + loaded notices,
//! under the calendar settings).

use std::sync::Mutex;

use kernel::calendar::{Calendar, CalendarError, CalendarPolicy, YearNotice};

use crate::{Changes, Db, DbError, Event, Tx, query, query_scalar};

/// The notices loaded with `fazhi calendar load`, by year.
pub async fn loaded_notices(db: &Db) -> Result<Vec<YearNotice>, DbError> {
    parse(&notice_texts(db).await?)
}

/// The stored notices' text, by year.
async fn notice_texts(db: &Db) -> Result<Vec<String>, DbError> {
    query_scalar("SELECT notice FROM calendar_notices ORDER BY year")
        .fetch_all(&mut db.conn().await?)
        .await
}

/// The calendar in force as of `versions`: kept in memory until a notice is loaded or a setting
/// changes (see [`current`] for how it is built).
pub async fn current_at(
    db: &Db,
    versions: &crate::Versions,
) -> Result<Result<Calendar, CalendarError>, DbError> {
    if let Some(calendar) = db.calendar_cache().get(versions, &()) {
        return Ok(Ok(calendar));
    }
    let built = current(db).await?;
    if let Ok(calendar) = &built {
        db.calendar_cache().put(versions, (), calendar.clone());
    }
    Ok(built)
}

/// The calendar in force. Building it (parsing the shipped and loaded notices, laying out every
/// day of every year) is done once per distinct set of loaded notices and policy and kept: a
/// deadline is computed on every step of every case and on every dashboard, and the notices
/// change a few times a year. The stored rows are still read each time, so a notice loaded by
/// another process (the command line beside the server) is in force at once.
pub async fn current(db: &Db) -> Result<Result<Calendar, CalendarError>, DbError> {
    static BUILT: Mutex<Option<(Vec<String>, CalendarPolicy, Calendar)>> = Mutex::new(None);
    let texts = notice_texts(db).await?;
    let policy = crate::settings::load(db).await?.calendar_policy();
    if let Some((t, p, calendar)) = BUILT.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        && *t == texts
        && *p == policy
    {
        return Ok(Ok(calendar.clone()));
    }
    let loaded = parse(&texts)?;
    let built = Calendar::with_loaded(loaded, policy);
    if let Ok(calendar) = &built {
        *BUILT.lock().unwrap_or_else(|e| e.into_inner()) = Some((texts, policy, calendar.clone()));
    }
    Ok(built)
}

fn parse(texts: &[String]) -> Result<Vec<YearNotice>, DbError> {
    let mut out = Vec::new();
    for text in texts {
        let notices = YearNotice::parse_toml(text)
            .map_err(|e| DbError::Corrupt(format!("已载入的节假日安排无法读取：{e}")))?;
        out.extend(notices);
    }
    Ok(out)
}

/// Stores a year's notice (replacing an earlier load of the same year) and records it.
pub async fn store(tx: &mut Tx, notice: &YearNotice) -> Result<(), DbError> {
    let text = YearNotice::to_toml(std::slice::from_ref(notice));
    let now = tx.now_text();
    let by = tx.who().actor.clone();
    query(
        "INSERT INTO calendar_notices (year, notice, loaded_at, loaded_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year) DO UPDATE SET notice = $2, loaded_at = $3, loaded_by = $4",
    )
    .bind(i64::from(notice.year))
    .bind(text)
    .bind(now)
    .bind(by)
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
