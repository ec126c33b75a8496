//! "Mijn jeugdigen" and the youth page.

use super::own_records::{own_active, own_past};
use crate::ui::pages::family::{family_section, FamilyActions};
use crate::{
    api::youths::{get_youth, list_my_youths, ChangeEndDate, CloseSignal, EndRegistration},
    domain::{
        live::Topic,
        records::{nl_date, OwnInvolvement, YouthDetail, YouthSort},
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::{
        components::{
            form::ErrorNotice,
            guard::{set_status, RequireRole},
            table::Table,
        },
        live::{after_live_change, use_live, when_changed, Live, Presence},
        pages::{
            actions::{actions_section, ActionForms},
            coordination::{coordination_section, CoordinationActions},
        },
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MyYouthsPage() -> impl IntoView {
    view! {
        <Title text="Mijn jeugdigen"/>
        <RequireRole roles=vec![Role::Professional] page=my_youths_page/>
    }
}

fn sort_link(sort: YouthSort, descending: bool, page: u32) -> String {
    format!(
        "/jeugdigen?sorteer={}&richting={}&pagina={page}",
        sort.as_str(),
        if descending { "af" } else { "op" }
    )
}

fn my_youths_page(user: CurrentUser) -> AnyView {
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            let sort = q
                .get("sorteer")
                .and_then(|s| YouthSort::parse(&s))
                .unwrap_or_default();
            let descending = q.get("richting").map_or(sort == YouthSort::Since, |r| r == "af");
            let page = q
                .get("pagina")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1);
            (sort, descending, page)
        })
    };
    let list = Resource::new(args, |(sort, descending, page)| {
        list_my_youths(sort.as_str().to_string(), descending, page)
    });
    let ended = move || query.with(|q| q.get("afgesloten").is_some());
    let columns = [
        (YouthSort::Name, "Naam"),
        (YouthSort::Age, "Leeftijd"),
        (YouthSort::Municipality, "Gemeente"),
        (YouthSort::Since, "Betrokken sinds"),
        (YouthSort::Match, "Match"),
    ];
    view! {
        <h1 class="utrecht-heading-1">"Mijn jeugdigen"</h1>
        {move || ended().then(|| view! {
            <div class="utrecht-alert utrecht-alert--ok zs-alert" role="status">
                <p class="utrecht-paragraph">"Afgesloten. Je bent niet meer betrokken bij deze jeugdige."</p>
            </div>
        })}
        <p class="utrecht-paragraph zs-actions">
            {user.may_register().then(|| view! {
                <a class="utrecht-button-link utrecht-button-link--primary-action" href="/jeugdigen/registreren">"Jeugdige registreren"</a>
            })}
            {user.may_signal().then(|| view! {
                <a class="utrecht-button-link utrecht-button-link--secondary-action" href="/signalen/nieuw">"Signaal afgeven"</a>
            })}
            {user.may_register().then(|| view! {
                <a class="utrecht-link" href="/jeugdigen/importeren">"Registraties importeren uit een bestand"</a>
            })}
        </p>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(list) if list.total == 0 => view! {
                    <p class="utrecht-paragraph">"Je bent nog bij geen enkele jeugdige betrokken."</p>
                }.into_any(),
                Ok(list) => {
                    let (sort, descending, page, pages) = (list.sort, list.descending, list.page, list.pages());
                    view! {
                        <div class="utrecht-table-container">
                            <table class="utrecht-table utrecht-table--html-table">
                                <caption class="utrecht-table__caption">
                                    {format!("{} jeugdigen waarbij je betrokken bent, pagina {page} van {pages}", list.total)}
                                </caption>
                                <thead class="utrecht-table__header">
                                    <tr class="utrecht-table__row">
                                        {columns.into_iter().map(|(col, label)| {
                                            let active = col == sort;
                                            let next_desc = if active { !descending } else { col == YouthSort::Since };
                                            let aria = active.then_some(if descending { "descending" } else { "ascending" });
                                            view! {
                                                <th scope="col" class="utrecht-table__header-cell" aria-sort=aria>
                                                    <a class="utrecht-link" href=sort_link(col, next_desc, 1)>
                                                        {label}
                                                        {active.then_some(if descending { " ▼" } else { " ▲" })}
                                                        <span class="zs-visually-hidden">
                                                            {if next_desc { " (sorteer aflopend)" } else { " (sorteer oplopend)" }}
                                                        </span>
                                                    </a>
                                                </th>
                                            }
                                        }).collect_view()}
                                        <th scope="col" class="utrecht-table__header-cell">"Coördinator"</th>
                                    </tr>
                                </thead>
                                <tbody class="utrecht-table__body">
                                    {list.rows.into_iter().map(|row| view! {
                                        <tr class="utrecht-table__row">
                                            <th scope="row" class="utrecht-table__header-cell">
                                                <a class="utrecht-link" href=format!("/jeugdigen/{}", row.id)>{row.name}</a>
                                            </th>
                                            <td class="utrecht-table__cell">{format!("{} jaar", row.age)}</td>
                                            <td class="utrecht-table__cell">{row.municipality}</td>
                                            <td class="utrecht-table__cell">{nl_date(row.since)}</td>
                                            <td class="utrecht-table__cell">{if row.matched { "ja" } else { "nee" }}</td>
                                            <td class="utrecht-table__cell">{row.coordinator.unwrap_or_else(|| "nog niet".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <nav class="zs-pager" aria-label="Paginering">
                            {(page > 1).then(|| view! {
                                <a class="utrecht-link" href=sort_link(sort, descending, page - 1)>"Vorige pagina"</a>
                            })}
                            <span>{format!("Pagina {page} van {pages}")}</span>
                            {(page < pages).then(|| view! {
                                <a class="utrecht-link" href=sort_link(sort, descending, page + 1)>"Volgende pagina"</a>
                            })}
                        </nav>
                    }.into_any()
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn YouthPage() -> impl IntoView {
    view! {
        <Title text="Jeugdige"/>
        <RequireRole roles=vec![Role::Professional, Role::Coordinator] page=youth_page/>
    }
}

/// Shown for a youth that does not exist and for one the viewer may not
/// see, with the same words and status.
#[component]
fn YouthNotFound() -> impl IntoView {
    set_status(404);
    view! {
        <h1 class="utrecht-heading-1">"Niet gevonden"</h1>
        <p class="utrecht-paragraph">"Deze jeugdige is niet gevonden, of je bent er niet (meer) bij betrokken."</p>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/jeugdigen">"Naar Mijn jeugdigen"</a></p>
    }
}

fn youth_page(_user: CurrentUser) -> AnyView {
    let params = use_params_map();
    let end = ServerAction::<EndRegistration>::new();
    let close = ServerAction::<CloseSignal>::new();
    let change = ServerAction::<ChangeEndDate>::new();
    let coord = CoordinationActions::new();
    let family = FamilyActions::new();
    let forms = ActionForms::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| uuid::Uuid::parse_str(&s).ok()));
    let live = use_live(Signal::derive(move || id().map(Topic::Youth)), false);
    let (stale, set_stale) = signal(0usize);
    let seen = StoredValue::new(0usize);
    let youth = Resource::new(
        move || {
            (
                id(),
                end.version().get(),
                close.version().get(),
                change.version().get(),
                coord.version(),
                family.version(),
                stale.get(),
            )
        },
        move |(id, .., s)| {
            let live = after_live_change(seen, s);
            async move {
                match id {
                    Some(id) => get_youth(id, live).await,
                    None => Err(AppError::NotFound),
                }
            }
        },
    );
    when_changed(live, youth, set_stale, move || async move {
        match id() {
            Some(id) => get_youth(id, true).await,
            None => Err(AppError::NotFound),
        }
    });
    // With JavaScript: once the last involvement is closed, the page is
    // no longer visible; go to the list and say so.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let acted = end.version().get() + close.version().get() > 0;
        if acted && matches!(youth.get(), Some(Err(AppError::NotFound))) {
            navigate("/jeugdigen?afgesloten=1", Default::default());
        }
    });
    let errors = Signal::derive(move || {
        [end.value().get(), close.value().get(), change.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    });
    view! {
        // Transition: a refetch (after an action or a live change) keeps the
        // page in place instead of flashing "Bezig met laden…".
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || youth.get().map(|r| match r {
                Err(AppError::NotFound) => view! { <YouthNotFound/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(y) => youth_view(y, end, close, change, (coord, family, forms, live), errors).into_any(),
            })}
        </Transition>
    }
    .into_any()
}

fn youth_view(
    y: YouthDetail,
    end: ServerAction<EndRegistration>,
    close: ServerAction<CloseSignal>,
    change: ServerAction<ChangeEndDate>,
    (coord, family, forms, live): (CoordinationActions, FamilyActions, ActionForms, Live),
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let actions = actions_section(
        y.id,
        (y.coordination.is_coordinator, y.family.in_family),
        (y.involved.clone(), y.family_involved.clone()),
        forms,
        live,
    );
    let family_part = family_section(y.id, y.family.clone(), family);
    let coordinator = y
        .coordination
        .organisation
        .clone()
        .unwrap_or_else(|| "nog niet aangewezen".into());
    let coordination = coordination_section(y.id, y.coordination.clone(), coord);
    let is_involved = !y.own.is_empty();
    let (active, past): (Vec<OwnInvolvement>, Vec<OwnInvolvement>) =
        y.own.into_iter().partition(|o| o.is_active());
    view! {
        <Title text=y.name.clone()/>
        <h1 class="utrecht-heading-1">{y.name.clone()}</h1>
        <Presence live/>
        <dl class="zs-facts">
            <dt>"Geboortedatum"</dt><dd>{format!("{} ({} jaar)", nl_date(y.birth_date), y.age)}</dd>
            <dt>"BSN"</dt><dd>{y.bsn_masked.clone()}</dd>
            <dt>"Woongemeente"</dt><dd>{y.municipality.clone()}</dd>
            <dt>"Match"</dt>
            <dd>{if y.matched { "ja: twee of meer organisaties zijn betrokken" } else { "nee: alleen jouw organisatie is betrokken" }}</dd>
            <dt>"Coördinerende organisatie"</dt><dd>{coordinator}</dd>
        </dl>
        {move || errors.get().map(|e| view! { <ErrorNotice error=e/> })}
        {move || coord.error().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorNotice error=e/> })}
        <h2 class="utrecht-heading-2">"Betrokken"</h2>
        <Table caption="Wie er bij deze jeugdige betrokken is, en hoe je ze bereikt" columns=&["Organisatie", "Professional", "Telefoon", "E-mail", "Sinds"]>
            {y.involved.into_iter().map(|p| view! {
                <tr class="utrecht-table__row">
                    <th scope="row" class="utrecht-table__header-cell">{p.organisation}</th>
                    <td class="utrecht-table__cell">{p.professional}{p.is_viewer.then_some(" (jij)")}</td>
                    <td class="utrecht-table__cell">
                        <a class="utrecht-link" href=format!("tel:{}", p.phone.replace(' ', ""))>{p.phone.clone()}</a>
                    </td>
                    <td class="utrecht-table__cell">
                        <a class="utrecht-link" href=format!("mailto:{}", p.email)>{p.email.clone()}</a>
                    </td>
                    <td class="utrecht-table__cell">{nl_date(p.since)}</td>
                </tr>
            }).collect_view()}
        </Table>
        {coordination}
        {actions}
        {move || family.error().map(|e| view! { <ErrorNotice error=e/> })}
        {family_part}
        <h2 class="utrecht-heading-2">"Jouw registraties en signalen"</h2>
        {(!is_involved).then(|| view! {
            <p class="utrecht-paragraph">"Je bent zelf niet betrokken; je ziet deze jeugdige als coördinator."</p>
        })}
        {active.into_iter().map(|o| own_active(o, end, close, change)).collect_view()}
        {(!past.is_empty()).then(|| view! {
            <h3 class="utrecht-heading-3">"Eerder"</h3>
            {past.into_iter().map(own_past).collect_view()}
        })}
    }
}
