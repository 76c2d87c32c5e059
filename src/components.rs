//! Small pieces shared by the screens: icons, the error summary, form fields.

use std::rc::Rc;

use crate::fresh::Fresh;
use leptos::html;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

/// Inline SVG icons (decorative: always beside a text label, hidden from screen readers).
#[derive(Clone, Copy)]
pub enum Icon {
    Today,
    More,
    Lock,
    Plus,
    Sync,
    Persons,
    Groups,
    Exit,
}

#[component]
pub fn IconSvg(icon: Icon) -> impl IntoView {
    let d = match icon {
        Icon::Today => "M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2zM5 9h14v11H5z",
        Icon::More => "M4 6h16v2H4zm0 5h16v2H4zm0 5h16v2H4z",
        Icon::Lock => "M12 2a5 5 0 0 0-5 5v3H5v12h14V10h-2V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3z",
        Icon::Plus => "M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z",
        Icon::Persons => "M9 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM9 14c-4 0-7 2-7 5v1h14v-1c0-3-3-5-7-5zm8 0c-.6 0-1.2.1-1.7.2A6 6 0 0 1 18 19v1h4v-1c0-3-2-5-5-5z",
        Icon::Groups => "M12 3a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM5 6a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zm14 0a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM12 11c-3 0-5 1.8-5 4v4h10v-4c0-2.2-2-4-5-4zm-7 1.5c-2 0-4 1.3-4 3V19h4.5v-4c0-1 .3-1.8.8-2.5zm14 0c-.4 0-.9 0-1.3.1.5.7.8 1.5.8 2.4v4H23v-3.5c0-1.7-2-3-4-3z",
        Icon::Exit => "M10 3H4v18h6v-2H6V5h4zm4.6 4.4-1.4 1.4 2.2 2.2H9v2h6.4l-2.2 2.2 1.4 1.4L19.2 12z",
        Icon::Sync => "M12 4a8 8 0 0 1 7.4 5H17l3 4 3-4h-1.5A10 10 0 0 0 3 8l1.8.9A8 8 0 0 1 12 4zm-9 7-3 4h1.5A10 10 0 0 0 21 16l-1.8-.9A8 8 0 0 1 4.6 15H7z",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d=d fill="currentColor"></path>
        </svg>
    }
}

/// An effect: `f` runs now and again whenever a signal it reads changes. Boxed, so the
/// effect's machinery (an async task per effect) is in the wasm once, not once per effect.
pub fn effect(f: Box<dyn Fn()>) {
    Effect::new(move |_| f());
}

/// The GOV.UK-style error summary: a list of links to the fields in error. It takes focus
/// when it appears so screen readers announce it.
#[component]
pub fn ErrorSummary(errors: ReadSignal<Vec<(&'static str, Msg)>>) -> impl IntoView {
    let i18n = use_i18n();
    let node = NodeRef::<html::Div>::new();
    effect(Box::new(move || {
        if !errors.with(Vec::is_empty) {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    }));
    // Lists here are short and redrawn whole: unkeyed rendering keeps the wasm small.
    move || {
        let errors = errors.get();
        Fresh((!errors.is_empty()).then(|| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1" node_ref=node>
                    <h2>{i18n.t(Msg::ErrorSummaryTitle)}</h2>
                    <ul>
                        {errors.into_iter().map(|(field, msg)| view! {
                            <li><a href=format!("#{field}")>{i18n.t(msg)}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        }))
    }
}

/// A message for one field, or nothing.
pub fn field_error(
    errors: ReadSignal<Vec<(&'static str, Msg)>>,
    field: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        Fresh(
            errors
                .with(|e| e.iter().find(|(f, _)| *f == field).map(|(_, m)| *m))
                .map(|msg| {
                    view! { <p class="field-error" id=format!("{field}-error")>{i18n.t(msg)}</p> }
                }),
        )
    }
}

/// A page-level message (problem or confirmation), announced politely.
#[component]
pub fn Banner(
    #[prop(into)] msg: Signal<Option<Msg>>,
    #[prop(optional)] warning: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if warning { "banner warning" } else { "banner" };
    view! {
        <div role="status" aria-live="polite">
            {move || Fresh(msg.get().map(|m| view! { <p class=class>{i18n.t(m)}</p> }))}
        </div>
    }
}

/// Swedish / English, remembered on the device (not secret).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    use crate::i18n::Lang;
    use gloo_storage::{LocalStorage, Storage};
    let i18n = use_i18n();
    let choose = move |lang: Lang| {
        i18n.0.set(lang);
        let _ = LocalStorage::raw().set_item(crate::app::LANG_KEY, lang.code());
    };
    view! {
        <fieldset class="language">
            <legend>{i18n.t(Msg::Language)}</legend>
            <button type="button" class="secondary" lang="sv" aria-pressed=move || (i18n.lang() == Lang::Sv).to_string()
                on:click=move |_| choose(Lang::Sv)>{Lang::Sv.endonym()}</button>
            <button type="button" class="secondary" lang="en" aria-pressed=move || (i18n.lang() == Lang::En).to_string()
                on:click=move |_| choose(Lang::En)>{Lang::En.endonym()}</button>
        </fieldset>
    }
}

/// Form-level state every screen's form needs: field errors, a page problem, busy flag.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: ReadSignal<Vec<(&'static str, Msg)>>,
    pub set_errors: WriteSignal<Vec<(&'static str, Msg)>>,
    pub problem: RwSignal<Option<Msg>>,
    pub working: RwSignal<bool>,
}

pub fn use_form() -> FormState {
    let (errors, set_errors) = signal(Vec::new());
    FormState {
        errors,
        set_errors,
        problem: RwSignal::new(None),
        working: RwSignal::new(false),
    }
}

impl FormState {
    /// Runs `task` unless already running; its error becomes the page's problem message.
    pub fn run(self, task: impl std::future::Future<Output = Result<(), Msg>> + 'static) {
        self.run_boxed(Box::pin(task));
    }

    // Not generic, so the spawning code exists once rather than once per form.
    fn run_boxed(
        self,
        task: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Msg>>>>,
    ) {
        if self.working.get_untracked() {
            return;
        }
        self.working.set(true);
        self.problem.set(None);
        leptos::task::spawn_local(async move {
            let result = task.await;
            self.working.set(false);
            if let Err(msg) = result {
                self.problem.set(Some(msg));
            }
        });
    }

    /// Shows the problems a record's validation found, at their fields and in the summary.
    pub fn show_errors(self, errors: Vec<faltlogg_core::record::FieldError>) {
        self.set_errors.set(
            errors
                .into_iter()
                .map(|e| (e.field, crate::i18n::problem_msg(e)))
                .collect(),
        );
    }

    /// Whether the form is busy, for `disabled` (one closure type for every button).
    pub fn busy(self) -> impl Fn() -> bool + Copy + 'static {
        move || self.working.get()
    }

    /// A submit button's words: `idle`, or "Please wait" while busy.
    pub fn label(self, idle: &'static str) -> impl Fn() -> &'static str + Copy + 'static {
        let waiting = use_i18n().t(Msg::Working);
        move || if self.working.get() { waiting } else { idle }
    }

    /// Whether a field is in error, for `aria-invalid`.
    pub fn invalid(self, field: &'static str) -> impl Fn() -> &'static str + Copy {
        move || {
            if self.errors.with(|e| e.iter().any(|(f, _)| *f == field)) {
                "true"
            } else {
                "false"
            }
        }
    }
}

/// One labelled input: label, optional hint, the field's error, the input itself.
pub struct Field {
    pub id: &'static str,
    pub label: Msg,
    pub hint: Option<Msg>,
    /// The input's `type`.
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub value: RwSignal<String>,
    pub readonly: bool,
    /// Capitalise the first letter on phone keyboards (place names), not for usernames.
    pub capitalize: bool,
    /// The phone keyboard to show (`numeric` for dates, times and years).
    pub inputmode: &'static str,
    /// Shown only while this is checked (a consent's date, under "consent given").
    pub shown: Option<RwSignal<bool>>,
}

impl Field {
    pub fn new(id: &'static str, label: Msg, kind: &'static str, value: RwSignal<String>) -> Field {
        // Off by default: the browser keeps no copy of what is typed here.
        Field {
            id,
            label,
            hint: None,
            kind,
            autocomplete: "off",
            value,
            readonly: false,
            capitalize: false,
            inputmode: "text",
            shown: None,
        }
    }

    pub fn shown_when(self, on: RwSignal<bool>) -> Field {
        Field {
            shown: Some(on),
            ..self
        }
    }

    pub fn numeric(self) -> Field {
        Field {
            inputmode: "numeric",
            ..self
        }
    }

    pub fn hint(self, hint: Msg) -> Field {
        Field {
            hint: Some(hint),
            ..self
        }
    }

    pub fn autocomplete(self, autocomplete: &'static str) -> Field {
        Field {
            autocomplete,
            ..self
        }
    }

    pub fn readonly(self, readonly: bool) -> Field {
        Field { readonly, ..self }
    }

    pub fn capitalize(self) -> Field {
        Field {
            capitalize: true,
            ..self
        }
    }
}

pub fn input_field(form: FormState, field: Field) -> impl IntoView {
    let i18n = use_i18n();
    let Field {
        id,
        label,
        hint,
        kind,
        autocomplete,
        value,
        readonly,
        capitalize,
        inputmode,
        shown,
    } = field;
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let autocapitalize = if capitalize { "sentences" } else { "none" };
    view! {
        <div class="field" hidden=move || shown.is_some_and(|on| !on.get())>
            <label for=id>{i18n.t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{i18n.t(h)}</p> })}
            {field_error(form.errors, id)}
            <input id=id name=id type=kind autocomplete=autocomplete autocapitalize=autocapitalize spellcheck="false" inputmode=inputmode
                readonly=readonly aria-describedby=hint_id aria-invalid=form.invalid(id) bind:value=value/>
        </div>
    }
}

/// A form of text fields and one submit button, with its error summary and problem banner.
/// The sign-in, passphrase and unlock screens are all this, with other fields; it is drawn by
/// the same block renderer as the record screens.
pub fn simple_form(
    form: FormState,
    fields: Vec<Field>,
    submit: Msg,
    on_submit: Rc<dyn Fn()>,
) -> impl IntoView {
    let mut blocks: Vec<crate::ui::Block> =
        fields.into_iter().map(crate::ui::Block::Input).collect();
    blocks.push(crate::ui::Block::Submit(submit, ""));
    view! {
        <ErrorSummary errors=form.errors/>
        <Banner msg=form.problem warning=true/>
        <form novalidate on:submit=move |ev| {
            ev.prevent_default();
            on_submit();
        }>
            {crate::ui::render(form, blocks)}
        </form>
    }
}

/// A checkbox labelled with record text (a person's alias).
pub fn check_box_text(id: String, label: String, value: RwSignal<bool>) -> impl IntoView {
    toggle_box(id, label, value.into(), Rc::new(move |on| value.set(on)))
}

/// A checkbox showing `checked` and reporting each change to `set`: one copy of the code for
/// every checkbox in the app.
pub fn toggle_box(
    id: String,
    label: String,
    checked: Signal<bool>,
    set: Rc<dyn Fn(bool)>,
) -> impl IntoView {
    view! {
        <label class="check" for=id.clone()>
            <input type="checkbox" id=id.clone() prop:checked=checked
                on:change=move |ev| set(event_target_checked(&ev))/>
            <span>{label}</span>
        </label>
    }
}

/// A list of cards computed from the records, recomputed only when they change. The closure
/// is boxed so every list shares one instance of the memo's code.
pub fn card_memo(cards: Box<dyn Fn() -> Vec<Card> + Send + Sync>) -> Memo<Vec<Card>> {
    Memo::new(move |_| cards())
}

/// One card of a record list. Every list (contacts, persons, groups, follow-ups, history) is
/// drawn by [`card_list`] from these, so the wasm holds one copy of the card's view code
/// rather than one per list (each costs 1–3 KB brotli).
#[derive(Default, Clone, PartialEq)]
pub struct Card {
    /// Where a tap on the card leads, if anywhere.
    pub href: Option<String>,
    pub title: String,
    /// Muted lines under the title (time, area, who).
    pub lines: Vec<String>,
    /// Status words shown as badges (never colour alone).
    pub badges: Vec<&'static str>,
    /// Free text, shown as written.
    pub note: String,
    /// Buttons under the card (a device's approve and revoke).
    pub buttons: Vec<Button>,
}

/// A button that does something on this screen: its element id (or none), words, class, and
/// what a tap does with the screen's form. The blocks and the cards share it, so the wasm
/// holds one copy of a button's view code.
#[derive(Clone)]
pub struct Button {
    pub id: String,
    pub label: String,
    pub class: &'static str,
    pub on: std::sync::Arc<dyn Fn(FormState) + Send + Sync>,
}

impl Button {
    pub fn new(
        id: &str,
        label: &str,
        class: &'static str,
        on: impl Fn(FormState) + Send + Sync + 'static,
    ) -> Button {
        Button {
            id: id.into(),
            label: label.into(),
            class,
            on: std::sync::Arc::new(on),
        }
    }
}

/// Two buttons are the same when they do the same: a list recomputed with new closures is
/// drawn again.
impl PartialEq for Button {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.on, &other.on)
    }
}

/// A button, disabled while the form is busy and hidden while `hidden` holds.
pub fn button(form: FormState, b: Button, hidden: Option<Signal<bool>>) -> impl IntoView {
    let Button {
        id,
        label,
        class,
        on,
    } = b;
    view! {
        <button type="button" class=class id=(!id.is_empty()).then_some(id) disabled=form.busy()
            hidden=move || hidden.is_some_and(|h| h.get()) on:click=move |_| on(form)>
            {label}
        </button>
    }
}

pub fn card_list(form: FormState, id: &'static str, cards: Vec<Card>) -> impl IntoView {
    view! {
        <ul class="cards" id=(!id.is_empty()).then_some(id)>
            {cards.into_iter().map(|c| view! {
                <li>
                    <a class="card" href=c.href>
                        <p class="card-title">{c.title}</p>
                        {(!c.badges.is_empty()).then(|| view! {
                            <p class="badges">{c.badges.into_iter().map(|b| view! { <span class="badge">{b}</span> }).collect_view()}</p>
                        })}
                        {c.lines.into_iter().map(|l| view! { <p class="muted">{l}</p> }).collect_view()}
                        {(!c.note.is_empty()).then(|| view! { <p class="note">{c.note}</p> })}
                    </a>
                    // Outside the link: a link may hold no buttons.
                    {(!c.buttons.is_empty()).then(|| view! {
                        <div class="card-buttons">
                            {c.buttons.into_iter().map(|b| button(form, b, None)).collect_view()}
                        </div>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// A record's facts as a definition list: label, value, and the value's element id.
pub fn facts(list: Vec<(Msg, String, &'static str)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="facts">
            {list.into_iter().map(|(label, value, id)| view! {
                <dt>{i18n.t(label)}</dt>
                <dd id=(!id.is_empty()).then_some(id)>{value}</dd>
            }).collect_view()}
        </dl>
    }
}

/// A labelled `<select>` of `(code, words)` options, with an optional empty first choice.
pub fn select_field(
    form: FormState,
    id: String,
    field: &'static str,
    label: Msg,
    options: Vec<(&'static str, &'static str)>,
    placeholder: Option<Msg>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id.clone()>{i18n.t(label)}</label>
            {field_error(form.errors, field)}
            <select id=id aria-invalid=form.invalid(field) prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))>
                {placeholder.map(|p| view! { <option value="">{i18n.t(p)}</option> })}
                {options.into_iter().map(|(code, words)| view! { <option value=code>{words}</option> }).collect_view()}
            </select>
        </div>
    }
}
