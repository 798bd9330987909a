//! Everything that needs no window: the core against closed forms, an oracle and the
//! published tools, the file formats, and the command line as a user runs it. One test
//! binary (each links the whole crate), one module per subject.

// Test helpers outside #[test] functions may unwrap: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accepted;
mod advice;
mod availability;
mod chaos;
mod chaos_export;
mod cli;
mod cli_fix;
mod commands;
mod diff;
mod export;
mod hostile;
mod import;
mod mef;
mod model_files;
mod oracle;
mod recovery;
mod scram;
mod support;
