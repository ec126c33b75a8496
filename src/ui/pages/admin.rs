//! Region admin pages: API tokens and a youth's audit trail.

use crate::api::admin::{TokenField, TrailField};
use crate::{
    api::{
        admin::{
            list_api_tokens, take_audit_trail, take_new_api_token, CreateApiToken, RevokeApiToken,
            YouthAuditTrail,
        },
        overview::get_region_overview,
    },
    domain::{
        records::{nl_date, AuditTrail, NewToken},
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{
        form::{ErrorNotice, TextField},
        guard::RequireRole,
        table::Table,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API-sleutels"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=tokens_page/>
    }
}

fn flash_id(name: &'static str) -> Memo<Option<uuid::Uuid>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name).and_then(|s| uuid::Uuid::parse_str(&s).ok())))
}

fn shown_token(t: NewToken) -> impl IntoView {
    view! {
        <div class="utrecht-alert utrecht-alert--ok zs-alert" role="status">
            <h2 class="utrecht-heading-2">"Nieuwe API-sleutel"</h2>
            <p class="utrecht-paragraph">
                {format!("Voor {} ({}). Kopieer de sleutel nu: hij wordt maar één keer getoond.", t.organisation, t.name)}
            </p>
            <p class="utrecht-paragraph"><code class="zs-token">{t.token}</code></p>
        </div>
    }
}

fn tokens_page(_user: CurrentUser) -> AnyView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let overview = Resource::new(|| (), |_| get_region_overview());
    let flash = flash_id("nieuw");
    let flashed = Resource::new(
        move || flash.get(),
        |f| async move {
            match f {
                Some(id) => take_new_api_token(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <h1 class="utrecht-heading-1">"API-sleutels"</h1>
        <p class="utrecht-paragraph">
            "Met een API-sleutel registreert het systeem van een organisatie jeugdigen automatisch. "
            "Zie " <a class="utrecht-link" href="/api/v1/openapi.json">"de beschrijving van de API"</a> "."
        </p>
        {move || create.value().get().and_then(Result::ok).map(shown_token)}
        <Suspense fallback=|| ()>{move || flashed.get().flatten().map(shown_token)}</Suspense>
        <h2 class="utrecht-heading-2">"Nieuwe sleutel"</h2>
        {move || create_error.get().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorNotice error=e/> })}
        <ActionForm action=create attr:novalidate=true attr:class="zs-form">
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for="organisation_id">"Organisatie"</label>
                </div>
                <select class="utrecht-select utrecht-select--html-select" id="organisation_id" name="organisation_id" required=true
                    aria-describedby=move || create_error.get().and_then(|e| e.field_message(TokenField::OrganisationId)).map(|_| "organisation_id-fout")>
                    <option value="">"Kies een organisatie"</option>
                    <Suspense fallback=|| ()>
                        {move || overview.get().and_then(Result::ok).map(|o| o.organisations.into_iter()
                            .filter(|org| org.may_register || org.may_signal)
                            .map(|org| view! { <option value=org.id.to_string()>{org.name}</option> })
                            .collect_view())}
                    </Suspense>
                </select>
                {move || create_error.get().and_then(|e| e.field_message(TokenField::OrganisationId)).map(|m| view! {
                    <p class="utrecht-form-field-error-message zs-field__error" id="organisation_id-fout">{m}</p>
                })}
            </div>
            <TextField name="name" label="Naam van de sleutel" hint="Bijvoorbeeld het systeem dat hem gebruikt"
                error=Signal::derive(move || create_error.get().and_then(|e| e.field_message(TokenField::Name)))/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">"Sleutel aanmaken"</button>
        </ActionForm>
        <h2 class="utrecht-heading-2">"Sleutels"</h2>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || tokens.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="utrecht-paragraph">"Er zijn nog geen sleutels."</p> }.into_any(),
                Ok(list) => view! {
                    <Table caption="API-sleutels van organisaties in de regio" columns=&["Organisatie", "Naam", "Begint met", "Aangemaakt", "Laatst gebruikt", "Status"]>
                        {list.into_iter().map(|t| view! {
                            <tr class="utrecht-table__row">
                                <th scope="row" class="utrecht-table__header-cell">{t.organisation}</th>
                                <td class="utrecht-table__cell">{t.name.clone()}</td>
                                <td class="utrecht-table__cell"><code>{t.hint}</code></td>
                                <td class="utrecht-table__cell">{nl_date(t.created)}</td>
                                <td class="utrecht-table__cell">{t.last_used.map(nl_date).unwrap_or_else(|| "nooit".into())}</td>
                                <td class="utrecht-table__cell">
                                    {if t.revoked {
                                        view! { "ingetrokken" }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=revoke attr:class="zs-inline-form">
                                                <input type="hidden" name="id" value=t.id.to_string()/>
                                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                                                    "Intrekken" <span class="zs-visually-hidden">{format!(" ({})", t.name)}</span>
                                                </button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Logboek van een jeugdige"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=audit_page/>
    }
}

fn trail_view(t: AuditTrail) -> impl IntoView {
    view! {
        <h2 class="utrecht-heading-2">{format!("Logboek van {}", t.youth_name)}</h2>
        <Table caption="Wie deze gegevens heeft ingezien of gewijzigd, nieuwste eerst" columns=&["Tijd", "Wie", "Organisatie", "Actie", "Resultaat", "Via"]>
            {t.rows.into_iter().map(|r| view! {
                <tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">{r.at}</td>
                    <td class="utrecht-table__cell">{r.who}</td>
                    <td class="utrecht-table__cell">{r.organisation}</td>
                    <td class="utrecht-table__cell">{r.action}</td>
                    <td class="utrecht-table__cell">{r.result}</td>
                    <td class="utrecht-table__cell">{r.via}</td>
                </tr>
            }).collect_view()}
        </Table>
    }
}

fn audit_page(_user: CurrentUser) -> AnyView {
    let look = ServerAction::<YouthAuditTrail>::new();
    let error = Signal::derive(move || look.value().get().and_then(Result::err));
    let flash = flash_id("resultaat");
    let flashed = Resource::new(
        move || flash.get(),
        |f| async move {
            match f {
                Some(id) => take_audit_trail(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <h1 class="utrecht-heading-1">"Logboek van een jeugdige"</h1>
        <p class="utrecht-paragraph">
            "Zie wie de gegevens van een jeugdige heeft ingezien of gewijzigd (NEN 7513). "
            "Je inzage wordt zelf ook vastgelegd, met de reden die je opgeeft."
        </p>
        {move || error.get().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorNotice error=e/> })}
        <ActionForm action=look attr:novalidate=true attr:class="zs-form">
            <TextField name="bsn" label="BSN" input_mode="numeric" autocomplete="off"
                error=Signal::derive(move || error.get().and_then(|e| e.field_message(TrailField::Bsn)))/>
            <TextField name="reason" label="Reden van inzage" hint="Bijvoorbeeld het nummer van een klacht of een verzoek om inzage"
                autocomplete="off"
                error=Signal::derive(move || error.get().and_then(|e| e.field_message(TrailField::Reason)))/>
            <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">"Logboek tonen"</button>
        </ActionForm>
        {move || look.value().get().and_then(Result::ok).map(trail_view)}
        <Suspense fallback=|| ()>{move || flashed.get().flatten().map(trail_view)}</Suspense>
    }
    .into_any()
}
