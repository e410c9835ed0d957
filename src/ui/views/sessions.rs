//! Stored sessions: the list with Report and Delete, an open report, and progress by shift.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::{Action, SessionsPanel, View};
use crate::coach::Band;
use crate::ui::gauge::band_color;

impl View<'_> {
    pub(super) fn sessions_panel(
        &self,
        ui: &mut Ui,
        panel: &SessionsPanel,
        actions: &mut Vec<Action>,
    ) {
        use crate::session::store::Listed;
        let s = self.s();
        if let Some(m) = &panel.message {
            ui.label(m);
        }
        if let Some((r, html)) = &panel.report {
            let summary = r.summary.as_ref();
            ui.label(RichText::new(format!("{} {}", s.report, r.id)).strong());
            ui.label(format!(
                "{:.0} s · {} {:.0} s · {:.0} {} · {} {:.0} % / {:.0} % / {:.0} % · {} {}",
                summary.map_or(0.0, |x| x.duration_s),
                s.talk_time,
                summary.map_or(0.0, |x| x.speech_s),
                summary
                    .and_then(|x| x.syllables_per_min)
                    .map_or(0.0, |p| self.speech_lang.pace_from_syllables(p)),
                self.pace_unit(),
                s.speed,
                r.pace_bands.green * 100.0,
                r.pace_bands.amber * 100.0,
                r.pace_bands.red * 100.0,
                r.cues.len(),
                s.cues
            ));
            ui.label(RichText::new(html.display().to_string()).weak());
        }
        self.history(ui, &panel.days);
        egui::ScrollArea::vertical().id_salt("sessions").max_height(140.0).show(ui, |ui| {
            for row in panel.rows.iter().rev() {
                ui.horizontal(|ui| match row {
                    Listed::Ok(m) => {
                        let summary = m.summary.as_ref();
                        ui.label(format!(
                            "{}  {:.0} s  {} {}",
                            m.id,
                            summary.map_or(0.0, |x| x.duration_s),
                            m.cues.len(),
                            s.cues
                        ));
                        if m.recording {
                            ui.label(RichText::new("●").color(band_color(Band::Red)));
                        }
                        if ui.small_button(s.report).clicked() {
                            actions.push(Action::OpenReport(m.id.clone()));
                        }
                        if ui.small_button(s.delete).clicked() {
                            actions.push(Action::DeleteSession(m.id.clone()));
                        }
                    }
                    Listed::Damaged { id, reason } => {
                        ui.label(
                            RichText::new(format!("{id}: {reason}")).color(band_color(Band::Amber)),
                        );
                        if ui.small_button(s.delete).clicked() {
                            actions.push(Action::DeleteSession(id.clone()));
                        }
                    }
                });
            }
        });
    }

    /// Per-shift figures, and the latest shift's level and spread session by session.
    pub(super) fn history(&self, ui: &mut Ui, days: &[crate::session::history::Shift]) {
        let s = self.s();
        if days.is_empty() {
            return;
        }
        ui.label(RichText::new(s.history).strong());
        let fmt = |v: Option<f32>, d: usize| v.map_or("–".to_string(), |v| format!("{v:.d$}"));
        for d in days.iter().rev().take(5) {
            let tiring = if d.tiring { format!("  ! {}", s.tiring) } else { String::new() };
            let text = format!(
                "{}  {} × · {:.0} min · {} syl/min · {} dBFS · {} st{tiring}",
                d.date,
                d.sessions.len(),
                d.talk_s / 60.0,
                fmt(d.syllables_per_min, 0),
                fmt(d.level_active_dbfs, 1),
                fmt(d.pitch_spread_st, 1),
            );
            ui.label(RichText::new(text).color(if d.tiring {
                band_color(Band::Amber)
            } else {
                ui.visuals().text_color()
            }));
        }
        let Some(latest) = days.last().filter(|d| d.sessions.len() >= 2) else { return };
        let t0 = latest.sessions[0].started_unix_s as f64;
        let points =
            |value: fn(&crate::session::history::SessionPoint) -> Option<f32>| -> Vec<[f64; 2]> {
                latest
                    .sessions
                    .iter()
                    .filter_map(|p| {
                        Some([(p.started_unix_s as f64 - t0) / 3600.0, value(p)? as f64])
                    })
                    .collect()
            };
        let (level, spread) = (points(|p| p.level_active_dbfs), points(|p| p.pitch_spread_st));
        egui_plot::Plot::new("shift")
            .height(90.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |p| {
                p.line(egui_plot::Line::new(s.level_dbfs, egui_plot::PlotPoints::from(level)));
                p.line(egui_plot::Line::new(s.semitones, egui_plot::PlotPoints::from(spread)));
            });
    }
}
