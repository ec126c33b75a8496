use crate::ui::components::guard::set_status;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Niet gevonden"/>
        <h1 class="utrecht-heading-1">"Niet gevonden"</h1>
        <p class="utrecht-paragraph">"Deze pagina bestaat niet, of je hebt er geen toegang toe."</p>
        <p class="utrecht-paragraph">
            <a class="utrecht-link" href="/">"Naar de startpagina"</a>
        </p>
    }
}
