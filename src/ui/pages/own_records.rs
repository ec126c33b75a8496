//! The viewer's own registrations and signals on the youth page: each with
//! its history, and the forms to end, close or re-date it.

use crate::domain::involvement::EndField;
use crate::{
    api::youths::{ChangeEndDate, CloseSignal, EndRegistration},
    domain::{
        involvement::EndReason,
        records::{nl_date, OwnInvolvement},
    },
};
use leptos::prelude::*;

fn title_of(o: &OwnInvolvement) -> String {
    match o.signal_kind {
        Some(k) => format!("Signaal: {}", k.label()),
        None => "Ketenregistratie".to_string(),
    }
}

fn history(o: &OwnInvolvement) -> impl IntoView {
    view! {
        <ul class="utrecht-unordered-list zs-history">
            {o.history.iter().map(|h| view! { <li>{format!("{}: {}", nl_date(h.at), h.text)}</li> }).collect_view()}
        </ul>
    }
}

pub(super) fn own_active(
    o: OwnInvolvement,
    end: ServerAction<EndRegistration>,
    close: ServerAction<CloseSignal>,
    change: ServerAction<ChangeEndDate>,
) -> impl IntoView {
    let id = o.id.to_string();
    let (id_change, id_end) = (id.clone(), id.clone());
    let is_signal = o.signal_kind.is_some();
    let reasons = if is_signal {
        EndReason::FOR_SIGNAL
    } else {
        EndReason::FOR_REGISTRATION
    };
    // The ids are the names of the fields' messages (`FieldError::of_row`).
    let reason_id = EndField::Reason.of_row(&id);
    let end_id = EndField::EndDate.of_row(&id);
    let reason_select = {
        let reason_id = reason_id.clone();
        view! {
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for=reason_id.clone()>"Reden"</label>
                </div>
                <select class="utrecht-select utrecht-select--html-select" id=reason_id name="reason" required=true>
                    <option value="">"Kies een reden"</option>
                    {reasons.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let heading = title_of(&o);
    let until = if is_signal {
        format!("Verloopt op {}", nl_date(o.until))
    } else {
        format!("Loopt tot {}", nl_date(o.until))
    };
    view! {
        <section class="zs-card" aria-label=heading.clone()>
            <h3 class="utrecht-heading-3">{heading.clone()}</h3>
            <p class="utrecht-paragraph">{format!("Sinds {}. {until}.", nl_date(o.since))}</p>
            {history(&o)}
            {if is_signal {
                view! {
                    <ActionForm action=close attr:class="zs-inline-form">
                        <input type="hidden" name="id" value=id.clone()/>
                        {reason_select}
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Signaal sluiten"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <ActionForm action=change attr:class="zs-inline-form">
                        <input type="hidden" name="id" value=id_change/>
                        <div class="utrecht-form-field zs-field">
                            <div class="utrecht-form-field__label">
                                <label class="utrecht-form-label" for=end_id.clone()>"Nieuwe einddatum"</label>
                            </div>
                            <input class="utrecht-textbox utrecht-textbox--html-input" type="date" id=end_id
                                name="end_date" required=true value=o.until.to_string()/>
                        </div>
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Einddatum wijzigen"</button>
                    </ActionForm>
                    <ActionForm action=end attr:class="zs-inline-form">
                        <input type="hidden" name="id" value=id_end/>
                        {reason_select}
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Registratie beëindigen"</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

pub(super) fn own_past(o: OwnInvolvement) -> impl IntoView {
    let heading = title_of(&o);
    let label = format!("{heading} (afgesloten)");
    view! {
        <section class="zs-card zs-card--past" aria-label=label>
            <h4 class="utrecht-heading-4">{heading}</h4>
            {history(&o)}
        </section>
    }
}
