fn main() {
    // index.html carries a static shell for the first paint; the app replaces it.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(faltlogg::app::App);
}
