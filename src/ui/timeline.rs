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

/// The points of the last [`TIMELINE_S`], however many the state holds: a plot bounds
/// itself by what it is given, so older points (a state filled faster than it is trimmed,
/// seen under load) stretched the axis to 50–300 s and set the three plots apart.
fn recent(state: &LiveState) -> impl Iterator<Item = &crate::pipeline::TimelinePoint> {
    let now = state.timeline.back().map_or(0.0, |p| p.time_s);
    state.timeline.iter().filter(move |p| now - p.time_s <= TIMELINE_S)
}

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
    let pitch: Vec<[f64; 2]> =
        recent(state).filter(|p| p.f0_hz > 0.0).map(|p| [rel(p.time_s), p.f0_hz as f64]).collect();
    plot("pitch").include_y(60.0).include_y(300.0).y_axis_label(s.pitch_hz).show(ui, |p| {
        p.points(Points::new(s.pitch_hz, PlotPoints::from(pitch)).radius(1.5));
    });
    let level: Vec<[f64; 2]> =
        recent(state).map(|p| [rel(p.time_s), p.level_dbfs.max(-80.0) as f64]).collect();
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
        recent(state).filter_map(|p| Some([rel(p.time_s), p.pace? as f64])).collect();
    plot("pace").include_y(80.0).include_y(220.0).y_axis_label(pace_unit).show(ui, |p| {
        p.line(Line::new(pace_unit, PlotPoints::from(pace)));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Lang;
    use crate::pipeline::TimelinePoint;

    #[test]
    fn only_the_last_thirty_seconds_are_plotted_however_many_points_are_held() {
        let mut state = LiveState::new(Lang::Zh);
        for i in 0..30_000 {
            let time_s = i as f64 * 0.01;
            state.timeline.push_back(TimelinePoint {
                time_s,
                f0_hz: 150.0,
                level_dbfs: -30.0,
                pace: None,
            });
        }
        let times: Vec<f64> = recent(&state).map(|p| p.time_s).collect();
        assert!(times.iter().all(|t| 299.99 - t <= TIMELINE_S), "{:?}", times.first());
        assert!((times.len() as f64 - TIMELINE_S * 100.0).abs() <= 2.0, "{}", times.len());
    }
}
