//! Time, through the browser's clock and its local time zone (js `Date`), and the browser's
//! frames.

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

/// `YYYY-MM-DDTHH:MM` in local time, the value format of `<input type="datetime-local">`.
pub fn to_local_input(ms: i64) -> String {
    let d = Date::new(&(ms as f64).into());
    format!(
        "{}-{}-{}T{}:{}",
        d.get_full_year(),
        two(d.get_month() + 1),
        two(d.get_date()),
        two(d.get_hours()),
        two(d.get_minutes())
    )
}

/// Parses a `datetime-local` value as local time. `None` for anything malformed.
pub fn from_local_input(value: &str) -> Option<i64> {
    let (date, time) = value.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (y, mo, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time
        .splitn(3, ':')
        .map(|p| p.get(..2).unwrap_or(p).parse::<u32>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&day) || h > 23 || mi > 59 {
        return None;
    }
    let date =
        Date::new_with_year_month_day_hr_min(y, mo as i32 - 1, day as i32, h as i32, mi as i32);
    let ms = date.get_time();
    (!ms.is_nan()).then_some(ms as i64)
}

/// `HH:MM` in local time.
pub fn clock(ms: i64) -> String {
    let d = Date::new(&(ms as f64).into());
    format!("{}:{}", two(d.get_hours()), two(d.get_minutes()))
}

/// `YYYY-MM-DD HH:MM` in local time: unambiguous in both languages.
pub fn date_time(ms: i64) -> String {
    to_local_input(ms).replace('T', " ")
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
