//! Bulk import of registrations from a file (CSV or NDJSON).

use crate::ui::components::table::Table;
use crate::{
    api::youths::take_import_report,
    domain::{role::Role, user::CurrentUser},
    ui::components::guard::{NoAccess, RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Title text="Registraties importeren"/>
        <RequireRole roles=vec![Role::Professional] page=import_page/>
    }
}

fn import_page(user: CurrentUser) -> AnyView {
    if !user.may_register() {
        return view! { <NoAccess/> }.into_any();
    }
    let query = use_query_map();
    let flash =
        Memo::new(move |_| query.with(|q| q.get("verslag").and_then(|s| uuid::Uuid::parse_str(&s).ok())));
    let problem = Memo::new(move |_| {
        query.with(|q| {
            q.get("fout").map(|f| match f.as_str() {
                "leeg" => "Kies een bestand om te importeren.",
                "groot" => "Het bestand is groter dan 10 MB. Splits het in kleinere bestanden.",
                _ => "Het formulier kon niet worden gelezen. Probeer het opnieuw.",
            })
        })
    });
    let report = Resource::new(
        move || flash.get(),
        |f| async move {
            match f {
                Some(id) => take_import_report(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <h1 class="utrecht-heading-1">"Registraties importeren"</h1>
        <p class="utrecht-paragraph">
            "Importeer ketenregistraties van je organisatie uit een CSV-bestand (met kopregel, gescheiden door ; of ,) "
            "of een NDJSON-bestand. Kolommen: bsn, given_names, prefix, family_name, birth_date (jjjj-mm-dd), "
            "municipality_code, professional_email, external_ref en eventueel end_date. "
            "Goede regels worden vastgelegd; een regel die al eerder is geïmporteerd (dezelfde external_ref) wordt niet dubbel vastgelegd."
        </p>
        {move || problem.get().map(|m| view! {
            <div class="utrecht-alert utrecht-alert--error zs-alert" role="alert"><p class="utrecht-paragraph">{m}</p></div>
        })}
        <Suspense fallback=|| ()>
            {move || report.get().flatten().map(|r| view! {
                <section class="zs-card" aria-labelledby="verslag-kop">
                    <h2 class="utrecht-heading-2" id="verslag-kop">{format!("Verslag van {}", r.file_name)}</h2>
                    <p class="utrecht-paragraph" role="status">
                        {format!("{} regels gelezen: {} nieuw vastgelegd, {} al eerder vastgelegd, {} met fouten.",
                            r.rows, r.created, r.existing, r.errors.len())}
                    </p>
                    {(!r.errors.is_empty()).then(|| view! {
                        <Table caption="Regels die niet zijn vastgelegd" columns=&["Regel", "Veld", "Wat er mis is"]>
                            {r.errors.into_iter().take(1000).map(|e| view! {
                                <tr class="utrecht-table__row">
                                    <td class="utrecht-table__cell">{e.line}</td>
                                    <td class="utrecht-table__cell">{e.field}</td>
                                    <td class="utrecht-table__cell">{e.message}</td>
                                </tr>
                            }).collect_view()}
                        </Table>
                    })}
                </section>
            })}
        </Suspense>
        <form method="post" action="/jeugdigen/importeren" enctype="multipart/form-data" class="zs-form">
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for="bestand">"Bestand"</label>
                </div>
                <input class="zs-file" type="file" id="bestand" name="bestand" accept=".csv,.ndjson,.jsonl,text/csv" required=true/>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">"Importeren"</button>
        </form>
    }
    .into_any()
}
