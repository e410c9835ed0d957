//! The upload: waiting calls upserted in batches, one statement per batch.
//!
//! A batch is one `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT (uuid) DO UPDATE`:
//! one round trip for hundreds of calls, atomic (all of the batch or none), and a retry of
//! a batch that did commit — the database killed before its answer arrived, or the app
//! before the markers were written — updates the same rows. The same code path carries
//! the load test's 900 000 summaries.

use std::collections::HashSet;
use std::path::Path;

use postgres::Client;
use postgres::types::ToSql;

use super::config::TeamConfig;
use super::db::TeamError;
use super::queue;
use super::summary::{CallSummary, Sender};
use crate::analysis::Lang;

/// Calls per statement: large enough that a round trip is cheap per call, small enough
/// that a batch lost to a dropped connection is quickly sent again.
pub const BATCH: usize = 500;

/// Each column, the array type its values travel as, and how a value becomes the column.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("uuid", "text[]", "::uuid"),
    ("team", "text[]", ""),
    ("agent", "text[]", ""),
    ("session_id", "text[]", ""),
    ("started_at", "float8[]", "@"),
    ("ended_at", "float8[]", "@"),
    ("day", "text[]", "::date"),
    ("lang", "text[]", ""),
    ("duration_s", "real[]", ""),
    ("speech_s", "real[]", ""),
    ("turn_s", "real[]", ""),
    ("pace_per_min", "real[]", ""),
    ("volume_relative_db", "real[]", ""),
    ("pitch_median_hz", "real[]", ""),
    ("pitch_spread_st", "real[]", ""),
    ("spread_floor_st", "real[]", ""),
    ("pauses", "int4[]", ""),
    ("longest_pause_s", "real[]", ""),
    ("clipped_samples", "int8[]", ""),
    ("heard_caller", "bool[]", ""),
    ("agent_talk_share", "real[]", ""),
    ("agent_interruptions", "int4[]", ""),
    ("caller_interruptions", "int4[]", ""),
    ("overlap_s", "real[]", ""),
    ("response_gap_median_s", "real[]", ""),
    ("dead_air_count", "int4[]", ""),
    ("longest_dead_air_s", "real[]", ""),
    ("holds", "int4[]", ""),
    ("holds_over_30s", "int4[]", ""),
    ("longest_hold_s", "real[]", ""),
    ("longest_agent_monologue_s", "real[]", ""),
    ("cues_total", "int4[]", ""),
    ("cue_counts", "text[]", "::jsonb"),
];

/// The upsert statement, built once from [`COLUMNS`].
fn statement() -> String {
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    let arrays: Vec<String> =
        COLUMNS.iter().enumerate().map(|(i, c)| format!("${}::{}", i + 1, c.1)).collect();
    let values: Vec<String> = COLUMNS
        .iter()
        .map(|(name, _, how)| match *how {
            "@" => format!("to_timestamp(v.{name})"),
            cast => format!("v.{name}{cast}"),
        })
        .collect();
    let updates: Vec<String> =
        names.iter().skip(1).map(|n| format!("{n} = EXCLUDED.{n}")).collect();
    format!(
        "INSERT INTO speech_coach.summaries ({names}) SELECT {values} FROM unnest({arrays}) \
         AS v({names}) ON CONFLICT (uuid) DO UPDATE SET {updates}, synced_at = now()",
        names = names.join(", "),
        values = values.join(", "),
        arrays = arrays.join(", "),
        updates = updates.join(", "),
    )
}

fn lang_code(lang: Lang) -> String {
    match lang {
        Lang::Zh => "zh".into(),
        Lang::En => "en".into(),
    }
}

/// Upserts `rows` in one statement; returns how many rows the database wrote. Duplicate
/// UUIDs within `rows` are sent once (an upsert may not touch a row twice).
pub fn upsert(client: &mut Client, rows: &[CallSummary]) -> Result<u64, TeamError> {
    upsert_rows(client, rows).map_err(TeamError::from_db)
}

/// [`upsert`] with the database's own error, for [`send_isolating`] to tell a refused row
/// from a lost connection.
fn upsert_rows(client: &mut Client, rows: &[CallSummary]) -> Result<u64, postgres::Error> {
    let mut seen = HashSet::new();
    let rows: Vec<&CallSummary> = rows.iter().filter(|r| seen.insert(r.uuid)).collect();
    if rows.is_empty() {
        return Ok(0);
    }
    macro_rules! col {
        ($f:expr) => {
            Box::new(rows.iter().map($f).collect::<Vec<_>>()) as Box<dyn ToSql + Sync>
        };
    }
    let params: Vec<Box<dyn ToSql + Sync>> = vec![
        col!(|r| r.uuid.to_string()),
        col!(|r| r.team.clone()),
        col!(|r| r.agent.clone()),
        col!(|r| r.session_id.clone()),
        col!(|r| r.started_unix_s as f64),
        col!(|r| r.ended_unix_s.map(|e| e as f64)),
        col!(|r| r.day.clone()),
        col!(|r| lang_code(r.lang)),
        col!(|r| r.duration_s),
        col!(|r| r.speech_s),
        col!(|r| r.turn_s),
        col!(|r| r.pace_per_min),
        col!(|r| r.volume_relative_db),
        col!(|r| r.pitch_median_hz),
        col!(|r| r.pitch_spread_st),
        col!(|r| r.spread_floor_st),
        col!(|r| r.pauses),
        col!(|r| r.longest_pause_s),
        col!(|r| r.clipped_samples),
        col!(|r| r.heard_caller),
        col!(|r| r.agent_talk_share),
        col!(|r| r.agent_interruptions),
        col!(|r| r.caller_interruptions),
        col!(|r| r.overlap_s),
        col!(|r| r.response_gap_median_s),
        col!(|r| r.dead_air_count),
        col!(|r| r.longest_dead_air_s),
        col!(|r| r.holds),
        col!(|r| r.holds_over_30s),
        col!(|r| r.longest_hold_s),
        col!(|r| r.longest_agent_monologue_s),
        col!(|r| r.cues_total),
        col!(|r| serde_json::to_string(&r.cue_counts).expect("counts serialise")),
    ];
    debug_assert_eq!(params.len(), COLUMNS.len());
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
    client.execute(&statement(), &refs)
}

/// What one pass over the queue did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sent {
    pub sent: usize,
    pub waiting: usize,
    /// Calls set aside in this pass (see [`queue`]): they wait no more.
    pub set_aside: usize,
}

/// Sends every waiting call under `root`, a batch at a time, marking each batch once the
/// database has it. `progress(sent, total)` is called after each batch. On an error the
/// calls not yet marked stay waiting. A call whose row cannot be sent is set aside with
/// its reason, and the others go: see [`send_isolating`].
pub fn send_waiting(
    client: &mut Client,
    config: &TeamConfig,
    root: &Path,
    baseline: Option<crate::coach::Baseline>,
    batch: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Sent, TeamError> {
    let waiting = queue::waiting(root, &config.destination)?;
    let total = waiting.len();
    if total == 0 {
        // The usual round: nothing to send, and no need to read the whole history.
        return Ok(Sent::default());
    }
    let by = Sender { team: &config.settings.team, agent: &config.settings.agent, baseline };
    let days = queue::shift_days(root)?;
    let mut pass = Sent::default();
    for chunk in waiting.chunks(batch.max(1)) {
        let (rows, refused) = queue::rows(chunk, &days, by)?;
        for (dir, reason) in &refused {
            queue::set_aside_call(dir, &config.destination, reason)?;
        }
        pass.set_aside += refused.len();
        send_isolating(client, config, rows, &mut pass)?;
        progress(pass.sent + pass.set_aside, total);
    }
    pass.waiting = total.saturating_sub(pass.sent + pass.set_aside);
    Ok(pass)
}

/// Whether the database refused these rows for what is in them (a CHECK constraint, a
/// value out of range: SQLSTATE classes 22 and 23, or a row-level security policy:
/// 42501) rather than because the connection or the server failed.
fn refused_rows(e: &postgres::Error) -> Option<&postgres::error::SqlState> {
    let code = e.as_db_error()?.code();
    let class = &code.code()[..2];
    (class == "22" || class == "23" || *code == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
        .then_some(code)
}

/// Upserts `rows` and marks them sent; when the database refuses the batch for what is in
/// it, halves it until the row at fault is alone (a batch of 500 with one bad row costs
/// about 18 statements), sends the rest, and sets that row aside with the database's
/// reason. A row refused by row-level security while its team is this login's belongs to
/// another login under the same UUID (a disk cloned from another agent's PC): it gets a
/// fresh UUID, written into its `session.json` first, and is sent once more. A connection
/// that fails, or a refusal that is not about one row (a team that is not this login's),
/// ends the pass with the calls left waiting.
fn send_isolating(
    client: &mut Client,
    config: &TeamConfig,
    mut rows: Vec<queue::Row>,
    pass: &mut Sent,
) -> Result<(), TeamError> {
    if rows.is_empty() {
        return Ok(());
    }
    let calls: Vec<CallSummary> = rows.iter().map(|(_, r)| r.clone()).collect();
    let e = match upsert_rows(client, &calls) {
        Ok(_) => {
            for (dir, row) in &rows {
                queue::mark_sent(dir, row.uuid, &config.destination)?;
            }
            pass.sent += rows.len();
            return Ok(());
        }
        Err(e) => e,
    };
    let Some(code) = refused_rows(&e) else { return Err(TeamError::from_db(e)) };
    if rows.len() > 1 {
        let second = rows.split_off(rows.len() / 2);
        send_isolating(client, config, rows, pass)?;
        return send_isolating(client, config, second, pass);
    }
    let (dir, mut row) = rows.pop().expect("one row");
    if *code == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE {
        if !is_my_team(client, &row.team)? {
            return Err(TeamError::from_db(e));
        }
        row.uuid = crate::session::store::renew_uuid(&dir)?;
        return match upsert_rows(client, std::slice::from_ref(&row)) {
            Ok(_) => {
                queue::mark_sent(&dir, row.uuid, &config.destination)?;
                pass.sent += 1;
                Ok(())
            }
            // Not the UUID, then: not this row's fault either.
            Err(e) => Err(TeamError::from_db(e)),
        };
    }
    let reason = TeamError::from_db(e).to_string();
    queue::set_aside_call(
        &dir,
        &config.destination,
        &format!("refused by the database: {reason}"),
    )?;
    pass.set_aside += 1;
    Ok(())
}

/// Whether `team` is one of this login's teams (`speech_coach.my_teams()`).
fn is_my_team(client: &mut Client, team: &str) -> Result<bool, TeamError> {
    client
        .query_one("SELECT $1 IN (SELECT speech_coach.my_teams())", &[&team])
        .map(|r| r.get::<_, Option<bool>>(0).unwrap_or(false))
        .map_err(TeamError::from_db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_names_every_column_once_with_one_array_each() {
        let sql = statement();
        assert_eq!(sql.matches("::text[]").count(), 7, "{sql}");
        assert!(sql.contains(&format!("${}::", COLUMNS.len())));
        assert!(!sql.contains(&format!("${}::", COLUMNS.len() + 1)));
        assert!(sql.contains("ON CONFLICT (uuid) DO UPDATE"));
        assert!(!sql.contains("uuid = EXCLUDED.uuid"));
    }
}
