//! Pure domain code: compiles for the browser (WASM) and the server, so a
//! form validates as you type with the same code the server runs.

pub mod actions;
pub mod board;
pub mod bsn;
pub mod coordination;
pub mod covenant;
pub mod data_quality;
pub mod email;
pub mod family;
pub mod involvement;
pub mod live;
pub mod login;
pub mod organisation;
pub mod records;
pub mod report;
pub mod role;
pub mod two_factor;
pub mod user;
pub mod views;
pub mod workdays;
pub mod youth;

/// Today's date where the code runs: the server's clock, or the browser's
/// for checks as you type (the server checks again with its own).
pub fn today() -> chrono::NaiveDate {
    #[cfg(feature = "ssr")]
    {
        chrono::Local::now().date_naive()
    }
    #[cfg(all(not(feature = "ssr"), feature = "hydrate"))]
    {
        let now = js_sys::Date::new_0();
        chrono::NaiveDate::from_ymd_opt(now.get_full_year() as i32, now.get_month() + 1, now.get_date())
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        chrono::NaiveDate::default()
    }
}
