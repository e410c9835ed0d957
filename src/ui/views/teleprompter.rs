//! The rehearsal teleprompter: the script with the current line highlighted and each
//! finished line's pace.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::View;

impl View<'_> {
    pub(super) fn teleprompter(&self, ui: &mut Ui, script: &crate::coach::rehearsal::Script) {
        let s = self.s();
        let (current, results) =
            self.state.rehearsal.as_ref().map_or((0, &[][..]), |(c, r)| (*c, r.as_slice()));
        ui.label(format!(
            "{} · {} {:.0} s",
            script.title.as_deref().unwrap_or(s.script),
            s.expected,
            script.expected_s(self.speech_lang)
        ));
        egui::ScrollArea::vertical().max_height(180.0).show(ui, |ui| {
            for (i, line) in script.lines.iter().enumerate() {
                // A line's pace is shown once the highlight has moved past it.
                let result = if i < current { results.get(i) } else { None };
                let pace = result.and_then(|r| r.pace).map_or(String::new(), |p| {
                    format!("   {p:.0} / {:.0} {}", line.target_pace, self.pace_unit())
                });
                let text = RichText::new(format!(
                    "{}{}{pace}",
                    if line.slow { "▼ " } else { "" },
                    line.text
                ))
                .size(if i == current { 20.0 } else { 15.0 });
                let text = if i == current {
                    text.strong().background_color(ui.visuals().selection.bg_fill)
                } else if i < current {
                    text.weak()
                } else {
                    text
                };
                let response = ui.label(text);
                if i == current {
                    response.scroll_to_me(Some(egui::Align::Center));
                }
            }
        });
    }
}
