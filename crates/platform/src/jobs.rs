//! Imports that run longer than a request waits: a job row per import (`import_jobs`), started by
//! the page that received the file, finished by the task that ran it, read by the page that
//! follows it on any server. A job is its starter's alone. Writing a job's row is bookkeeping
//! (no audit event); the import it runs records its own.

use db::query;
use kernel::ids::UserId;
use ledger::{ImportReport, RowError};
use serde::{Deserialize, Serialize};

use crate::{Actor, Error, Platform, Result};

kernel::typed_id!(
    /// An import running (or run) as a job.
    JobId
);

/// How an import ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobOutcome {
    Done(ImportReport),
    /// Refused: the message, and the rows that made it so.
    Refused {
        message: String,
        rows: Vec<RowError>,
    },
}

/// A job as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    /// 导入权责清单台账…
    pub title: String,
    /// The page to go back to.
    pub back: String,
    /// None while it runs.
    pub outcome: Option<JobOutcome>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

impl Platform {
    /// Starts a job of the actor's (a user: the command line waits for its imports).
    pub async fn start_job(&self, actor: &Actor, title: &str, back: &str) -> Result<JobId> {
        let user = actor
            .user_id()
            .ok_or_else(|| Error::Rule("命令行的导入不作为后台任务运行".into()))?
            .clone();
        let id = JobId::generate();
        let (job, title, back) = (id.clone(), title.to_string(), back.to_string());
        self.db
            .upkeep(move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("INSERT INTO import_jobs (id, user_id, title, back, state, started_at) VALUES ($1, $2, $3, $4, 'running', $5)")
                        .bind(job.as_str())
                        .bind(user.as_str())
                        .bind(title)
                        .bind(back)
                        .bind(now)
                        .execute(tx.conn())
                        .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(id)
    }

    /// Records how a job ended.
    pub async fn finish_job(&self, id: &JobId, outcome: &JobOutcome) -> Result<()> {
        let text = serde_json::to_string(outcome)
            .map_err(|e| Error::Internal(format!("任务结果无法保存：{e}")))?;
        let job = id.clone();
        self.db
            .upkeep(move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("UPDATE import_jobs SET state = 'finished', result = $1, finished_at = $2 WHERE id = $3")
                        .bind(text)
                        .bind(now)
                        .bind(job.as_str())
                        .execute(tx.conn())
                        .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }

    /// One of the actor's own jobs.
    pub async fn job(&self, actor: &Actor, id: &str) -> Result<Job> {
        let user: Option<&UserId> = actor.user_id();
        let mut conn = self.db.conn().await?;
        let rows = query(
            "SELECT id, user_id, title, back, result, started_at, finished_at FROM import_jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_all(&mut conn)
        .await?;
        let row = rows
            .first()
            .ok_or_else(|| Error::NotFound("该导入任务".into()))?;
        let owner: String = row.try_get(1)?;
        if user.map(|u| u.as_str()) != Some(owner.as_str()) {
            // Another account's job is not there, as far as this one can tell.
            return Err(Error::NotFound("该导入任务".into()));
        }
        let result: Option<String> = row.try_get(4)?;
        let outcome = match result {
            Some(text) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| Error::Internal(format!("任务结果无法读取：{e}")))?,
            ),
            None => None,
        };
        Ok(Job {
            id: JobId::from_stored(row.try_get::<String, _>(0)?),
            title: row.try_get(2)?,
            back: row.try_get(3)?,
            outcome,
            started_at: row.try_get(5)?,
            finished_at: row.try_get(6)?,
        })
    }
}
