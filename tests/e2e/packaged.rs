//! The packaged Linux app (issue 18): scripts/test.sh builds the .deb with the pinned Tauri CLI
//! (`tauri build --debug --bundles deb`), unpacks it with `dpkg-deb -x` and runs this test with
//! `ANSINH_E2E_APP` naming the unpacked binary. It checks the package holds what an installed
//! app needs and that the packaged binary starts in a real window and works.

use crate::harness::{APP_BINARY, App, TIMEOUT, app_binary};
use std::path::Path;

#[tokio::test]
#[ignore = "needs the unpacked .deb: scripts/test.sh builds it and runs this with ANSINH_E2E_APP"]
async fn the_packaged_app_starts_from_the_unpacked_deb() {
    let binary = app_binary();
    assert_ne!(binary, APP_BINARY, "ANSINH_E2E_APP must name the binary unpacked from the .deb");
    // <root>/usr/bin/ansinh-app: the menu entry and the icon are beside it in the package.
    let root = Path::new(&binary).ancestors().nth(3).expect("the unpacked package's root");
    let desktop = std::fs::read_to_string(root.join("usr/share/applications/ansinh.desktop")).expect("a menu entry");
    assert!(desktop.contains("Exec=ansinh-app") && desktop.contains("Name=ansinh"), "{desktop}");
    assert!(root.join("usr/share/icons/hicolor/128x128/apps/ansinh-app.png").is_file(), "an icon");
    // The package owns the program, its menu entry and icons only: the data folder
    // (~/.local/share/vn.ansinh.desktop) and the backups (~/Documents/ansinh-backups) are the
    // user's, so removing the package (dpkg -r) leaves them.
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if e.is_dir() { dirs.push(e) } else { files.push(e.strip_prefix(root).unwrap().display().to_string()) }
        }
    }
    let owned = ["usr/bin/ansinh-app", "usr/share/applications/", "usr/share/icons/"];
    let stray: Vec<&String> = files.iter().filter(|f| !owned.iter().any(|o| f.starts_with(o))).collect();
    assert!(stray.is_empty(), "files outside the program, menu entry and icons: {stray:?}");

    let app = App::start("packaged").await;
    assert_eq!(app.window_title().await, "ansinh");
    app.skip_demo_offer().await;
    app.click("nav-exchange").await;
    // The packaged app reaches its Rust side: this desktop's keys are made and shown.
    let recipient = app.wait_text("exchange-recipient", |t| t.starts_with("age1"), TIMEOUT).await;
    assert!(recipient.len() > 50);
    // Set up as installed, with no command line: this desktop declared the city office's, which
    // then writes the signed reference file for the wards.
    app.select("exchange-office-kind", "city").await;
    app.click("exchange-office-save").await;
    app.wait_text("exchange-office-saved", |t| t.contains("văn phòng thành phố"), TIMEOUT).await;
    app.click("exchange-reference-export").await;
    let saved = app.wait_text("exchange-reference-path", |t| t.contains("ansinh-tham-chieu.json"), TIMEOUT).await;
    let path = saved.split_whitespace().find(|w| w.ends_with("ansinh-tham-chieu.json")).expect("the path shown");
    assert!(std::fs::read_to_string(path).expect("the reference file written").contains("signature"));
    app.client()
        .execute(
            "document.querySelector('[data-testid=\"exchange-office-saved\"]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    app.screenshot_office("packaged.png").await;
    app.close().await;
}
