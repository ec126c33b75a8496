//! The region admin's outbox: what mail Zorgsignaal sent, is sending, or
//! gave up on — recipient, subject, attempts, last error and times; never
//! the body. A dead or failed mail can be sent again.

use crate::{
    api::mail::{mail_outbox, RetryMail, MAIL_LIST_LIMIT},
    domain::{
        records::{MailOverview, MailRow, MAIL_STATUSES},
        role::Role,
        user::CurrentUser,
    },
    ui::components::{form::ErrorNotice, guard::RequireRole, table::Table},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MailPage() -> impl IntoView {
    view! {
        <Title text="Uitgaande e-mail"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=mail_page/>
    }
}

fn label(status: &str) -> &'static str {
    MAIL_STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, l)| *l)
        .unwrap_or("Wachtend")
}

fn tabs(o: &MailOverview) -> impl IntoView {
    view! {
        <nav aria-label="Soort e-mail">
            <ul class="zs-tabs">
                {o.counts.iter().map(|(status, n)| {
                    let current = *status == o.status;
                    view! {
                        <li>
                            <a class="utrecht-link" href=format!("/regio/e-mail?status={status}")
                                aria-current=current.then_some("page")>
                                {format!("{} ({n})", label(status))}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

fn row(m: MailRow, retry: ServerAction<RetryMail>) -> impl IntoView {
    let when = m
        .sent
        .clone()
        .map(|s| format!("verzonden {s}"))
        .or_else(|| m.next_attempt.clone().map(|n| format!("volgende poging {n}")))
        .unwrap_or_default();
    view! {
        <tr class="utrecht-table__row">
            <td class="utrecht-table__cell">{m.created}</td>
            <td class="utrecht-table__cell">{m.recipient.clone()}</td>
            <td class="utrecht-table__cell">{m.subject}</td>
            <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{m.attempts}</td>
            <td class="utrecht-table__cell">{m.last_error.unwrap_or_default()}</td>
            <td class="utrecht-table__cell">{when}</td>
            <td class="utrecht-table__cell">
                {m.may_retry.then(|| view! {
                    <ActionForm action=retry attr:class="zs-inline-form">
                        <input type="hidden" name="id" value=m.id.to_string()/>
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                            "Opnieuw versturen" <span class="zs-visually-hidden">{format!(" (aan {})", m.recipient)}</span>
                        </button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

fn mail_page(_user: CurrentUser) -> AnyView {
    let query = use_query_map();
    let retry = ServerAction::<RetryMail>::new();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let outbox = Resource::new(
        move || (status.get(), retry.version().get()),
        |(s, _)| mail_outbox(s),
    );
    view! {
        <h1 class="utrecht-heading-1">"Uitgaande e-mail"</h1>
        <p class="utrecht-paragraph">
            "Alle e-mail die Zorgsignaal aan mensen in de regio stuurt, met ontvanger, onderwerp, pogingen en de laatste fout. "
            "De inhoud van berichten is hier niet te zien. Lukt versturen niet, dan probeert Zorgsignaal het opnieuw: "
            "na 1 minuut, dan steeds twee keer zo lang tot 6 uur, 48 uur lang. Daarna heet een bericht opgegeven; "
            "je kunt het dan zelf opnieuw laten versturen."
        </p>
        {move || retry.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e/> })}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || outbox.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(o) => {
                    let title = label(&o.status);
                    let shown = o.rows.len();
                    let total = o.counts.iter().find(|(s, _)| *s == o.status).map(|(_, n)| *n).unwrap_or(0);
                    view! {
                        {tabs(&o)}
                        <h2 class="utrecht-heading-2">{title}</h2>
                        {(total > shown as i64).then(|| view! {
                            <p class="utrecht-paragraph">{format!("De nieuwste {MAIL_LIST_LIMIT} van {total}.")}</p>
                        })}
                        {if o.rows.is_empty() {
                            view! { <p class="utrecht-paragraph">"Geen berichten."</p> }.into_any()
                        } else {
                            view! {
                                <Table caption="Berichten, nieuwste eerst" columns=&["Aangemaakt", "Ontvanger", "Onderwerp", "Pogingen", "Laatste fout", "Wanneer", "Actie"] numeric=&["Pogingen"]>
                                    {o.rows.into_iter().map(|m| row(m, retry)).collect_view()}
                                </Table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Suspense>
    }
    .into_any()
}
