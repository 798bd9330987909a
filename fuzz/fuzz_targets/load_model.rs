//! Fuzz the `.spof.ron` loader: any bytes either load into a valid model that survives
//! a save/load round trip and an analysis, or give a located error. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spofscope::analysis::{self, Options};
use spofscope::model;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = model::from_str(text, "fuzz.spof.ron") {
        assert!(m.validate().is_ok());
        let again = model::from_str(&model::to_string(&m), "again.spof.ron");
        assert_eq!(again.as_ref(), Ok(&m));
        if m.components.len() <= 64 {
            analysis::analyze(&m, &Options::default());
        }
    }
});
