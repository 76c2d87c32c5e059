use crate::fresh::Fresh;
use faltlogg_core::api::{AuditEvent, DeviceInfo, DeviceStatus, TeamSettings};
use leptos::prelude::*;

use crate::app::sync_words;
use std::sync::Arc;

use crate::components::{simple_form, use_form, Button, Card, Field, FormState, LanguageSwitch};
use crate::guard::Guard;
use crate::i18n::{audit_kind_msg, use_i18n, Msg};
use crate::screens::passphrase::new_passphrase_problems;
use crate::screens::sign_in::SyncProblem;
use crate::screens::Screen;
use crate::state::{self, use_app};
use crate::time::date_time;
use crate::ui::{render, Block, Select};

/// More: sync, devices (coordinators), language, about, lock. Each part is drawn from blocks.
#[component]
pub fn More() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let signed_in = format!(
        "{} {}",
        i18n.t(Msg::SignedInAs),
        ctx.username_untracked().unwrap_or_default()
    );
    let lock = Button::new("lock-more", i18n.t(Msg::Lock), "secondary", move |_| {
        state::lock(ctx)
    });
    view! {
        <SyncSection/>
        <TeamWork/>
        {move || Fresh(ctx.is_coordinator().then(|| view! { <Devices/> <PhoneSettings/> <Events/> }))}
        <Duress/>
        <LanguageSwitch/>
        {render(form, vec![
            Block::Heading(Msg::AboutHeading),
            Block::Para(i18n.t(Msg::AboutText).into(), ""),
            Block::Para(signed_in, "muted"),
            Block::Button(lock, None),
        ])}
    }
}

/// The work: the caseload for everyone (a worker's own, a coordinator's team's); the
/// dashboard, the partnership report and the records as CSV for coordinators.
#[component]
fn TeamWork() -> impl IntoView {
    let form = use_form();
    let link = |to: &str, msg, id| Block::Link(to.into(), msg, id, false);
    let mut blocks = vec![
        Block::Heading(Msg::TeamWorkHeading),
        link(Screen::CASELOAD, Msg::CaseloadTitle, "caseload-link"),
    ];
    if use_app().is_coordinator_untracked() {
        blocks.extend([
            link(Screen::DASHBOARD, Msg::DashboardTitle, "dashboard-link"),
            link(Screen::REPORT, Msg::ReportTitle, "report-link"),
        ]);
        blocks.extend(super::export::export_blocks());
        blocks.extend(push_blocks(form));
    }
    render(form, blocks)
}

/// Web Push for the check-in's alert (coordinators): a button that turns it on for this phone,
/// and how that went.
fn push_blocks(form: FormState) -> Vec<Block> {
    let i18n = use_i18n();
    let ctx = use_app();
    let said = RwSignal::new(None);
    let turn_on = move |form: FormState| {
        // Asked in the tap itself: browsers ask for permission only then.
        let title = i18n.t(Msg::PushTitle);
        let promise = state::turn_on_push(ctx, title, i18n.t(Msg::CheckInOverdueAlert));
        form.run(async move {
            match state::push_turned_on(promise).await {
                Msg::PushOn => said.set(Some(Msg::PushOn)),
                problem => return Err(problem),
            }
            Ok(())
        });
    };
    vec![
        Block::Heading(Msg::PushHeading),
        Block::Para(i18n.t(Msg::PushIntro).into(), ""),
        Block::Banner(said.into(), false),
        Block::Banner(form.problem.into(), true),
        Block::Button(
            Button::new("push-on", i18n.t(Msg::PushTurnOn), "secondary", turn_on),
            None,
        ),
    ]
}

/// Whether this phone has sent everything, when it last did, and a button to sync now.
#[component]
fn SyncSection() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let last_sent = Signal::derive(move || {
        ctx.sync()
            .with(|s| s.last_sent_ms)
            .map(|t| format!("{} {}", i18n.t(Msg::LastSent), date_time(t)))
            .unwrap_or_default()
    });
    let set_aside = Signal::derive(move || match ctx.sync().with(|s| s.set_aside) {
        0 => String::new(),
        n => format!("{n} {}", i18n.t(Msg::SetAside)),
    });
    // A tap always brings a sync that starts after it: one already running (begun before
    // what was just saved, perhaps) is waited out first. The button is disabled meanwhile.
    let sync_now = Button::new("sync-now", i18n.t(Msg::SyncNow), "secondary", move |form| {
        form.run(async move {
            while ctx.sync().with_untracked(|s| s.running) {
                crate::time::sleep(200).await;
            }
            state::sync_task(ctx).await;
            Ok(())
        })
    });
    view! {
        {render(form, vec![
            Block::Heading(Msg::SyncHeading),
            Block::LiveText("sync-summary", Signal::derive(move || sync_words(i18n, ctx))),
            Block::LiveText("last-sent", last_sent),
            Block::LiveText("set-aside", set_aside),
        ])}
        <SyncProblem/>
        {render(form, vec![Block::Button(sync_now, None)])}
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
    let said = Signal::derive(move || {
        if is_set.get() {
            i18n.t(Msg::DuressIsSet).into()
        } else {
            String::new()
        }
    });
    view! {
        {render(form, vec![
            Block::Heading(Msg::DuressHeading),
            Block::Para(i18n.t(Msg::DuressIntro).into(), ""),
            Block::LiveText("duress-set", said),
        ])}
        {simple_form(form, fields, Msg::DuressSave, std::rc::Rc::new(submit))}
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
    let load = move |form: FormState| {
        form.run(async move {
            let before = events.with_untracked(|e| e.last().map(|e| e.id));
            let page = state::team_events(ctx, before).await?;
            events.update(|e| e.extend(page.events));
            more.set(page.more);
            Ok(())
        })
    };
    load(form);
    let older = Button::new("older-events", i18n.t(Msg::OlderEvents), "secondary", load);
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
    render(
        form,
        vec![
            Block::Heading(Msg::EventsHeading),
            Block::Para(i18n.t(Msg::EventsIntro).into(), ""),
            Block::Banner(form.problem.into(), true),
            Block::LiveCards("events", cards, Msg::NoEvents),
            Block::Button(older, Some(Signal::derive(move || !more.get()))),
        ],
    )
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
    let threshold = RwSignal::new(now.report_threshold.to_string());
    let save = move |form: FormState| {
        let settings = TeamSettings {
            idle_lock_minutes: idle.get_untracked().parse().unwrap_or(0),
            wipe_after_failures: wipe.get_untracked().parse().ok(),
            retention_months: retention.get_untracked().parse().unwrap_or(0),
            report_threshold: threshold.get_untracked().parse().unwrap_or(0),
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
    let save = Button::new(
        "save-phone-settings",
        i18n.t(Msg::SaveSettings),
        "secondary",
        save,
    );
    render(
        form,
        vec![
            Block::Heading(Msg::PhoneSettingsHeading),
            Block::Banner(form.problem.into(), true),
            select("idle-lock", Msg::IdleLockLabel, idle_options, None, idle),
            select(
                "wipe-after",
                Msg::WipeAfterLabel,
                wipe_options,
                Some(Msg::WipeNever),
                wipe,
            ),
            select(
                "retention",
                Msg::RetentionLabel,
                retention_options,
                None,
                retention,
            ),
            select(
                "report-threshold",
                Msg::ThresholdLabel,
                vec![("3", "3"), ("5", "5"), ("10", "10")],
                None,
                threshold,
            ),
            Block::Button(save, None),
        ],
    )
}

/// The team's devices (coordinators): approve a new one after comparing its pairing code,
/// revoke a lost one. Drawn as blocks and cards, with the events: the bespoke list and
/// buttons they replaced cost 1.7 KB brotli more.
#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_app();
    let form = use_form();
    let devices = RwSignal::new(Vec::<DeviceInfo>::new());
    let me = ctx.device_id();
    // Every action on a device ends by listing the devices again.
    let then_reload = move |form: FormState, step: Option<state::Task<Result<(), Msg>>>| {
        form.run(async move {
            if let Some(step) = step {
                step.await?;
            }
            devices.set(state::team_devices(ctx).await?);
            Ok(())
        })
    };
    then_reload(form, None);
    let approve = move |device: DeviceInfo| -> Arc<dyn Fn(FormState) + Send + Sync> {
        Arc::new(move |form| {
            let device = device.clone();
            then_reload(form, Some(Box::pin(state::approve_device(ctx, device))))
        })
    };
    let revoke = move |device: DeviceInfo| -> Arc<dyn Fn(FormState) + Send + Sync> {
        Arc::new(move |form| {
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(i18n.t(Msg::RevokeConfirm)).ok())
                .unwrap_or(false);
            if confirmed {
                let device = device.clone();
                then_reload(form, Some(Box::pin(state::revoke_device(ctx, device))))
            }
        })
    };
    let cards = Signal::derive(move || {
        devices.with(|list| {
            list.iter()
                .map(|d| {
                    let mut title = d.username.clone();
                    if Some(d.id) == me {
                        title = format!("{title} · {}", i18n.t(Msg::ThisDevice));
                    }
                    let mut buttons = Vec::new();
                    if d.status == DeviceStatus::Pending {
                        buttons.push(Button {
                            id: String::new(),
                            label: i18n.t(Msg::ApproveDevice).into(),
                            class: "primary approve",
                            on: approve(d.clone()),
                        });
                    }
                    if d.status != DeviceStatus::Revoked && Some(d.id) != me {
                        buttons.push(Button {
                            id: String::new(),
                            label: i18n.t(Msg::RevokeDevice).into(),
                            class: "secondary revoke",
                            on: revoke(d.clone()),
                        });
                    }
                    Card {
                        title,
                        lines: vec![i18n.t(status_msg(d.status)).into()],
                        // The pairing code, set as a code to compare aloud (style/main.css).
                        note: ctx.pairing_code(&d.keys),
                        buttons,
                        ..Card::default()
                    }
                })
                .collect()
        })
    });
    let reload = Button::new(
        "reload-devices",
        i18n.t(Msg::CheckAgain),
        "secondary",
        move |form| then_reload(form, None),
    );
    render(
        form,
        vec![
            Block::Heading(Msg::DevicesHeading),
            Block::Para(i18n.t(Msg::DevicesIntro).into(), ""),
            Block::Banner(form.problem.into(), true),
            Block::Banner(ctx.notice().into(), false),
            Block::LiveCards("devices", cards, Msg::Working),
            Block::Button(reload, None),
        ],
    )
}

fn status_msg(status: DeviceStatus) -> Msg {
    match status {
        DeviceStatus::Pending => Msg::StatusPending,
        DeviceStatus::Approved => Msg::StatusApproved,
        DeviceStatus::Revoked => Msg::StatusRevoked,
    }
}
