//! Folders and files readable by the user alone (0700 / 0600 on Unix): sessions hold
//! recordings of calls and settings hold a voice baseline, on PCs that are often shared.
//! Elsewhere the platform's defaults apply (per-user profile folders on Windows).

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Creates `dir` and its missing parents for the user alone, and tightens `dir` itself
/// if it already existed with wider rights.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700).create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Creates one folder (not its parents) for the user alone; fails if it exists, which
/// is how the store claims a fresh session id.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(false);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates (or truncates) a file for the user alone. A file left by a crash keeps the
/// mode it was created with, so an existing one is narrowed too.
pub fn create_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// Replaces `path` with `bytes` atomically: a private temp file beside it, then renamed
/// over it, so a crash never leaves half a file. `durable` also syncs the temp file to
/// disk first (settings: a power cut must not leave an empty file); the once-a-second
/// session checkpoints skip it, since a sync on a busy disk can stall the analyser.
pub fn replace_file(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = create_file(&tmp)?;
    file.write_all(bytes)?;
    if durable {
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn folders_and_files_are_private_even_when_they_existed_before() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().to_path_buf();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        let stale = d.join("x.json");
        std::fs::write(&stale, "old").unwrap();
        std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_dir_all(&d).unwrap();
        replace_file(&stale, b"new", true).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&d), 0o700);
        assert_eq!(mode(&stale), 0o600);
        assert_eq!(std::fs::read_to_string(&stale).unwrap(), "new");
        assert!(!d.join("x.json.tmp").exists());
    }
}
