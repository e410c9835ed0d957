//! Synthetic calls for the load test (`team load-test`, `scripts/team-load.sh`): a centre
//! of `agents` agents in teams, each making `calls_per_day` calls a day for `days` days,
//! with plausible figures (some agents fast, some tiring through the shift), sent through
//! the same upsert as real calls.
//!
//! Deterministic (a counter-based hash, no `rand`): the same arguments give the same rows
//! and UUIDs, so running the load twice updates rather than doubles.

use std::collections::BTreeMap;

use super::summary::CallSummary;
use crate::analysis::Lang;

/// The shape of the synthetic centre.
#[derive(Debug, Clone, Copy)]
pub struct Centre {
    pub agents: u32,
    pub teams: u32,
    pub calls_per_day: u32,
    pub days: u32,
}

impl Centre {
    pub fn total(&self) -> u64 {
        u64::from(self.agents) * u64::from(self.calls_per_day) * u64::from(self.days)
    }

    pub fn team_of(&self, agent: u32) -> String {
        format!("team-{:02}", agent % self.teams.max(1) + 1)
    }

    pub fn agent_name(agent: u32) -> String {
        format!("agent-{:03}", agent + 1)
    }
}

/// SplitMix64: a good 64-bit mix of a counter.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from a key.
fn unit(key: u64) -> f32 {
    (mix(key) >> 40) as f32 / (1u64 << 24) as f32
}

/// Call number `n` (0-based, over the whole centre, day by day) ending on `last_day`
/// (the period's last day as days since the Unix epoch).
pub fn call(centre: &Centre, n: u64, last_day: i64) -> CallSummary {
    let per_agent_day = u64::from(centre.calls_per_day.max(1));
    let per_day = per_agent_day * u64::from(centre.agents.max(1));
    let day_index = (n / per_day) as i64;
    let agent = ((n % per_day) / per_agent_day) as u32;
    let k = n % per_agent_day;
    let day = last_day - i64::from(centre.days) + 1 + day_index;
    // Shift 08:00–17:00 UTC, calls spread evenly through it.
    let started = day * 86_400 + 8 * 3600 + (k * 9 * 3600 / per_agent_day) as i64;
    let through = k as f32 / per_agent_day as f32;
    // One agent in ten of each team runs fast and one tires through the shift: the report
    // has something to rank.
    let in_team = agent / centre.teams.max(1);
    let fast = in_team % 10 == 1;
    let tiring = in_team % 10 == 2;
    let r = |salt: u64| unit(n.wrapping_mul(31).wrapping_add(salt));
    let pace = if fast { 195.0 } else { 150.0 } + 25.0 * (r(1) - 0.5);
    let level = -24.0 - if tiring { 4.0 * through } else { 0.0 } + 3.0 * (r(2) - 0.5);
    let spread = 6.5 - if tiring { 2.0 * through } else { 0.0 } + 1.5 * (r(3) - 0.5);
    let uuid_bits = (u128::from(mix(n ^ 0x5EED)) << 64) | u128::from(mix(n.wrapping_add(1)));
    let uuid = uuid::Builder::from_random_bytes(uuid_bits.to_be_bytes()).into_uuid();
    let heard = r(4) < 0.9;
    let mut cue_counts = BTreeMap::new();
    if pace > 170.0 {
        cue_counts.insert("TooFast".to_string(), 1 + (r(5) * 3.0) as i32);
    }
    let cues_total = cue_counts.values().sum();
    let date = chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    CallSummary {
        uuid,
        team: centre.team_of(agent),
        agent: Centre::agent_name(agent),
        session_id: format!("{started}"),
        started_unix_s: started,
        ended_unix_s: Some(started + 240),
        day: date,
        lang: Lang::Zh,
        duration_s: 240.0,
        speech_s: 100.0 + 40.0 * r(6),
        turn_s: 120.0 + 40.0 * r(7),
        pace_per_min: Some(pace),
        volume_relative_db: Some(level + 26.0),
        pitch_median_hz: Some(180.0 + 40.0 * r(8)),
        pitch_spread_st: Some(spread),
        spread_floor_st: 5.0,
        pauses: (r(9) * 20.0) as i32,
        longest_pause_s: 1.0 + 3.0 * r(10),
        clipped_samples: 0,
        heard_caller: heard,
        agent_talk_share: heard.then(|| 0.4 + 0.3 * r(11)),
        agent_interruptions: heard.then(|| (r(12) * 3.0) as i32),
        caller_interruptions: heard.then(|| (r(13) * 2.0) as i32),
        overlap_s: heard.then(|| 3.0 * r(14)),
        response_gap_median_s: heard.then(|| 0.5 + r(15)),
        dead_air_count: heard.then(|| (r(16) * 1.5) as i32),
        longest_dead_air_s: heard.then(|| 6.0 * r(17)),
        holds: heard.then(|| (r(18) * 2.0) as i32),
        holds_over_30s: heard.then(|| i32::from(r(19) < 0.1)),
        longest_hold_s: heard.then(|| 40.0 * r(20)),
        longest_agent_monologue_s: heard.then(|| 10.0 + 30.0 * r(21)),
        cues_total,
        cue_counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centre_is_covered_once_and_the_same_call_has_the_same_uuid() {
        let c = Centre { agents: 4, teams: 2, calls_per_day: 3, days: 2 };
        let calls: Vec<CallSummary> = (0..c.total()).map(|n| call(&c, n, 20_000)).collect();
        let uuids: std::collections::HashSet<_> = calls.iter().map(|c| c.uuid).collect();
        assert_eq!(uuids.len(), 24);
        assert_eq!(call(&c, 5, 20_000), calls[5]);
        let per_agent_day =
            calls.iter().filter(|x| x.agent == "agent-002" && x.day == calls[0].day);
        assert_eq!(per_agent_day.count(), 3);
        assert_eq!(calls.iter().filter(|x| x.team == "team-01").count(), 12);
    }
}
