//! Time, through the browser's clock and its local time zone (js `Date`), and the browser's
//! frames.

use faltlogg_core::record::date::Date as Day;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub fn now_ms() -> i64 {
    Date::now() as i64
}

fn two(n: u32) -> String {
    if n < 10 {
        format!("0{n}")
    } else {
        n.to_string()
    }
}

/// How many minutes the phone's local time is ahead of UTC at a Unix time.
pub fn utc_offset_minutes(ms: i64) -> i32 {
    -(Date::new(&(ms as f64).into()).get_timezone_offset() as i32)
}

/// The local calendar date of a Unix time.
pub fn local_date(ms: i64) -> Day {
    Day::from_unix_ms(ms, utc_offset_minutes(ms))
}

/// Today, in the phone's time zone.
pub fn today() -> Day {
    local_date(now_ms())
}

/// `HH:MM` in local time, 24-hour.
pub fn clock(ms: i64) -> String {
    let d = Date::new(&(ms as f64).into());
    format!("{}:{}", two(d.get_hours()), two(d.get_minutes()))
}

/// `YYYY-MM-DD HH:MM` in local time, 24-hour: the Swedish written form, and unambiguous in
/// English too. The app writes dates itself rather than through the browser's locale, which
/// may be neither language (a native date input showed "11/25/2026, 02:40 PM" in Swedish).
pub fn date_time(ms: i64) -> String {
    format!("{} {}", local_date(ms).iso(), clock(ms))
}

pub use faltlogg_core::record::date::parse_clock;

/// The Unix time of a local date and time of day.
pub fn local_ms(day: Day, (hours, minutes): (u32, u32)) -> i64 {
    let (y, mo, d) = day.ymd();
    let date = Date::new_with_year_month_day_hr_min(
        y as u32,
        mo as i32 - 1,
        d as i32,
        hours as i32,
        minutes as i32,
    );
    date.get_time() as i64
}

/// Resolves once the browser has painted the page as it is now (a frame, then a task after
/// it). Work that holds the main thread, such as Argon2 when unlocking, waits for this so
/// that "Please wait" is on the screen before it starts. A page in the background paints no
/// frames, so this waits until it is shown again.
pub async fn after_next_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = Promise::new(&mut |resolve: Function, _reject| {
        let w = window.clone();
        let after_frame = Closure::once_into_js(move || {
            let _ = w.set_timeout_with_callback(&resolve);
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves after `ms` milliseconds (a timer of the page).
pub async fn sleep(ms: i32) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = Promise::new(&mut |resolve: Function, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
