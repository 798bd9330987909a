//! Fuzz the Chaos Toolkit journal reader (`chaos-result`): any text either reads or gives
//! an error naming the file. Never a panic, never unbounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spofscope::io::journal;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = journal::read(text, "fuzz") {
        assert_eq!(e.file, "fuzz");
    }
});
