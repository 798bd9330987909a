//! Never lose work: while the document has unsaved changes, a recovery copy is written a
//! few seconds after the last change (through `edit::recovery`, never over the user's
//! file), and at start copies left by an editor that did not close cleanly are offered.
//!
//! The copy is written on the UI thread: serialising and syncing a model of a few hundred
//! components takes a millisecond or two, and a 10,000-component model tens of
//! milliseconds once per quiet spell, not per frame.

use std::path::PathBuf;
use std::time::Duration;

use super::app::{Dialog, DocKey, SpofApp};
use crate::edit::Document;
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

impl SpofApp {
    /// Keep recovery copies under `root` (a directory of its own per running editor) and
    /// offer the copies that editors which did not close cleanly left there.
    pub fn with_recovery(mut self, root: PathBuf) -> Self {
        self.autosave.offered = recovery::list(&root);
        self.autosave.root = Some(root);
        if !self.autosave.offered.is_empty() && self.dialog.is_none() {
            self.dialog = Some(Dialog::Recover);
        }
        self
    }

    /// The directory holding this editor's recovery copy, once one was written.
    pub fn recovery_dir(&self) -> Option<PathBuf> {
        self.autosave.session.as_ref().map(|s| s.dir().to_owned())
    }

    /// Write a copy when the unsaved content has been quiet long enough; remove it when
    /// nothing is unsaved any more (saved, or undone back to the saved state).
    pub(super) fn autosave_tick(&mut self, ctx: &egui::Context) {
        if self.autosave.root.is_none() {
            return;
        }
        let now = ctx.input(|i| i.time);
        let key = self.key();
        let unsaved = self.has_unsaved_changes();
        let a = &mut self.autosave;
        if a.seen.is_none_or(|(k, _)| k != key) {
            a.seen = Some((key, now));
            if a.written != Some(key) {
                a.first_unwritten.get_or_insert(now);
            }
        }
        if !unsaved {
            if a.written.is_some() {
                a.clear();
            }
            a.first_unwritten = None;
            return;
        }
        if a.written == Some(key) {
            return;
        }
        let last_change = a.seen.map_or(now, |(_, t)| t);
        let mut due = last_change + AUTOSAVE_DELAY;
        if let Some(first) = a.first_unwritten {
            due = due.min(first + AUTOSAVE_MAX_WAIT);
        }
        if let Some(last) = a.last_write {
            due = due.max(last + AUTOSAVE_DELAY);
        }
        if now >= due {
            self.autosave_now(now);
        } else {
            ctx.request_repaint_after(Duration::from_secs_f64(due - now));
        }
    }

    /// Write the recovery copy of the current document now.
    fn autosave_now(&mut self, now: f64) {
        let Some(root) = self.autosave.root.clone() else {
            return;
        };
        let meta = Meta {
            original: self.doc.path.clone(),
            label: self.document_label(),
            saved_at: recovery::now(),
            disk: self.disk,
        };
        let key = self.key();
        let a = &mut self.autosave;
        a.last_write = Some(now);
        if a.session.is_none() {
            match Session::start(&root) {
                Ok(session) => a.session = Some(session),
                Err(e) => {
                    self.say(format!("Cannot keep a recovery copy: {e}"), true);
                    return;
                }
            }
        }
        let written = a.session.as_ref().map(|s| s.write(self.doc.model(), &meta));
        match written {
            Some(Ok(())) => {
                a.written = Some(key);
                a.first_unwritten = None;
            }
            Some(Err(e)) => self.say(format!("Cannot write the recovery copy: {e}"), true),
            None => {}
        }
    }

    /// "Recover unsaved work?" for the newest copy left behind: Restore or Discard.
    pub(super) fn recover_dialog_ui(&mut self, ctx: &egui::Context) -> bool {
        let Some(copy) = self.autosave.offered.first() else {
            return false;
        };
        let label = copy.meta.label.clone();
        let saved = ago(recovery::now().saturating_sub(copy.meta.saved_at));
        let original = copy.meta.original.clone();
        let mut choice = None;
        egui::Modal::new(egui::Id::new("recover_dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Recover unsaved work?");
            ui.label("spofscope did not close cleanly and kept a copy of unsaved work:");
            ui.strong(label);
            ui.label(format!("saved {saved}"));
            if let Some(path) = original {
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
        match choice {
            Some(true) => {
                self.restore_offered(ctx);
                false
            }
            Some(false) => {
                let copy = self.autosave.offered.remove(0);
                if let Err(e) = copy.discard() {
                    self.say(format!("Cannot remove the recovery copy: {e}"), true);
                }
                !self.autosave.offered.is_empty()
            }
            None => true,
        }
    }

    /// Open the offered copy as an unsaved document on its original path, safe in this
    /// editor's own copy before the old one goes. Other copies wait for the next start.
    fn restore_offered(&mut self, ctx: &egui::Context) {
        let copy = self.autosave.offered.remove(0);
        self.autosave.offered.clear();
        match copy.load() {
            Ok(model) => {
                let meta = copy.meta.clone();
                self.replace_document(Document::unsaved(model, meta.original.clone()), None);
                self.disk = meta.disk;
                self.autosave_now(ctx.input(|i| i.time));
                if self.autosave.written == Some(self.key()) {
                    if let Err(e) = copy.discard() {
                        log::warn!("cannot remove the restored recovery copy: {e}");
                    }
                } else {
                    log::warn!("the restored copy stays until this editor keeps its own");
                }
                self.say(format!("Recovered {}", meta.label), false);
            }
            Err(error) => self.dialog = Some(Dialog::LoadError(error)),
        }
    }
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
