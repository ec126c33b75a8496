//! The region admin's data-quality list: a BSN typed with another name or
//! date of birth than stored, both versions side by side, and the decision
//! that resolves each.

use crate::{
    api::data_quality::{mismatches, row_id, MismatchField, ResolveMismatch},
    domain::{
        data_quality::{Decision, Mismatch, Personalia, OVERDUE_DAYS},
        records::nl_date,
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{form::ErrorNotice, guard::RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DataQualityPage() -> impl IntoView {
    view! {
        <Title text="Gegevenskwaliteit"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=data_quality_page/>
    }
}

fn data_quality_page(_user: CurrentUser) -> AnyView {
    let resolve = ServerAction::<ResolveMismatch>::new();
    let list = Resource::new(move || resolve.version().get(), |_| mismatches());
    view! {
        <h1 class="utrecht-heading-1">"Gegevenskwaliteit"</h1>
        <p class="utrecht-paragraph">
            "Hier staan registraties en signalen waarbij een organisatie bij een bekend BSN een andere naam of geboortedatum typte, "
            "of een gemeente in een andere regio (zo'n verhuizing staat bij beide regio's). "
            "Zorgsignaal weigert die niet en zegt het niet tegen wie typte: dat zou verraden dat het kind bekend is. "
            "Elke organisatie ziet tot je besluit haar eigen gegevens; convenantregels en rapportage gebruiken de eerst vastgelegde. "
            "Wat je hier bekijkt en besluit, komt in het logboek."
        </p>
        {move || resolve.value().get().and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|e| view! { <ErrorNotice error=e/> })}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(rows) if rows.is_empty() => view! {
                    <p class="utrecht-paragraph">"Er staan geen afwijkingen open."</p>
                }.into_any(),
                Ok(rows) => rows.into_iter().map(|m| mismatch_card(m, resolve)).collect_view().into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

fn personalia(p: Personalia) -> impl IntoView {
    view! {
        <dt>"Naam"</dt><dd>{p.name}</dd>
        <dt>"Geboortedatum"</dt><dd>{nl_date(p.birth_date)}</dd>
        <dt>"Gemeente"</dt><dd>{p.municipality}</dd>
    }
}

fn mismatch_card(m: Mismatch, resolve: ServerAction<ResolveMismatch>) -> impl IntoView {
    let row = row_id(m.youth_id, m.organisation_id);
    let field = MismatchField::Decision.of_row(&row);
    let error_id = format!("{field}-fout");
    let described_by = error_id.clone();
    let message = {
        let row = row.clone();
        move || {
            resolve
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|err| err.row_message(MismatchField::Decision, &row))
                .map(|m| view! { <p class="utrecht-form-field-error-message zs-field__error">{m}</p> })
        }
    };
    let heading = format!("BSN {}", m.bsn_masked);
    let label = format!("Afwijking bij {} van {}", heading, m.typed_organisation);
    let typed_heading = format!("Getypt door {}", m.typed_organisation);
    let stored_by = if m.stored_organisations.is_empty() {
        "geen organisatie meer".to_string()
    } else {
        m.stored_organisations.join(", ")
    };
    view! {
        <section class="zs-card" aria-label=label>
            <h2 class="utrecht-heading-2">{heading}</h2>
            <p class="utrecht-paragraph">
                {format!("Open sinds {} ({} dagen)", nl_date(m.since), m.age_days)}
                {(m.age_days > OVERDUE_DAYS).then_some(" — langer dan een week")}
            </p>
            <div class="zs-columns">
                <div>
                    <h3 class="utrecht-heading-3">"Eerst vastgelegd"</h3>
                    <dl class="zs-facts">
                        {personalia(m.stored)}
                        <dt>"Gezien door"</dt><dd>{stored_by}</dd>
                    </dl>
                </div>
                <div>
                    <h3 class="utrecht-heading-3">{typed_heading}</h3>
                    <dl class="zs-facts">
                        {personalia(m.typed)}
                        <dt>"Professional"</dt><dd>{m.typed_by}</dd>
                    </dl>
                </div>
            </div>
            <ActionForm action=resolve>
                <input type="hidden" name="youth" value=m.youth_id.to_string()/>
                <input type="hidden" name="organisation" value=m.organisation_id.to_string()/>
                <fieldset class="utrecht-form-fieldset zs-field" aria-describedby=described_by>
                    <legend class="utrecht-form-fieldset__legend">"Wat is er aan de hand?"</legend>
                    {Decision::ALL.into_iter().map(|d| {
                        let id = format!("{field}-{}", d.as_str());
                        view! {
                            <div class="utrecht-form-field utrecht-form-field--radio">
                                <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio"
                                    id=id.clone() name="decision" value=d.as_str()/>
                                <label class="utrecht-form-label utrecht-form-label--radio" for=id>{d.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                    <div id=error_id>{message}</div>
                </fieldset>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Besluit vastleggen"</button>
            </ActionForm>
        </section>
    }
}
