//! The user's language as the system knows it: `LC_ALL`/`LC_MESSAGES`/`LANG` on Unix;
//! on Windows, where those are normally unset, the user's locale from Windows itself
//! (`GetUserDefaultLocaleName`, e.g. "zh-CN"), so that a Chinese Windows gets a Chinese
//! window without any setting.

/// The user's locale name (`zh_CN.UTF-8`, `zh-CN`, `en-US` …), if any is known.
pub fn user_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(system_locale)
}

#[cfg(windows)]
#[allow(unsafe_code)] // one Win32 call, see SAFETY below
fn system_locale() -> Option<String> {
    // LOCALE_NAME_MAX_LENGTH (winnls.h).
    const MAX_LENGTH: usize = 85;
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetUserDefaultLocaleName(name: *mut u16, len: i32) -> i32;
    }
    let mut buffer = [0u16; MAX_LENGTH];
    // SAFETY: the buffer is writable for the length passed; Windows writes at most that
    // many UTF-16 units, the terminating NUL included, and returns how many (0: failed).
    let written = unsafe { GetUserDefaultLocaleName(buffer.as_mut_ptr(), MAX_LENGTH as i32) };
    let len = usize::try_from(written).ok()?.checked_sub(1)?;
    String::from_utf16(&buffer[..len]).ok().filter(|name| !name.is_empty())
}

#[cfg(not(windows))]
fn system_locale() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    #[cfg(windows)]
    #[test]
    fn windows_names_the_users_locale() {
        let name = super::system_locale().expect("a locale name from Windows");
        assert!(name.len() >= 2 && name.is_ascii(), "{name:?}");
    }
}
