#![forbid(unsafe_code)]
// Prevents an additional console window on Windows in release builds. Do not remove.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The same allocator as the `ansinh` CLI: imports from the app allocate as much (see there).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    ansinh_app::run();
}
