//! Signed figures as a person reads them: "+2", "−1.5", and "0" for anything that rounds
//! to zero (Rust's `{:+.0}` prints −0.3 as "-0" and 0.2 as "+0": a sign on nothing).

/// `v` with a sign and `decimals` places; a value that rounds to zero has no sign.
pub fn signed(v: f32, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        return text.trim_start_matches('-').to_string();
    }
    format!("{v:+.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_rounds_to_zero_has_no_sign() {
        assert_eq!(signed(-0.3, 0), "0");
        assert_eq!(signed(0.2, 0), "0");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-0.6, 0), "-1");
        assert_eq!(signed(2.0, 0), "+2");
        assert_eq!(signed(-1.54, 1), "-1.5");
        assert_eq!(signed(0.05, 1), "+0.1");
    }
}
