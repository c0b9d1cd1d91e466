//! The session and the access gate live in `ansinh_api` (shared with the `ansinh` CLI and the
//! development HTTP server, so every door checks the same person, role and ward); the shell only
//! holds the session for the window's lifetime. Its tests check the webview's own lock-down.

pub use ansinh_api::AppState;

#[cfg(test)]
mod tests {
    /// Tauri hardening: a strict CSP with no remote origin, no plugin, and capabilities that
    /// grant only the core read-only defaults and the app's own commands.
    #[test]
    fn webview_is_locked_down() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP is set");
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains("https:") && !csp.contains('*'), "{csp}");
        assert!(conf.get("plugins").is_none_or(|p| p.as_object().is_none_or(|o| o.is_empty())));
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("src-tauri/capabilities/default.json")).unwrap())
                .unwrap();
        for p in cap["permissions"].as_array().unwrap() {
            let p = p.as_str().expect("plain permission names");
            let ok = p.starts_with("allow-")
                || ["core:app:default", "core:event:default", "core:window:default", "core:webview:default"]
                    .contains(&p);
            assert!(ok, "capability grants `{p}`: only the app's own commands and core defaults are allowed");
        }
        let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(!cargo.contains("tauri-plugin-"), "no Tauri plugin (shell, fs, sql…) in the app");
    }
}
