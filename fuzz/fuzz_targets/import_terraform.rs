//! Fuzz the terraform importer: any text either imports into a valid model or gives an error
//! naming the file. Never a panic, never unbounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spofscope::io::import::terraform;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match terraform::import(text, "fuzz") {
        Ok(imported) => assert!(imported.model.validate().is_ok()),
        Err(e) => assert_eq!(e.file, "fuzz"),
    }
});
