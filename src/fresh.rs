//! [`Fresh`]: a view that is drawn anew, not patched, when the state it follows changes.
//!
//! Why: tachys patches a view in place by walking the old and new view trees side by side, and
//! that code is generated for every kind of tree that may be patched. For the screens drawn
//! from blocks (`ui::render`) it came to about 30 KB of wasm (8 KB brotli) on 2026-12-02: the
//! patching of a `Vec` of sixteen kinds of block alone was 11.6 KB, of a card list 5.9 KB.
//! A screen drawn anew costs a few DOM operations more, only when the records change under
//! it; the focus stays on the element it was on, found again by its id.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};

/// A view that replaces itself, rather than being patched, on every update.
pub struct Fresh<T>(pub T);

/// The id of the element that has the focus, if it has one.
fn focused_id() -> Option<String> {
    document()
        .active_element()
        .map(|e| e.id())
        .filter(|id| !id.is_empty())
}

/// Puts the focus back on the element with `id`, if the focus was lost with the old view.
fn refocus(id: Option<String>) {
    let lost = document()
        .active_element()
        .is_none_or(|e| e.tag_name() == "BODY");
    if let (true, Some(id)) = (lost, id) {
        if let Some(el) = document().get_element_by_id(&id) {
            if let Some(el) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&el) {
                let _ = el.focus();
            }
        }
    }
}

impl<T: Render> Render for Fresh<T> {
    type State = T::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        let focus = focused_id();
        let mut new = self.0.build();
        state.insert_before_this(&mut new);
        state.unmount();
        *state = new;
        refocus(focus);
    }
}

// The app renders only in the browser: the server-side half of the trait hands on to the view
// inside, as leptos' own `View` does.
impl<T: RenderHtml> RenderHtml for Fresh<T> {
    type AsyncOutput = T::AsyncOutput;
    type Owned = Fresh<T::Owned>;

    const MIN_LENGTH: usize = T::MIN_LENGTH;
    const EXISTS: bool = T::EXISTS;

    async fn resolve(self) -> Self::AsyncOutput {
        self.0.resolve().await
    }

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        );
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        Fresh(self.0.into_owned())
    }
}

impl<T: AddAnyAttr> AddAnyAttr for Fresh<T> {
    type Output<SomeNewAttr: Attribute> = Fresh<T::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        Fresh(self.0.add_any_attr(attr))
    }
}
