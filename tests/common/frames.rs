//! Reads back the per-hop CSV that `analyze --frames` and `listen --frames` write
//! (`time_s,f0_hz,level_dbfs,voiced`); the tests check the binary's output with it.

pub const HEADER: &str = "time_s,f0_hz,level_dbfs,voiced";

/// One parsed row, for tests and tools that read the CSV back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub time_s: f64,
    pub f0_hz: f32,
    pub level_dbfs: f32,
    pub voiced: bool,
}

/// Parses a frames CSV written by [`FramesCsv`].
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines();
    match lines.next() {
        Some(HEADER) => {}
        other => return Err(format!("unexpected header {other:?}")),
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.split(',').collect();
            let bad = || format!("line {}: {line:?}", i + 2);
            if f.len() != 4 {
                return Err(bad());
            }
            Ok(Row {
                time_s: f[0].parse().map_err(|_| bad())?,
                f0_hz: f[1].parse().map_err(|_| bad())?,
                level_dbfs: f[2].parse().map_err(|_| bad())?,
                voiced: f[3] == "1",
            })
        })
        .collect()
}
