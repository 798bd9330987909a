//! Background computations keyed by a request value: one job runs at a time, the newest
//! request waits (or, for a job that [supersedes](Job::superseding) slow work, stops a
//! computation running too long for older content), a running one can be cancelled (it
//! stops at its next check, in the background, while the next one may already start), and
//! a result is only handed out for the key it was computed for. Never blocks the UI
//! thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// Size rayon's global pool, where background jobs do their parallel work, one thread
/// below the cores (at least one): on a two-core machine an analysis of 10,000 components
/// on both cores left each frame waiting for a core. The command line keeps every core.
/// Must come before any parallel work; once the pool exists it keeps its size.
pub fn leave_a_core_to_the_ui() {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.saturating_sub(1).max(1);
    // Fails only when the pool already exists, which then keeps its size.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

/// A finished computation and how long it took.
pub struct Done<K, V> {
    pub key: K,
    pub value: V,
    pub elapsed: Duration,
}

/// The work gets a flag that is set when it is cancelled; it may return `None` then.
type Work<V> = Box<dyn FnOnce(&AtomicBool) -> Option<V> + Send>;

struct Running<K, V> {
    key: K,
    started: Instant,
    receiver: Receiver<V>,
    cancel: Arc<AtomicBool>,
}

pub struct Job<K, V> {
    done: Option<Done<K, V>>,
    running: Option<Running<K, V>>,
    queued: Option<(K, Work<V>)>,
    /// Set when a computation panicked: the UI says so instead of spinning forever.
    pub failed: Option<K>,
    /// Set when the user cancelled the computation for this key: not started again by itself.
    pub cancelled: Option<K>,
    /// A computation that has run this long is stopped when a newer request waits.
    supersede_after: Option<Duration>,
}

impl<K, V> Default for Job<K, V> {
    fn default() -> Self {
        Self {
            done: None,
            running: None,
            queued: None,
            failed: None,
            cancelled: None,
            supersede_after: None,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, V: Send + 'static> Job<K, V> {
    /// A job whose computation, once it has run for `after`, is stopped as soon as a
    /// newer request waits: its result would describe older content, and waiting for it
    /// would double the wait for the newer one. Quicker ones still finish, so results
    /// keep coming during quick successive edits. For work that checks its flag.
    pub fn superseding(after: Duration) -> Self {
        Self {
            supersede_after: Some(after),
            ..Self::default()
        }
    }

    /// Whether `key` is neither computed, running, queued, known to fail nor cancelled.
    pub fn wants(&self, key: &K) -> bool {
        self.done.as_ref().is_none_or(|d| d.key != *key)
            && self.running.as_ref().is_none_or(|r| r.key != *key)
            && self.queued.as_ref().is_none_or(|(k, _)| k != key)
            && self.failed.as_ref() != Some(key)
            && self.cancelled.as_ref() != Some(key)
    }

    /// Whether a computation is running or waiting.
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.queued.is_some()
    }

    /// Stop the running computation (it gives up at its next check) and drop a waiting one.
    pub fn cancel(&mut self) {
        if let Some(running) = self.running.take() {
            running.cancel.store(true, Ordering::Relaxed);
            self.cancelled = Some(running.key);
        }
        if let Some((key, _)) = self.queued.take() {
            self.cancelled = Some(key);
        }
    }

    /// Drop the waiting request, if any: called before making a newer one, so that what
    /// the older one holds (a copy of the model) is free to be brought up to date for it.
    pub fn drop_queued(&mut self) {
        self.queued = None;
    }

    /// Ask for `key`; `work` runs on its own thread when no other job is running, and `ctx`
    /// is asked to repaint when it finishes. A waiting older request is dropped.
    pub fn request(
        &mut self,
        key: K,
        ctx: &egui::Context,
        work: impl FnOnce(&AtomicBool) -> Option<V> + Send + 'static,
    ) {
        if !self.wants(&key) {
            return;
        }
        self.queued = Some((key, Box::new(work)));
        self.start_queued(ctx);
    }

    /// Collect a finished result and start whatever waits.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some(running) = &self.running {
            match running.receiver.try_recv() {
                Ok(value) => {
                    self.done = Some(Done {
                        key: running.key.clone(),
                        value,
                        elapsed: running.started.elapsed(),
                    });
                    self.running = None;
                }
                Err(TryRecvError::Disconnected) => {
                    self.failed = Some(running.key.clone());
                    self.running = None;
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        self.start_queued(ctx);
    }

    fn start_queued(&mut self, ctx: &egui::Context) {
        if let Some(after) = self.supersede_after
            && self.queued.is_some()
            && let Some(stale) = self.running.take_if(|r| r.started.elapsed() >= after)
        {
            stale.cancel.store(true, Ordering::Relaxed);
        }
        if self.running.is_some() {
            return;
        }
        let Some((key, work)) = self.queued.take() else {
            return;
        };
        let (sender, receiver) = channel();
        let repaint = ctx.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new()
            .name("spofscope-analysis".to_owned())
            .spawn(move || {
                if let Some(value) = work(&flag) {
                    // The receiver is gone only when the job was cancelled or the app closed.
                    let _ = sender.send(value);
                }
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(Running {
                    key,
                    started: Instant::now(),
                    receiver,
                    cancel,
                });
            }
            Err(_) => self.failed = Some(key),
        }
    }

    /// The result computed for exactly `key`.
    pub fn get(&self, key: &K) -> Option<&Done<K, V>> {
        self.done.as_ref().filter(|d| d.key == *key)
    }

    /// The last result, whatever it was computed for.
    pub fn latest(&self) -> Option<&Done<K, V>> {
        self.done.as_ref()
    }

    /// Keep `value` as the result for `key`, made on the spot from an earlier result rather
    /// than computed in the background.
    pub fn store(&mut self, key: K, value: V) {
        let elapsed = self.done.as_ref().map_or(Duration::ZERO, |d| d.elapsed);
        self.done = Some(Done {
            key,
            value,
            elapsed,
        });
    }

    /// Declare the last result valid for `key` too (e.g. only positions changed).
    pub fn relabel(&mut self, key: K) {
        if let Some(done) = &mut self.done {
            done.key = key;
        }
    }

    /// Forget every result and stop what runs (a new document, or analyse again).
    pub fn clear(&mut self) {
        if let Some(running) = self.running.take() {
            running.cancel.store(true, Ordering::Relaxed);
        }
        self.done = None;
        self.queued = None;
        self.failed = None;
        self.cancelled = None;
    }
}

/// The last pair (a result's key, the current key) found to differ in what the result was
/// computed from: a costly comparison (10,000 components) runs once per pair, not per frame.
pub struct KnownDifferent<K>(Option<(K, K)>);

impl<K> Default for KnownDifferent<K> {
    fn default() -> Self {
        Self(None)
    }
}

impl<K: PartialEq> KnownDifferent<K> {
    /// Whether the result for `from` holds for `to`: `same` decides, unless this pair is
    /// already known to differ.
    pub fn same(&mut self, from: K, to: K, same: impl FnOnce() -> bool) -> bool {
        let pair = (from, to);
        if self.0.as_ref() == Some(&pair) {
            return false;
        }
        let same = same();
        if !same {
            self.0 = Some(pair);
        }
        same
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(job: &mut Job<u64, u64>, ctx: &egui::Context) {
        for _ in 0..500 {
            job.poll(ctx);
            if job.running.is_none() && job.queued.is_none() {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn result_is_only_handed_out_for_its_own_key() {
        let ctx = egui::Context::default();
        let mut job = Job::default();
        job.request(1, &ctx, |_| Some(10));
        wait(&mut job, &ctx);
        assert_eq!(job.get(&1).map(|d| d.value), Some(10));
        assert!(job.get(&2).is_none());
        assert_eq!(job.latest().map(|d| d.key), Some(1));
    }

    #[test]
    fn newest_request_replaces_a_waiting_one() {
        let ctx = egui::Context::default();
        let mut job = Job::default();
        let (go, gate) = channel::<()>();
        job.request(1, &ctx, move |_| {
            let _ = gate.recv();
            Some(1)
        });
        job.request(2, &ctx, |_| Some(2));
        job.request(3, &ctx, |_| Some(3));
        assert!(!job.wants(&3));
        assert!(job.wants(&2));
        let _ = go.send(());
        wait(&mut job, &ctx);
        assert_eq!(job.get(&3).map(|d| d.value), Some(3));
    }

    #[test]
    fn a_panicking_job_is_reported_not_retried() {
        let ctx = egui::Context::default();
        let mut job: Job<u64, u64> = Job::default();
        job.request(7, &ctx, |_| panic!("boom"));
        wait(&mut job, &ctx);
        assert_eq!(job.failed, Some(7));
        assert!(!job.wants(&7));
    }

    #[test]
    fn a_cancelled_job_sees_its_flag_and_hands_out_nothing() {
        let ctx = egui::Context::default();
        let mut job: Job<u64, u64> = Job::default();
        let (seen, saw) = channel::<bool>();
        let (go, gate) = channel::<()>();
        job.request(4, &ctx, move |cancel| {
            let _ = gate.recv();
            let _ = seen.send(cancel.load(Ordering::Relaxed));
            Some(4)
        });
        job.cancel();
        let _ = go.send(());
        assert_eq!(saw.recv_timeout(Duration::from_secs(5)), Ok(true));
        wait(&mut job, &ctx);
        assert!(job.get(&4).is_none());
        assert_eq!(job.cancelled, Some(4));
        assert!(!job.wants(&4));
        job.clear();
        assert!(job.wants(&4));
    }

    #[test]
    fn a_slow_job_is_stopped_for_a_newer_request_when_superseding() {
        let ctx = egui::Context::default();
        let mut job: Job<u64, u64> = Job::superseding(Duration::ZERO);
        let (seen, saw) = channel::<bool>();
        let (go, gate) = channel::<()>();
        job.request(1, &ctx, move |cancel| {
            let _ = gate.recv();
            let _ = seen.send(cancel.load(Ordering::Relaxed));
            Some(1)
        });
        job.request(2, &ctx, |_| Some(2));
        let _ = go.send(());
        assert_eq!(saw.recv_timeout(Duration::from_secs(5)), Ok(true));
        wait(&mut job, &ctx);
        assert_eq!(job.get(&2).map(|d| d.value), Some(2));
        assert!(job.latest().is_some_and(|d| d.key == 2));
        assert_eq!(job.cancelled, None);
        // Without superseding, the same requests wait for the first (see
        // `newest_request_replaces_a_waiting_one`); with a long enough threshold too.
        let mut patient: Job<u64, u64> = Job::superseding(Duration::from_secs(3600));
        let (go, gate) = channel::<()>();
        patient.request(1, &ctx, move |cancel| {
            let _ = gate.recv();
            (!cancel.load(Ordering::Relaxed)).then_some(1)
        });
        patient.request(2, &ctx, |_| Some(2));
        assert!(patient.running.as_ref().is_some_and(|r| r.key == 1));
        let _ = go.send(());
        wait(&mut patient, &ctx);
        assert_eq!(patient.get(&2).map(|d| d.value), Some(2));
    }

    #[test]
    fn clearing_stops_the_running_job() {
        let ctx = egui::Context::default();
        let mut job: Job<u64, u64> = Job::default();
        let (seen, saw) = channel::<bool>();
        let (go, gate) = channel::<()>();
        job.request(5, &ctx, move |cancel| {
            let _ = gate.recv();
            let _ = seen.send(cancel.load(Ordering::Relaxed));
            Some(5)
        });
        job.clear();
        assert!(!job.is_busy());
        assert_eq!(job.cancelled, None);
        let _ = go.send(());
        assert_eq!(saw.recv_timeout(Duration::from_secs(5)), Ok(true));
        job.request(6, &ctx, |_| Some(6));
        wait(&mut job, &ctx);
        assert_eq!(job.get(&6).map(|d| d.value), Some(6));
    }
}
