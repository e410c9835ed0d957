//! The target bands as a panel: each band's green and amber limits, editable within the
//! range the settings file allows and kept in order (amber outside green), with a reset
//! to the guidance defaults. An edit is checked exactly as the settings file is
//! ([`crate::coach::targets::TargetBand::check`]) before it is asked for.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::{Action, View};
use crate::coach::Targets;
use crate::coach::targets::TargetBand;
use crate::ui::gauge::{AMBER, GREEN};
use crate::ui::i18n::{WindowStrings, window_strings};

/// Smallest step between two limits (a band of zero width is refused as misordered).
const GAP: f32 = 1.0;

impl View<'_> {
    pub(super) fn targets_panel(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let w = window_strings(self.ui_lang);
        let mut edited = *self.targets;
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(w.targets).strong());
            if ui.button(w.reset_targets).clicked() && *self.targets != Targets::default() {
                actions.push(Action::SetTargets(Targets::default()));
            }
        });
        let names = [w.pace_zh, w.pace_en, w.volume_db];
        egui::Grid::new("targets").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
            for ((key, band, range), name) in edited.bands_mut().into_iter().zip(names) {
                ui.label(name);
                ui.horizontal(|ui| changed |= band_editor(ui, key, band, &range, w));
                ui.end_row();
            }
        });
        if changed && edited.bands_mut().iter().all(|(_, b, r)| b.check(r).is_ok()) {
            actions.push(Action::SetTargets(edited));
        }
    }
}

/// Amber low, green low, green high, amber high; each limit bounded by its neighbours so
/// the band stays ordered while it is dragged or typed.
fn band_editor(
    ui: &mut Ui,
    key: &str,
    band: &mut TargetBand,
    range: &std::ops::RangeInclusive<f32>,
    w: &WindowStrings,
) -> bool {
    let (min, max) = (*range.start(), *range.end());
    let step = if max - min > 100.0 { 1.0 } else { 0.5 };
    let mut changed = false;
    let mut field = |ui: &mut Ui, v: &mut f32, lo: f32, hi: f32, id: &str| {
        let response = ui.add(egui::DragValue::new(v).range(lo..=hi).speed(step).max_decimals(1));
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::SpinButton, true, format!("{key}.{id}"))
        });
        changed |= response.changed();
    };
    let b = *band;
    ui.label(RichText::new(w.amber).color(AMBER));
    field(ui, &mut band.amber.0, min, b.green.0, "amber_low");
    ui.label(RichText::new(w.green).color(GREEN));
    field(ui, &mut band.green.0, b.amber.0, b.green.1 - GAP, "green_low");
    ui.label("–");
    field(ui, &mut band.green.1, b.green.0 + GAP, b.amber.1, "green_high");
    ui.label(RichText::new(w.amber).color(AMBER));
    field(ui, &mut band.amber.1, b.green.1, max, "amber_high");
    changed
}
