//! The fields of setting out or changing an action, each with its label,
//! description and message, and the echo of what was typed.

use crate::{
    domain::{
        actions::{ActionField, ActionView},
        records::InvolvedParty,
    },
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

pub(super) fn error_of(e: Option<AppError>, field: ActionField) -> Option<String> {
    e.and_then(|e| e.field_message(field))
}

/// A labelled control with its message; `control` gets `id` and the
/// message's id in `aria-describedby`.
fn field(
    id: String,
    label: &'static str,
    hint: Option<&'static str>,
    message: Signal<Option<String>>,
    control: impl Fn(String, Signal<Option<String>>) -> AnyView,
) -> impl IntoView {
    let hint_id = format!("{id}-uitleg");
    let error_id = format!("{id}-fout");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        Signal::derive(move || {
            let ids: Vec<String> = hint
                .map(|_| hint_id.clone())
                .into_iter()
                .chain(message.get().map(|_| error_id.clone()))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    };
    view! {
        <div class="utrecht-form-field zs-field">
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=id.clone()>{label}</label>
            </div>
            {hint.map(|h| view! { <div class="utrecht-form-field-description" id=hint_id.clone()>{h}</div> })}
            {control(id.clone(), described)}
            {move || message.get().map(|m| view! {
                <p class="utrecht-form-field-error-message zs-field__error" id=error_id.clone()>{m}</p>
            })}
        </div>
    }
}

/// The fields of setting out or changing an action.
/// `family`: professionals involved only with another youth of the family
/// (offered for a family action).
pub(super) fn action_fields(
    prefix: String,
    current: Option<&ActionView>,
    (involved, family): (&[InvolvedParty], &[InvolvedParty]),
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let family: Vec<(Uuid, String)> = family
        .iter()
        .map(|p| (p.user_id, format!("{} ({})", p.professional, p.organisation)))
        .collect();
    let msg = move |f: ActionField| Signal::derive(move || error_of(error.get(), f));
    let echo = move |f: ActionField, default: String| {
        error.get_untracked().and_then(|e| e.echoed(f)).unwrap_or(default)
    };
    let title = echo(
        ActionField::Title,
        current.map(|a| a.title.clone()).unwrap_or_default(),
    );
    let description = echo(
        ActionField::Description,
        current.map(|a| a.description.clone()).unwrap_or_default(),
    );
    let due = echo(
        ActionField::DueOn,
        current.map(|a| a.due_on.to_string()).unwrap_or_default(),
    );
    let mut orgs: Vec<(Uuid, String)> = involved
        .iter()
        .map(|p| (p.organisation_id, p.organisation.clone()))
        .collect();
    orgs.dedup();
    let people: Vec<(Uuid, String)> = involved
        .iter()
        .map(|p| (p.user_id, format!("{} ({})", p.professional, p.organisation)))
        .collect();
    let chosen = current.map(|a| (a.assignee.clone(), a.organisation.clone()));
    let selected_person = move |name: &str| {
        chosen
            .as_ref()
            .is_some_and(|(p, o)| p.as_ref().is_some_and(|p| name == format!("{p} ({o})")))
    };
    let chosen_org = current
        .filter(|a| a.assignee.is_none())
        .map(|a| a.organisation.clone());
    view! {
        {field(format!("{prefix}title"), "Titel", None, msg(ActionField::Title), move |id, d| view! {
            <input class="utrecht-textbox utrecht-textbox--html-input" id=id name=ActionField::Title.name() type="text"
                maxlength="200" required=true value=title.clone() aria-describedby=d/>
        }.into_any())}
        {field(format!("{prefix}description"), "Omschrijving", Some("Zichtbaar voor alle betrokken professionals. Schrijf niet op wat er speelt."), msg(ActionField::Description), move |id, d| view! {
            <textarea class="utrecht-textarea" id=id name=ActionField::Description.name() rows="3" maxlength="2000"
                aria-describedby=d>{description.clone()}</textarea>
        }.into_any())}
        // A text field, not type="date": Chromium lays out a date input that
        // was built client-side (after a live refetch) with no height at all.
        {field(format!("{prefix}due_on"), "Uiterlijk op", Some("Als jjjj-mm-dd, bijvoorbeeld 2026-12-01."), msg(ActionField::DueOn), move |id, d| view! {
            <input class="utrecht-textbox utrecht-textbox--html-input" id=id name=ActionField::DueOn.name() type="text"
                autocomplete="off" required=true value=due.clone() aria-describedby=d/>
        }.into_any())}
        {field(format!("{prefix}assignee"), "Voor wie", None, msg(ActionField::Assignee), move |id, d| {
            let people = people.clone();
            let orgs = orgs.clone();
            let family = family.clone();
            let chosen_org = chosen_org.clone();
            view! {
                <select class="utrecht-select utrecht-select--html-select" id=id name=ActionField::Assignee.name() required=true aria-describedby=d>
                    <option value="">"Kies een professional of organisatie"</option>
                    <optgroup label="Professional">
                        {people.into_iter().map(|(id, name)| {
                            let selected = selected_person(&name);
                            view! { <option value=format!("gebruiker:{id}") selected=selected>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                    <optgroup label="Organisatie (kiest zelf wie)">
                        {orgs.into_iter().map(|(id, name)| {
                            let selected = chosen_org.as_deref() == Some(name.as_str());
                            view! { <option value=format!("organisatie:{id}") selected=selected>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                    {(!family.is_empty()).then(|| view! {
                        <optgroup label="Bij een ander kind van het gezin (alleen voor een actie voor het hele gezin)">
                            {family.into_iter().map(|(id, name)| {
                                let selected = selected_person(&name);
                                view! { <option value=format!("gebruiker:{id}") selected=selected>{name}</option> }
                            }).collect_view()}
                        </optgroup>
                    })}
                </select>
            }.into_any()
        })}
    }
}
