//! Second-order IIR sections (RBJ "Audio EQ Cookbook" biquads), direct form I.

#[derive(Debug, Clone, Copy)]
pub struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
    x: [f32; 2],
    y: [f32; 2],
}

impl Biquad {
    /// Butterworth (Q = 1/√2) high-pass at `cutoff_hz`.
    pub fn high_pass(sample_rate: f32, cutoff_hz: f32) -> Self {
        let w0 = 2.0 * std::f32::consts::PI * cutoff_hz / sample_rate;
        let alpha = w0.sin() / (2.0 * std::f32::consts::FRAC_1_SQRT_2);
        let cos = w0.cos();
        let a0 = 1.0 + alpha;
        Self {
            b: [(1.0 + cos) / 2.0 / a0, -(1.0 + cos) / a0, (1.0 + cos) / 2.0 / a0],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain(filter: &mut Biquad, rate: f32, hz: f32) -> f32 {
        let n = rate as usize;
        let out: Vec<f32> = (0..n)
            .map(|i| filter.process((2.0 * std::f32::consts::PI * hz * i as f32 / rate).sin()))
            .collect();
        let tail = &out[n / 2..];
        (tail.iter().map(|v| v * v).sum::<f32>() / tail.len() as f32 * 2.0).sqrt()
    }

    #[test]
    fn high_pass_is_minus_three_db_at_cutoff_and_passes_the_voice_band() {
        let rate = 8000.0;
        assert!(
            (gain(&mut Biquad::high_pass(rate, 300.0), rate, 300.0)
                - std::f32::consts::FRAC_1_SQRT_2)
                .abs()
                < 0.02
        );
        assert!(gain(&mut Biquad::high_pass(rate, 300.0), rate, 50.0) < 0.03);
        assert!((gain(&mut Biquad::high_pass(rate, 300.0), rate, 1500.0) - 1.0).abs() < 0.03);
    }
}
