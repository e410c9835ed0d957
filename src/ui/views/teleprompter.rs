//! The rehearsal teleprompter: the script with the current line highlighted and each
//! finished line's pace.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::View;

/// The teleprompter's height: about nine lines.
const TELEPROMPTER_HEIGHT: f32 = 200.0;

impl View<'_> {
    pub(super) fn teleprompter(&self, ui: &mut Ui, script: &crate::coach::rehearsal::Script) {
        let s = self.s();
        let (current, results) =
            self.state.rehearsal.as_ref().map_or((0, &[][..]), |(c, r)| (*c, r.as_slice()));
        ui.label(format!(
            "{} · {} {:.0} {}",
            script.title.as_deref().unwrap_or(s.script),
            s.expected,
            script.expected_s(self.speech_lang),
            s.seconds
        ));
        // Its own scroll area inside the view's, offset so that the highlighted line sits
        // in the middle. Set by offset, not `scroll_to_me`, which would also pull the
        // view's own scroll area back up here on every repaint. The space after the last
        // line keeps it clear of the area's edge.
        let row = ui.ctx().fonts_mut(|f| f.row_height(&egui::FontId::proportional(15.0)))
            + ui.spacing().item_spacing.y;
        let offset = (current as f32 * row - TELEPROMPTER_HEIGHT / 2.0 + row).max(0.0);
        let area = egui::ScrollArea::vertical()
            .id_salt("teleprompter")
            .max_height(TELEPROMPTER_HEIGHT)
            .vertical_scroll_offset(offset);
        area.auto_shrink([false, true]).show(ui, |ui| {
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
                ui.label(text);
            }
            ui.add_space(8.0);
        });
    }
}
