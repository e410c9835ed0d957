//! Figures of turn-taking worked out from both sides' spurts once they are known: how much
//! the two talk at once, how fast the agent answers, how long the agent holds the floor.

use super::spurts::Spurt;

/// A caller spurt this long takes the floor and ends an agent monologue; shorter ones
/// ("嗯", "对", "好的") are listening noises. Twice the longest back-channel the tests
/// script (0.4 s) and longer than the 0.6 s an interruption needs.
pub const CALLER_TURN_MIN_S: f32 = 1.0;
const CALLER_TURN_MIN_HOPS: u64 = 100;
/// A silence this long ends a monologue too: it is dead air, not a pause for breath.
const MONOLOGUE_BREAK_HOPS: u64 = 500;

/// Hops in which both sides talk (spurts of each side sorted and disjoint).
pub(super) fn overlap_hops(a: &[Spurt], b: &[Spurt]) -> u64 {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        total += end.saturating_sub(start);
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

/// Response gaps: from the end of a caller's spurt to the agent's next start, when the
/// caller had the floor (spoke after the agent last stopped) and was silent when the agent
/// began. A gap that touches a hold is waiting, not responding.
pub(super) fn response_gaps(agent: &[Spurt], caller: &[Spurt], holds: &[(u64, u64)]) -> Vec<u64> {
    let mut gaps = Vec::new();
    let mut c = 0;
    for (i, a) in agent.iter().enumerate() {
        while c < caller.len() && caller[c].end <= a.start {
            c += 1;
        }
        // caller[c - 1] is the last caller spurt over before the agent began.
        let Some(last) = c.checked_sub(1).map(|k| caller[k]) else { continue };
        let caller_talking = caller.get(c).is_some_and(|s| s.start <= a.start);
        let caller_had_floor = i == 0 || agent[i - 1].end < last.end;
        let on_hold = holds.iter().any(|&(s, e)| s < a.start && last.end < e);
        if !caller_talking && caller_had_floor && !on_hold {
            gaps.push(a.start - last.end);
        }
    }
    gaps
}

/// The longest agent monologue: agent spurts chained until the caller takes a turn of
/// [`CALLER_TURN_MIN_S`] or a dead-air silence falls, from the first start to the last end.
pub(super) fn longest_monologue_hops(agent: &[Spurt], caller: &[Spurt]) -> u64 {
    let turns: Vec<u64> =
        caller.iter().filter(|s| s.len() >= CALLER_TURN_MIN_HOPS).map(|s| s.start).collect();
    let mut longest = 0;
    let mut chain: Option<(u64, u64)> = None;
    for a in agent {
        chain = match chain {
            Some((start, end))
                if a.start - end < MONOLOGUE_BREAK_HOPS
                    && !turns.iter().any(|&t| t > start && t < a.start) =>
            {
                Some((start, a.end))
            }
            _ => Some((a.start, a.end)),
        };
        let (start, end) = chain.expect("just set");
        longest = longest.max(end - start);
    }
    longest
}

/// Median of hop counts, in seconds.
pub(super) fn median_s(hops: &[u64]) -> Option<f32> {
    let mut v = hops.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f32 / 100.0),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f32 / 200.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: u64, end: u64) -> Spurt {
        Spurt { start, end }
    }

    #[test]
    fn overlap_is_the_time_both_sides_talk() {
        let a = [s(0, 100), s(200, 400), s(500, 600)];
        let b = [s(50, 250), s(300, 350), s(590, 700)];
        assert_eq!(overlap_hops(&a, &b), 50 + 50 + 50 + 10);
        assert_eq!(overlap_hops(&a, &[]), 0);
    }

    #[test]
    fn a_response_gap_runs_from_the_callers_end_to_the_agents_start() {
        let agent = [s(0, 300), s(770, 1000)];
        let caller = [s(400, 700)];
        assert_eq!(response_gaps(&agent, &caller, &[]), vec![70]);
    }

    #[test]
    fn no_response_gap_when_the_agent_talks_over_or_just_paused_or_waited_on_hold() {
        // The agent starts while the caller talks.
        assert_eq!(response_gaps(&[s(500, 900)], &[s(400, 700)], &[]), Vec::<u64>::new());
        // A caller back-channel inside the agent's talk: the agent's next spurt answers nothing.
        assert_eq!(
            response_gaps(&[s(0, 500), s(600, 900)], &[s(200, 230)], &[]),
            Vec::<u64>::new()
        );
        // A hold between the caller's words and the agent's.
        assert_eq!(
            response_gaps(&[s(0, 100), s(3000, 3200)], &[s(200, 400)], &[(450, 2900)]),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn back_channels_do_not_end_a_monologue_but_a_turn_or_dead_air_does() {
        let agent = [s(0, 1000), s(1100, 2000), s(2300, 3000), s(3200, 3300)];
        // a 0.3 s back-channel at 1020 (the chain goes on), a 2 s caller turn at 2050 (a
        // new chain from 2300)
        let caller = [s(1020, 1050), s(2050, 2250)];
        assert_eq!(longest_monologue_hops(&agent, &caller), 2000);
        assert_eq!(longest_monologue_hops(&agent, &caller[..1]), 3300);
        // dead air of 5 s splits, 4.99 s does not
        assert_eq!(longest_monologue_hops(&[s(0, 100), s(600, 700)], &[]), 100);
        assert_eq!(longest_monologue_hops(&[s(0, 100), s(599, 700)], &[]), 700);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median_s(&[30, 10, 20]), Some(0.2));
        assert_eq!(median_s(&[10, 40, 20, 30]), Some(0.25));
        assert_eq!(median_s(&[]), None);
    }
}
