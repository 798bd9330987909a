//! Never lose work: while the document has unsaved changes, a recovery copy is written a
//! few seconds after the last change (through `edit::recovery`, never over the user's
//! file), and at start copies left by an editor that did not close cleanly are offered.
//!
//! The copy is written on the UI thread: serialising and syncing a model of a few hundred
//! components takes a millisecond or two, and a 10,000-component model tens of
//! milliseconds once per quiet spell, not per frame.

use std::path::PathBuf;
use std::time::Duration;

use super::content::DocKey;
use super::state::State;
use crate::edit::recovery::{self, Meta, RecoveryCopy, Session};

/// Seconds of quiet after the last change before a copy is written, and at least this long
/// between two copies.
pub const AUTOSAVE_DELAY: f64 = 5.0;

/// A copy is written at the latest this long after the first change it lacks, even while
/// the user keeps editing.
const AUTOSAVE_MAX_WAIT: f64 = 30.0;

/// The app's recovery state; times are egui input times in seconds.
#[derive(Default)]
pub struct Autosave {
    /// Where sessions live; none when recovery is off (tests, no data directory).
    root: Option<PathBuf>,
    /// Started at the first copy.
    session: Option<Session>,
    /// The document content the copy on disk holds.
    written: Option<DocKey>,
    last_write: Option<f64>,
    /// The content seen last and when it first appeared: the last change.
    seen: Option<(DocKey, f64)>,
    /// When the oldest change the copy lacks was made.
    first_unwritten: Option<f64>,
    /// Copies left by editors that are gone, newest first, offered one at a time.
    offered: Vec<RecoveryCopy>,
}

impl Autosave {
    /// Remove the copy: the work it held was saved or deliberately dropped.
    pub fn clear(&mut self) {
        if let Some(session) = &self.session
            && let Err(e) = session.clear()
        {
            log::warn!("cannot remove the recovery copy: {e}");
        }
        self.written = None;
        self.first_unwritten = None;
    }

    /// End cleanly: the session's copy and directory go.
    pub fn finish(&mut self) {
        if let Some(session) = self.session.take()
            && let Err(e) = session.finish()
        {
            log::warn!("cannot remove the recovery directory: {e}");
        }
        self.written = None;
    }
}

/// "12 s ago", "5 min ago", "3 h ago", "2 days ago".
fn ago(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => {
            let days = seconds / 86_400;
            format!("{days} day{} ago", if days == 1 { "" } else { "s" })
        }
    }
}

impl Autosave {
    /// Keep recovery copies under `root` (a directory of its own per running editor);
    /// returns whether editors which did not close cleanly left copies there to offer.
    pub fn start(&mut self, root: PathBuf) -> bool {
        self.offered = recovery::list(&root);
        self.root = Some(root);
        !self.offered.is_empty()
    }

    /// The directory holding this editor's recovery copy, once one was written.
    pub fn dir(&self) -> Option<PathBuf> {
        self.session.as_ref().map(|s| s.dir().to_owned())
    }

    /// Whether the copy on disk holds the content `key`.
    pub fn holds(&self, key: DocKey) -> bool {
        self.written == Some(key)
    }

    /// Write a copy when the unsaved content has been quiet long enough; remove it when
    /// nothing is unsaved any more (saved, or undone back to the saved state).
    pub fn tick(&mut self, ctx: &egui::Context, state: &State) -> Result<(), String> {
        if self.root.is_none() {
            return Ok(());
        }
        let now = ctx.input(|i| i.time);
        let key = state.key();
        if self.seen.is_none_or(|(k, _)| k != key) {
            self.seen = Some((key, now));
            if self.written != Some(key) {
                self.first_unwritten.get_or_insert(now);
            }
        }
        if !state.has_unsaved_changes() {
            if self.written.is_some() {
                self.clear();
            }
            self.first_unwritten = None;
            return Ok(());
        }
        if self.written == Some(key) {
            return Ok(());
        }
        let last_change = self.seen.map_or(now, |(_, t)| t);
        let mut due = last_change + AUTOSAVE_DELAY;
        if let Some(first) = self.first_unwritten {
            due = due.min(first + AUTOSAVE_MAX_WAIT);
        }
        if let Some(last) = self.last_write {
            due = due.max(last + AUTOSAVE_DELAY);
        }
        if now >= due {
            self.write(now, state)
        } else {
            ctx.request_repaint_after(Duration::from_secs_f64(due - now));
            Ok(())
        }
    }

    /// Write the recovery copy of the current document now.
    pub fn write(&mut self, now: f64, state: &State) -> Result<(), String> {
        let Some(root) = self.root.clone() else {
            return Ok(());
        };
        let meta = Meta {
            original: state.doc.path.clone(),
            label: state.document_label(),
            saved_at: recovery::now(),
            disk: state.disk,
        };
        self.last_write = Some(now);
        if self.session.is_none() {
            let session =
                Session::start(&root).map_err(|e| format!("Cannot keep a recovery copy: {e}"))?;
            self.session = Some(session);
        }
        match self.session.as_ref().map(|s| s.write(state.model(), &meta)) {
            Some(Ok(())) => {
                self.written = Some(state.key());
                self.first_unwritten = None;
                Ok(())
            }
            Some(Err(e)) => Err(format!("Cannot write the recovery copy: {e}")),
            None => Ok(()),
        }
    }

    /// The newest copy left behind, while one is offered.
    pub fn offered(&self) -> Option<&RecoveryCopy> {
        self.offered.first()
    }

    /// Take the offered copy to restore it; the others wait for the next start.
    pub fn take_offered(&mut self) -> Option<RecoveryCopy> {
        let first = (!self.offered.is_empty()).then(|| self.offered.remove(0));
        self.offered.clear();
        first
    }

    /// Delete the offered copy; returns whether another is offered next.
    pub fn discard_offered(&mut self) -> Result<bool, String> {
        if self.offered.is_empty() {
            return Ok(false);
        }
        let copy = self.offered.remove(0);
        copy.discard()
            .map_err(|e| format!("Cannot remove the recovery copy: {e}"))?;
        Ok(!self.offered.is_empty())
    }
}

/// "Recover unsaved work?" for `copy`: `Some(true)` to restore it, `Some(false)` to
/// discard it, `None` while the user has not chosen.
pub fn recover_dialog_ui(ctx: &egui::Context, copy: &RecoveryCopy) -> Option<bool> {
    let saved = ago(recovery::now().saturating_sub(copy.meta.saved_at));
    let mut choice = None;
    egui::Modal::new(egui::Id::new("recover_dialog")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading("Recover unsaved work?");
        ui.label("spofscope did not close cleanly and kept a copy of unsaved work:");
        ui.strong(&copy.meta.label);
        ui.label(format!("saved {saved}"));
        if let Some(path) = &copy.meta.original {
            ui.weak(format!("Its file: {}", path.display()));
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Restore").clicked() {
                choice = Some(true);
            }
            if ui.button("Discard").clicked() {
                choice = Some(false);
            }
        });
    });
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(12), "12 s ago");
        assert_eq!(ago(300), "5 min ago");
        assert_eq!(ago(3 * 3600 + 5), "3 h ago");
        assert_eq!(ago(86_400), "1 day ago");
        assert_eq!(ago(2 * 86_400), "2 days ago");
    }
}
