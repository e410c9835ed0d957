//! Opening a file the app reads but people and other programs can replace: only a regular
//! file is opened. A FIFO in its place blocks the open (or the first read) until a writer
//! comes, which may be never, and a device such as `/dev/zero` never ends: either one hung
//! `sessions`, `history`, `report`, `team sync` and the window (issue 22 C4). The type is
//! checked before the file is opened, so nothing that could block is ever touched.
//!
//! [`Links::Refuse`] is the session store's rule (it follows no link inside `sessions/`:
//! the store writes none, and one could point anywhere); [`Links::Follow`] is for a path
//! the user names (a settings file, a CA certificate), where a link to a regular file is
//! ordinary and only what it leads to must be a regular file.

use std::fs::File;
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// What a link in place of the file means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it; the file it leads to must be a regular file.
    Follow,
    /// Refuse it, whatever it leads to.
    Refuse,
}

/// Whether `path` is a regular file (under `links`): `Ok` if so, else an error of kind
/// `InvalidInput` naming what it is instead.
pub fn check_regular(path: &Path, links: Links) -> std::io::Result<()> {
    let meta = match links {
        Links::Follow => std::fs::metadata(path)?,
        Links::Refuse => std::fs::symlink_metadata(path)?,
    };
    if meta.is_file() {
        return Ok(());
    }
    let what = describe(&meta.file_type());
    Err(Error::new(ErrorKind::InvalidInput, format!("not a regular file ({what})")))
}

/// Opens `path` for reading if it is a regular file (see [`check_regular`]).
pub fn open_regular(path: &Path, links: Links) -> std::io::Result<File> {
    check_regular(path, links)?;
    File::open(path)
}

/// Reads `path` whole if it is a regular file (see [`check_regular`]).
pub fn read_regular(path: &Path, links: Links) -> std::io::Result<Vec<u8>> {
    #[cfg(test)]
    read_log::note(path);
    let mut bytes = Vec::new();
    open_regular(path, links)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The files [`read_regular`] read on this thread, for tests that count reads (a test
/// runs on a thread of its own, so tests running together do not see each other's).
#[cfg(test)]
pub(crate) mod read_log {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    // The Windows toolchain's older clippy does not see the `const` block and asks for
    // one (make test-windows); the newer one is content.
    #[allow(clippy::missing_const_for_thread_local)]
    mod local {
        use super::{PathBuf, RefCell};
        thread_local! {
            pub(super) static READ: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
        }
    }
    use local::READ;

    pub(super) fn note(path: &Path) {
        READ.with(|r| r.borrow_mut().push(path.to_path_buf()));
    }

    /// Forgets every read so far on this thread.
    pub fn clear() {
        READ.with(|r| r.borrow_mut().clear());
    }

    /// How many reads on this thread since [`clear`] were of a file named `name`.
    pub fn count(name: &str) -> usize {
        READ.with(|r| {
            r.borrow().iter().filter(|p| p.file_name().is_some_and(|n| n == name)).count()
        })
    }
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    if kind.is_symlink() {
        return "a link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_and_a_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_regular(&file, Links::Refuse).unwrap(), b"{}");
        let e = read_regular(tmp.path(), Links::Follow).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_to_a_device_is_refused_without_being_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let zero = tmp.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        for (path, links, says) in [
            (&fifo, Links::Follow, "a FIFO"),
            (&zero, Links::Follow, "a device"),
            (&zero, Links::Refuse, "a link"),
            (&link, Links::Refuse, "a link"),
        ] {
            let e = read_regular(path, links).unwrap_err();
            assert!(e.to_string().contains(says), "{path:?} {links:?}: {e}");
        }
        // A link the user made to a regular file is followed where links are.
        assert_eq!(read_regular(&link, Links::Follow).unwrap(), b"x");
    }
}
