//! Fuzz the traces reader: any text either imports into a valid model, which stays valid
//! with the same traces laid over it, or gives an error naming the file. Never a panic,
//! never unbounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spofscope::io::import::traces;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match traces::import(text, "fuzz") {
        Ok(imported) => {
            let mut model = imported.model;
            assert!(model.validate().is_ok());
            if let Ok(read) = traces::read(text, "fuzz") {
                traces::overlay(&model, &read).apply(&mut model);
                assert!(model.validate().is_ok());
            }
        }
        Err(e) => assert_eq!(e.file, "fuzz"),
    }
});
