//! The words of the window's device state, target-band panel, layout and fonts notice, in
//! Chinese and English. Apart from `i18n.rs` so that each view's new words sit together;
//! the font subset script reads every Chinese string under `src/ui/`, this file included.

use super::UiLang;

pub struct WindowStrings {
    /// The cue line and the strip when the agent's microphone is gone.
    pub mic_disconnected: &'static str,
    /// A greyed gauge's value.
    pub no_signal: &'static str,
    /// The strip when the caller's side is gone.
    pub caller_lost: &'static str,
    /// The target-band panel's button and title.
    pub targets: &'static str,
    pub pace_zh: &'static str,
    pub pace_en: &'static str,
    pub volume_db: &'static str,
    pub green: &'static str,
    pub amber: &'static str,
    pub reset_targets: &'static str,
    /// Why calibration is refused.
    pub calibrate_not_in_demo: &'static str,
    pub calibrate_not_in_rehearsal: &'static str,
    /// The fonts notice: `{chars}` is filled with characters no font can draw, `{font}`
    /// with a font to install on this platform (`fonts::CJK_FONT_TO_INSTALL`).
    pub missing_glyphs: &'static str,
    /// Level plot's y axis.
    pub level_axis: &'static str,
    /// The caller's source picker: its label and its default entry.
    pub caller_source: &'static str,
    pub default_output: &'static str,
}

pub const ZH: WindowStrings = WindowStrings {
    mic_disconnected: "麦克风断开",
    no_signal: "无信号",
    caller_lost: "客户一侧断开",
    targets: "目标范围",
    pace_zh: "语速（字/分钟）",
    pace_en: "英语语速（词/分钟）",
    volume_db: "音量（分贝，相对平常）",
    green: "绿色",
    amber: "黄色",
    reset_targets: "恢复培训默认值",
    calibrate_not_in_demo: "演示录音不是你的声音，不能用来校准",
    calibrate_not_in_rehearsal: "练习脚本时不能校准：请在平常通话时校准",
    missing_glyphs: "没有字体能显示这些字：{chars}（需要中文字体，如 {font}）",
    level_axis: "电平 (dBFS)",
    caller_source: "客户声音",
    default_output: "默认输出",
};

pub const EN: WindowStrings = WindowStrings {
    mic_disconnected: "Microphone disconnected",
    no_signal: "no signal",
    caller_lost: "caller side disconnected",
    targets: "Targets",
    pace_zh: "Pace, Mandarin (chars/min)",
    pace_en: "Pace, English (words/min)",
    volume_db: "Volume (dB vs normal)",
    green: "green",
    amber: "amber",
    reset_targets: "Reset to the training defaults",
    calibrate_not_in_demo: "The demo is not your voice: calibrate on your own speech",
    calibrate_not_in_rehearsal: "Not during a rehearsal: calibrate on your normal speech",
    missing_glyphs: "No font can show these characters: {chars} (install a CJK font, e.g. {font})",
    level_axis: "Level (dBFS)",
    caller_source: "Caller",
    default_output: "Default output",
};

pub fn window_strings(lang: UiLang) -> &'static WindowStrings {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_subset_covers_these_strings_too() {
        let s = &ZH;
        let all = [
            s.mic_disconnected,
            s.no_signal,
            s.caller_lost,
            s.targets,
            s.pace_zh,
            s.pace_en,
            s.volume_db,
            s.green,
            s.amber,
            s.reset_targets,
            s.calibrate_not_in_demo,
            s.calibrate_not_in_rehearsal,
            s.missing_glyphs,
            s.level_axis,
            s.caller_source,
            s.default_output,
        ]
        .concat();
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all);
        assert!(missing.is_empty(), "rebuild scripts/make-font-subset.sh; missing: {missing}");
    }
}
