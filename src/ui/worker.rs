//! Background computations keyed by a request value: one job runs at a time, the newest
//! request waits, and a result is only handed out for the key it was computed for. Never blocks the UI thread.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// A finished computation and how long it took.
pub struct Done<K, V> {
    pub key: K,
    pub value: V,
    pub elapsed: Duration,
}

type Work<V> = Box<dyn FnOnce() -> V + Send>;

struct Running<K, V> {
    key: K,
    started: Instant,
    receiver: Receiver<V>,
}

pub struct Job<K, V> {
    done: Option<Done<K, V>>,
    running: Option<Running<K, V>>,
    queued: Option<(K, Work<V>)>,
    /// Set when a computation panicked: the UI says so instead of spinning forever.
    pub failed: Option<K>,
}

impl<K, V> Default for Job<K, V> {
    fn default() -> Self {
        Self {
            done: None,
            running: None,
            queued: None,
            failed: None,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, V: Send + 'static> Job<K, V> {
    /// Whether `key` is neither computed, running, queued nor known to fail.
    pub fn wants(&self, key: &K) -> bool {
        self.done.as_ref().is_none_or(|d| d.key != *key)
            && self.running.as_ref().is_none_or(|r| r.key != *key)
            && self.queued.as_ref().is_none_or(|(k, _)| k != key)
            && self.failed.as_ref() != Some(key)
    }

    /// Ask for `key`; `work` runs on its own thread when no other job is running, and `ctx`
    /// is asked to repaint when it finishes. A waiting older request is dropped.
    pub fn request(
        &mut self,
        key: K,
        ctx: &egui::Context,
        work: impl FnOnce() -> V + Send + 'static,
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
        if self.running.is_some() {
            return;
        }
        let Some((key, work)) = self.queued.take() else {
            return;
        };
        let (sender, receiver) = channel();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("spofscope-analysis".to_owned())
            .spawn(move || {
                let value = work();
                // The receiver is gone only when the app has closed.
                let _ = sender.send(value);
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(Running {
                    key,
                    started: Instant::now(),
                    receiver,
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

    /// Declare the last result valid for `key` too (e.g. only positions changed).
    pub fn relabel(&mut self, key: K) {
        if let Some(done) = &mut self.done {
            done.key = key;
        }
    }

    /// Forget every result (a new document).
    pub fn clear(&mut self) {
        self.done = None;
        self.queued = None;
        self.failed = None;
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
        job.request(1, &ctx, || 10);
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
        job.request(1, &ctx, move || {
            let _ = gate.recv();
            1
        });
        job.request(2, &ctx, || 2);
        job.request(3, &ctx, || 3);
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
        job.request(7, &ctx, || panic!("boom"));
        wait(&mut job, &ctx);
        assert_eq!(job.failed, Some(7));
        assert!(!job.wants(&7));
    }
}
