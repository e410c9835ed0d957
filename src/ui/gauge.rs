//! A horizontal gauge: red / amber / green zones of the target band, a needle at the
//! current value, the value in words and a trend arrow. Built per frame, added with
//! `ui.add(Gauge { .. })`.

use crate::egui;
use crate::egui::{
    Color32, Pos2, Rect, Response, Sense, Stroke, StrokeKind, Ui, Vec2, Widget, WidgetInfo,
};

use crate::coach::targets::TargetBand;
use crate::coach::{Band, Trend};

pub const GREEN: Color32 = Color32::from_rgb(46, 160, 67);
pub const AMBER: Color32 = Color32::from_rgb(230, 160, 20);
pub const RED: Color32 = Color32::from_rgb(210, 60, 50);

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
}

impl Widget for Gauge<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let height = 74.0;
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(self.width, height), Sense::hover());
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
        painter.text(
            rect.left_top(),
            egui::Align2::LEFT_TOP,
            self.label,
            egui::FontId::proportional(16.0),
            text_color,
        );
        let state_color = self.band.map_or(ui.visuals().weak_text_color(), band_color);
        painter.text(
            rect.right_top(),
            egui::Align2::RIGHT_TOP,
            format!("{}{arrow}  {}", self.value_text, self.state_text),
            egui::FontId::proportional(16.0),
            state_color,
        );

        // The bar: zones of the target band along the scale.
        let bar = Rect::from_min_max(
            Pos2::new(rect.left(), rect.top() + 30.0),
            Pos2::new(rect.right(), rect.top() + 52.0),
        );
        let (lo, hi) = self.scale;
        let x_of = |v: f32| bar.left() + bar.width() * ((v.clamp(lo, hi) - lo) / (hi - lo));
        painter.rect_filled(bar, 4.0, RED.gamma_multiply(0.55));
        let amber = Rect::from_x_y_ranges(
            x_of(self.target.amber.0)..=x_of(self.target.amber.1),
            bar.y_range(),
        );
        painter.rect_filled(amber, 0.0, AMBER.gamma_multiply(0.6));
        let green = Rect::from_x_y_ranges(
            x_of(self.target.green.0)..=x_of(self.target.green.1),
            bar.y_range(),
        );
        painter.rect_filled(green, 0.0, GREEN.gamma_multiply(0.65));
        painter.rect_stroke(
            bar,
            4.0,
            Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
            StrokeKind::Inside,
        );
        if let Some(v) = self.value {
            let x = x_of(v);
            painter.line_segment(
                [Pos2::new(x, bar.top() - 5.0), Pos2::new(x, bar.bottom() + 5.0)],
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
