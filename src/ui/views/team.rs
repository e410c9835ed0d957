//! The team sync status line: how many finished calls wait to be sent, and whether the
//! team database is reachable. Absent when team sync is off.

use crate::egui::{RichText, Ui};

use super::View;
use crate::coach::Band;
use crate::team::SyncProblem;
use crate::ui::gauge::band_color;
use crate::ui::i18n::team_strings;
use crate::words::fill;

/// What the line shows, read from the sync thread's status once per repaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamSyncLine {
    /// Calls not yet in the team database (`None` before the first count).
    pub waiting: Option<usize>,
    /// The last exchange with the database went through.
    pub connected: bool,
    /// Calls set aside: team sync cannot send them (a figure out of range, a row the
    /// database refused), so they wait no more and are counted apart.
    pub set_aside: usize,
    /// What a person must fix before team sync can go on (said instead of "offline").
    pub problem: Option<SyncProblem>,
}

impl View<'_> {
    /// The line's text in the interface language (`None` when team sync is off).
    pub fn team_sync_text(&self) -> Option<String> {
        let line = self.team_sync?;
        let t = team_strings(self.ui_lang);
        let mut text = match line.waiting {
            None => t.starting.to_string(),
            Some(0) => t.up_to_date.to_string(),
            Some(n) => fill(t.waiting, &[("n", &n.to_string())]),
        };
        match line.problem {
            Some(problem) if !line.connected => {
                text.push_str(&fill(t.cannot_connect, &[("why", t.problem(problem))]))
            }
            _ if !line.connected && line.waiting.is_some() => text.push_str(t.offline),
            _ => {}
        }
        // A call set aside is never sent by waiting longer: said on every repaint, or the
        // agent would only learn of it from `team sync` (issue 22).
        match line.set_aside {
            0 => {}
            1 => text.push_str(t.set_aside_one),
            n => text.push_str(&fill(t.set_aside, &[("n", &n.to_string())])),
        }
        Some(text)
    }

    pub(super) fn team_sync_line(&self, ui: &mut Ui) {
        let Some(text) = self.team_sync_text() else { return };
        let line = self.team_sync.expect("a line when there is text");
        let text = RichText::new(text).small();
        if line.set_aside > 0 || (line.problem.is_some() && !line.connected) {
            ui.label(text.color(band_color(Band::Red)))
                .on_hover_text(team_strings(self.ui_lang).set_aside_hint);
        } else if line.waiting.unwrap_or(0) > 0 {
            ui.label(text.color(band_color(Band::Amber)));
        } else {
            ui.label(text.weak());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::LiveState;
    use crate::settings::UiLang;

    fn text(ui_lang: UiLang, team_sync: Option<TeamSyncLine>) -> Option<String> {
        let state = LiveState::new(crate::analysis::Lang::Zh);
        let targets = crate::coach::Targets::default();
        let view = View {
            state: &state,
            ui_lang,
            speech_lang: crate::analysis::Lang::Zh,
            notice: None,
            baseline_spread_st: None,
            targets: &targets,
            devices: &[],
            device: None,
            caller_devices: &[],
            caller_device: None,
            recording: false,
            script: None,
            sessions: None,
            on_hold: false,
            targets_open: false,
            team_sync,
            pace_profile: None,
            use_pace_profile: true,
            calibrated: false,
            can_undo_calibration: false,
        };
        view.team_sync_text()
    }

    #[test]
    fn the_line_counts_waiting_calls_says_offline_and_is_absent_when_team_sync_is_off() {
        let line = |waiting, connected| {
            Some(TeamSyncLine { waiting, connected, set_aside: 0, problem: None })
        };
        assert_eq!(text(UiLang::Zh, None), None);
        assert_eq!(text(UiLang::Zh, line(Some(3), true)).unwrap(), "团队同步：3 条待发");
        assert_eq!(
            text(UiLang::En, line(Some(3), false)).unwrap(),
            "team sync: 3 waiting (offline)"
        );
        assert_eq!(text(UiLang::En, line(Some(0), true)).unwrap(), "team sync: up to date");
        assert_eq!(text(UiLang::En, line(None, false)).unwrap(), "team sync: connecting");
    }

    #[test]
    fn what_a_person_must_fix_is_said_instead_of_offline_in_both_languages() {
        let line = |waiting, connected, problem| {
            Some(TeamSyncLine { waiting, connected, set_aside: 0, problem: Some(problem) })
        };
        assert_eq!(
            text(UiLang::En, line(Some(3), false, SyncProblem::CaFile)).unwrap(),
            "team sync: 3 waiting (cannot connect: the CA certificate file cannot be read)"
        );
        assert_eq!(
            text(UiLang::Zh, line(Some(3), false, SyncProblem::CaFile)).unwrap(),
            "团队同步：3 条待发（无法连接：CA 证书文件无法读取）"
        );
        // Said before the first count too: the count may never come.
        assert_eq!(
            text(UiLang::En, line(None, false, SyncProblem::LoginRefused)).unwrap(),
            "team sync: connecting (cannot connect: the login was refused)"
        );
        // Every problem has its words in both languages.
        for p in [
            SyncProblem::CaFile,
            SyncProblem::PasswordFile,
            SyncProblem::Settings,
            SyncProblem::LoginRefused,
            SyncProblem::NoTls,
            SyncProblem::Untrusted,
            SyncProblem::NotInitialised,
        ] {
            for lang in [UiLang::Zh, UiLang::En] {
                let said = text(lang, line(Some(0), false, p)).unwrap();
                assert!(said.len() > 40, "{lang:?} {p:?}: {said}");
            }
        }
        // Once connected, the problem is gone.
        assert_eq!(
            text(UiLang::En, line(Some(0), true, SyncProblem::CaFile)).unwrap(),
            "team sync: up to date"
        );
    }

    #[test]
    fn calls_set_aside_are_counted_apart_in_both_languages() {
        let line = |waiting, set_aside| {
            Some(TeamSyncLine { waiting, connected: true, set_aside, problem: None })
        };
        assert_eq!(
            text(UiLang::En, line(Some(0), 2)).unwrap(),
            "team sync: up to date; 2 calls could not be sent"
        );
        assert_eq!(
            text(UiLang::Zh, line(Some(3), 1)).unwrap(),
            "团队同步：3 条待发，1 通电话未能发送"
        );
        assert_eq!(
            text(UiLang::En, line(Some(3), 1)).unwrap(),
            "team sync: 3 waiting; 1 call could not be sent"
        );
        assert_eq!(text(UiLang::En, line(Some(0), 0)).unwrap(), "team sync: up to date");
    }
}
