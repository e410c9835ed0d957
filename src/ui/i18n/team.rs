//! The words of the team sync status line, in Chinese and English. Apart from `i18n.rs`
//! so that the team feature's window words sit together; the font subset script reads
//! every Chinese string under `src/ui/`, this file included.

use crate::settings::UiLang;
use crate::team::SyncProblem;
use crate::words::word_table;

word_table! {
    pub struct TeamStrings {
        /// `{n}` calls wait to be sent.
        pub waiting: &'static str,
        pub up_to_date: &'static str,
        /// Appended while the database cannot be reached.
        pub offline: &'static str,
        /// Before the first count.
        pub starting: &'static str,
        /// Appended when `{n}` calls are set aside (team sync cannot send them).
        pub set_aside: &'static str,
        /// The same for one call.
        pub set_aside_one: &'static str,
        /// The set-aside count's tooltip: where the reasons are.
        pub set_aside_hint: &'static str,
        /// Appended, instead of `offline`, when a person must fix `{why}` first.
        pub cannot_connect: &'static str,
        pub ca_file: &'static str,
        pub password_file: &'static str,
        pub settings: &'static str,
        pub login_refused: &'static str,
        pub no_tls: &'static str,
        pub untrusted: &'static str,
        pub not_initialised: &'static str,
    }
}

impl TeamStrings {
    /// What must be fixed, in this language.
    pub fn problem(&self, problem: SyncProblem) -> &'static str {
        match problem {
            SyncProblem::CaFile => self.ca_file,
            SyncProblem::PasswordFile => self.password_file,
            SyncProblem::Settings => self.settings,
            SyncProblem::LoginRefused => self.login_refused,
            SyncProblem::NoTls => self.no_tls,
            SyncProblem::Untrusted => self.untrusted,
            SyncProblem::NotInitialised => self.not_initialised,
        }
    }
}

pub const ZH: TeamStrings = TeamStrings {
    waiting: "团队同步：{n} 条待发",
    up_to_date: "团队同步：已同步",
    offline: "（离线）",
    starting: "团队同步：连接中",
    set_aside: "，{n} 通电话未能发送",
    set_aside_one: "，1 通电话未能发送",
    set_aside_hint: "speech-coach team sync 会说明为什么",
    cannot_connect: "（无法连接：{why}）",
    ca_file: "CA 证书文件无法读取",
    password_file: "密码文件无法读取",
    settings: "团队设置有误",
    login_refused: "登录被拒绝",
    no_tls: "服务器未开启 TLS",
    untrusted: "服务器证书不受信任",
    not_initialised: "团队数据库尚未初始化",
};

pub const EN: TeamStrings = TeamStrings {
    waiting: "team sync: {n} waiting",
    up_to_date: "team sync: up to date",
    offline: " (offline)",
    starting: "team sync: connecting",
    set_aside: "; {n} calls could not be sent",
    set_aside_one: "; 1 call could not be sent",
    set_aside_hint: "speech-coach team sync lists why",
    cannot_connect: " (cannot connect: {why})",
    ca_file: "the CA certificate file cannot be read",
    password_file: "the password file cannot be read",
    settings: "the team settings are wrong",
    login_refused: "the login was refused",
    no_tls: "the server offers no TLS",
    untrusted: "the server's certificate is not trusted",
    not_initialised: "the team database is not set up",
};

pub fn team_strings(lang: UiLang) -> &'static TeamStrings {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_subset_covers_the_team_strings() {
        let all = ZH.texts().concat();
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all);
        assert!(missing.is_empty(), "rebuild scripts/make-font-subset.sh; missing: {missing}");
    }
}
