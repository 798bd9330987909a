//! The desktop app driven like a user would, through egui_kittest on the real `SpofApp`: one
//! test binary (each links egui and wgpu), one module per part of the window.

mod accept;
mod advice;
mod app;
mod blast;
mod chaos;
mod chaos_export;
mod charts;
mod compare;
mod inspector;
mod present;
mod recovery;
mod scenarios;
mod snapshots;
mod support;
mod theme;
