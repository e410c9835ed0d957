//! The rehearsal teleprompter: the script with the current line highlighted, each
//! finished line's pace in its band's colour, and a summary once the last line is said.

use crate::coach::Band;
use crate::coach::rehearsal::LineResult;
use crate::egui;
use crate::egui::{RichText, Ui};
use crate::ui::gauge::band_color;
use crate::ui::i18n::Strings;
use crate::words::{counted, fill};

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
                // A line's pace is shown once the line has ended, in its band's colour.
                let result = results.get(i).filter(|r| r.done);
                let said = result.is_some();
                let highlighted = i == current && !said;
                ui.horizontal_wrapped(|ui| {
                    let text = RichText::new(format!(
                        "{}{}",
                        if line.slow { "▼ " } else { "" },
                        line.text
                    ))
                    .size(if highlighted { 20.0 } else { 15.0 });
                    let text = if highlighted {
                        text.strong().background_color(ui.visuals().selection.bg_fill)
                    } else if said || i < current {
                        text.weak()
                    } else {
                        text
                    };
                    ui.label(text);
                    if let Some((pace, band)) = result.and_then(|r| r.pace.zip(r.band)) {
                        ui.label(
                            RichText::new(format!(
                                "{pace:.0} / {:.0} {}",
                                line.target_pace,
                                self.pace_unit()
                            ))
                            .size(15.0)
                            .color(band_color(band)),
                        );
                    }
                });
            }
            ui.add_space(8.0);
        });
        if !results.is_empty() && results.iter().all(|r| r.done) {
            let summary = rehearsal_summary(s, results);
            ui.label(RichText::new(summary).size(17.0).strong());
        }
    }
}

/// The line that ends a take: lines said, and how many were on target, too fast, too slow
/// (amber or red against each line's own target); "1 line" in English, not "1 lines".
fn rehearsal_summary(s: &Strings, results: &[LineResult]) -> String {
    let count =
        |keep: &dyn Fn(&LineResult) -> bool| results.iter().filter(|r| keep(r)).count().to_string();
    let off = |r: &LineResult| r.band.is_some_and(|b| b != Band::Green);
    let lines = results.len();
    fill(
        s.rehearsal_done,
        &[
            ("lines", &lines.to_string()),
            ("lines_noun", counted(s.line_nouns, i64::try_from(lines).unwrap_or(i64::MAX))),
            ("green", &count(&|r| r.band == Some(Band::Green))),
            ("fast", &count(&|r| off(r) && r.pace > Some(r.target_pace))),
            ("slow", &count(&|r| off(r) && r.pace < Some(r.target_pace))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::UiLang;
    use crate::ui::i18n::strings;

    fn said(pace: f32, band: Band) -> LineResult {
        LineResult {
            text: "line".into(),
            target_pace: 200.0,
            expected_s: 2.0,
            start_s: Some(0.0),
            end_s: Some(2.0),
            pace: Some(pace),
            band: Some(band),
            done: true,
        }
    }

    #[test]
    fn one_line_is_singular_in_the_english_summary() {
        let one = rehearsal_summary(strings(UiLang::En), &[said(200.0, Band::Green)]);
        assert_eq!(one, "Done: 1 line, 1 at their target pace, 0 too fast, 0 too slow");
        let two = [said(200.0, Band::Green), said(260.0, Band::Red)];
        let two = rehearsal_summary(strings(UiLang::En), &two);
        assert_eq!(two, "Done: 2 lines, 1 at their target pace, 1 too fast, 0 too slow");
        let zh = rehearsal_summary(strings(UiLang::Zh), &[said(150.0, Band::Amber)]);
        assert_eq!(zh, "练习完成：1 行，0 行语速合适，0 行太快，1 行太慢");
    }
}
