//! Actions on the youth page (set out, change, cancel, tick done) and
//! "Mijn acties". What the assignee writes about what was done is shown to
//! them alone: the server sends it to no one else.

use super::action_form::{action_fields, error_of};
use crate::domain::actions::ActionField;
use crate::{
    api::actions::{my_actions, youth_actions, CancelAction, ChangeAction, CompleteAction, CreateAction},
    domain::{
        actions::{ActionView, Lane, DONE_SHOWN_DAYS},
        live::Topic,
        records::{nl_date, InvolvedParty},
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::{
        components::{form::ErrorNotice, guard::RequireRole},
        live::{after_live_change, use_live, when_changed, Live, LiveStatus},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct ActionForms {
    pub create: ServerAction<CreateAction>,
    pub change: ServerAction<ChangeAction>,
    pub cancel: ServerAction<CancelAction>,
    pub complete: ServerAction<CompleteAction>,
}

impl ActionForms {
    pub fn new() -> Self {
        Self {
            create: ServerAction::new(),
            change: ServerAction::new(),
            cancel: ServerAction::new(),
            complete: ServerAction::new(),
        }
    }

    pub fn version(&self) -> usize {
        self.create.version().get()
            + self.change.version().get()
            + self.cancel.version().get()
            + self.complete.version().get()
    }

    /// An error of changing, cancelling or ticking (the set-out form shows
    /// its own beside its fields).
    fn error(&self) -> Option<AppError> {
        [
            self.change.value().get(),
            self.cancel.value().get(),
            self.complete.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    }
}

impl Default for ActionForms {
    fn default() -> Self {
        Self::new()
    }
}

/// Where an action stands, in words.
pub fn status(a: &ActionView) -> String {
    match (&a.done, a.lane) {
        (Some((on, by)), _) => format!("Gedaan door {by} op {}", nl_date(*on)),
        (None, Some(Lane::Overdue)) => format!("Te laat: uiterlijk {}", nl_date(a.due_on)),
        _ if a.cancelled => "Ingetrokken".into(),
        _ => format!("Open: uiterlijk {}", nl_date(a.due_on)),
    }
}

/// Who an action is with.
pub fn with_whom(a: &ActionView) -> String {
    match &a.assignee {
        Some(p) => format!("{p} ({})", a.organisation),
        None => format!("{} (de organisatie kiest wie)", a.organisation),
    }
}

/// Ticking an action done, with the note only the assignee will read.
fn tick_form(a: &ActionView, what: &str, forms: ActionForms) -> impl IntoView {
    let id = a.id.to_string();
    let note_id = format!("notitie-{}", a.id);
    let hint_id = format!("{note_id}-uitleg");
    let label = format!("Wat heb je gedaan? ({what})");
    let button = format!("Gedaan: {what}");
    view! {
        <ActionForm action=forms.complete attr:class="zs-inline-form">
            <input type="hidden" name="id" value=id/>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for=note_id.clone()>{label}</label>
                </div>
                <div class="utrecht-form-field-description" id=hint_id.clone()>
                    "Niet verplicht. Alleen jij kunt dit lezen: niet de coördinator, niet de regio."
                </div>
                <textarea class="utrecht-textarea" id=note_id name="note" rows="2" maxlength="4000"
                    aria-describedby=hint_id></textarea>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">{button}</button>
        </ActionForm>
    }
}

/// One action as a list item: what, for whom, where it stands, history.
pub fn action_item(
    a: ActionView,
    forms: ActionForms,
    (involved, family): (&[InvolvedParty], &[InvolvedParty]),
    show_youth: bool,
) -> impl IntoView {
    let overdue = a.lane == Some(Lane::Overdue);
    let heading = if show_youth {
        format!("{}: {}", a.youth_name, a.title)
    } else {
        a.title.clone()
    };
    let history_label = format!("Geschiedenis: {}", a.title);
    let change = a.may_change.then(|| {
        let error = Signal::derive(move || forms.change.value().get().and_then(Result::err));
        let prefix = format!("actie-{}-", a.id);
        let id = a.id.to_string();
        let id2 = id.clone();
        let family = if a.family { family } else { &[] };
        let fields = action_fields(prefix, Some(&a), (involved, family), error);
        view! {
            <details class="zs-details">
                <summary>{format!("Wijzigen of intrekken: {}", a.title)}</summary>
                <ActionForm action=forms.change>
                    <input type="hidden" name="id" value=id/>
                    {fields}
                    <button type="submit" class="utrecht-button utrecht-button--primary-action">"Wijziging opslaan"</button>
                </ActionForm>
                <ActionForm action=forms.cancel attr:class="zs-inline-form">
                    <input type="hidden" name="id" value=id2/>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Actie intrekken"</button>
                </ActionForm>
            </details>
        }
    });
    let tick = a.may_tick.then(|| tick_form(&a, &heading, forms));
    let note = a.private_note.clone().map(|n| {
        view! {
            <p class="utrecht-paragraph zs-private"><strong>"Jouw notitie (alleen voor jou): "</strong>{n}</p>
        }
    });
    let youth_link = show_youth.then(|| view! {
        <a class="utrecht-link" href=format!("/jeugdigen/{}", a.youth_id)>{format!("Naar {}", a.youth_name)}</a>
    });
    let history = a.history.clone();
    view! {
        <li class="zs-action" class:zs-action--overdue=overdue>
            <h3 class="utrecht-heading-3">{heading}</h3>
            <p class="utrecht-paragraph"><strong>{status(&a)}</strong>{overdue.then_some(" ⚠")}</p>
            <p class="utrecht-paragraph">{format!("Voor: {}", with_whom(&a))}</p>
            {a.family.then(|| view! { <p class="utrecht-paragraph">"Actie voor het hele gezin."</p> })}
            {(!a.description.is_empty()).then(|| view! { <p class="utrecht-paragraph zs-pre">{a.description.clone()}</p> })}
            {note}
            {youth_link}
            {tick}
            {change}
            <details class="zs-details">
                <summary>{history_label}</summary>
                <ul class="utrecht-unordered-list zs-history">
                    {history.into_iter().map(|h| view! { <li>{format!("{}: {}", nl_date(h.at), h.text)}</li> }).collect_view()}
                </ul>
            </details>
        </li>
    }
}

/// The actions part of the youth page; `coordinates` shows the set-out form.
pub fn actions_section(
    youth: Uuid,
    (coordinates, in_family): (bool, bool),
    (involved, family): (Vec<InvolvedParty>, Vec<InvolvedParty>),
    forms: ActionForms,
    live: Live,
) -> impl IntoView {
    let (stale, set_stale) = signal(0usize);
    let seen = StoredValue::new(0usize);
    let list = Resource::new(
        move || (forms.version(), stale.get()),
        move |(_, s)| youth_actions(youth, after_live_change(seen, s)),
    );
    when_changed(live, list, set_stale, move || youth_actions(youth, true));
    let create_error = Signal::derive(move || forms.create.value().get().and_then(Result::err));
    let (involved2, family2) = (involved.clone(), family.clone());
    let create = coordinates.then(move || {
        let open = move || create_error.get().is_some();
        let fields = action_fields("nieuw-".into(), None, (&involved2, &family2), create_error);
        view! {
            <details class="zs-details" open=open>
                <summary>"Nieuwe actie uitzetten"</summary>
                <ActionForm action=forms.create>
                    <input type="hidden" name="youth" value=youth.to_string()/>
                    {fields}
                    {in_family.then(|| view! {
                        <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
                            <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox"
                                id="nieuw-for_family" name="for_family" value="ja"/>
                            <label class="utrecht-form-label utrecht-form-label--checkbox" for="nieuw-for_family">
                                "Voor het hele gezin (zichtbaar op de pagina van elke jeugdige van het gezin)"
                            </label>
                        </div>
                    })}
                    {move || error_of(create_error.get(), ActionField::ForFamily).map(|m| view! {
                        <p class="utrecht-form-field-error-message zs-field__error">{m}</p>
                    })}
                    <button type="submit" class="utrecht-button utrecht-button--primary-action">"Actie uitzetten"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="zs-card" aria-labelledby="acties">
            <h2 class="utrecht-heading-2" id="acties">"Acties"</h2>
            {move || forms.error().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorNotice error=e/> })}
            {move || forms.error().and_then(|e| e.field_message(ActionField::Note)).map(|m| view! {
                <p class="utrecht-form-field-error-message zs-field__error" role="alert">{m}</p>
            })}
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(items) if items.iter().all(|a| a.cancelled) => {
                        view! { <p class="utrecht-paragraph">"Er zijn nog geen acties uitgezet."</p> }.into_any()
                    }
                    Ok(items) => {
                        let (involved, family) = (involved.clone(), family.clone());
                        view! {
                            <ul class="zs-actions">
                                {items.into_iter().filter(|a| !a.cancelled)
                                    .map(|a| action_item(a, forms, (&involved, &family), false)).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
            {create}
        </section>
    }
}

#[component]
pub fn MyActionsPage() -> impl IntoView {
    view! {
        <Title text="Mijn acties"/>
        <RequireRole roles=vec![Role::Professional, Role::Coordinator] page=my_actions_page/>
    }
}

fn my_actions_page(_user: CurrentUser) -> AnyView {
    let live = use_live(Some(Topic::Mine), false);
    let forms = ActionForms::new();
    let (stale, set_stale) = signal(0usize);
    let seen = StoredValue::new(0usize);
    let list = Resource::new(
        move || (forms.version(), stale.get()),
        move |(_, s)| my_actions(after_live_change(seen, s)),
    );
    when_changed(live, list, set_stale, || my_actions(true));
    view! {
        <h1 class="utrecht-heading-1">"Mijn acties"</h1>
        <p class="utrecht-paragraph">"De acties die coördinatoren bij jou of je organisatie hebben uitgezet, de eerstvolgende bovenaan."</p>
        <LiveStatus live reload="/acties"/>
        {move || forms.error().map(|e| view! { <ErrorNotice error=e/> })}
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(items) => {
                    let (open, done): (Vec<ActionView>, Vec<ActionView>) =
                        items.into_iter().partition(|a| a.done.is_none());
                    let overdue = open.iter().filter(|a| a.lane == Some(Lane::Overdue)).count();
                    view! {
                        <h2 class="utrecht-heading-2">{format!("Open ({}, waarvan {overdue} te laat)", open.len())}</h2>
                        {if open.is_empty() {
                            view! { <p class="utrecht-paragraph">"Geen open acties."</p> }.into_any()
                        } else {
                            view! { <ul class="zs-actions">{open.into_iter().map(|a| action_item(a, forms, (&[], &[]), true)).collect_view()}</ul> }.into_any()
                        }}
                        <h2 class="utrecht-heading-2">{format!("Gedaan in de laatste {DONE_SHOWN_DAYS} dagen ({})", done.len())}</h2>
                        <ul class="zs-actions">{done.into_iter().map(|a| action_item(a, forms, (&[], &[]), true)).collect_view()}</ul>
                    }.into_any()
                }
            })}
        </Transition>
    }
    .into_any()
}
