//! The words of the window's device state, target-band panel, layout and fonts notice, in
//! Chinese and English. Apart from `i18n.rs` so that each view's new words sit together;
//! the font subset script reads every Chinese string under `src/ui/`, this file included.

use crate::settings::UiLang;
use crate::words::word_table;

word_table! {
    pub struct WindowStrings {
        /// The cue line and the strip when the agent's microphone is gone.
        pub mic_disconnected: &'static str,
        /// The cue line's words for a microphone that delivers exact silence (muted).
        pub mic_silent: &'static str,
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
        /// Over the calibration passage while the agent reads it.
        pub read_passage: &'static str,
        /// The pace calibration's switch: `{factor}` is filled with the voice's count factor.
        pub pace_calibration: &'static str,
        /// Its hover text: `{counted}` syllables heard in a passage of `{passage}`.
        pub pace_calibration_hint: &'static str,
        /// A reading that taught no pace calibration.
        pub pace_not_calibrated: &'static str,
        /// Back to before the last calibration; to no calibration at all.
        pub undo_calibration: &'static str,
        pub clear_calibration: &'static str,
        /// A session's "delete", asked once more in its row, and the two answers.
        pub delete_question: &'static str,
        pub delete_yes: &'static str,
        pub delete_no: &'static str,
    }
}

pub const ZH: WindowStrings = WindowStrings {
    mic_disconnected: "麦克风断开",
    mic_silent: "麦克风没有声音",
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
    read_passage: "请用平常的语速朗读这段话：",
    pace_calibration: "语速校准 ×{factor}",
    pace_calibration_hint: "朗读校准段落时听到 {counted} 个音节，原文 {passage} 个：语速按此修正",
    pace_not_calibrated: "语速未校准：请把整段话读完",
    undo_calibration: "撤销校准",
    clear_calibration: "清除校准",
    delete_question: "删除这条记录和它的录音？无法恢复",
    delete_yes: "删除",
    delete_no: "保留",
};

pub const EN: WindowStrings = WindowStrings {
    mic_disconnected: "Microphone disconnected",
    mic_silent: "No sound from the microphone",
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
    read_passage: "Read this aloud at your normal pace:",
    pace_calibration: "Pace calibration ×{factor}",
    pace_calibration_hint: "{counted} syllables heard in a passage of {passage}: pace is corrected by this factor",
    pace_not_calibrated: "Pace not calibrated: read the whole passage",
    undo_calibration: "Undo calibration",
    clear_calibration: "Clear calibration",
    delete_question: "Delete this session and its audio? It cannot be undone",
    delete_yes: "Delete",
    delete_no: "Keep",
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
        let all = [ZH.texts(), vec![crate::coach::pace_profile::PASSAGE_ZH]].concat().concat();
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all);
        assert!(missing.is_empty(), "rebuild scripts/make-font-subset.sh; missing: {missing}");
    }
}
