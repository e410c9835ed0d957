//! The team's target profile: the bands a trainer hands to a whole team, kept in
//! `speech_coach.profiles` in the settings file's `"targets"` shape.
//!
//! Which wins: a band the team's profile sets wins over the same band in the local
//! settings; a band it leaves out (or sets unusably) keeps the local one. The last profile
//! read is cached beside the store (`link`), so an offline start keeps it; without team
//! sync, or before the database has ever answered, the local settings are all there is.
//! Each band is checked as the settings file's are ([`TargetBand::check`]), so a typo in
//! the database costs that band alone and never reaches a gauge.

use postgres::Client;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::db::TeamError;
use crate::coach::Targets;
use crate::coach::targets::TargetBand;

/// A team's profile as the database holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub team: String,
    /// The row's `updated_at` as text: what the apps poll to notice a change.
    pub updated_at: String,
    pub targets: Value,
}

impl Profile {
    /// `local` with every usable band of the profile laid over it, and a line for each
    /// band left local because the profile's was unusable.
    pub fn apply(&self, local: Targets) -> (Targets, Vec<String>) {
        let mut targets = local;
        let mut notices = Vec::new();
        let Some(object) = self.targets.as_object() else {
            notices.push(format!("team profile of {}: targets: not an object", self.team));
            return (targets, notices);
        };
        for (key, band, range) in targets.bands_mut() {
            let Some(value) = object.get(key) else { continue };
            match serde_json::from_value::<TargetBand>(value.clone()) {
                Ok(b) => match b.check(&range) {
                    Ok(()) => *band = b,
                    Err(problem) => {
                        notices.push(format!("team profile of {}: {key}: {problem}", self.team))
                    }
                },
                Err(_) => notices.push(format!("team profile of {}: {key}: wrong type", self.team)),
            }
        }
        (targets, notices)
    }
}

/// When the team's profile last changed (`None`: the team has none).
pub fn version(client: &mut Client, team: &str) -> Result<Option<String>, TeamError> {
    let row = client
        .query_opt("SELECT updated_at::text FROM speech_coach.profiles WHERE team = $1", &[&team])
        .map_err(TeamError::from_db)?;
    Ok(row.map(|r| r.get(0)))
}

/// The team's profile (`None`: the team has none, or this login may not read it).
pub fn fetch(client: &mut Client, team: &str) -> Result<Option<Profile>, TeamError> {
    let row = client
        .query_opt(
            "SELECT updated_at::text, targets::text FROM speech_coach.profiles WHERE team = $1",
            &[&team],
        )
        .map_err(TeamError::from_db)?;
    Ok(row.map(|r| {
        let text: String = r.get(1);
        Profile {
            team: team.to_string(),
            updated_at: r.get(0),
            targets: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }))
}

/// Sets a team's profile (a lead's or the owner's login; agents are refused by the
/// database).
pub fn store(client: &mut Client, team: &str, targets: &Targets) -> Result<(), TeamError> {
    let json = serde_json::to_string(targets).expect("targets serialise");
    client
        .execute(
            "INSERT INTO speech_coach.profiles (team, targets) VALUES ($1, $2::text::jsonb) \
             ON CONFLICT (team) DO UPDATE SET targets = EXCLUDED.targets",
            &[&team, &json],
        )
        .map_err(TeamError::from_db)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(targets: Value) -> Profile {
        Profile { team: "north".into(), updated_at: "t".into(), targets }
    }

    #[test]
    fn the_profiles_bands_win_and_the_ones_it_leaves_out_stay_local() {
        let local = Targets {
            volume_relative_db: TargetBand { green: (-3.0, 3.0), amber: (-6.0, 6.0) },
            ..Targets::default()
        };
        let p = profile(serde_json::json!({
            "pace_zh_chars_per_min": {"green": [140, 160], "amber": [120, 180]}
        }));
        let (t, notices) = p.apply(local);
        assert!(notices.is_empty());
        assert_eq!(t.pace_zh_chars_per_min.green, (140.0, 160.0));
        assert_eq!(t.volume_relative_db, local.volume_relative_db);
    }

    #[test]
    fn an_unusable_band_in_the_profile_keeps_the_local_one_and_says_so() {
        let p = profile(serde_json::json!({
            "pace_zh_chars_per_min": {"green": [170, 130], "amber": [200, 110]},
            "pace_en_words_per_min": "fast"
        }));
        let (t, notices) = p.apply(Targets::default());
        assert_eq!(t, Targets::default());
        assert_eq!(notices.len(), 2, "{notices:?}");
        let (t, notices) = profile(Value::Null).apply(Targets::default());
        assert_eq!((t, notices.len()), (Targets::default(), 1));
    }
}
