//! Compiles the Tauri configuration and capabilities into the app.
fn main() {
    tauri_build::build()
}
