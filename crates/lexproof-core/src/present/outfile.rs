//! Writing an output file so that a failed write never leaves a half-written file under the
//! expected name, and never writes through a symlink planted at that name: the content goes to a
//! fresh file beside it, which then replaces the name (a rename replaces a symlink itself, not
//! what it points to).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` with `fill`; on any error the file is left as it was.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Replacing a device or a FIFO by a file would break what the name stands for (`/dev/null`,
    // a pipe another program reads): refuse it, and a symlink to one too (`/dev/stdout` is a
    // symlink; replacing it broke the system's stdout). A symlink to a regular file is replaced
    // itself, never written through.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let kind = meta.file_type();
        let points_to_special = kind.is_symlink()
            && std::fs::metadata(path).is_ok_and(|target| !target.file_type().is_file());
        if (!kind.is_file() && !kind.is_symlink()) || points_to_special {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it exists and is not a regular file (a directory, device or FIFO, or a symlink to one); choose another name",
            ));
        }
    }
    let tmp = temporary_name(path);
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `dir/.name.tmp-PID`: hidden, unique to this process, in the same directory (so the rename
/// stays on one file system).
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_symlink_instead_of_writing_through_it() {
        let dir = std::env::temp_dir().join(format!("lexproof-outfile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("precious.txt");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.join("out.tsv");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_with(&link, |w| w.write_all(b"rows")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "rows");
        let failed = write_with(&link, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "rows");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            2,
            "no temporary left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
