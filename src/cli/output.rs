//! Output paths given on the command line are checked before anything is written: an
//! output that is one of the command's inputs (`analyze t.wav --frames t.wav`), or that
//! lies inside the session store (`report ID --csv <that session>/frames.csv`), would
//! destroy what the user asked to read.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The path as it will be opened: symlinks and `..` resolved where the file (or its
/// folder, for a file yet to be made) exists.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Refuses `out` when it is one of `inputs` (by path or, on Unix, the same file under
/// another name) or lies inside `store` (the session store).
pub fn check(out: &Path, inputs: &[&Path], store: &Path) -> Result<()> {
    let Some(target) = resolved(out) else { return Ok(()) };
    for input in inputs {
        if resolved(input).is_some_and(|i| i == target) || same_file(out, input) {
            bail!(
                "{}: this is also an input of the command; writing it would destroy it (choose another output file)",
                out.display()
            );
        }
    }
    if let Some(store) = store.canonicalize().ok().filter(|s| target.starts_with(s)) {
        bail!(
            "{}: lies inside the session store ({}); write outputs elsewhere so no session is overwritten",
            out.display(),
            store.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = tempfile::Builder::new().prefix(&format!("speech-coach-out-{name}-")).tempdir();
        d.unwrap().keep()
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_under_any_name() {
        let d = dir("same");
        let input = d.join("t.wav");
        std::fs::write(&input, "x").unwrap();
        let store = d.join("sessions");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        assert!(check(&input, &[&input], &store).is_err());
        assert!(check(&d.join("sub/../t.wav"), &[&input], &store).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&input, d.join("link.wav")).unwrap();
            assert!(check(&d.join("link.wav"), &[&input], &store).is_err());
            std::fs::hard_link(&input, d.join("hard.wav")).unwrap();
            assert!(check(&d.join("hard.wav"), &[&input], &store).is_err());
        }
        assert!(check(&d.join("frames.csv"), &[&input], &store).is_ok());
    }

    #[test]
    fn an_output_inside_the_session_store_is_refused() {
        let d = dir("store");
        let store = d.join("sessions");
        std::fs::create_dir_all(store.join("1764000000")).unwrap();
        assert!(check(&store.join("1764000000/frames.csv"), &[], &store).is_err());
        assert!(check(&store.join("new.csv"), &[], &store).is_err());
        assert!(check(&d.join("report.html"), &[], &store).is_ok());
    }
}
