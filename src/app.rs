//! The app shell: contexts, the router, the top bar and the bottom navigation, and the gates
//! (sign in, passphrase, unlock, approval) in front of the screens.

use gloo_storage::{LocalStorage, Storage};
use leptos::either::{EitherOf16, EitherOf5};
use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

use crate::components::{effect, use_form, Button, FormState};
use crate::components::{Icon, IconSvg};
use crate::fresh::Fresh;
use crate::guard::Guard;
use crate::i18n::{use_i18n, I18n, Lang, Msg};
use crate::screens::{
    caseload::Caseload, contact_form::ContactForm, dashboard::Dashboard, follow_ups::NewFollowUp,
    groups::GroupForm, groups::Groups, more::More, offers::NewOffer, offers::OfferPage,
    passphrase::ChoosePassphrase, pending::Pending, person::ErasePerson, person::PersonForm,
    person::PersonPage, persons::Persons, report::ReportPage, sign_in::SignIn, today::Today,
    unlock::Unlock, Screen,
};
use crate::state::records::use_records;
use crate::state::{self, use_app, AppCtx, Phase};
use crate::time::{clock, now_ms};
use crate::ui::{render, Block};
use faltlogg_core::record::Kind;

pub const LANG_KEY: &str = "faltlogg.lang";
/// The app locks itself after this long without a touch or key press.
/// How often the app tries to sync while unlocked and visible.
const SYNC_EVERY_MS: u64 = 30_000;

#[component]
pub fn App() -> impl IntoView {
    // Earlier versions stored the code as a JSON string, quotes included.
    let lang = LocalStorage::raw()
        .get_item(LANG_KEY)
        .ok()
        .flatten()
        .and_then(|c| Lang::from_code(c.trim_matches('"')))
        .unwrap_or_else(Lang::from_browser);
    let i18n = I18n(RwSignal::new(lang));
    provide_context(i18n);
    let ctx = AppCtx::from_device();
    provide_context(ctx);

    // Keep <html lang> in step, for screen readers and hyphenation.
    effect(Box::new(move || {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n.lang().code());
        }
    }));
    watch_the_world(ctx);

    // Approval, tracked on its own: a change to the vault that leaves it as it was (a new
    // team key) must not draw the app anew.
    let approved = Memo::new(move |_| ctx.approved());
    view! {
        <Router>
            {move || {
                // Tracks the language too: switching it renders the app anew in that language.
                i18n.lang();
                Fresh(match ctx.phase() {
                    Phase::SignedOut => EitherOf5::A(view! { <main class="gate" id="main"><SignIn/></main> }),
                    Phase::ChoosePassphrase => {
                        EitherOf5::B(view! { <main class="gate" id="main"><ChoosePassphrase/></main> })
                    }
                    Phase::Locked => EitherOf5::C(view! { <main class="gate" id="main"><Unlock/></main> }),
                    Phase::Unlocked if approved.get() => EitherOf5::D(view! { <Layout/> }),
                    Phase::Unlocked => EitherOf5::E(view! { <Pending/> }),
                })
            }}
        </Router>
    }
}

/// Listeners on the outside world: network back, idle lock, covering the screen in the task
/// switcher, the periodic sync, and the service worker's "update ready".
fn watch_the_world(ctx: AppCtx) {
    let last_activity = StoredValue::new(now_ms());
    let touch = move || last_activity.set_value(now_ms());
    on_window("pointerdown", Box::new(touch));
    on_window("keydown", Box::new(touch));
    on_window("online", Box::new(move || state::spawn_sync(ctx)));
    // The service worker's Background Sync: the network is back (boot.js passes it on).
    on_window("faltlogg-sync", Box::new(move || state::spawn_sync(ctx)));
    // Idle for longer than the team allows (`guard`): lock. Checked every tick, and at once
    // when the page shows again, before it is uncovered: a phone taken out of a pocket after
    // an hour shows the unlock screen, never a record.
    let idle_too_long = move || {
        ctx.unlocked_untracked()
            && now_ms() - last_activity.get_value() > Guard::load().idle_lock_ms()
    };
    on_window(
        "visibilitychange",
        Box::new(move || {
            let hidden = document().hidden();
            if !hidden && idle_too_long() {
                state::lock(ctx);
            }
            if let Some(body) = document().body() {
                let _ = body.class_list().toggle_with_force("covered", hidden);
            }
        }),
    );
    let _ = set_interval_with_handle(
        move || {
            if !ctx.unlocked_untracked() {
                return;
            }
            if idle_too_long() {
                state::lock(ctx);
            } else if !document().hidden() {
                state::spawn_sync_when_due(ctx);
            }
        },
        std::time::Duration::from_millis(SYNC_EVERY_MS),
    );
    // boot.js sets this flag (and fires the event) when a new version has installed.
    let flag = || {
        js_sys::Reflect::get(&window(), &"faltloggUpdateReady".into()).is_ok_and(|v| v.is_truthy())
    };
    ctx.set_update_ready(flag());
    on_window(
        "faltlogg-update",
        Box::new(move || ctx.set_update_ready(true)),
    );
}

/// Calls one of boot.js's functions, if it is there (no service worker, no function).
fn call_boot(name: &str) {
    if let Ok(f) = js_sys::Reflect::get(&window(), &name.into()) {
        if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f) {
            let _ = f.call0(&wasm_bindgen::JsValue::NULL);
        }
    }
}

/// A listener for the app's whole life. One boxed closure type for all of them keeps the
/// wasm smaller than a generic listener per event.
fn on_window(event: &str, handler: Box<dyn Fn()>) {
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(handler);
    let _ = window().add_event_listener_with_callback(
        event,
        wasm_bindgen::JsCast::unchecked_ref(closure.as_ref()),
    );
    closure.forget();
}

#[component]
fn Layout() -> impl IntoView {
    let ctx = use_app();
    let location = use_location();
    let screen = Memo::new(move |_| Screen::at(&location.pathname.get()));
    // The router writes a new address into the browser's history only once told that the new
    // screen is ready. Its <Routes> says so; this app matches paths itself, so it must say so
    // too, or the address stays "/", Back leaves the app and a reload lands on Today.
    let browser_url = use_context::<BrowserUrl>();
    effect(Box::new(move || {
        location.pathname.track();
        if let Some(url) = &browser_url {
            url.ready_to_complete();
        }
    }));
    // A new version installed (boot.js): the words, and a button that reloads into it.
    let update = Signal::derive(move || match ctx.update_ready().get() {
        true => use_i18n().t(Msg::UpdateReady).to_string(),
        false => String::new(),
    });
    let apply = Button::new(
        "apply-update",
        use_i18n().t(Msg::UpdateNow),
        "secondary",
        |_: FormState| {
            call_boot("faltloggApplyUpdate");
        },
    );
    let waiting = Signal::derive(move || !ctx.update_ready().get());
    view! {
        <TopBar screen/>
        {render(use_form(), vec![
            Block::Banner(ctx.check_in_alert(), true),
            Block::LiveText("update-ready", update),
            Block::Button(apply, Some(waiting)),
        ])}
        <main id="main" tabindex="-1">
            {move || {
                // Screens wait for the records after an unlock (a moment), so a deep link to a
                // form never opens it empty. The records are read untracked: a sync must not
                // draw the screen anew and wipe what is being typed.
                if !ctx.records_loaded() {
                    return Fresh(EitherOf16::P(render(use_form(), Vec::new())));
                }
                let held = |kind, id| use_records().with_untracked(|f| f.state(kind, id).is_some());
                // One arm per component: a form for a new record and for an edit is one
                // type, so it shares its arm (each arm costs its own drawing code).
                // Each screen is drawn anew, never patched from the last one (`fresh.rs`).
                Fresh(match screen.get() {
                    Screen::Today => EitherOf16::A(view! { <Today/> }),
                    Screen::NewContact => EitherOf16::B(view! { <ContactForm id=None/> }),
                    Screen::EditContact(id) if held(Kind::Contact, id) => {
                        EitherOf16::B(view! { <ContactForm id=Some(id)/> })
                    }
                    Screen::Persons => EitherOf16::C(view! { <Persons group=None/> }),
                    Screen::Group(id) => EitherOf16::C(view! { <Persons group=Some(id)/> }),
                    Screen::NewPerson => EitherOf16::D(view! { <PersonForm id=None/> }),
                    Screen::EditPerson(id) if held(Kind::Person, id) => {
                        EitherOf16::D(view! { <PersonForm id=Some(id)/> })
                    }
                    Screen::Person(id) => EitherOf16::E(view! { <PersonPage id/> }),
                    Screen::NewOffer(person) if held(Kind::Person, person) => {
                        EitherOf16::F(view! { <NewOffer person/> })
                    }
                    Screen::NewFollowUp(person) if held(Kind::Person, person) => {
                        EitherOf16::G(view! { <NewFollowUp person/> })
                    }
                    Screen::Groups => EitherOf16::H(view! { <Groups/> }),
                    Screen::NewGroup => EitherOf16::I(view! { <GroupForm id=None/> }),
                    Screen::EditGroup(id) if held(Kind::Group, id) => {
                        EitherOf16::I(view! { <GroupForm id=Some(id)/> })
                    }
                    Screen::More => EitherOf16::J(view! { <More/> }),
                    Screen::Offer(id) => EitherOf16::K(view! { <OfferPage id/> }),
                    Screen::ErasePerson(id)
                        if held(Kind::Person, id) && crate::state::may_erase(ctx, id) =>
                    {
                        EitherOf16::L(view! { <ErasePerson id/> })
                    }
                    Screen::Report(period) if ctx.is_coordinator_untracked() => {
                        EitherOf16::M(view! { <ReportPage period/> })
                    }
                    Screen::Caseload(line) => EitherOf16::N(view! { <Caseload line/> }),
                    Screen::Dashboard if ctx.is_coordinator_untracked() => {
                        EitherOf16::O(view! { <Dashboard/> })
                    }
                    // Not found, or not this user's: a way back.
                    _ => EitherOf16::P(render(use_form(), vec![Block::Link(
                        Screen::TODAY.into(),
                        Msg::NotFound,
                        "not-found",
                        false,
                    )])),
                })
            }}
        </main>
        <BottomNav screen/>
    }
}

/// The sync state in words, for the top bar: "3 changes waiting", "All sent 14:02".
pub fn sync_words(i18n: I18n, ctx: AppCtx) -> String {
    let s = ctx.sync().get();
    if s.running {
        return i18n.t(Msg::Syncing).to_string();
    }
    match (s.waiting, s.last_sent_ms) {
        (1, _) => i18n.t(Msg::OneWaiting).to_string(),
        (0, Some(ms)) => format!("{} {}", i18n.t(Msg::AllSent), clock(ms)),
        (0, None) => i18n.t(Msg::NothingSentYet).to_string(),
        (n, _) => format!("{n} {}", i18n.t(Msg::ManyWaiting)),
    }
}

#[component]
fn TopBar(screen: Memo<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let title = move || i18n.t(screen.get().title());
    view! {
        <header class="top-bar">
            <div class="top-bar-text">
                <h1>{title}</h1>
                <p class="sync-state" id="sync-state" role="status" aria-live="polite"
                    data-waiting=move || ctx.sync().with(|s| s.waiting.to_string())
                    data-syncs=move || ctx.sync().with(|s| s.completed.to_string())>
                    {move || sync_words(i18n, ctx)}
                </p>
            </div>
            <button type="button" class="icon-button" on:click=move |_| state::lock(ctx)>
                <IconSvg icon=Icon::Lock/>
                <span>{i18n.t(Msg::Lock)}</span>
            </button>
            <button type="button" class="icon-button" id="quick-exit" on:click=move |_| state::quick_exit(ctx)>
                <IconSvg icon=Icon::Exit/>
                <span>{i18n.t(Msg::QuickExit)}</span>
            </button>
        </header>
    }
}

#[component]
fn BottomNav(screen: Memo<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    // "page" on the tab that is the open screen; "true" on the tab a screen opened from it
    // belongs to (Today, while a new contact is written).
    let current = move |tab: Screen| {
        move || match screen.get() {
            open if open == tab => Some("page"),
            open if open.tab() == tab => Some("true"),
            _ => None,
        }
    };
    view! {
        <nav class="bottom-nav" aria-label=i18n.t(Msg::MainNav)>
            // Plain links: the router handles their clicks; `aria-current` marks the open one.
            <a href=Screen::TODAY aria-current=current(Screen::Today)>
                <IconSvg icon=Icon::Today/>
                <span>{i18n.t(Msg::NavToday)}</span>
            </a>
            <a href=Screen::PERSONS aria-current=current(Screen::Persons)>
                <IconSvg icon=Icon::Persons/>
                <span>{i18n.t(Msg::NavPersons)}</span>
            </a>
            <a href=Screen::GROUPS aria-current=current(Screen::Groups)>
                <IconSvg icon=Icon::Groups/>
                <span>{i18n.t(Msg::NavGroups)}</span>
            </a>
            <a href=Screen::MORE aria-current=current(Screen::More)>
                <IconSvg icon=Icon::More/>
                <span>{i18n.t(Msg::NavMore)}</span>
            </a>
        </nav>
    }
}
