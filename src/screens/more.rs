use faltlogg_core::api::{AuditEvent, DeviceInfo, DeviceStatus, TeamSettings};
use leptos::prelude::*;

use crate::app::sync_words;
use crate::components::{
    simple_form, use_form, Banner, Card, Field, Icon, IconSvg, LanguageSwitch,
};
use crate::guard::Guard;
use crate::i18n::{audit_kind_msg, use_i18n, Msg};
use crate::screens::passphrase::new_passphrase_problems;
use crate::screens::sign_in::SyncProblem;
use crate::state::{self, use_app};
use crate::time::date_time;
use crate::ui::{render, Block, Select};

/// More: sync, devices (coordinators), language, about, lock.
#[component]
pub fn More() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let is_coordinator = move || ctx.is_coordinator();
    let username = move || ctx.username();
    view! {
        <SyncSection/>
        {move || is_coordinator().then(|| view! { <Devices/> <PhoneSettings/> <Events/> })}
        <Duress/>
        <section>
            <LanguageSwitch/>
        </section>
        <section>
            <h2 class="section">{i18n.t(Msg::AboutHeading)}</h2>
            <p>{i18n.t(Msg::AboutText)}</p>
            <p class="muted">{i18n.t(Msg::SignedInAs)} " " {username}</p>
            <button type="button" class="secondary" on:click=move |_| state::lock(ctx)>
                <IconSvg icon=Icon::Lock/>
                <span>{i18n.t(Msg::Lock)}</span>
            </button>
        </section>
    }
}

#[component]
fn SyncSection() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let last_sent = move || ctx.sync().with(|s| s.last_sent_ms).map(date_time);
    let set_aside = move || ctx.sync().with(|s| s.set_aside);
    view! {
        <section>
            <h2 class="section">{i18n.t(Msg::SyncHeading)}</h2>
            <p id="sync-summary">{move || sync_words(i18n, ctx)}</p>
            {move || last_sent().map(|t| view! { <p class="muted">{i18n.t(Msg::LastSent)} " " {t}</p> })}
            {move || (set_aside() > 0).then(|| view! { <p class="muted">{set_aside()} " " {i18n.t(Msg::SetAside)}</p> })}
            <SyncProblem/>
            <button type="button" class="secondary" id="sync-now" disabled=move || ctx.sync().with(|s| s.running)
                on:click=move |_| state::spawn_sync(ctx)>
                <IconSvg icon=Icon::Sync/>
                <span>{i18n.t(Msg::SyncNow)}</span>
            </button>
        </section>
    }
}

/// The duress passphrase: set or replaced here, used at the unlock screen.
#[component]
fn Duress() -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let passphrase = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    let is_set = RwSignal::new(crate::vault::has_duress());
    let submit = move || {
        let p = passphrase.get_untracked();
        let problems =
            new_passphrase_problems(&p, &repeated.get_untracked(), ["duress", "duress-repeat"]);
        let ok = problems.is_empty();
        form.set_errors.set(problems);
        if ok {
            form.run(async move {
                state::set_duress(p).await?;
                passphrase.set(String::new());
                repeated.set(String::new());
                is_set.set(true);
                Ok(())
            });
        }
    };
    let fields = vec![
        Field::new("duress", Msg::DuressPassphrase, "password", passphrase)
            .hint(Msg::PassphraseHint),
        Field::new("duress-repeat", Msg::DuressRepeat, "password", repeated),
    ];
    view! {
        <section>
            <h2 class="section">{i18n.t(Msg::DuressHeading)}</h2>
            <p>{i18n.t(Msg::DuressIntro)}</p>
            {move || is_set.get().then(|| view! { <p class="muted" id="duress-set">{i18n.t(Msg::DuressIsSet)}</p> })}
            {simple_form(form, fields, Msg::DuressSave, std::rc::Rc::new(submit))}
        </section>
    }
}

/// The team's security events (coordinators), newest first, older ones on demand.
#[component]
fn Events() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let events = RwSignal::new(Vec::<AuditEvent>::new());
    let more = RwSignal::new(false);
    let load = move || {
        form.run(async move {
            let before = events.with_untracked(|e| e.last().map(|e| e.id));
            let page = state::team_events(ctx, before).await?;
            events.update(|e| e.extend(page.events));
            more.set(page.more);
            Ok(())
        })
    };
    load();
    // One line of words: when, who, with which device, on which device. A device by the
    // start of its id: enough to tell the team's few devices apart.
    let line = move |e: &AuditEvent| {
        let device =
            |id: uuid::Uuid| format!("{} {}", i18n.t(Msg::DeviceShort), &id.to_string()[..8]);
        let mut line = date_time(e.at_ms);
        for (mark, part) in [
            (" · ", e.username.clone()),
            (" · ", e.device.map(device)),
            (" → ", e.target.map(device)),
        ] {
            if let Some(part) = part {
                line.push_str(mark);
                line.push_str(&part);
            }
        }
        line
    };
    let cards = Signal::derive(move || {
        events.with(|list| {
            list.iter()
                .map(|e| Card {
                    title: i18n.t(audit_kind_msg(e.kind)).into(),
                    lines: vec![line(e)],
                    ..Card::default()
                })
                .collect()
        })
    });
    // Drawn as blocks, like the record screens: a bespoke list here cost 1.6 KB more.
    view! {
        <section>
            {render(form, vec![
                Block::Heading(Msg::EventsHeading),
                Block::Para(i18n.t(Msg::EventsIntro).into(), ""),
                Block::Banner(form.problem.into(), true),
                Block::LiveCards("events", cards, Msg::NoEvents),
            ])}
            {move || more.get().then(|| view! {
                <button type="button" class="secondary" id="older-events" disabled=form.busy() on:click=move |_| load()>
                    {i18n.t(Msg::OlderEvents)}
                </button>
            })}
        </section>
    }
}

/// What the team's phones do (coordinators): the idle time before they lock, whether they
/// erase themselves after wrong passphrases, and the retention period after which a person
/// is erased.
#[component]
fn PhoneSettings() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let now = Guard::load().settings;
    let idle = RwSignal::new(now.idle_lock_minutes.to_string());
    let wipe = RwSignal::new(
        now.wipe_after_failures
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    let retention = RwSignal::new(now.retention_months.to_string());
    let save = move |_| {
        let settings = TeamSettings {
            idle_lock_minutes: idle.get_untracked().parse().unwrap_or(0),
            wipe_after_failures: wipe.get_untracked().parse().ok(),
            retention_months: retention.get_untracked().parse().unwrap_or(0),
        };
        form.run(state::save_team_settings(ctx, settings));
    };
    let idle_options = vec![
        ("1", "1"),
        ("2", "2"),
        ("5", "5"),
        ("10", "10"),
        ("15", "15"),
    ];
    let wipe_options = vec![("5", "5"), ("10", "10"), ("20", "20")];
    let retention_options = vec![
        ("6", "6"),
        ("12", "12"),
        ("24", "24"),
        ("36", "36"),
        ("60", "60"),
    ];
    let select = |id, label, options, placeholder, value| {
        Block::Select(Select {
            id,
            label,
            options,
            placeholder,
            value,
        })
    };
    view! {
        <section>
            {render(form, vec![
                Block::Heading(Msg::PhoneSettingsHeading),
                Block::Banner(form.problem.into(), true),
                select("idle-lock", Msg::IdleLockLabel, idle_options, None, idle),
                select("wipe-after", Msg::WipeAfterLabel, wipe_options, Some(Msg::WipeNever), wipe),
                select("retention", Msg::RetentionLabel, retention_options, None, retention),
            ])}
            <button type="button" class="secondary" id="save-phone-settings" disabled=form.busy() on:click=save>
                {i18n.t(Msg::SaveSettings)}
            </button>
        </section>
    }
}

#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let devices = RwSignal::new(Vec::<DeviceInfo>::new());
    let me = ctx.device_id();
    let reload = move || {
        form.run(async move {
            devices.set(state::team_devices(ctx).await?);
            Ok(())
        })
    };
    reload();
    let approve = move |device: DeviceInfo| {
        form.run(async move {
            state::approve_device(ctx, device).await?;
            devices.set(state::team_devices(ctx).await?);
            Ok(())
        })
    };
    let revoke = move |device: DeviceInfo| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t(Msg::RevokeConfirm)).ok())
            .unwrap_or(false);
        if confirmed {
            form.run(async move {
                state::revoke_device(ctx, device).await?;
                devices.set(state::team_devices(ctx).await?);
                Ok(())
            })
        }
    };
    let status = move |s: DeviceStatus| match s {
        DeviceStatus::Pending => i18n.t(Msg::StatusPending),
        DeviceStatus::Approved => i18n.t(Msg::StatusApproved),
        DeviceStatus::Revoked => i18n.t(Msg::StatusRevoked),
    };
    view! {
        <section>
            <h2 class="section">{i18n.t(Msg::DevicesHeading)}</h2>
            <p>{i18n.t(Msg::DevicesIntro)}</p>
            <Banner msg=form.problem warning=true/>
            <Banner msg=ctx.notice()/>
            <ul class="cards" id="devices">
                {move || devices.get().into_iter().map(|device| view! {
                    <li class="card">
                        <p class="card-title">
                            {device.username.clone()}
                            {(Some(device.id) == me).then(|| view! { " · " {i18n.t(Msg::ThisDevice)} })}
                        </p>
                        <p class="fingerprint">{ctx.pairing_code(&device.keys)}</p>
                        <p class="muted">{status(device.status)}</p>
                        {(device.status == DeviceStatus::Pending).then(|| {
                            let d = device.clone();
                            view! {
                                <button type="button" class="primary approve" disabled=form.busy()
                                    on:click=move |_| approve(d.clone())>
                                    {i18n.t(Msg::ApproveDevice)}
                                </button>
                            }
                        })}
                        {(device.status != DeviceStatus::Revoked && Some(device.id) != me).then(|| {
                            let d = device.clone();
                            view! {
                                <button type="button" class="secondary revoke" disabled=form.busy()
                                    on:click=move |_| revoke(d.clone())>
                                    {i18n.t(Msg::RevokeDevice)}
                                </button>
                            }
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <button type="button" class="secondary" id="reload-devices" on:click=move |_| reload()>
                {i18n.t(Msg::CheckAgain)}
            </button>
        </section>
    }
}
