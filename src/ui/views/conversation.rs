//! The conversation at a glance, when the caller is heard: two lanes of who talked over
//! the last 30 s (agent above, caller below; overlap shows as both), the hold timer with
//! its key, and the caller source's state.

use crate::egui;
use crate::egui::{Color32, RichText, Ui};

use super::{Action, View};
use crate::coach::Band;
use crate::conversation::HoldAlert;
use crate::pipeline::{DeviceStatus, TIMELINE_S};
use crate::ui::gauge::band_color;

/// Lane colours: the agent in the app's blue, the caller in a neutral grey-violet.
const AGENT_COLOR: Color32 = Color32::from_rgb(70, 130, 200);
const CALLER_COLOR: Color32 = Color32::from_rgb(150, 120, 180);
const LANE_HEIGHT: f32 = 14.0;

impl View<'_> {
    /// The caller's source was heard and is gone (or never came).
    pub(super) fn caller_lost(&self) -> bool {
        matches!(
            self.state.caller_device,
            Some(DeviceStatus::Lost { .. } | DeviceStatus::Unavailable { .. })
        )
    }

    /// The hold timer's text and colour, when a hold runs (never in a rehearsal).
    pub(super) fn hold_text(&self) -> Option<(String, Color32)> {
        if self.in_rehearsal() {
            return None;
        }
        let c = self.state.conversation?;
        let hold = c.hold_s?;
        let color = match c.hold_alert {
            HoldAlert::None => band_color(Band::Green),
            HoldAlert::Warn => band_color(Band::Amber),
            HoldAlert::Alarm => band_color(Band::Red),
        };
        let s = self.s();
        Some((format!("{} {hold:.0} {}", s.hold, s.seconds), color))
    }

    /// The who-is-talking lanes, the hold timer and the hold key.
    pub(super) fn conversation(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        let Some(caller_status) = &self.state.caller_device else { return };
        ui.horizontal(|ui| {
            ui.label(RichText::new(s.who_is_talking).strong());
            match caller_status {
                DeviceStatus::Live { .. } | DeviceStatus::Playing { .. } => {}
                _ => {
                    let lost = RichText::new(s.caller_not_heard).color(band_color(Band::Amber));
                    ui.label(lost);
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.selectable_label(self.on_hold, s.hold_key).clicked() {
                    actions.push(Action::ToggleHold);
                }
                if let Some((text, color)) = self.hold_text() {
                    ui.label(RichText::new(text).color(color).strong().size(16.0));
                }
            });
        });
        self.talk_lanes(ui);
    }

    fn talk_lanes(&self, ui: &mut Ui) {
        let s = self.s();
        let label_w = 48.0;
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(ui.available_width(), 2.0 * LANE_HEIGHT + 4.0),
            egui::Sense::hover(),
        );
        let painter = ui.painter_at(rect);
        let lanes_left = rect.left() + label_w;
        let width = (rect.right() - lanes_left).max(1.0);
        let now = self.state.talk.back().map_or(0.0, |p| p.time_s);
        let x = |t: f64| lanes_left + width * (1.0 - ((now - t) / TIMELINE_S) as f32);
        let text_color = ui.visuals().text_color();
        for (i, (name, color)) in
            [(s.agent, AGENT_COLOR), (s.caller, CALLER_COLOR)].iter().enumerate()
        {
            let top = rect.top() + i as f32 * (LANE_HEIGHT + 4.0);
            let lane = egui::Rect::from_min_max(
                egui::pos2(lanes_left, top),
                egui::pos2(rect.right(), top + LANE_HEIGHT),
            );
            painter.rect_filled(lane, 2.0, ui.visuals().faint_bg_color);
            painter.text(
                egui::pos2(rect.left(), top + LANE_HEIGHT / 2.0),
                egui::Align2::LEFT_CENTER,
                *name,
                egui::FontId::proportional(12.0),
                text_color,
            );
            // Runs of talk as rectangles: one per spurt, not one per hop.
            let mut start: Option<f64> = None;
            let talking = |p: &crate::pipeline::TalkPoint| if i == 0 { p.agent } else { p.caller };
            for p in self.state.talk.iter().chain(std::iter::once(&crate::pipeline::TalkPoint {
                time_s: now + 0.01,
                agent: false,
                caller: false,
            })) {
                match (start, talking(p)) {
                    (None, true) => start = Some(p.time_s),
                    (Some(t0), false) => {
                        let run = egui::Rect::from_min_max(
                            egui::pos2(x(t0).max(lanes_left), top),
                            egui::pos2(x(p.time_s), top + LANE_HEIGHT),
                        );
                        painter.rect_filled(run, 2.0, *color);
                        start = None;
                    }
                    _ => {}
                }
            }
        }
    }
}
