//! The region admin's escalations: open cases taken up to the region,
//! oldest first, and the decision that closes each.

use crate::api::escalations::DecisionField;
use crate::{
    api::escalations::{escalations, DecideEscalation},
    domain::{coordination::EscalationRow, records::nl_date, role::Role, user::CurrentUser},
    error::AppError,
    ui::components::{form::ErrorNotice, guard::RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EscalationsPage() -> impl IntoView {
    view! {
        <Title text="Opschalingen"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=escalations_page/>
    }
}

fn escalations_page(_user: CurrentUser) -> AnyView {
    let decide = ServerAction::<DecideEscalation>::new();
    let list = Resource::new(move || decide.version().get(), |_| escalations());
    view! {
        <h1 class="utrecht-heading-1">"Opschalingen"</h1>
        <p class="utrecht-paragraph">
            "Casussen die een coördinator of betrokken professional naar de regio heeft opgeschaald, de oudste eerst. "
            "Leg je besluit vast; de betrokkenen krijgen bericht. Je kunt ook een betrokken organisatie aanwijzen als coördinator."
        </p>
        {move || decide.value().get().and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|e| view! { <ErrorNotice error=e/> })}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="utrecht-paragraph">"Er staan geen opschalingen open."</p> }.into_any(),
                Ok(rows) => rows.into_iter().map(|e| escalation_card(e, decide)).collect_view().into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

fn escalation_card(e: EscalationRow, decide: ServerAction<DecideEscalation>) -> impl IntoView {
    let id = e.id.to_string();
    let row = e.id;
    let decision_id = DecisionField::Decision.of_row(row);
    let appoint_id = DecisionField::Appoint.of_row(row);
    let message = move |field: DecisionField| {
        move || {
            decide
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|err| err.row_message(field, row))
                .map(|m| view! { <p class="utrecht-form-field-error-message zs-field__error">{m}</p> })
        }
    };
    view! {
        <section class="zs-card" aria-label=format!("Opschaling {}", e.youth_name)>
            <h2 class="utrecht-heading-2">{e.youth_name.clone()}</h2>
            <dl class="zs-facts">
                <dt>"Gemeente"</dt><dd>{e.municipality}</dd>
                <dt>"Opgeschaald"</dt><dd>{format!("{} door {} ({} dagen open)", nl_date(e.raised_on), e.raised_by, e.age_days)}</dd>
                <dt>"Reden"</dt><dd>{e.reason}</dd>
                <dt>"Coördinator"</dt><dd>{e.coordinator.unwrap_or_else(|| "geen".into())}</dd>
            </dl>
            <ActionForm action=decide>
                <input type="hidden" name="id" value=id.clone()/>
                <div class="utrecht-form-field zs-field">
                    <label class="utrecht-form-label" for=decision_id.clone()>"Besluit"</label>
                    <textarea class="utrecht-textarea" id=decision_id.clone() name="decision" rows="3" maxlength="2000"></textarea>
                    {message(DecisionField::Decision)}
                </div>
                <div class="utrecht-form-field zs-field">
                    <label class="utrecht-form-label" for=appoint_id.clone()>"Coördinerende organisatie"</label>
                    <select class="utrecht-select utrecht-select--html-select" id=appoint_id.clone() name="appoint">
                        <option value="">"Niet wijzigen"</option>
                        {e.candidates.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                    {message(DecisionField::Appoint)}
                </div>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Besluit vastleggen en sluiten"</button>
            </ActionForm>
        </section>
    }
}
