//! The stored sessions as a catalogue: which folders are sessions, listing them, and
//! resolving a session id from user input before anything is read or deleted.
//!
//! Every id from outside (command line, window) goes through [`session_dir`]: it must have
//! the shape the store gives ids, and resolve to a real folder directly inside the store.
//!
//! A session's id is its folder's name, which the store made; the `id` inside
//! `session.json` is only what it was written with. A copied folder (`cp -a 1764950400
//! 1764950400-1`) keeps the original's `id` inside: listed by that, one id showed twice,
//! and deleting it removed the original and left the copy unreachable (issue 22 D6).
//!
//! Split out of `store.rs` for size, not as a layer of its own: it reads what the store
//! writes, in the types of `meta.rs` ([`SessionMeta`], [`StoreError`]), and the store
//! names new sessions with [`session_id`] and re-exports what callers need from here.

use std::path::{Path, PathBuf};

use super::meta::{SessionMeta, StoreError};
use super::ranges;
use crate::platform::files::{self, Links};
use crate::platform::json;

/// The id of the `n`-th session started in second `started_unix_s` (the shape
/// [`is_session_id`] accepts, and the only one).
pub(super) fn session_id(started_unix_s: u64, n: u32) -> String {
    if n == 0 { format!("{started_unix_s}") } else { format!("{started_unix_s}-{n}") }
}

/// Whether `id` is one the store creates: Unix seconds, optionally `-N` for a second
/// session started in the same second. Nothing else (no `..`, no separators, no
/// absolute paths, no empty or overlong text) ever reaches the file system.
pub fn is_session_id(id: &str) -> bool {
    let (secs, n) = id.split_once('-').unwrap_or((id, "1"));
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(secs, 20) && digits(n, 3)
}

/// One entry of the session list; a damaged session is listed with what is wrong.
/// Unboxed although a meta is large: a listing is read once per command or panel opening,
/// and callers match on `Listed::Ok(meta)` by value.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Listed {
    Ok(SessionMeta),
    Damaged { id: String, reason: String },
}

/// A stored session's `session.json`, read as other programs may leave it (a byte-order
/// mark, a number beyond f64, see [`crate::platform::json`]) and with every figure outside
/// its physical range taken as missing ([`super::ranges`]): only a file whose needed
/// fields cannot be read is damaged. In a folder named as the store names sessions, the
/// id is the folder's name, whatever the file says.
pub fn load_meta(dir: &Path) -> Result<SessionMeta, StoreError> {
    let path = dir.join("session.json");
    // A regular file only, and no link (the store's rule): a FIFO or a link to /dev/zero
    // in its place would hang every command that lists the store.
    let bytes = files::read_regular(&path, Links::Refuse)
        .map_err(|e| StoreError::Damaged { path: path.clone(), reason: e.to_string() })?;
    let meta: SessionMeta = serde_json::from_str(&json::tolerant(&bytes))
        .map_err(|e| StoreError::Damaged { path, reason: e.to_string() })?;
    Ok(settle_meta(dir, meta))
}

/// [`load_meta`] for a `session.json` already read as a JSON object (the team queue
/// settles a folder's provenance and takes its meta from one read).
pub fn meta_from_object(
    dir: &Path,
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<SessionMeta, StoreError> {
    let meta: SessionMeta =
        serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
            StoreError::Damaged { path: dir.join("session.json"), reason: e.to_string() }
        })?;
    Ok(settle_meta(dir, meta))
}

/// The id from the folder's name, and every figure in its physical range.
fn settle_meta(dir: &Path, mut meta: SessionMeta) -> SessionMeta {
    if let Some(folder) = dir.file_name().and_then(|n| n.to_str()).filter(|n| is_session_id(n)) {
        folder.clone_into(&mut meta.id);
    }
    ranges::check_meta(meta)
}

/// The sessions under `root`, oldest first. Folders whose names the store would not
/// have made are not sessions and are left out.
pub fn list(root: &Path) -> Result<Vec<Listed>, StoreError> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::Io { path: root.to_path_buf(), source: e }),
    };
    let mut dirs: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(id, _)| is_session_id(id))
        .collect();
    dirs.sort();
    Ok(dirs
        .into_iter()
        .map(|(id, d)| match load_meta(&d) {
            Ok(m) => Listed::Ok(m),
            Err(e) => Listed::Damaged { id, reason: e.to_string() },
        })
        .collect())
}

/// The folder of session `id`, checked before anything is read or deleted: the id has
/// the store's own shape, and the folder is a real folder (not a link) inside `root`.
pub fn session_dir(root: &Path, id: &str) -> Result<PathBuf, StoreError> {
    if !is_session_id(id) {
        return Err(StoreError::BadId { id: id.escape_debug().to_string() });
    }
    let not_found = || StoreError::NotFound { id: id.into(), root: root.to_path_buf() };
    let dir = root.join(id);
    let is_real_dir = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_dir());
    if !is_real_dir {
        return Err(not_found());
    }
    let (Ok(real_root), Ok(real_dir)) = (root.canonicalize(), dir.canonicalize()) else {
        return Err(not_found());
    };
    if real_dir.parent() != Some(real_root.as_path()) {
        return Err(not_found());
    }
    Ok(real_dir)
}

/// Deletes a session and its audio.
pub fn delete(root: &Path, id: &str) -> Result<(), StoreError> {
    let dir = session_dir(root, id)?;
    std::fs::remove_dir_all(&dir).map_err(|source| StoreError::Io { path: dir.clone(), source })
}
