//! The team sync status line: how many finished calls wait to be sent, and whether the
//! team database is reachable. Absent when team sync is off.

use crate::egui::{RichText, Ui};

use super::View;
use crate::coach::Band;
use crate::ui::gauge::band_color;
use crate::ui::i18n::team_strings;

/// What the line shows, read from the sync thread's status once per repaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamSyncLine {
    /// Calls not yet in the team database (`None` before the first count).
    pub waiting: Option<usize>,
    /// The last exchange with the database went through.
    pub connected: bool,
}

impl View<'_> {
    /// The line's text in the interface language (`None` when team sync is off).
    pub fn team_sync_text(&self) -> Option<String> {
        let line = self.team_sync?;
        let t = team_strings(self.ui_lang);
        let mut text = match line.waiting {
            None => t.starting.to_string(),
            Some(0) => t.up_to_date.to_string(),
            Some(n) => t.waiting.replace("{n}", &n.to_string()),
        };
        if !line.connected && line.waiting.is_some() {
            text.push_str(t.offline);
        }
        Some(text)
    }

    pub(super) fn team_sync_line(&self, ui: &mut Ui) {
        let Some(text) = self.team_sync_text() else { return };
        let waiting = self.team_sync.and_then(|l| l.waiting).unwrap_or(0) > 0;
        let text = RichText::new(text).small();
        ui.label(if waiting { text.color(band_color(Band::Amber)) } else { text.weak() });
    }
}
