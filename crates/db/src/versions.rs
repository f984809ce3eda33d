//! Caches that stay exact. The writer bumps a table's version (`table_versions`) in the same
//! commit as any write to that table. A request reads every version in one cheap statement
//! ([`Db::versions`]) before it reads anything else; a value kept beside the versions of the
//! tables it was read from is current exactly while those versions are unchanged — on every
//! server sharing the database, since a write acknowledged to anyone is committed with its
//! versions before the answer.
//!
//! The versions are read before the data: a value computed from data newer than its versions is
//! merely thrown away a little early, never served stale.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{Conn, Db, DbError, Params, query};

/// How long versions read at the start of a request key its caches. A request is over long
/// before; an actor kept longer (the command line, a test, a benchmark) then reads past the
/// caches instead of seeing the tables as they were when it logged in.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// Every table's version as read at one moment (0 for a table never written).
#[derive(Clone, Debug, Default)]
pub struct Versions(Option<Arc<Snapshot>>);

#[derive(Debug)]
struct Snapshot {
    versions: BTreeMap<String, i64>,
    read: Instant,
}

/// Two actors are the same whoever read their versions when.
impl PartialEq for Versions {
    fn eq(&self, _: &Versions) -> bool {
        true
    }
}

impl Eq for Versions {}

impl Versions {
    /// Whether these versions were read, within [`FRESH_FOR`] (an actor outside a request has
    /// none).
    pub fn is_read(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|s| s.read.elapsed() < FRESH_FOR)
    }

    /// The versions of `tables`, in order; None when none were read (or long ago).
    pub fn of<S: AsRef<str>>(&self, tables: &[S]) -> Option<Vec<i64>> {
        let snapshot = self.0.as_ref().filter(|s| s.read.elapsed() < FRESH_FOR)?;
        Some(
            tables
                .iter()
                .map(|t| snapshot.versions.get(t.as_ref()).copied().unwrap_or(0))
                .collect(),
        )
    }

    pub(crate) async fn read(conn: &mut Conn) -> Result<Versions, DbError> {
        let rows = query("SELECT name, version FROM table_versions")
            .map(conn, |r| {
                Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?))
            })
            .await?;
        Ok(Versions(Some(Arc::new(Snapshot {
            versions: rows.into_iter().collect(),
            read: Instant::now(),
        }))))
    }
}

impl Db {
    /// Every table's version, for a request's caches (one statement).
    pub async fn versions(&self) -> Result<Versions, DbError> {
        Versions::read(&mut self.conn().await?).await
    }
}

/// Values kept beside the versions of the tables they were read from. At most `capacity`
/// entries: when full, everything is forgotten (a cache, not a store).
pub struct Cache<K, V> {
    tables: Vec<String>,
    capacity: usize,
    entries: Mutex<HashMap<K, (Vec<i64>, V)>>,
    /// One load at a time per key: requests arriving while a value is read wait for it.
    loading: Loading<K>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    pub fn new(tables: &[&str], capacity: usize) -> Cache<K, V> {
        Cache {
            tables: tables.iter().map(|t| t.to_string()).collect(),
            capacity,
            entries: Mutex::new(HashMap::new()),
            loading: Loading::default(),
        }
    }

    /// The value kept for `key`, or `load`ed and kept. Requests that miss the same key at once
    /// wait for one load (on a province a figure or a count costs tens of milliseconds: 64
    /// requests loading it side by side would take seconds).
    pub async fn get_or_load<E, Fut>(
        &self,
        versions: &Versions,
        key: &K,
        load: impl FnOnce() -> Fut,
    ) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(versions, key) {
            return Ok(v);
        }
        if !versions.is_read() {
            return load().await;
        }
        let gate = self.loading.gate(key);
        let _turn = gate.lock().await;
        if let Some(v) = self.get(versions, key) {
            return Ok(v);
        }
        let v = load().await?;
        self.put(versions, key.clone(), v.clone());
        self.loading.done(key);
        Ok(v)
    }

    /// The value kept for `key`, if it was read under the same versions of the cache's tables.
    pub fn get(&self, versions: &Versions, key: &K) -> Option<V> {
        let now = versions.of(&self.tables)?;
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(read, _)| *read == now)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, read under `versions` (read before the value was).
    pub fn put(&self, versions: &Versions, key: K, value: V) {
        let Some(now) = versions.of(&self.tables) else {
            return;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, (now, value));
    }

    /// Forgets `key` (a session ended by this process).
    pub fn forget(&self, key: &K) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

impl<K, V> std::fmt::Debug for Cache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cache({})", self.tables.join(", "))
    }
}

/// The keys being loaded, each with the lock its loaders take turns on.
struct Loading<K>(Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>);

impl<K> Default for Loading<K> {
    fn default() -> Self {
        Loading(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone> Loading<K> {
    fn gate(&self, key: &K) -> Arc<tokio::sync::Mutex<()>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key.clone())
            .or_default()
            .clone()
    }

    fn done(&self, key: &K) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// Counts of list queries, keyed by their SQL and values, each beside the versions of the tables
/// its SQL reads (found in the SQL itself).
#[derive(Default)]
pub(crate) struct Counts {
    /// By SQL text and values: the tables the SQL reads, their versions then, the count.
    entries: Mutex<HashMap<(String, String), Counted>>,
    loading: Loading<(String, String)>,
}

type Counted = (Vec<String>, Vec<i64>, i64);

/// Counts kept at most; when full, everything is forgotten.
const COUNTS: usize = 20_000;

impl Db {
    /// `SELECT COUNT(*) …` of `q`, kept beside the versions of the tables it reads: a list page
    /// asked again with the same scope and filters costs no statement until one of those tables
    /// is written. Without versions (an actor outside a request) it is simply counted.
    pub async fn count(
        &self,
        conn: &mut Conn,
        versions: &Versions,
        q: &Params,
    ) -> Result<i64, DbError> {
        if !versions.is_read() {
            return q.fetch_one(conn).await?.try_get(0);
        }
        let key = (q.sql().to_string(), format!("{:?}", q.values()));
        let counts = &self.counts();
        if let Some((tables, read, n)) = counts
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            && versions.of(tables).as_ref() == Some(read)
        {
            return Ok(*n);
        }
        // One count at a time per query: the others wait for it and read it kept.
        let gate = counts.loading.gate(&key);
        let _turn = gate.lock().await;
        if let Some((tables, read, n)) = counts
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            && versions.of(tables).as_ref() == Some(read)
        {
            return Ok(*n);
        }
        let n: i64 = q.fetch_one(conn).await?.try_get(0)?;
        let tables = crate::sql::read_tables(q.sql());
        let read = versions.of(&tables).unwrap_or_default();
        let mut entries = counts.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= COUNTS {
            entries.clear();
        }
        entries.insert(key.clone(), (tables, read, n));
        drop(entries);
        counts.loading.done(&key);
        Ok(n)
    }
}
