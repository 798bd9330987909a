//! Long lists in the panels: how many rows show, and the line that counts the rest. Keeps
//! the lists of a 10,000-component model cheap to draw; holds no state.

use egui::Ui;

/// Rows shown per list before "… n more".
pub const ROWS: usize = 60;

/// "… n more" under a list of `total` rows cut at [`ROWS`].
pub fn more(ui: &mut Ui, total: usize) {
    if total > ROWS {
        ui.weak(format!("… {} more", total - ROWS));
    }
}
