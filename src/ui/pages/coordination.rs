//! Coordination on the youth page (who coordinates and why, taking the
//! case, warm handover, escalation, history) and the coordinator's overview.

use crate::domain::coordination::CoordinationField;
use crate::{
    api::coordination::{
        my_coordination, AcceptHandover, Escalate, ProposeHandover, RejectHandover, TakeCoordination,
        WithdrawHandover,
    },
    domain::{
        coordination::{CoordinatedRow, CoordinationInfo, HANDOVER_CHECKLIST},
        records::nl_date,
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{form::ErrorNotice, guard::RequireRole, table::Table},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The youth page's coordination actions; the page refetches after each.
#[derive(Clone, Copy)]
pub struct CoordinationActions {
    pub take: ServerAction<TakeCoordination>,
    pub propose: ServerAction<ProposeHandover>,
    pub accept: ServerAction<AcceptHandover>,
    pub reject: ServerAction<RejectHandover>,
    pub withdraw: ServerAction<WithdrawHandover>,
    pub escalate: ServerAction<Escalate>,
}

impl CoordinationActions {
    pub fn new() -> Self {
        Self {
            take: ServerAction::new(),
            propose: ServerAction::new(),
            accept: ServerAction::new(),
            reject: ServerAction::new(),
            withdraw: ServerAction::new(),
            escalate: ServerAction::new(),
        }
    }

    /// Changes when any action completes.
    pub fn version(&self) -> usize {
        self.take.version().get()
            + self.propose.version().get()
            + self.accept.version().get()
            + self.reject.version().get()
            + self.withdraw.version().get()
            + self.escalate.version().get()
    }

    /// The latest error of any of them.
    pub fn error(&self) -> Option<AppError> {
        [
            self.take.value().get(),
            self.propose.value().get(),
            self.accept.value().get(),
            self.reject.value().get(),
            self.withdraw.value().get(),
            self.escalate.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    }
}

impl Default for CoordinationActions {
    fn default() -> Self {
        Self::new()
    }
}

/// An error message for `field` of a form, tied to its control by id.
fn field_error(actions: CoordinationActions, field: CoordinationField) -> impl IntoView {
    move || {
        actions.error().and_then(|e| e.field_message(field)).map(|m| {
            view! { <p class="utrecht-form-field-error-message zs-field__error" id=format!("{}-fout", field.name())>{m}</p> }
        })
    }
}

fn described(actions: CoordinationActions, field: CoordinationField) -> impl Fn() -> Option<String> {
    move || {
        actions
            .error()
            .and_then(|e| e.field_message(field))
            .map(|_| format!("{}-fout", field.name()))
    }
}

/// A labelled text area with an optional description and, beside it, the
/// message for `field` (whose name is its control's id; `name` is what the
/// form sends).
fn text_area(
    actions: CoordinationActions,
    (field, name): (CoordinationField, &'static str),
    label: &'static str,
    hint: Option<&'static str>,
    max: u32,
) -> impl IntoView {
    let id = field.name();
    let hint_id = format!("{id}-uitleg");
    let error = described(actions, field);
    let described_by = {
        let hint_id = hint_id.clone();
        move || {
            let ids: Vec<String> = hint.map(|_| hint_id.clone()).into_iter().chain(error()).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="utrecht-form-field zs-field">
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=id>{label}</label>
            </div>
            {hint.map(|h| view! { <div class="utrecht-form-field-description" id=hint_id.clone()>{h}</div> })}
            <textarea class="utrecht-textarea" id=id name=name rows="3" maxlength=max.to_string()
                aria-describedby=described_by></textarea>
            {field_error(actions, field)}
        </div>
    }
}

/// The coordination section of the youth page.
pub fn coordination_section(
    youth: uuid::Uuid,
    c: CoordinationInfo,
    actions: CoordinationActions,
) -> impl IntoView {
    let youth = youth.to_string();
    let who = match (&c.organisation, &c.coordinator) {
        (None, _) => "nog niet aangewezen".to_string(),
        (Some(org), None) => format!("{org} (nog niemand van {org} heeft de casus opgepakt)"),
        (Some(org), Some(p)) => format!("{} van {org}", p.name),
    };
    let contact = c.coordinator.clone().map(|p| {
        view! {
            <dt>"Bereikbaar"</dt>
            <dd>
                <a class="utrecht-link" href=format!("tel:{}", p.phone.replace(' ', ""))>{p.phone.clone()}</a>
                ", "
                <a class="utrecht-link" href=format!("mailto:{}", p.email)>{p.email.clone()}</a>
            </dd>
        }
    });
    view! {
        <section class="zs-card" aria-labelledby="coordinatie">
            <h2 class="utrecht-heading-2" id="coordinatie">"Coördinatie"</h2>
            <dl class="zs-facts">
                <dt>"Coördinator"</dt><dd>{who}</dd>
                {contact}
                {c.since.map(|d| view! { <dt>"Sinds"</dt><dd>{nl_date(d)}</dd> })}
                {c.explanation.clone().map(|e| view! { <dt>"Waarom"</dt><dd>{e}</dd> })}
            </dl>
            {c.handover.clone().map(|h| handover_card(h, &c, actions))}
            {c.escalation.clone().map(|e| view! {
                <div class="utrecht-alert zs-alert" role="status">
                    <p class="utrecht-paragraph">
                        {format!("Opgeschaald naar de regio op {} door {}. Reden: {}", nl_date(e.raised_on), e.raised_by, e.reason)}
                    </p>
                    <p class="utrecht-paragraph">"De regio beslist; tot dan blijft de coördinatie zoals hierboven."</p>
                </div>
            })}
            {c.may_take.then(|| take_form(youth.clone(), &c, actions))}
            {(!c.handover_targets.is_empty()).then(|| propose_form(youth.clone(), &c, actions))}
            {c.may_escalate.then(|| escalate_form(youth.clone(), actions))}
            {c.escalate_hint.clone().map(|h| view! { <p class="utrecht-paragraph">{h}</p> })}
            {(!c.history.is_empty()).then(|| view! {
                <h3 class="utrecht-heading-3">"Geschiedenis van de coördinatie"</h3>
                <ul class="utrecht-unordered-list zs-history">
                    {c.history.iter().map(|h| view! { <li>{format!("{}: {}", nl_date(h.at), h.text)}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

fn handover_card(
    h: crate::domain::coordination::OpenHandover,
    c: &CoordinationInfo,
    actions: CoordinationActions,
) -> impl IntoView {
    let id = h.id.to_string();
    let (id2, id3) = (id.clone(), id.clone());
    view! {
        <section class="zs-card" aria-labelledby="overdracht">
            <h3 class="utrecht-heading-3" id="overdracht">{format!("Overdracht voorgesteld aan {}", h.to)}</h3>
            <p class="utrecht-paragraph">
                <strong>{format!("{} blijft verantwoordelijk tot {} de overdracht accepteert.", h.from, h.to)}</strong>
            </p>
            <p class="utrecht-paragraph">{format!("Voorgesteld door {} op {}.", h.proposed_by, nl_date(h.proposed_on))}</p>
            <h4 class="utrecht-heading-4">"Startafspraken"</h4>
            <ul class="utrecht-unordered-list">
                {HANDOVER_CHECKLIST.iter().zip(h.checklist).map(|((_, label), done)| view! {
                    <li>{format!("{label}: {}", if done { "ja" } else { "nee" })}</li>
                }).collect_view()}
            </ul>
            {(!h.agreements.is_empty()).then(|| view! { <p class="utrecht-paragraph zs-pre">{h.agreements.clone()}</p> })}
            {c.may_decide_handover.then(|| view! {
                <ActionForm action=actions.accept attr:class="zs-inline-form">
                    <input type="hidden" name="id" value=id.clone()/>
                    <button type="submit" class="utrecht-button utrecht-button--primary-action">"Overdracht accepteren"</button>
                </ActionForm>
                <ActionForm action=actions.reject attr:class="zs-inline-form">
                    <input type="hidden" name="id" value=id2.clone()/>
                    {text_area(actions, (CoordinationField::Reason, "reason"), "Reden van afwijzen", None, 1000)}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Overdracht afwijzen"</button>
                </ActionForm>
            })}
            {c.may_withdraw_handover.then(|| view! {
                <ActionForm action=actions.withdraw attr:class="zs-inline-form">
                    <input type="hidden" name="id" value=id3.clone()/>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Voorstel intrekken"</button>
                </ActionForm>
            })}
        </section>
    }
}

fn take_form(youth: String, c: &CoordinationInfo, actions: CoordinationActions) -> impl IntoView {
    let colleagues = c.colleagues.clone();
    view! {
        <ActionForm action=actions.take attr:class="zs-inline-form">
            <input type="hidden" name="youth" value=youth/>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for="assignee">"Coördinator"</label>
                </div>
                <select class="utrecht-select utrecht-select--html-select" id="assignee" name="assignee">
                    <option value="">"Ikzelf"</option>
                    {colleagues.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Coördinatie toewijzen"</button>
        </ActionForm>
    }
}

fn propose_form(youth: String, c: &CoordinationInfo, actions: CoordinationActions) -> impl IntoView {
    let targets = c.handover_targets.clone();
    // Open again when the server sent it back with a message.
    let open = move || actions.propose.value().get().is_some_and(|r| r.is_err());
    view! {
        <details class="zs-details" open=open>
            <summary>"Coördinatie overdragen (warme overdracht)"</summary>
            <ActionForm action=actions.propose>
                <input type="hidden" name="youth" value=youth/>
                <div class="utrecht-form-field zs-field">
                    <div class="utrecht-form-field__label">
                        <label class="utrecht-form-label" for="to_organisation">"Overdragen aan"</label>
                    </div>
                    <select class="utrecht-select utrecht-select--html-select" id="to_organisation" name="to_organisation"
                        required=true aria-describedby=described(actions, CoordinationField::ToOrganisation)>
                        <option value="">"Kies een organisatie"</option>
                        {targets.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                    </select>
                    {field_error(actions, CoordinationField::ToOrganisation)}
                </div>
                <fieldset class="utrecht-form-fieldset zs-fieldset">
                    <legend class="utrecht-form-fieldset__legend">"Startafspraken"</legend>
                    {HANDOVER_CHECKLIST.iter().map(|(name, label)| view! {
                        <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
                            <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=*name name=*name/>
                            <label class="utrecht-form-label utrecht-form-label--checkbox" for=*name>{*label}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                {text_area(
                    actions,
                    (CoordinationField::Agreements, "agreements"),
                    "Afspraken en toelichting",
                    Some("Zichtbaar voor alle betrokken professionals. Schrijf niet op wat er speelt."),
                    2000,
                )}
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Overdracht voorstellen"</button>
            </ActionForm>
        </details>
    }
}

fn escalate_form(youth: String, actions: CoordinationActions) -> impl IntoView {
    let open = move || actions.escalate.value().get().is_some_and(|r| r.is_err());
    view! {
        <details class="zs-details" open=open>
            <summary>"Opschalen naar de regio"</summary>
            <ActionForm action=actions.escalate>
                <input type="hidden" name="youth" value=youth/>
                {text_area(
                    actions,
                    (CoordinationField::EscalationReason, "reason"),
                    "Reden van opschalen",
                    Some("De regio en alle betrokken professionals lezen dit. Schrijf niet op wat er speelt, wel waarom de coördinatie vastloopt."),
                    2000,
                )}
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Opschalen"</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn CoordinationPage() -> impl IntoView {
    view! {
        <Title text="Coördinatie"/>
        <RequireRole roles=vec![Role::Coordinator] page=coordination_page/>
    }
}

fn rows_table(caption: &'static str, rows: Vec<CoordinatedRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="utrecht-paragraph">"Geen."</p> }.into_any();
    }
    view! {
        <Table caption=caption columns=&["Jeugdige", "Gemeente", "Match sinds (dagen)", "Coördinator", "Bijzonderheden"] numeric=&["Match sinds (dagen)"]>
            {rows.into_iter().map(|r| {
                let notes: Vec<String> = r.handover.into_iter()
                    .chain(r.escalated.then(|| "Opgeschaald naar de regio".to_string()))
                    .collect();
                view! {
                    <tr class="utrecht-table__row">
                        <th scope="row" class="utrecht-table__header-cell">
                            <a class="utrecht-link" href=format!("/jeugdigen/{}", r.youth_id)>{r.name}</a>
                        </th>
                        <td class="utrecht-table__cell">{r.municipality}</td>
                        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{r.match_days}</td>
                        <td class="utrecht-table__cell">{r.coordinator.unwrap_or_else(|| "nog niemand".into())}</td>
                        <td class="utrecht-table__cell">{notes.join("; ")}</td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
    .into_any()
}

fn coordination_page(_user: CurrentUser) -> AnyView {
    let overview = Resource::new(|| (), |_| my_coordination());
    view! {
        <h1 class="utrecht-heading-1">"Coördinatie"</h1>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || overview.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(o) => view! {
                    <p class="utrecht-paragraph">{format!("De casussen die {} coördineert, en overdrachten aan jouw organisatie.", o.organisation)}</p>
                    <h2 class="utrecht-heading-2">"Nog op te pakken"</h2>
                    {rows_table("Casussen van jouw organisatie zonder coördinator", o.untaken)}
                    <h2 class="utrecht-heading-2">"Voorgestelde overdrachten aan jouw organisatie"</h2>
                    {rows_table("Overdrachten die wachten op jouw organisatie", o.incoming)}
                    <h2 class="utrecht-heading-2">"Door jou gecoördineerd"</h2>
                    {rows_table("Casussen die jij coördineert", o.mine)}
                    <h2 class="utrecht-heading-2">"Door collega's gecoördineerd"</h2>
                    {rows_table("Casussen die collega's coördineren", o.colleagues)}
                }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}
