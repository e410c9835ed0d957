//! A horizontal gauge: red / amber / green zones of the target band, a needle at the
//! current value, the value in words and a trend arrow. Built per frame, added with
//! `ui.add(Gauge { .. })`.
//!
//! The value is the most important text in the window, so it is never cut: it shrinks to
//! fit beside the label, and it is its own accessibility node with its own rect, which the
//! layout tests check against the screen. A greyed gauge (no signal) has no needle and no
//! band colours, so nothing stale reads as a measurement.

use crate::egui;
use crate::egui::{
    Color32, Pos2, Rect, Response, Sense, Stroke, StrokeKind, Ui, Vec2, Widget, WidgetInfo,
};

use crate::coach::targets::TargetBand;
use crate::coach::{Band, Trend};

pub const GREEN: Color32 = Color32::from_rgb(46, 160, 67);
pub const AMBER: Color32 = Color32::from_rgb(230, 160, 20);
pub const RED: Color32 = Color32::from_rgb(210, 60, 50);
/// Device problems: a colour of their own, apart from the three bands, so that "the
/// microphone is gone" never reads as "your voice is off".
pub const DEVICE: Color32 = Color32::from_rgb(150, 110, 220);
/// A greyed gauge's zones.
const GREY: Color32 = Color32::from_rgb(110, 110, 110);
/// The value's font shrinks down to this size before it would be cut.
const VALUE_FONT_SIZES: [f32; 4] = [16.0, 14.0, 12.0, 10.0];
/// Label, value row and bar with its scale ends.
pub const GAUGE_HEIGHT: f32 = 68.0;

pub fn band_color(band: Band) -> Color32 {
    match band {
        Band::Green => GREEN,
        Band::Amber => AMBER,
        Band::Red => RED,
    }
}

pub struct Gauge<'a> {
    pub label: &'a str,
    /// The value and its unit as shown, e.g. "152 字/分钟".
    pub value_text: String,
    /// A word for the band or state, e.g. "合适".
    pub state_text: &'a str,
    pub value: Option<f32>,
    pub band: Option<Band>,
    pub target: TargetBand,
    /// The scale shown, low to high.
    pub scale: (f32, f32),
    pub trend: Trend,
    pub width: f32,
    /// No signal: zones grey, no needle.
    pub greyed: bool,
}

impl Widget for Gauge<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(self.width, GAUGE_HEIGHT), Sense::hover());
        let accessible = format!("{}: {} {}", self.label, self.value_text, self.state_text);
        response.widget_info(|| WidgetInfo::labeled(egui::Role::Meter, true, accessible.clone()));
        if !ui.is_rect_visible(rect) {
            return response;
        }
        let painter = ui.painter_at(rect);
        let text_color = ui.visuals().text_color();
        let arrow = match self.trend {
            Trend::Rising => " ↑",
            Trend::Falling => " ↓",
            Trend::Steady => "",
        };
        let label = painter.layout_no_wrap(
            self.label.to_string(),
            egui::FontId::proportional(16.0),
            text_color,
        );
        let label_width = label.size().x;
        painter.galley(rect.left_top(), label, text_color);
        let state_color = match (self.greyed, self.band) {
            (true, _) | (false, None) => ui.visuals().weak_text_color(),
            (false, Some(b)) => band_color(b),
        };
        let shown = format!("{}{arrow}  {}", self.value_text, self.state_text);
        let room = (rect.width() - label_width - 12.0).max(0.0);
        let galley = VALUE_FONT_SIZES
            .iter()
            .map(|&size| {
                painter.layout_no_wrap(shown.clone(), egui::FontId::proportional(size), state_color)
            })
            .find(|g| g.size().x <= room)
            .unwrap_or_else(|| {
                // Narrower than any window allows: wrap rather than cut.
                let font = egui::FontId::proportional(VALUE_FONT_SIZES[3]);
                painter.layout(shown.clone(), font, state_color, room.max(40.0))
            });
        let value_rect = egui::Align2::RIGHT_TOP.anchor_size(rect.right_top(), galley.size());
        painter.galley(value_rect.min, galley, state_color);
        let value = ui.interact(value_rect, response.id.with("value"), Sense::hover());
        value.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, shown.clone()));

        // The bar: zones of the target band along the scale.
        let bar = Rect::from_min_max(
            Pos2::new(rect.left(), rect.top() + 26.0),
            Pos2::new(rect.right(), rect.top() + 48.0),
        );
        let (lo, hi) = self.scale;
        let x_of = |v: f32| bar.left() + bar.width() * ((v.clamp(lo, hi) - lo) / (hi - lo));
        let zone = |c: Color32, alpha: f32| {
            if self.greyed { GREY.gamma_multiply(alpha * 0.6) } else { c.gamma_multiply(alpha) }
        };
        painter.rect_filled(bar, 4.0, zone(RED, 0.55));
        let amber = Rect::from_x_y_ranges(
            x_of(self.target.amber.0)..=x_of(self.target.amber.1),
            bar.y_range(),
        );
        painter.rect_filled(amber, 0.0, zone(AMBER, 0.6));
        let green = Rect::from_x_y_ranges(
            x_of(self.target.green.0)..=x_of(self.target.green.1),
            bar.y_range(),
        );
        painter.rect_filled(green, 0.0, zone(GREEN, 0.65));
        painter.rect_stroke(
            bar,
            4.0,
            Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
            StrokeKind::Inside,
        );
        if let Some(v) = self.value.filter(|_| !self.greyed) {
            let x = x_of(v);
            painter.line_segment(
                [Pos2::new(x, bar.top() - 4.0), Pos2::new(x, bar.bottom() + 4.0)],
                Stroke::new(4.0, text_color),
            );
        }
        // Scale ends.
        let small = egui::FontId::proportional(11.0);
        let weak = ui.visuals().weak_text_color();
        painter.text(
            Pos2::new(bar.left(), bar.bottom() + 3.0),
            egui::Align2::LEFT_TOP,
            format!("{lo:.0}"),
            small.clone(),
            weak,
        );
        painter.text(
            Pos2::new(bar.right(), bar.bottom() + 3.0),
            egui::Align2::RIGHT_TOP,
            format!("{hi:.0}"),
            small,
            weak,
        );
        response
    }
}
