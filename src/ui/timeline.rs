//! The rolling 30 s timeline: pitch, level and pace, one plot each on a shared time axis.
//! It sits in the view's scroll area, so each plot has a fixed height and every y axis
//! has labelled ticks at a step its height can show (the level plot showed only "0").

use crate::egui;
use crate::egui::Ui;
use egui_plot::{Line, Plot, PlotPoints, Points, uniform_grid_spacer};

use crate::pipeline::{LiveState, TIMELINE_S};
use crate::ui::i18n::Strings;

/// Each plot's least height (with its x axis): tall enough for three labelled y ticks.
const PLOT_HEIGHT: f32 = 120.0;

pub fn show(ui: &mut Ui, state: &LiveState, s: &Strings, pace_unit: &str) {
    let now = state.timeline.back().map_or(0.0, |p| p.time_s);
    let rel = |t: f64| t - now;
    // Fill what the scroll area shows below the panels, never less than PLOT_HEIGHT.
    // (The scroll area's own height is unbounded; what it shows ends at its clip rect.)
    let shown = ui.clip_rect().bottom() - ui.cursor().top();
    let height = ((shown - 30.0) / 3.0).clamp(PLOT_HEIGHT, 3.0 * PLOT_HEIGHT);
    let group = egui::Id::unique("timeline-x");
    let plot = |id: &str| {
        Plot::new(id.to_owned())
            .height(height)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .include_x(-TIMELINE_S)
            .include_x(0.0)
            .link_axis(group, [true, false])
            .show_x(false)
            .y_axis_min_width(36.0)
    };
    ui.label(s.timeline);
    let pitch: Vec<[f64; 2]> = state
        .timeline
        .iter()
        .filter(|p| p.f0_hz > 0.0)
        .map(|p| [rel(p.time_s), p.f0_hz as f64])
        .collect();
    plot("pitch").include_y(60.0).include_y(300.0).y_axis_label(s.pitch_hz).show(ui, |p| {
        p.points(Points::new(s.pitch_hz, PlotPoints::from(pitch)).radius(1.5));
    });
    let level: Vec<[f64; 2]> =
        state.timeline.iter().map(|p| [rel(p.time_s), p.level_dbfs.max(-80.0) as f64]).collect();
    let level_plot = plot("level")
        .include_y(-70.0)
        .include_y(0.0)
        .y_axis_label(s.level_dbfs)
        // Ticks every 10 dB, labelled every 20 dB: a 70 dB range on a short plot.
        .y_grid_spacer(uniform_grid_spacer(|_| [10.0, 20.0, 40.0]));
    level_plot.show(ui, |p| {
        p.line(Line::new(s.level_dbfs, PlotPoints::from(level)));
    });
    let pace: Vec<[f64; 2]> =
        state.timeline.iter().filter_map(|p| Some([rel(p.time_s), p.pace? as f64])).collect();
    plot("pace").include_y(80.0).include_y(220.0).y_axis_label(pace_unit).show(ui, |p| {
        p.line(Line::new(pace_unit, PlotPoints::from(pace)));
    });
}
