//! Stretches where neither side talks: short ones are the rhythm of a call, 5 s is dead
//! air, 10 s is a hold.
//!
//! A mutual silence runs from the end of the last spurt of either side to the next start
//! of either; it is judged when it ends, so silence before the first word and after the
//! last (ringing, hanging up) is never dead air. In a recording a hold is a silence of
//! [`HOLD_MIN_S`] or more; the caller's line may carry faint music meanwhile, which the
//! faint-sound test (`levels`) keeps out of the caller's talk. Live, the agent can say so
//! with the hold key: a key hold runs from the start of the silence it was pressed in (the
//! caller has been waiting since the agent stopped talking) to its release, and no silence
//! that touches it counts as dead air or as a hold of its own.

/// Neither side talking this long is dead air (guidance row 10: cue after 5 s).
pub const DEAD_AIR_S: f32 = 5.0;
const DEAD_AIR_HOPS: u64 = 500;
/// A silence this long is a hold (issue 11): longer than any pause to think or to look
/// something up while still on the line.
pub const HOLD_MIN_S: f32 = 10.0;
const HOLD_MIN_HOPS: u64 = 1000;
/// A hold timer warns here (guidance row 8: "please wait" only for waits under 30 s)...
pub const HOLD_WARN_S: f32 = 25.0;
/// ...and alarms here.
pub const HOLD_ALARM_S: f32 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GapKind {
    DeadAir,
    Hold,
}

/// A silence that ended and was long enough to matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Gap {
    pub start: u64,
    pub len: u64,
    pub kind: GapKind,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Silences {
    /// Start of the running mutual silence, once someone has talked.
    since: Option<u64>,
    /// Start of the running key hold.
    key_from: Option<u64>,
    key_holds: Vec<(u64, u64)>,
}

impl Silences {
    /// After both sides took a hop: `talking` whether a spurt was open before this
    /// hop's starts, `started` where a spurt that started at this hop begins (its quiet
    /// onset may date it a little back), `last_end` the latest end of a closed spurt of
    /// either side.
    pub fn hop(
        &mut self,
        talking: bool,
        started: Option<u64>,
        last_end: Option<u64>,
    ) -> Option<Gap> {
        if talking {
            self.since = None;
            return None;
        }
        let from = last_end?;
        if let Some(start) = started {
            self.since = None;
            self.judge(from, start)
        } else {
            self.since = Some(from);
            None
        }
    }

    fn judge(&self, start: u64, end: u64) -> Option<Gap> {
        let touches_key = self.key_holds.iter().any(|&(s, e)| start < e && s < end)
            || self.key_from.is_some_and(|s| s < end);
        let len = end.saturating_sub(start);
        let kind = match len {
            _ if touches_key => return None,
            l if l >= HOLD_MIN_HOPS => GapKind::Hold,
            l if l >= DEAD_AIR_HOPS => GapKind::DeadAir,
            _ => return None,
        };
        Some(Gap { start, len, kind })
    }

    /// The hold key at hop `now` (the next hop to come); returns a key hold that ended.
    pub fn set_key(&mut self, on: bool, now: u64) -> Option<(u64, u64)> {
        if on {
            self.key_from.get_or_insert(self.since.unwrap_or(now));
            None
        } else {
            let start = self.key_from.take()?;
            (now > start).then(|| {
                self.key_holds.push((start, now));
                (start, now)
            })
        }
    }

    /// Length of the running mutual silence at `now` (0 while someone talks or before
    /// anyone has).
    pub fn silence_hops(&self, now: u64) -> u64 {
        self.since.map_or(0, |s| now.saturating_sub(s))
    }

    /// Length of the running hold: the key's, or a silence long enough to be one.
    pub fn hold_hops(&self, now: u64) -> Option<u64> {
        match self.key_from {
            Some(s) => Some(now.saturating_sub(s)),
            None => Some(self.silence_hops(now)).filter(|&h| h >= HOLD_MIN_HOPS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A silence from hop 1000 (after someone talked) to `end`, as `Silences` sees it.
    fn silence_until(end: u64) -> Option<Gap> {
        let mut s = Silences::default();
        let mut gap = None;
        for hop in 1000..=end {
            gap = s.hop(false, (hop == end).then_some(hop), Some(1000));
        }
        gap
    }

    #[test]
    fn five_seconds_of_silence_is_dead_air_and_ten_is_a_hold() {
        assert_eq!(silence_until(1499), None);
        assert_eq!(
            silence_until(1500),
            Some(Gap { start: 1000, len: 500, kind: GapKind::DeadAir })
        );
        assert_eq!(silence_until(1999).map(|g| g.kind), Some(GapKind::DeadAir));
        assert_eq!(silence_until(2000), Some(Gap { start: 1000, len: 1000, kind: GapKind::Hold }));
    }

    #[test]
    fn silence_before_anyone_talked_is_not_dead_air() {
        let mut s = Silences::default();
        for hop in 0..2000 {
            assert_eq!(s.hop(false, (hop == 1999).then_some(hop), None), None);
        }
        assert_eq!(s.silence_hops(2000), 0);
    }

    #[test]
    fn a_key_hold_starts_with_the_silence_it_was_pressed_in_and_swallows_it() {
        let mut s = Silences::default();
        for _ in 1000..1200 {
            s.hop(false, None, Some(1000));
        }
        assert_eq!(s.set_key(true, 1200), None);
        assert_eq!(s.hold_hops(1300), Some(300));
        for _ in 1200..4000 {
            s.hop(false, None, Some(1000));
        }
        assert_eq!(s.set_key(false, 4000), Some((1000, 4000)));
        // The silence ends after the key is released: it touched the key hold.
        assert_eq!(s.hop(false, Some(4100), Some(1000)), None);
    }

    #[test]
    fn the_hold_timer_runs_on_a_long_silence_without_the_key() {
        let mut s = Silences::default();
        s.hop(false, None, Some(1000));
        assert_eq!(s.hold_hops(1999), None);
        assert_eq!(s.hold_hops(2000), Some(1000));
    }

    #[test]
    fn a_key_pressed_while_someone_talks_starts_the_hold_there() {
        let mut s = Silences::default();
        s.hop(true, None, None);
        s.set_key(true, 501);
        assert_eq!(s.set_key(false, 3501), Some((501, 3501)));
        assert_eq!(s.set_key(false, 3600), None, "released twice");
    }
}
