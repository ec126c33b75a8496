use crate::{
    api::overview::report_municipalities,
    domain::{role::Role, user::CurrentUser},
    ui::components::{form::ErrorNotice, guard::RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Title text="Rapportage"/>
        <RequireRole roles=vec![Role::MunicipalityAnalyst, Role::RegionAdmin] page=reports_page/>
    }
}

fn reports_page(_user: CurrentUser) -> AnyView {
    let municipalities = Resource::new(|| (), |_| report_municipalities());
    view! {
        <h1 class="utrecht-heading-1">"Rapportage"</h1>
        <p class="utrecht-paragraph">
            "Hier komen de aantallen registraties en signalen per gemeente en periode. Je kunt de cijfers zien van:"
        </p>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || municipalities.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(list) => view! {
                    <ul class="utrecht-unordered-list">
                        {list.into_iter().map(|m| view! { <li>{m.name} " (" {m.code} ")"</li> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}
