//! Starting with the system, as the settings' toggle (and `speech-coach autostart`) sets
//! it: where each desktop looks for what to start at logon, and nothing of our own.
//!
//! * Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/speech-coach.desktop`
//!   (`~/.config/autostart` when unset), per the XDG Autostart specification; GNOME, KDE,
//!   Xfce and the rest start every entry there.
//! * Windows: the value `speech-coach` under `HKCU\Software\Microsoft\Windows\
//!   CurrentVersion\Run`, the same value the installer's optional "Autostart" feature
//!   writes, so the toggle shows and undoes what the installer did.
//! * macOS: not offered (`for_user` is `None`; the toggle is not shown).
//!
//! The state is read from the system each time rather than kept in the settings: an
//! entry removed by hand or by IT shows as off.

use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
#[error("{place}: cannot turn starting with the system {}: {source}", if *on { "on" } else { "off" })]
pub struct AutostartError {
    place: String,
    on: bool,
    source: std::io::Error,
}

/// Where this user's autostart entry for speech-coach lives.
#[derive(Debug, Clone, PartialEq)]
pub struct Autostart {
    #[cfg(not(windows))]
    entry: PathBuf,
    #[cfg(windows)]
    key: String,
}

impl Autostart {
    /// This user's entry; `None` where the platform has none we write (macOS) or the
    /// user has no home folder.
    pub fn for_user() -> Option<Self> {
        #[cfg(windows)]
        return Some(Self { key: RUN_KEY.to_string() });
        #[cfg(target_os = "macos")]
        return None;
        #[cfg(all(not(windows), not(target_os = "macos")))]
        {
            let config =
                config_home(std::env::var_os("XDG_CONFIG_HOME"), std::env::var_os("HOME"))?;
            Some(Self::at(&config))
        }
    }

    /// The entry under a config folder of one's choosing (tests).
    #[cfg(not(windows))]
    pub fn at(config_home: &Path) -> Self {
        Self { entry: config_home.join("autostart").join("speech-coach.desktop") }
    }

    /// The entry under a registry key of one's choosing below `HKEY_CURRENT_USER` (tests).
    #[cfg(windows)]
    pub fn at_key(key: &str) -> Self {
        Self { key: key.to_string() }
    }

    /// Where the entry is, for messages: a file, or a registry value.
    pub fn place(&self) -> String {
        #[cfg(not(windows))]
        return self.entry.display().to_string();
        #[cfg(windows)]
        return format!(r"HKCU\{}\{VALUE_NAME}", self.key);
    }

    /// Whether the system will start speech-coach at the next logon.
    pub fn is_on(&self) -> bool {
        #[cfg(not(windows))]
        return self.entry.is_file();
        #[cfg(windows)]
        return registry::exists(&self.key, VALUE_NAME);
    }

    /// Makes the system start `program` at logon, or stop doing so. Turning off what is
    /// already off is no error.
    pub fn set(&self, on: bool, program: &Path) -> Result<(), AutostartError> {
        let wrap = |source| AutostartError { place: self.place(), on, source };
        #[cfg(not(windows))]
        {
            if on {
                let dir = self.entry.parent().expect("the entry is in a folder");
                // The folder is shared by every program that starts at logon: created
                // if missing, its rights left as they are.
                std::fs::create_dir_all(dir).map_err(wrap)?;
                let text = desktop_entry(program);
                crate::platform::private::replace_file(&self.entry, text.as_bytes(), true)
                    .map_err(wrap)
            } else {
                match std::fs::remove_file(&self.entry) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(wrap(e)),
                    _ => Ok(()),
                }
            }
        }
        #[cfg(windows)]
        {
            if on {
                let command = format!("\"{}\"", program.display());
                registry::set_string(&self.key, VALUE_NAME, &command).map_err(wrap)
            } else {
                registry::delete(&self.key, VALUE_NAME).map_err(wrap)
            }
        }
    }
}

/// `$XDG_CONFIG_HOME`, else `$HOME/.config`; a relative `XDG_CONFIG_HOME` is invalid and
/// ignored (XDG Base Directory Specification).
#[cfg(all(not(windows), not(target_os = "macos")))]
fn config_home(
    xdg_config_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    xdg_config_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|home| PathBuf::from(home).join(".config")))
}

/// The program to start: this one.
pub fn this_program() -> std::io::Result<PathBuf> {
    std::env::current_exe()
}

/// The `.desktop` file that starts `program` (Desktop Entry Specification 1.5).
#[cfg(not(windows))]
fn desktop_entry(program: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=speech-coach\n\
         Comment=Live coaching for call-centre voices: tone, volume and speaking speed\n\
         Exec={}\n\
         Terminal=false\n\
         Categories=AudioVideo;Audio;\n\
         X-GNOME-Autostart-enabled=true\n",
        exec_argument(&program.to_string_lossy())
    )
}

/// One argument of an `Exec` key: quoted when it holds a reserved character, with `"`,
/// `` ` ``, `$` and `\` escaped inside the quotes; then escaped once more as a string
/// value (`\` doubled); `%` (field codes) doubled. All three rules are the spec's.
#[cfg(not(windows))]
fn exec_argument(arg: &str) -> String {
    const RESERVED: &str = " \t\n\"'\\><~|&;$*?#()`";
    let quoted = if arg.chars().any(|c| RESERVED.contains(c)) {
        let mut q = String::from("\"");
        for c in arg.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                q.push('\\');
            }
            q.push(c);
        }
        q.push('"');
        q
    } else {
        arg.to_string()
    };
    quoted.replace('\\', "\\\\").replace('%', "%%")
}

#[cfg(windows)]
const RUN_KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
#[cfg(windows)]
const VALUE_NAME: &str = "speech-coach";

/// The three `advapi32` calls the Run value needs (Vista and later).
#[cfg(windows)]
#[allow(unsafe_code)] // three Win32 calls, each with its SAFETY note
mod registry {
    use std::ffi::c_void;

    // winreg.h / winerror.h.
    const HKEY_CURRENT_USER: isize = 0x8000_0001u32 as i32 as isize;
    const REG_SZ: u32 = 1;
    const RRF_RT_ANY: u32 = 0x0000_ffff;
    const ERROR_FILE_NOT_FOUND: i32 = 2;

    #[link(name = "advapi32")]
    unsafe extern "system" {
        fn RegSetKeyValueW(
            key: isize,
            sub_key: *const u16,
            value_name: *const u16,
            kind: u32,
            data: *const c_void,
            data_len: u32,
        ) -> i32;
        fn RegDeleteKeyValueW(key: isize, sub_key: *const u16, value_name: *const u16) -> i32;
        fn RegGetValueW(
            key: isize,
            sub_key: *const u16,
            value_name: *const u16,
            flags: u32,
            kind: *mut u32,
            data: *mut c_void,
            data_len: *mut u32,
        ) -> i32;
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(Some(0)).collect()
    }

    fn result(status: i32) -> std::io::Result<()> {
        match status {
            0 => Ok(()),
            code => Err(std::io::Error::from_raw_os_error(code)),
        }
    }

    pub fn set_string(key: &str, name: &str, value: &str) -> std::io::Result<()> {
        let (key, name, value) = (wide(key), wide(name), wide(value));
        let len = u32::try_from(value.len() * 2).map_err(std::io::Error::other)?;
        // SAFETY: NUL-terminated UTF-16 strings that outlive the call; `len` is the
        // data's size in bytes, its NUL included, as REG_SZ wants.
        result(unsafe {
            RegSetKeyValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                name.as_ptr(),
                REG_SZ,
                value.as_ptr().cast(),
                len,
            )
        })
    }

    pub fn delete(key: &str, name: &str) -> std::io::Result<()> {
        let (key, name) = (wide(key), wide(name));
        // SAFETY: NUL-terminated strings that outlive the call.
        match unsafe { RegDeleteKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), name.as_ptr()) } {
            ERROR_FILE_NOT_FOUND => Ok(()),
            status => result(status),
        }
    }

    pub fn exists(key: &str, name: &str) -> bool {
        let (key, name) = (wide(key), wide(name));
        let mut len = 0u32;
        // SAFETY: no data buffer: Windows only writes the size into `len`.
        let status = unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                name.as_ptr(),
                RRF_RT_ANY,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut len,
            )
        };
        status == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(windows))]
    #[test]
    fn the_toggle_writes_a_desktop_entry_that_starts_this_program_and_removes_it() {
        let config = std::env::temp_dir().join(format!("speech-coach-xdg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&config);
        let autostart = Autostart::at(&config);
        assert!(!autostart.is_on());
        autostart.set(false, Path::new("/opt/x")).expect("off when already off");
        autostart.set(true, Path::new("/opt/speech coach/bin/speech-coach")).unwrap();
        assert!(autostart.is_on());
        let text = std::fs::read_to_string(config.join("autostart/speech-coach.desktop")).unwrap();
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"), "{text}");
        assert!(text.contains("\nExec=\"/opt/speech coach/bin/speech-coach\"\n"), "{text}");
        autostart.set(false, Path::new("/opt/x")).unwrap();
        assert!(!autostart.is_on());
        let _ = std::fs::remove_dir_all(&config);
    }

    #[cfg(not(windows))]
    #[test]
    fn exec_arguments_are_quoted_and_escaped_as_the_desktop_entry_spec_says() {
        assert_eq!(exec_argument("/usr/bin/speech-coach"), "/usr/bin/speech-coach");
        assert_eq!(exec_argument("/a b/x"), "\"/a b/x\"");
        // `$` escaped inside quotes (\$), then the backslash doubled as a string value.
        assert_eq!(exec_argument("/a$b"), "\"/a\\\\$b\"");
        assert_eq!(exec_argument("/a\\b"), "\"/a\\\\\\\\b\"");
        assert_eq!(exec_argument("/100%/x"), "/100%%/x");
    }

    #[cfg(all(not(windows), not(target_os = "macos")))]
    #[test]
    fn xdg_config_home_is_used_when_absolute_and_home_dot_config_otherwise() {
        let home = || Some("/home/agent".into());
        let at = |xdg: Option<&str>| config_home(xdg.map(Into::into), home());
        assert_eq!(at(Some("/cfg")), Some(PathBuf::from("/cfg")));
        assert_eq!(at(Some("relative/cfg")), Some(PathBuf::from("/home/agent/.config")));
        assert_eq!(at(None), Some(PathBuf::from("/home/agent/.config")));
        assert_eq!(config_home(None, None), None);
    }

    #[cfg(windows)]
    #[test]
    fn the_toggle_writes_the_run_value_and_removes_it() {
        let key = format!(r"Software\speech-coach-tests\Run-{}", std::process::id());
        let autostart = Autostart::at_key(&key);
        assert!(!autostart.is_on());
        autostart.set(false, Path::new(r"C:\x.exe")).expect("off when already off");
        autostart.set(true, Path::new(r"C:\Program Files\speech-coach\speech-coach.exe")).unwrap();
        assert!(autostart.is_on());
        autostart.set(false, Path::new(r"C:\x.exe")).unwrap();
        assert!(!autostart.is_on());
        assert_eq!(Autostart::for_user().unwrap().place(), format!(r"HKCU\{RUN_KEY}\speech-coach"));
    }
}
