//! Recovery copies survive the editor being killed: a real child process (this test binary
//! run again) keeps a session, writes an edited model, says it is ready and is killed with
//! SIGKILL; the copy it left is then offered exactly once and loads back exactly.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use spofscope::edit::recovery::{self, Meta, Session};
use spofscope::model::{self, Model};

use crate::support::temp_dir;

/// Set in the child: the recovery root to write under.
const CHILD_ROOT: &str = "SPOFSCOPE_RECOVERY_CHILD_ROOT";
const READY: &str = "recovery-child-ready";

fn edited() -> Model {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/webshop.spof.ron"
    ));
    let mut m = model::from_str(text, "webshop.spof.ron").unwrap_or_else(|e| panic!("{e}"));
    m.name = "Web shop, edited before the crash".to_owned();
    m.components[0].replicas = 3;
    m.components[1].pos = (123.5, -7.25);
    m
}

fn meta() -> Meta {
    Meta {
        original: Some(PathBuf::from("/models/shop.spof.ron")),
        label: "shop.spof.ron".to_owned(),
        saved_at: 1_700_000_000,
        disk: None,
    }
}

/// The child's part: does nothing unless run by the test below.
#[test]
fn child_writes_a_copy_and_waits_to_be_killed() {
    let Some(root) = std::env::var_os(CHILD_ROOT) else {
        return;
    };
    let session = Session::start(Path::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    session
        .write(&edited(), &meta())
        .unwrap_or_else(|e| panic!("{e}"));
    // libtest may have written "test NAME ... " on this line already.
    println!("{READY}");
    // Killed long before this ends; a parent that failed leaves no process behind for long.
    std::thread::sleep(Duration::from_secs(60));
    drop(session);
}

#[test]
fn a_killed_editor_leaves_exactly_one_copy_that_loads_back_exactly() {
    let root = temp_dir();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "recovery::child_writes_a_copy_and_waits_to_be_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ROOT, root.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the child: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains(READY));
    assert!(ready, "the child did not get ready");

    // While the child lives its copy is locked and not offered.
    assert!(recovery::list(root.path()).is_empty());

    child
        .kill()
        .unwrap_or_else(|e| panic!("cannot kill the child: {e}"));
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL");
    }
    #[cfg(not(unix))]
    assert!(!status.success());

    let copies = recovery::list(root.path());
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].meta, meta());
    assert_eq!(copies[0].load().ok(), Some(edited()));
}
