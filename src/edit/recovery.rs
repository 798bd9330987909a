//! Recovery copies of unsaved work, and detecting a file changed on disk by someone else.
//! Writes only inside the directory it is given, atomically; never the user's file. No egui.
//!
//! Each running editor holds a [`Session`]: a directory of its own under the recovery
//! root, locked for as long as the session lives, where [`Session::write`] keeps the
//! latest copy of the model and a [`Meta`] record. The lock dies with the process, so
//! after a crash or kill [`list`] finds the copy (copies of editors still running stay
//! locked and are never offered) and [`RecoveryCopy::load`] brings the model back
//! exactly; [`RecoveryCopy::discard`] and [`Session::clear`] remove it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::model::{self, LoadError, Model, SaveError};

const MODEL_FILE: &str = "model.spof.ron";
const META_FILE: &str = "meta.json";
const LOCK_FILE: &str = "lock";

/// What a recovery copy records besides the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The file the document was opened from or last saved to; none for a new model.
    pub original: Option<PathBuf>,
    /// What the editor called the document (file name, sample, "Untitled").
    pub label: String,
    /// When the copy was written, in seconds since the Unix epoch.
    pub saved_at: u64,
    /// The original file as it was when opened or last saved, so a restored document
    /// still notices that someone else changed the file since.
    pub disk: Option<FileStamp>,
}

/// The content of a file as it was at one moment: size, modification time and a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    /// Modification time in nanoseconds since the Unix epoch, when the platform gives one.
    pub modified_ns: Option<u64>,
    /// FNV-1a of the bytes: stable across runs and Rust versions.
    pub hash: u64,
}

impl FileStamp {
    /// The stamp of `path` as it is now.
    pub fn read(path: &Path) -> io::Result<FileStamp> {
        let metadata = std::fs::metadata(path)?;
        let bytes = std::fs::read(path)?;
        Ok(FileStamp {
            len: bytes.len() as u64,
            modified_ns: modified_ns(&metadata),
            hash: fnv1a(&bytes),
        })
    }

    /// Whether `path` no longer holds the content this stamp was taken of. A file with the
    /// same size and modification time is taken as unchanged without reading it; one that
    /// was only touched (same bytes) is unchanged. A missing file has changed.
    pub fn changed(&self, path: &Path) -> io::Result<bool> {
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(e),
        };
        if metadata.len() != self.len {
            return Ok(true);
        }
        if self.modified_ns.is_some() && modified_ns(&metadata) == self.modified_ns {
            return Ok(false);
        }
        Ok(fnv1a(&std::fs::read(path)?) != self.hash)
    }
}

fn modified_ns(metadata: &std::fs::Metadata) -> Option<u64> {
    let since = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(since.as_nanos()).ok()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One editor's place for its recovery copy, locked while the session lives.
#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    /// Held open: the lock is what tells other editors this session is alive.
    _lock: File,
}

impl Session {
    /// A new session directory under `root` (created if missing), locked by this process.
    pub fn start(root: &Path) -> io::Result<Session> {
        std::fs::create_dir_all(root)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut attempt = 0u32;
        loop {
            let dir = root.join(format!("{}-{nanos}-{attempt}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    let lock = open_lock(&dir)?;
                    lock.try_lock().map_err(io::Error::from)?;
                    return Ok(Session { dir, _lock: lock });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Replace the copy with `model` and `meta`. The model is written first, each file
    /// atomically, so a crash at any moment leaves the previous or the new copy whole.
    pub fn write(&self, model: &Model, meta: &Meta) -> Result<(), SaveError> {
        model::save(model, &self.dir.join(MODEL_FILE))?;
        let json = serde_json::to_vec_pretty(meta).map_err(|e| SaveError {
            file: self.dir.join(META_FILE).display().to_string(),
            source: io::Error::other(e),
        })?;
        model::write_atomically(&self.dir.join(META_FILE), &json)
    }

    /// Remove the copy (the work was saved or deliberately dropped); the session goes on.
    pub fn clear(&self) -> io::Result<()> {
        remove_if_present(&self.dir.join(META_FILE))?;
        remove_if_present(&self.dir.join(MODEL_FILE))
    }

    /// End the session cleanly: its copy and its directory go.
    pub fn finish(self) -> io::Result<()> {
        std::fs::remove_dir_all(&self.dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// A copy left behind by an editor that is no longer running, locked while held so
/// that no other editor offers it at the same time.
#[derive(Debug)]
pub struct RecoveryCopy {
    pub meta: Meta,
    dir: PathBuf,
    _lock: File,
}

impl RecoveryCopy {
    /// The model exactly as it was written.
    pub fn load(&self) -> Result<Model, LoadError> {
        model::load(&self.dir.join(MODEL_FILE))
    }

    /// Delete the copy and its session directory.
    pub fn discard(self) -> io::Result<()> {
        std::fs::remove_dir_all(&self.dir)
    }
}

/// Copies under `root` whose editor is gone, newest first. Sessions of editors that
/// died before writing anything are removed on the way; unreadable entries are skipped.
pub fn list(root: &Path) -> Vec<RecoveryCopy> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut copies: Vec<RecoveryCopy> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.is_dir())
        .filter_map(|dir| {
            let lock = open_lock(&dir).ok()?;
            lock.try_lock().ok()?;
            let meta = std::fs::read(dir.join(META_FILE))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Meta>(&bytes).ok());
            match meta {
                Some(meta) if dir.join(MODEL_FILE).is_file() => Some(RecoveryCopy {
                    meta,
                    dir,
                    _lock: lock,
                }),
                _ => {
                    // Nothing to recover: a session that ended before its first copy.
                    let _ = std::fs::remove_dir_all(&dir);
                    None
                }
            }
        })
        .collect();
    copies.sort_by(|a, b| {
        b.meta
            .saved_at
            .cmp(&a.meta.saved_at)
            .then_with(|| a.dir.cmp(&b.dir))
    });
    copies
}

fn open_lock(dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"))
    }

    #[test]
    fn a_touched_file_with_the_same_bytes_has_not_changed() {
        let dir = temp();
        let path = dir.path().join("m.spof.ron");
        std::fs::write(&path, "one").unwrap_or_else(|e| panic!("{e}"));
        let stamp = FileStamp::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let touched = FileStamp {
            modified_ns: Some(1),
            ..stamp
        };
        assert_eq!(touched.changed(&path).ok(), Some(false));
        std::fs::write(&path, "two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(touched.changed(&path).ok(), Some(true));
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stamp.changed(&path).ok(), Some(true));
    }

    #[test]
    fn a_session_that_never_wrote_is_cleaned_up_not_offered() {
        let root = temp();
        let session = Session::start(root.path()).unwrap_or_else(|e| panic!("{e}"));
        let dir = session.dir().to_owned();
        drop(session);
        assert!(list(root.path()).is_empty());
        assert!(!dir.exists());
    }

    #[test]
    fn a_live_session_is_not_offered_and_a_finished_one_leaves_nothing() {
        let root = temp();
        let session = Session::start(root.path()).unwrap_or_else(|e| panic!("{e}"));
        let meta = Meta {
            original: None,
            label: "Untitled".to_owned(),
            saved_at: 7,
            disk: None,
        };
        session
            .write(&Model::default(), &meta)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(session.dir().join(MODEL_FILE).is_file());
        assert!(list(root.path()).is_empty());
        session.finish().unwrap_or_else(|e| panic!("{e}"));
        assert!(list(root.path()).is_empty());
        assert_eq!(
            std::fs::read_dir(root.path()).map(Iterator::count).ok(),
            Some(0)
        );
    }

    #[test]
    fn a_dropped_session_leaves_its_copy_to_load_or_discard() {
        let root = temp();
        let model = Model {
            name: "kept".to_owned(),
            ..Model::default()
        };
        let meta = Meta {
            original: Some(PathBuf::from("/m/shop.spof.ron")),
            label: "shop.spof.ron".to_owned(),
            saved_at: 42,
            disk: None,
        };
        let session = Session::start(root.path()).unwrap_or_else(|e| panic!("{e}"));
        session
            .write(&model, &meta)
            .unwrap_or_else(|e| panic!("{e}"));
        drop(session);
        let mut copies = list(root.path());
        assert_eq!(copies.len(), 1);
        let copy = copies.remove(0);
        assert_eq!(copy.meta, meta);
        assert_eq!(copy.load().ok(), Some(model));
        assert!(
            list(root.path()).is_empty(),
            "a held copy is not offered twice"
        );
        copy.discard().unwrap_or_else(|e| panic!("{e}"));
        assert!(list(root.path()).is_empty());
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
