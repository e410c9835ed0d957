//! The team report's figures: per agent and for the team, each day of a period, against
//! the team's targets, with the agents furthest from them first.
//!
//! An agent is a database login, not the name the app sends: the name is free text in
//! the agent's settings, so grouping by it let anyone file calls in a colleague's figures
//! (issue 22 S1). A login's row is named by the name it sent last, with the login beside
//! it when the two differ ("Bob (alice)"), so a borrowed name is seen for what it is.
//!
//! The database does the counting: one `GROUP BY login, day` over the `(team, day)`
//! index returns weighted sums per agent-day (a few thousand rows for a team of 25 over
//! 30 days however many calls they made), and the agent, team and period figures are
//! sums of those. Weights are the call report's and the shift history's: pace by turn
//! time, the rest by speaking time. Tiring is the shift history's rule on each agent-day:
//! the last third of the day's calls against the first, level down 2 dB and spread 1 st.

use postgres::Client;
use serde::Serialize;

use super::db::TeamError;
use super::profile;
use crate::analysis::Lang;
use crate::coach::Targets;
use crate::session::history::{TIRING_LEVEL_DB, TIRING_SPREAD_ST};

/// Weighted sums for one agent-day, or any sum of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub calls: i64,
    pub pace_zh: (f64, f64),
    pub pace_en: (f64, f64),
    pub volume: (f64, f64),
    pub spread: (f64, f64),
    /// The flat-voice floor, weighted like the spread it is compared with.
    pub floor: (f64, f64),
    pub heard: i64,
    pub interruptions: i64,
    pub dead_air: i64,
    pub holds_over_30s: i64,
    pub talk_share: (f64, f64),
    /// Level (against the agent's normal) and spread over the first and the last third of
    /// an agent-day's calls.
    pub first_level: (f64, f64),
    pub last_level: (f64, f64),
    pub first_spread: (f64, f64),
    pub last_spread: (f64, f64),
    /// Agent-days that read as tiring (filled when agent-days are added up).
    pub tiring_days: i64,
}

fn add2(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 + b.0, a.1 + b.1)
}

fn mean(s: (f64, f64)) -> Option<f32> {
    (s.1 > 0.0).then(|| (s.0 / s.1) as f32)
}

impl Sums {
    pub fn add(&mut self, o: &Sums) {
        self.calls += o.calls;
        self.pace_zh = add2(self.pace_zh, o.pace_zh);
        self.pace_en = add2(self.pace_en, o.pace_en);
        self.volume = add2(self.volume, o.volume);
        self.spread = add2(self.spread, o.spread);
        self.floor = add2(self.floor, o.floor);
        self.heard += o.heard;
        self.interruptions += o.interruptions;
        self.dead_air += o.dead_air;
        self.holds_over_30s += o.holds_over_30s;
        self.talk_share = add2(self.talk_share, o.talk_share);
        self.tiring_days += o.tiring_days + i64::from(o.tiring_days == 0 && o.tiring());
    }

    /// The shift history's rule, on one agent-day.
    pub fn tiring(&self) -> bool {
        let change = |first, last| Some(mean(last)? - mean(first)?);
        change(self.first_level, self.last_level).is_some_and(|d| d <= -TIRING_LEVEL_DB)
            && change(self.first_spread, self.last_spread).is_some_and(|d| d <= -TIRING_SPREAD_ST)
    }

    /// The language most of the talk was in (its pace unit is the one shown).
    pub fn lang(&self) -> Lang {
        if self.pace_en.1 > self.pace_zh.1 { Lang::En } else { Lang::Zh }
    }

    pub fn figures(&self) -> Figures {
        let per_heard = |n: i64| (self.heard > 0).then(|| n as f32 / self.heard as f32);
        let lang = self.lang();
        Figures {
            calls: self.calls,
            lang,
            pace_per_min: mean(match lang {
                Lang::Zh => self.pace_zh,
                Lang::En => self.pace_en,
            }),
            volume_relative_db: mean(self.volume),
            pitch_spread_st: mean(self.spread),
            spread_floor_st: mean(self.floor),
            calls_heard: self.heard,
            interruptions_per_call: per_heard(self.interruptions),
            dead_air_per_call: per_heard(self.dead_air),
            holds_over_30s: self.holds_over_30s,
            agent_talk_share: mean(self.talk_share),
            tiring: self.tiring_days > 0 || self.tiring(),
            tiring_days: self.tiring_days.max(i64::from(self.tiring())),
        }
    }
}

/// Figures over some calls, as the report shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub calls: i64,
    /// The language of most of the talk: the pace's unit (chars/min or words/min).
    pub lang: Lang,
    pub pace_per_min: Option<f32>,
    pub volume_relative_db: Option<f32>,
    pub pitch_spread_st: Option<f32>,
    pub spread_floor_st: Option<f32>,
    pub calls_heard: i64,
    pub interruptions_per_call: Option<f32>,
    pub dead_air_per_call: Option<f32>,
    pub holds_over_30s: i64,
    pub agent_talk_share: Option<f32>,
    pub tiring: bool,
    /// Agent-days (shifts) flagged as tiring.
    pub tiring_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigures {
    pub day: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// How far one agent's period is from the targets, part by part (0 = on target).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Distance {
    /// Green-band widths outside the pace band.
    pub pace: f32,
    /// Green-band widths outside the volume band.
    pub volume: f32,
    /// Fraction of the flat-voice floor the spread falls short by.
    pub tone: f32,
    /// Interruptions, dead air and long holds per call heard, weighted below.
    pub conversation: f32,
    /// Share of the agent's days flagged tiring.
    pub tiring: f32,
    pub total: f32,
}

/// Conversation events per heard call, each counted as this many band widths: an
/// interruption or a dead-air gap in every other call is as far off as a pace one band
/// width out; a hold over 30 s in every call counts double that (guidance rows 7, 8, 10).
const INTERRUPTION_WEIGHT: f32 = 0.5;
const DEAD_AIR_WEIGHT: f32 = 0.5;
const LONG_HOLD_WEIGHT: f32 = 1.0;

fn outside(value: Option<f32>, band: (f32, f32)) -> f32 {
    let width = (band.1 - band.0).max(f32::EPSILON);
    match value {
        Some(v) if v < band.0 => (band.0 - v) / width,
        Some(v) if v > band.1 => (v - band.1) / width,
        _ => 0.0,
    }
}

impl Distance {
    pub fn of(f: &Figures, days: usize, targets: &Targets) -> Self {
        let pace = outside(f.pace_per_min, targets.pace(f.lang).green);
        let volume = outside(f.volume_relative_db, targets.volume_relative_db.green);
        let tone = match (f.pitch_spread_st, f.spread_floor_st) {
            (Some(s), Some(floor)) if floor > 0.0 => ((floor - s) / floor).max(0.0),
            _ => 0.0,
        };
        let conversation = if f.calls_heard > 0 {
            let per = |n: f32| n;
            INTERRUPTION_WEIGHT * per(f.interruptions_per_call.unwrap_or(0.0))
                + DEAD_AIR_WEIGHT * per(f.dead_air_per_call.unwrap_or(0.0))
                + LONG_HOLD_WEIGHT * f.holds_over_30s as f32 / f.calls_heard as f32
        } else {
            0.0
        };
        let tiring = if days > 0 { f.tiring_days as f32 / days as f32 } else { 0.0 };
        Self {
            pace,
            volume,
            tone,
            conversation,
            tiring,
            total: pace + volume + tone + conversation + tiring,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentTrend {
    pub agent: String,
    pub period: Figures,
    pub distance: Distance,
    /// Days with calls, oldest first.
    pub days: Vec<DayFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    pub team: String,
    pub from: String,
    pub to: String,
    /// Every day of the period, oldest first (the plots' x axis).
    pub days: Vec<String>,
    pub targets: Targets,
    /// When the team's profile last changed (`None`: the guidance defaults are used).
    pub profile_updated_at: Option<String>,
    pub team_period: Figures,
    /// The team's figures per day with calls.
    pub team_days: Vec<DayFigures>,
    /// Furthest from the targets first.
    pub agents: Vec<AgentTrend>,
}

const QUERY: &str = "
WITH c AS (
    -- Keyed by the login that sent the row (the database's, not the agent's free text);
    -- `name`: the agent name it sent last that day (the same window, no second sort).
    SELECT login::text AS who, last_value(agent) OVER w AS name,
           day, lang, started_at,
           pace_per_min::float8 AS pace, turn_s::float8 AS turn, speech_s::float8 AS talk,
           -- The tiring test compares the level of a day's first and last calls: against
           -- the agent's normal, as sent (the absolute level is not, issue 22 S7).
           volume_relative_db::float8 AS volume, volume_relative_db::float8 AS level,
           pitch_spread_st::float8 AS spread, spread_floor_st::float8 AS floor,
           heard_caller, agent_interruptions, dead_air_count, holds_over_30s,
           agent_talk_share::float8 AS share,
           row_number() OVER w AS rn, count(*) OVER w AS n
    FROM speech_coach.summaries
    WHERE team = $1 AND day BETWEEN $2::text::date AND $3::text::date
    -- One window for both (the frame is the whole agent-day): one sort, one pass.
    WINDOW w AS (PARTITION BY login, day ORDER BY started_at
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT who, day::text AS day_text, count(*),
    coalesce(sum(pace * turn) FILTER (WHERE lang = 'zh'), 0),
    coalesce(sum(turn) FILTER (WHERE lang = 'zh' AND pace IS NOT NULL), 0),
    coalesce(sum(pace * turn) FILTER (WHERE lang = 'en'), 0),
    coalesce(sum(turn) FILTER (WHERE lang = 'en' AND pace IS NOT NULL), 0),
    coalesce(sum(volume * talk), 0), coalesce(sum(talk) FILTER (WHERE volume IS NOT NULL), 0),
    coalesce(sum(spread * talk), 0), coalesce(sum(talk) FILTER (WHERE spread IS NOT NULL), 0),
    coalesce(sum(floor * talk) FILTER (WHERE spread IS NOT NULL), 0),
    count(*) FILTER (WHERE heard_caller),
    coalesce(sum(agent_interruptions), 0)::int8, coalesce(sum(dead_air_count), 0)::int8,
    coalesce(sum(holds_over_30s), 0)::int8,
    coalesce(sum(share * talk), 0), coalesce(sum(talk) FILTER (WHERE share IS NOT NULL), 0),
    coalesce(sum(level * talk) FILTER (WHERE rn <= n / 3), 0),
    coalesce(sum(talk) FILTER (WHERE rn <= n / 3 AND level IS NOT NULL), 0),
    coalesce(sum(level * talk) FILTER (WHERE rn > n - n / 3), 0),
    coalesce(sum(talk) FILTER (WHERE rn > n - n / 3 AND level IS NOT NULL), 0),
    coalesce(sum(spread * talk) FILTER (WHERE rn <= n / 3), 0),
    coalesce(sum(talk) FILTER (WHERE rn <= n / 3 AND spread IS NOT NULL), 0),
    coalesce(sum(spread * talk) FILTER (WHERE rn > n - n / 3), 0),
    coalesce(sum(talk) FILTER (WHERE rn > n - n / 3 AND spread IS NOT NULL), 0),
    max(name)
FROM c GROUP BY who, day ORDER BY who, day";

/// The agent-day sums of `team` from `from` to `to` (`YYYY-MM-DD`, both included).
pub fn agent_days(
    client: &mut Client,
    team: &str,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, Sums)>, TeamError> {
    let rows = client.query(QUERY, &[&team, &from, &to]).map_err(TeamError::from_db)?;
    // Each login is shown under the name it sent on its last day (rows come by login,
    // then day), with the login beside it when the two differ.
    let mut labels = std::collections::HashMap::new();
    for r in &rows {
        let (who, name): (String, String) = (r.get(0), r.get(26));
        let label = if name.to_lowercase() == who.to_lowercase() {
            who.clone()
        } else {
            format!("{name} ({who})")
        };
        labels.insert(who, label);
    }
    Ok(rows
        .iter()
        .map(|r| {
            let f = |i: usize| -> f64 { r.get(i) };
            let p = |i: usize| (f(i), f(i + 1));
            let sums = Sums {
                calls: r.get(2),
                pace_zh: p(3),
                pace_en: p(5),
                volume: p(7),
                spread: p(9),
                floor: (f(11), f(10)),
                heard: r.get(12),
                interruptions: r.get(13),
                dead_air: r.get(14),
                holds_over_30s: r.get(15),
                talk_share: p(16),
                first_level: p(18),
                last_level: p(20),
                first_spread: p(22),
                last_spread: p(24),
                tiring_days: 0,
            };
            let who: String = r.get(0);
            (labels.get(&who).cloned().unwrap_or(who), r.get(1), sums)
        })
        .collect())
}

/// The days from `to - (days - 1)` to `to`.
pub fn period(to: &str, days: u32) -> Result<Vec<String>, TeamError> {
    let end = chrono::NaiveDate::parse_from_str(to, "%Y-%m-%d").map_err(|e| {
        TeamError::Report(format!("the last day {to:?} is not a date (YYYY-MM-DD): {e}"))
    })?;
    let days = days.clamp(1, 366);
    Ok((0..days)
        .rev()
        .filter_map(|back| end.checked_sub_days(chrono::Days::new(u64::from(back))))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect())
}

/// The report from agent-day sums (the part that needs no database).
pub fn assemble(
    team: &str,
    days: Vec<String>,
    targets: Targets,
    profile_updated_at: Option<String>,
    rows: Vec<(String, String, Sums)>,
) -> TeamReport {
    use std::collections::BTreeMap;
    let mut by_agent: BTreeMap<String, Vec<(String, Sums)>> = BTreeMap::new();
    let mut by_day: BTreeMap<String, Sums> = BTreeMap::new();
    let mut all = Sums::default();
    for (agent, day, sums) in rows {
        by_day.entry(day.clone()).or_default().add(&sums);
        all.add(&sums);
        by_agent.entry(agent).or_default().push((day, sums));
    }
    let mut agents: Vec<AgentTrend> = by_agent
        .into_iter()
        .map(|(agent, agent_days)| {
            let mut total = Sums::default();
            for (_, s) in &agent_days {
                total.add(s);
            }
            let period = total.figures();
            let distance = Distance::of(&period, agent_days.len(), &targets);
            let days = agent_days
                .into_iter()
                .map(|(day, s)| DayFigures { day, figures: s.figures() })
                .collect();
            AgentTrend { agent, period, distance, days }
        })
        .collect();
    agents.sort_by(|a, b| {
        b.distance.total.total_cmp(&a.distance.total).then_with(|| a.agent.cmp(&b.agent))
    });
    TeamReport {
        team: team.to_string(),
        from: days.first().cloned().unwrap_or_default(),
        to: days.last().cloned().unwrap_or_default(),
        days,
        targets,
        profile_updated_at,
        team_period: all.figures(),
        team_days: by_day
            .into_iter()
            .map(|(day, s)| DayFigures { day, figures: s.figures() })
            .collect(),
        agents,
    }
}

/// The report of `team` over the `days` days ending `to`, against the team's profile
/// (laid over the guidance defaults).
pub fn build(
    client: &mut Client,
    team: &str,
    days: u32,
    to: &str,
) -> Result<TeamReport, TeamError> {
    let period = period(to, days)?;
    let profile = profile::fetch(client, team)?;
    let targets = profile.as_ref().map_or_else(Targets::default, |p| p.apply(Targets::default()).0);
    let rows = agent_days(client, team, &period[0], to)?;
    Ok(assemble(team, period, targets, profile.map(|p| p.updated_at), rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(calls: i64, pace: f64, first_level: f64, last_level: f64, spread_drop: f64) -> Sums {
        Sums {
            calls,
            pace_zh: (pace * 60.0 * calls as f64, 60.0 * calls as f64),
            volume: (0.0, 50.0),
            spread: (6.0 * 50.0, 50.0),
            floor: (5.0 * 50.0, 50.0),
            first_level: (first_level, 1.0),
            last_level: (last_level, 1.0),
            first_spread: (6.0, 1.0),
            last_spread: (6.0 - spread_drop, 1.0),
            ..Sums::default()
        }
    }

    #[test]
    fn the_agent_furthest_from_the_targets_comes_first() {
        let rows = vec![
            ("on-target".into(), "2026-11-01".into(), day(10, 150.0, -26.0, -26.0, 0.0)),
            ("fast".into(), "2026-11-01".into(), day(10, 230.0, -26.0, -26.0, 0.0)),
            ("tiring".into(), "2026-11-01".into(), day(10, 150.0, -24.0, -27.0, 1.5)),
        ];
        let days = period("2026-11-02", 2).unwrap();
        let r = assemble("north", days, Targets::default(), None, rows);
        let order: Vec<&str> = r.agents.iter().map(|a| a.agent.as_str()).collect();
        assert_eq!(order, ["fast", "tiring", "on-target"]);
        // 230 chars/min against green 130–170: 60 over a 40-wide band.
        assert!((r.agents[0].distance.pace - 1.5).abs() < 1e-5);
        assert!(r.agents[1].period.tiring && r.agents[1].period.tiring_days == 1);
        assert_eq!(r.team_period.calls, 30);
        assert_eq!(r.team_period.tiring_days, 1);
        assert_eq!(r.days, ["2026-11-01", "2026-11-02"]);
    }

    #[test]
    fn pace_pools_by_turn_time_like_the_shift_history() {
        let mut a = day(1, 100.0, 0.0, 0.0, 0.0);
        a.pace_zh = (100.0 * 10.0, 10.0);
        let mut b = day(1, 200.0, 0.0, 0.0, 0.0);
        b.pace_zh = (200.0 * 30.0, 30.0);
        a.add(&b);
        assert_eq!(a.figures().pace_per_min, Some(175.0));
    }

    #[test]
    fn a_period_ends_on_its_last_day_and_a_bad_date_is_one_clear_error() {
        assert_eq!(period("2026-03-01", 3).unwrap(), ["2026-02-27", "2026-02-28", "2026-03-01"]);
        assert!(period("yesterday", 3).unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
