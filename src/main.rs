fn main() {
    // index.html carries the launch screen for the first paint; the app replaces it.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(faltlogg::app::App);
}
