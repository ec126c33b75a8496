use crate::{
    domain::{role::Role, user::CurrentUser},
    ui::components::guard::RequireRole,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Start"/>
        <RequireRole page=start_page/>
    }
}

fn start_page(user: CurrentUser) -> AnyView {
    let greeting = format!(
        "Welkom, {}",
        user.name.split_whitespace().next().unwrap_or_default()
    );
    let roles = user
        .roles
        .iter()
        .map(|r| r.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" en ");
    view! {
        <h1 class="utrecht-heading-1">{greeting}</h1>
        <p class="utrecht-paragraph">
            "Je werkt als " {roles} " bij " <strong>{user.organisation_name.clone()}</strong> "."
        </p>
        <div class="zs-cards">
            {user.has(Role::Professional).then(|| view! {
                <section class="zs-card" aria-labelledby="mijn-jeugdigen">
                    <h2 class="utrecht-heading-2" id="mijn-jeugdigen">"Mijn jeugdigen"</h2>
                    <p class="utrecht-paragraph">
                        "Hier registreer je dat een jeugdige bij jou bekend is, geef je een signaal af als je je zorgen maakt, en zie je wie er nog meer betrokken is."
                    </p>
                    <ul class="utrecht-unordered-list">
                        <li><a class="utrecht-link" href="/jeugdigen">"Naar Mijn jeugdigen"</a></li>
                        {user.may_register().then(|| view! {
                            <li><a class="utrecht-link" href="/jeugdigen/registreren">"Jeugdige registreren"</a></li>
                        })}
                        {user.may_signal().then(|| view! {
                            <li><a class="utrecht-link" href="/signalen/nieuw">"Signaal afgeven"</a></li>
                        })}
                    </ul>
                </section>
            })}
            {user.has(Role::Coordinator).then(|| view! {
                <section class="zs-card" aria-labelledby="mijn-coordinaties">
                    <h2 class="utrecht-heading-2" id="mijn-coordinaties">"Mijn coördinaties"</h2>
                    <p class="utrecht-paragraph">
                        "Hier zie je de jeugdigen en gezinnen die jouw organisatie coördineert, welke nog op te pakken zijn, en overdrachten aan jouw organisatie."
                    </p>
                    <p class="utrecht-paragraph">
                        <a class="utrecht-link" href="/coordinatie">"Naar Coördinatie"</a>
                    </p>
                </section>
            })}
            {user.has(Role::RegionAdmin).then(|| view! {
                <section class="zs-card" aria-labelledby="regiobeheer">
                    <h2 class="utrecht-heading-2" id="regiobeheer">"Regiobeheer"</h2>
                    <p class="utrecht-paragraph">
                        "Je beheert het convenant, de organisaties en de gebruikers van de regio."
                    </p>
                    <ul class="utrecht-unordered-list">
                        <li><a class="utrecht-link" href="/regio">"Organisaties en gemeenten van de regio"</a></li>
                        <li><a class="utrecht-link" href="/regio/convenant">"Convenant en beslisregels"</a></li>
                        <li><a class="utrecht-link" href="/regio/opschalingen">"Opschalingen"</a></li>
                        <li><a class="utrecht-link" href="/regio/gegevenskwaliteit">"Gegevenskwaliteit"</a></li>
                    </ul>
                </section>
            })}
            {(user.has(Role::MunicipalityAnalyst) || user.has(Role::RegionAdmin)).then(|| view! {
                <section class="zs-card" aria-labelledby="rapportage">
                    <h2 class="utrecht-heading-2" id="rapportage">"Rapportage"</h2>
                    <p class="utrecht-paragraph">
                        "Je ziet per gemeente en periode hoeveel registraties en signalen er zijn, zonder dat één jeugdige herkenbaar is."
                    </p>
                    <p class="utrecht-paragraph">
                        <a class="utrecht-link" href="/rapportage">"Naar de rapportage"</a>
                    </p>
                </section>
            })}
        </div>
    }
    .into_any()
}
