//! The schema as plain SQL files in `migrations/`, applied in order by `team init`.
//!
//! Each file runs once, in its own transaction together with its row in
//! `speech_coach.schema_migrations`, under an advisory lock so that two admins running
//! `team init` at once cannot both apply it. Running `team init` again applies only
//! files added since; it is safe to run after every upgrade.

use postgres::Client;

use super::db::TeamError;

/// The migrations, numbered; compiled in so the binary needs no repository beside it.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "0001_summaries_profiles_roles.sql",
        include_str!("../../migrations/0001_summaries_profiles_roles.sql"),
    ),
    (
        2,
        "0002_checks_and_profile_trigger.sql",
        include_str!("../../migrations/0002_checks_and_profile_trigger.sql"),
    ),
];

/// An arbitrary constant naming speech-coach's migration lock (pg_advisory_lock key).
const LOCK_KEY: i64 = 0x005c_0ac4_7ea4;

/// What `team init` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub applied: Vec<String>,
    pub already: usize,
}

/// Applies every migration not yet applied.
pub fn run(client: &mut Client) -> Result<Applied, TeamError> {
    let db = TeamError::from_db;
    client
        .batch_execute(
            // A migration rewrites or checks a whole table (900 000 calls: seconds), which
            // may outlast the 30 s a connection of ours allows a statement (`db::config`).
            "SET statement_timeout = '10min';
             CREATE SCHEMA IF NOT EXISTS speech_coach;
             CREATE TABLE IF NOT EXISTS speech_coach.schema_migrations (
                 version integer PRIMARY KEY,
                 name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now());",
        )
        .map_err(db)?;
    client.execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY]).map_err(db)?;
    let result = apply_missing(client);
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
    result
}

fn apply_missing(client: &mut Client) -> Result<Applied, TeamError> {
    let db = TeamError::from_db;
    let done: Vec<i32> = client
        .query("SELECT version FROM speech_coach.schema_migrations", &[])
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(sql).map_err(|e| match TeamError::from_db(e) {
            TeamError::Database(t) | TeamError::NotInitialised(t) => {
                TeamError::Database(format!("{name}: {t}"))
            }
            other => other,
        })?;
        tx.execute(
            "INSERT INTO speech_coach.schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        applied.push(name.to_string());
    }
    Ok(Applied { applied, already: done.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_compiled_in_once_and_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|(_, n, _)| n.to_string()).collect();
        assert_eq!(files, listed);
        for (i, (version, name, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version as usize, i + 1);
            assert!(name.starts_with(&format!("{version:04}_")), "{name}");
        }
    }
}
