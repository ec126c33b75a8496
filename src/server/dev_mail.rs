//! `/dev/mail`: the development mail catcher's inbox, for a newcomer to read
//! what Zorgsignaal sent. Only there when the app runs its built-in mail
//! catcher (development, no `SMTP_URL`); a plain page without the app's
//! JavaScript.

use super::{html::escape, mail::sink::Received, state::AppState};
use axum::{
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use std::fmt::Write;

fn article(n: usize, m: &Received) -> String {
    format!(
        "<article class=\"zs-mail\" aria-labelledby=\"mail-{n}\">\
<h2 class=\"utrecht-heading-2\" id=\"mail-{n}\">{subject}</h2>\
<dl class=\"zs-mail__meta\"><dt>Aan</dt><dd>{to}</dd><dt>Van</dt><dd>{from}</dd>\
<dt>Ontvangen</dt><dd>{at}</dd><dt>Message-ID</dt><dd><code>{id}</code></dd></dl>\
<pre class=\"zs-mail__text\">{text}</pre></article>",
        subject = escape(&m.subject),
        to = escape(&m.to.join(", ")),
        from = escape(&m.from),
        at = m.received_at.format("%Y-%m-%d %H:%M:%S UTC"),
        id = escape(&m.message_id),
        text = escape(&m.text),
    )
}

pub async fn page(State(state): State<AppState>) -> Response {
    let Some(sink) = &state.dev_mail else {
        return (StatusCode::NOT_FOUND, "Niet gevonden").into_response();
    };
    let mails = sink.mails();
    let mut list = String::new();
    if mails.is_empty() {
        list.push_str("<p class=\"utrecht-paragraph\">Er is nog geen e-mail ontvangen.</p>");
    }
    for (n, m) in mails.iter().enumerate().rev() {
        let _ = write!(list, "{}", article(n, m));
    }
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"nl\" class=\"utrecht-html\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Mailvanger – Zorgsignaal</title>\
<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
<link rel=\"stylesheet\" href=\"/vendor/utrecht-component-library.css\">\
<link rel=\"stylesheet\" href=\"/vendor/voorbeeld-theme.css\">\
<link rel=\"stylesheet\" href=\"/pkg/zorgsignaal.css\"></head>\
<body class=\"voorbeeld-theme utrecht-body\"><div class=\"zs-page utrecht-page\">\
<main id=\"inhoud\" class=\"zs-main utrecht-page-content\">\
<h1 class=\"utrecht-heading-1\">Mailvanger</h1>\
<p class=\"utrecht-paragraph\">Alleen in ontwikkeling: alle e-mail die Zorgsignaal via SMTP verstuurde naar de \
ingebouwde mailvanger op {addr}, nieuwste eerst ({count} berichten). Na een herstart is de lijst leeg.</p>\
<p class=\"utrecht-paragraph\"><a class=\"utrecht-link\" href=\"/dev/mail\">Vernieuwen</a> · \
<a class=\"utrecht-link\" href=\"/\">Naar Zorgsignaal</a></p>{list}</main></div></body></html>\n",
        addr = sink.addr(),
        count = mails.len(),
    ))
    .into_response()
}
