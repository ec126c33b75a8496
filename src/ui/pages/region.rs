use crate::{
    api::overview::get_region_overview,
    domain::{organisation::OrganisationKind, role::Role, user::CurrentUser},
    ui::components::{form::ErrorNotice, guard::RequireRole, table::Table},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegionPage() -> impl IntoView {
    view! {
        <Title text="Regio"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=region_page/>
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nee"
    }
}

fn region_page(_user: CurrentUser) -> AnyView {
    let overview = Resource::new(|| (), |_| get_region_overview());
    view! {
        <h1 class="utrecht-heading-1">"Regio"</h1>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || overview.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(o) => view! {
                    <h2 class="utrecht-heading-2">"Organisaties"</h2>
                    <Table caption="Organisaties in de regio en wat ze mogen" columns=&["Organisatie", "Soort", "Registreren", "Signaleren", "Coördineren", "Gebruikers"] numeric=&["Gebruikers"]>
                        {o.organisations.into_iter().map(|org| view! {
                            <tr class="utrecht-table__row">
                                <th scope="row" class="utrecht-table__header-cell">{org.name}</th>
                                <td class="utrecht-table__cell">
                                    {OrganisationKind::parse(&org.kind).map(|k| k.label()).unwrap_or("onbekend")}
                                </td>
                                <td class="utrecht-table__cell">{yes_no(org.may_register)}</td>
                                <td class="utrecht-table__cell">{yes_no(org.may_signal)}</td>
                                <td class="utrecht-table__cell">{yes_no(org.may_coordinate)}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{org.users}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                    <h2 class="utrecht-heading-2">"Gemeenten"</h2>
                    <ul class="utrecht-unordered-list zs-columns">
                        {o.municipalities.into_iter().map(|m| view! {
                            <li>{m.name} " (" {m.code} ")"</li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}
