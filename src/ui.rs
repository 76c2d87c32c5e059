//! Screens as data. A record screen is a list of [`Block`]s (a heading, a field, a list of
//! cards, a button) drawn by one renderer, and a form is blocks plus what its submit saves.
//!
//! Why: every distinct `view!` tree costs the wasm its own build, mount and rebuild code. Drawn
//! one by one, the record screens of issue 8 cost 90 KB brotli over the skeleton; drawn from
//! these blocks, each further screen costs little more than its data. And because a form's
//! fields are data, its draft is saved and restored here once for every form.

use std::rc::Rc;

use faltlogg_core::change::Change;
use leptos::either::{Either, EitherOf16};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::components::{
    button, card_list, check_box_text, effect, facts, field_error, input_field, select_field,
    Banner, Button, Card, ErrorSummary, Field, FormState, Icon, IconSvg,
};
use crate::fresh::Fresh;
use crate::i18n::{use_i18n, Msg};
use crate::screens::persons::PersonPicker;
use crate::state::records::save_all;
use crate::state::{self, use_app};
use crate::time::sleep;

/// A `<select>`: its element id, the field its errors belong to, the label, the options
/// `(code, words)`, an empty first choice if any, and the chosen code.
pub struct Select {
    pub id: &'static str,
    pub label: Msg,
    pub options: Vec<(&'static str, &'static str)>,
    pub placeholder: Option<Msg>,
    pub value: RwSignal<String>,
}

/// A table of figures, as text.
pub struct FigureTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// One piece of a screen.
pub enum Block {
    Heading(Msg),
    /// A heading made of record text (an alias), with its element id.
    Title(String, &'static str),
    /// A table of figures: its caption, the columns' headings, and each row's heading and
    /// cells.
    Table(FigureTable),
    /// A bar chart of a table's rows, each row's bars as an SVG path
    /// (`faltlogg_core::report::dashboard::bars_path`), over the months of the columns but
    /// the last (the whole span's, shown beside each row's name); the table under it, folded.
    Chart(FigureTable, Vec<String>),
    /// A paragraph and its class.
    Para(String, &'static str),
    Cards(&'static str, Vec<Card>),
    /// A list that follows the records, with the words for when it is empty.
    LiveCards(&'static str, Signal<Vec<Card>>, Msg),
    /// Text that follows the state (a count), with its element id.
    LiveText(&'static str, Signal<String>),
    Facts(Vec<(Msg, String, &'static str)>),
    Input(Field),
    /// A note: element id, label, text.
    Note(&'static str, Msg, RwSignal<String>),
    Select(Select),
    /// Checkboxes (`(element id, label, checked)`) under a legend if any, shown only while the
    /// last is checked, if given.
    Checks(
        Option<Msg>,
        Vec<(String, String, RwSignal<bool>)>,
        Option<RwSignal<bool>>,
    ),
    /// A link styled as a button: where, words, element id, and whether it is the screen's
    /// one primary action (then it stays in the thumb zone).
    Link(String, Msg, &'static str, bool),
    /// A button, hidden while the signal holds, if given.
    Button(Button, Option<Signal<bool>>),
    /// The persons met, for a contact.
    Picker(RwSignal<Vec<Uuid>>),
    Banner(Signal<Option<Msg>>, bool),
    Submit(Msg, &'static str),
}

/// Draws blocks in order. `form` carries the field errors and the busy state.
/// Drawn anew when a screen's state changes, never patched ([`Fresh`]).
pub fn render(form: FormState, blocks: Vec<Block>) -> impl IntoView {
    Fresh(
        blocks
            .into_iter()
            .map(move |b| block(form, b))
            .collect_view(),
    )
}

fn block(form: FormState, b: Block) -> impl IntoView {
    let i18n = use_i18n();
    match b {
        // A heading and a title share their drawing code.
        Block::Heading(m) => EitherOf16::A(heading(i18n.t(m).into(), "")),
        Block::Title(text, id) => EitherOf16::A(heading(text, id)),
        Block::Table(t) => EitherOf16::B(Either::Left(figure_table(t))),
        Block::Chart(t, bars) => EitherOf16::B(Either::Right(chart(t, bars))),
        Block::Para(text, class) => EitherOf16::C(view! { <p class=class>{text}</p> }),
        Block::Cards(id, cards) => EitherOf16::D(card_list(form, id, cards)),
        Block::LiveCards(id, cards, empty) => EitherOf16::E(move || {
            let list = cards.get();
            Fresh(if list.is_empty() {
                Either::Left(view! { <p class="empty">{i18n.t(empty)}</p> })
            } else {
                Either::Right(card_list(form, id, list))
            })
        }),
        Block::LiveText(id, text) => {
            EitherOf16::F(view! { <p class="muted" id=id role="status">{text}</p> })
        }
        Block::Facts(list) => EitherOf16::G(facts(list)),
        Block::Input(field) => EitherOf16::H(input_field(form, field)),
        Block::Note(id, label, value) => EitherOf16::I(view! {
            <div class="field">
                <label for=id>{i18n.t(label)}</label>
                <p class="hint" id=format!("{id}-hint")>{i18n.t(Msg::NoteHint)}</p>
                {field_error(form.errors, id)}
                <textarea id=id rows="4" autocomplete="off" spellcheck="false" aria-describedby=format!("{id}-hint")
                    aria-invalid=form.invalid(id) bind:value=value></textarea>
            </div>
        }),
        Block::Select(s) => EitherOf16::J(select_field(
            form,
            s.id.to_string(),
            s.id,
            s.label,
            s.options,
            s.placeholder,
            s.value,
        )),
        Block::Checks(legend, checks, shown) => EitherOf16::K(view! {
            <fieldset class="choices" hidden=move || shown.is_some_and(|on| !on.get())>
                {legend.map(|l| view! { <legend>{i18n.t(l)}</legend> })}
                {checks.into_iter().map(|(id, label, on)| check_box_text(id, label, on)).collect_view()}
            </fieldset>
        }),
        Block::Link(href, label, id, primary) => EitherOf16::L(view! {
            <div class=if primary { "actions sticky" } else { "actions" }>
                <a href=href class=if primary { "button primary" } else { "button secondary" } id=(!id.is_empty()).then_some(id)>
                    {primary.then(|| view! { <IconSvg icon=Icon::Plus/> })}
                    <span>{i18n.t(label)}</span>
                </a>
            </div>
        }),
        Block::Button(b, hidden) => EitherOf16::M(button(form, b, hidden)),
        Block::Picker(selected) => EitherOf16::N(view! { <PersonPicker form selected/> }),
        Block::Banner(msg, warning) => EitherOf16::O(view! { <Banner msg warning/> }),
        Block::Submit(label, id) => EitherOf16::P(view! {
            <div class="actions">
                <button type="submit" class="primary" id=(!id.is_empty()).then_some(id) disabled=form.busy()>
                    {form.label(i18n.t(label))}
                </button>
            </div>
        }),
    }
}

fn heading(text: String, id: &'static str) -> impl IntoView {
    view! { <h2 class="section" id=(!id.is_empty()).then_some(id)>{text}</h2> }
}

/// A table that scrolls sideways by itself at 320 px, not the page; its row headings are
/// `th scope=row`, so a screen reader names each figure by its row and column.
fn figure_table(t: FigureTable) -> impl IntoView {
    let (caption, label) = (t.caption.clone(), t.caption);
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            <table class="figures">
                <caption>{caption}</caption>
                <thead><tr><td></td>{t.columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {t.rows.into_iter().map(|(head, cells)| view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Each row's name and whole-span figure above its bars, the first and last month under
/// them; for screen readers, the table (the drawing is hidden from them).
fn chart(t: FigureTable, bars: Vec<String>) -> impl IntoView {
    let months = t.columns.len().saturating_sub(1);
    let view_box = format!("0 0 {} 40", 10 * months);
    let first = t.columns.first().cloned();
    let last = t.columns.get(months.saturating_sub(1)).cloned();
    let rows: Vec<(String, Option<String>, String)> = t
        .rows
        .iter()
        .zip(bars)
        .map(|((head, cells), d)| (head.clone(), cells.last().cloned(), d))
        .collect();
    view! {
        <figure class="chart">
            <figcaption>{t.caption.clone()}</figcaption>
            <div aria-hidden="true">
                {rows.into_iter().map(|(head, span, d)| view! {
                    <p class="chart-row"><span>{head}</span><span>{span}</span></p>
                    <svg class="bars" viewBox=view_box.clone() preserveAspectRatio="none"><path d=d/></svg>
                }).collect_view()}
                <p class="chart-row muted"><span>{first}</span><span>{last}</span></p>
            </div>
            <details><summary>{use_i18n().t(Msg::AsTable)}</summary>{figure_table(t)}</details>
        </figure>
    }
}

/// A button that saves one change, or says the step is not allowed where the change could not
/// be made.
pub fn save_button(
    id: String,
    label: String,
    class: &'static str,
    change: Option<Change>,
) -> Block {
    let ctx = use_app();
    let on = move |form: FormState| match change.clone() {
        Some(change) => form.run(save_all(ctx, vec![change])),
        None => form.problem.set(Some(Msg::ErrIllegalStep)),
    };
    Block::Button(
        Button {
            id,
            label,
            class,
            on: std::sync::Arc::new(on),
        },
        None,
    )
}

/// What a valid form saves: the changes, the confirmation, and where to go next (nowhere when
/// empty: the screen shows the result itself).
pub struct Saving {
    pub changes: Vec<Change>,
    /// The confirmation, if any (a report's form saves nothing and says nothing).
    pub said: Option<Msg>,
    pub then: String,
}

/// A form of blocks. `submit` checks what was typed: it shows the problems and gives `None`,
/// or gives what to save. The form's text fields, choices and checkboxes are kept as a sealed
/// draft under `draft` while typed, restored when the form opens again, and forgotten once
/// saved or cancelled.
pub fn form_screen(
    form: FormState,
    draft: String,
    blocks: Vec<Block>,
    cancel: String,
    submit: Box<dyn Fn() -> Option<Saving>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let navigate = use_navigate();
    let fields = Rc::new(draft_fields(&blocks));
    keep_draft(draft.clone(), fields);
    let key = draft.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(saving) = submit() else {
            return;
        };
        form.set_errors.set(Vec::new());
        let navigate = navigate.clone();
        let key = key.clone();
        form.run(async move {
            save_all(ctx, saving.changes).await?;
            // Forgotten while the next screen draws, not before: it is a transaction of its
            // own (about 12 ms on a slow phone). IndexedDB runs transactions on a store in the
            // order they were made, so a form opened next never reads the draft back.
            leptos::task::spawn_local(async move { state::clear_draft(&key).await });
            if let Some(said) = saving.said {
                ctx.say(said);
            }
            if !saving.then.is_empty() {
                navigate(&saving.then, Default::default());
            }
            Ok(())
        });
    };
    let forget = move |_| {
        let key = draft.clone();
        leptos::task::spawn_local(async move { state::clear_draft(&key).await });
    };
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form on:submit=on_submit novalidate autocomplete="off">
            {render(form, blocks)}
            <a href=cancel class="button secondary" id="cancel" on:click=forget>{i18n.t(Msg::Cancel)}</a>
        </form>
    }
}

/// A form field as a draft keeps it.
enum DraftField {
    Text(&'static str, RwSignal<String>),
    Flag(String, RwSignal<bool>),
    Ids(RwSignal<Vec<Uuid>>),
}

fn draft_fields(blocks: &[Block]) -> Vec<DraftField> {
    let mut fields = Vec::new();
    for b in blocks {
        match b {
            Block::Input(f) if !f.readonly => fields.push(DraftField::Text(f.id, f.value)),
            Block::Note(id, _, v) => fields.push(DraftField::Text(id, *v)),
            Block::Select(s) => fields.push(DraftField::Text(s.id, s.value)),
            Block::Checks(_, checks, _) => fields.extend(
                checks
                    .iter()
                    .map(|(id, _, on)| DraftField::Flag(id.clone(), *on)),
            ),
            Block::Picker(ids) => fields.push(DraftField::Ids(*ids)),
            _ => {}
        }
    }
    fields
}

fn snapshot(fields: &[DraftField]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| match f {
            DraftField::Text(id, v) => (id.to_string(), v.get()),
            DraftField::Flag(id, on) => (id.clone(), if on.get() { "1" } else { "" }.into()),
            DraftField::Ids(ids) => (
                "persons".into(),
                ids.get()
                    .iter()
                    .map(Uuid::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        })
        .collect()
}

fn restore(fields: &[DraftField], saved: Vec<(String, String)>) {
    for (name, value) in saved {
        for f in fields {
            match f {
                DraftField::Text(id, v) if *id == name => v.set(value.clone()),
                DraftField::Flag(id, on) if *id == name => on.set(value == "1"),
                DraftField::Ids(ids) if name == "persons" => {
                    ids.set(value.split(',').filter_map(|s| s.parse().ok()).collect())
                }
                _ => {}
            }
        }
    }
}

/// Restores the draft of `key` once, then saves it a moment after each change.
fn keep_draft(key: String, fields: Rc<Vec<DraftField>>) {
    let ctx = use_app();
    let restored = RwSignal::new(false);
    // The first run after restoring is the baseline: a form opened and left untouched leaves
    // no draft (a stale "now" must not come back next time).
    let armed = StoredValue::new(false);
    let generation = StoredValue::new(0u32);
    {
        let (key, fields) = (key.clone(), fields.clone());
        leptos::task::spawn_local(async move {
            if let Some(saved) = state::load_draft(ctx, &key).await {
                restore(&fields, saved);
            }
            restored.set(true);
        });
    }
    effect(Box::new(move || {
        let values = snapshot(&fields);
        if !restored.get() {
            return;
        }
        if !armed.get_value() {
            armed.set_value(true);
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let key = key.clone();
        leptos::task::spawn_local(async move {
            // Typing settles first: one write per pause, not per key.
            sleep(400).await;
            if generation.try_get_value() == Some(mine) {
                state::save_draft(ctx, &key, &values).await;
            }
        });
    }));
}

/// One checkbox, as a block.
pub fn check(id: &str, label: Msg, on: RwSignal<bool>) -> Block {
    Block::Checks(
        None,
        vec![(id.to_string(), use_i18n().t(label).to_string(), on)],
        None,
    )
}
