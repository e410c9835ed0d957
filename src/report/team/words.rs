//! The team report's words in Chinese and English, beside each other as in
//! `report::words` (whose units and metric names it reuses).

use crate::analysis::Lang;
use crate::words::word_table;

word_table! {
    pub struct TeamWords {
        pub team_report: &'static str,
        pub team: &'static str,
        pub days_from_to: &'static str,
        pub targets_from_profile: &'static str,
        pub targets_default: &'static str,
        pub agents_heading: &'static str,
        pub agents_intro: &'static str,
        pub agent: &'static str,
        pub calls: &'static str,
        pub distance: &'static str,
        pub whole_team: &'static str,
        pub trends: &'static str,
        pub trends_legend: &'static str,
        pub day: &'static str,
        pub interruptions: &'static str,
        pub dead_air: &'static str,
        pub holds_over_30s: &'static str,
        pub talk_share: &'static str,
        pub tiring_days: &'static str,
        pub tiring_agents: &'static str,
        pub per_call: &'static str,
        pub agents_unit: &'static str,
        pub db_vs_agents_normal: &'static str,
        pub no_calls: &'static str,
        pub off_pace: &'static str,
        pub off_volume: &'static str,
        pub off_tone: &'static str,
        pub off_conversation: &'static str,
        pub off_tiring: &'static str,
        /// The terminal's summary: `{team}`, `{agents}`, `{calls}`, `{from}`, `{to}`, `{ms}`,
        /// and the nouns after the counts, `{agents_noun}` and `{calls_noun}`.
        pub terminal_header: &'static str,
        /// One agent's line: `{agent}`, `{calls}`, `{calls_noun}`, `{off}`.
        pub terminal_agent: &'static str,
        /// An agent and agents, a call and calls, as counted nouns ([`counted`]): English says
        /// "1 agent", not "1 agents"; Chinese counts with a measure word in the templates.
        pub agent_nouns: [&'static str; 2],
        pub call_nouns: [&'static str; 2],
        /// `{n}` agents not listed.
        pub terminal_more: &'static str,
        /// `{path}` written.
        pub terminal_wrote: &'static str,
    }
}

pub const ZH: TeamWords = TeamWords {
    team_report: "团队报告",
    team: "团队",
    days_from_to: "{from} 至 {to}，共 {days} 天",
    targets_from_profile: "目标范围来自团队配置（更新于 {when}）",
    targets_default: "目标范围：培训默认值（团队还没有配置）",
    agents_heading: "坐席（离目标最远的在前）",
    agents_intro: "每位坐席在这段时间的数字；“偏离”把语速、音量、语调、对话和疲劳的偏离加在一起，只用来排序。",
    agent: "坐席",
    calls: "通话",
    distance: "偏离",
    whole_team: "全团队",
    trends: "每天的趋势",
    trends_legend: "蓝线是全团队，灰线是每位坐席；彩色线是在这一项上偏离最远的三位（在目标带外最远，没有目标带时数值最高），名字写在每张图下面；绿色带是目标范围。",
    day: "日期",
    interruptions: "抢话",
    dead_air: "冷场",
    holds_over_30s: "超过 30 秒的保持",
    talk_share: "坐席说话占比",
    tiring_days: "疲劳的班次",
    tiring_agents: "疲劳的坐席",
    per_call: "每通",
    agents_unit: "坐席数",
    db_vs_agents_normal: "相对坐席平常音量的 dB",
    no_calls: "这段时间没有通话。",
    off_pace: "语速",
    off_volume: "音量",
    off_tone: "语调",
    off_conversation: "对话",
    off_tiring: "疲劳",
    terminal_header: "团队 {team}：{agents} 位坐席，{calls} 通电话，{from} 至 {to}（{ms} 毫秒）",
    terminal_agent: "  {agent}  {calls} 通  偏离 {off}",
    agent_nouns: ["", ""],
    call_nouns: ["", ""],
    terminal_more: "  ……另有 {n} 位（全部见 --html 或 --json）",
    terminal_wrote: "已写入 {path}",
};

pub const EN: TeamWords = TeamWords {
    team_report: "Team report",
    team: "Team",
    days_from_to: "{from} to {to}, {days} days",
    targets_from_profile: "Targets from the team's profile (updated {when})",
    targets_default: "Targets: the training defaults (the team has no profile yet)",
    agents_heading: "Agents (furthest from the targets first)",
    agents_intro: "Each agent's figures over the period; \"off target\" adds up how far pace, volume, tone, the conversation and tiring are from the targets, for ordering only.",
    agent: "Agent",
    calls: "Calls",
    distance: "Off target",
    whole_team: "Whole team",
    trends: "Trends by day",
    trends_legend: "Blue: the whole team; grey: each agent; in colour, named under each plot: the three agents furthest off on that measure (furthest outside the green target band, or the highest where there is no band).",
    day: "Day",
    interruptions: "Interruptions",
    dead_air: "Dead air",
    holds_over_30s: "Holds over 30 s",
    talk_share: "Agent talk share",
    tiring_days: "Tiring shifts",
    tiring_agents: "Agents tiring",
    per_call: "per call",
    agents_unit: "agents",
    db_vs_agents_normal: "dB vs the agent's normal",
    no_calls: "No calls in this period.",
    off_pace: "pace",
    off_volume: "volume",
    off_tone: "tone",
    off_conversation: "conversation",
    off_tiring: "tiring",
    terminal_header: "team {team}: {agents} {agents_noun}, {calls} {calls_noun}, {from} to {to} ({ms} ms)",
    terminal_agent: "  {agent}  {calls} {calls_noun}  off target {off}",
    agent_nouns: ["agent", "agents"],
    call_nouns: ["call", "calls"],
    terminal_more: "  … and {n} more (all in --html or --json)",
    terminal_wrote: "wrote {path}",
};

pub fn team_words(lang: Lang) -> &'static TeamWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::{counted, fill};

    #[test]
    fn one_agent_and_one_call_are_singular_in_english() {
        let header = |lang, agents: i64, calls: i64| {
            let t = team_words(lang);
            fill(
                t.terminal_header,
                &[
                    ("team", "A"),
                    ("agents", &agents.to_string()),
                    ("agents_noun", counted(t.agent_nouns, agents)),
                    ("calls", &calls.to_string()),
                    ("calls_noun", counted(t.call_nouns, calls)),
                    ("from", "d1"),
                    ("to", "d2"),
                    ("ms", "3"),
                ],
            )
        };
        assert_eq!(header(Lang::En, 1, 1), "team A: 1 agent, 1 call, d1 to d2 (3 ms)");
        assert_eq!(header(Lang::En, 2, 0), "team A: 2 agents, 0 calls, d1 to d2 (3 ms)");
        assert_eq!(header(Lang::Zh, 1, 1), "团队 A：1 位坐席，1 通电话，d1 至 d2（3 毫秒）");
    }
}
