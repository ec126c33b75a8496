//! The youth page's "Gezin, plan en toestemming" (1 Gezin 1 Plan): the
//! family's youths, the one plan, and consent. Visible to those who may
//! see the youth, never to anyone else.

use crate::{
    api::family::{
        AddAgreement, LinkFamily, RecordConsent, RemoveAgreement, SavePlan, UnlinkFamily, WithdrawConsent,
    },
    domain::{
        coordination::Choice,
        family::{ConsentView, FamilyField, FamilyInfo, FamilyMember, PlanView},
        records::nl_date,
    },
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct FamilyActions {
    pub link: ServerAction<LinkFamily>,
    pub unlink: ServerAction<UnlinkFamily>,
    pub plan: ServerAction<SavePlan>,
    pub add: ServerAction<AddAgreement>,
    pub remove: ServerAction<RemoveAgreement>,
    pub consent: ServerAction<RecordConsent>,
    pub withdraw: ServerAction<WithdrawConsent>,
}

impl FamilyActions {
    pub fn new() -> Self {
        Self {
            link: ServerAction::new(),
            unlink: ServerAction::new(),
            plan: ServerAction::new(),
            add: ServerAction::new(),
            remove: ServerAction::new(),
            consent: ServerAction::new(),
            withdraw: ServerAction::new(),
        }
    }

    pub fn version(&self) -> usize {
        self.link.version().get()
            + self.unlink.version().get()
            + self.plan.version().get()
            + self.add.version().get()
            + self.remove.version().get()
            + self.consent.version().get()
            + self.withdraw.version().get()
    }

    /// An error that is not about one field (those show beside the field).
    pub fn error(&self) -> Option<AppError> {
        [
            self.link.value().get(),
            self.unlink.value().get(),
            self.plan.value().get(),
            self.add.value().get(),
            self.remove.value().get(),
            self.consent.value().get(),
            self.withdraw.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .filter(|e| !matches!(e, AppError::Invalid { .. }))
    }
}

impl Default for FamilyActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The field message of `action`'s last answer, beside control `id`.
fn message<A>(action: ServerAction<A>, field: FamilyField, id: &'static str) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field_message(field))
            .map(|m| view! { <p class="utrecht-form-field-error-message zs-field__error" id=format!("{id}-fout")>{m}</p> })
    }
}

fn text_field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
) -> impl IntoView {
    view! {
        <div class="utrecht-form-field zs-field">
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=id>{label}</label>
            </div>
            <input class="utrecht-textbox utrecht-textbox--html-input" type=kind id=id name=name value=value/>
        </div>
    }
}

pub fn family_section(youth: Uuid, f: FamilyInfo, a: FamilyActions) -> impl IntoView {
    view! {
        <section class="zs-card" aria-labelledby="gezin">
            <h2 class="utrecht-heading-2" id="gezin">"Gezin, plan en toestemming"</h2>
            <p class="utrecht-paragraph">"Alleen zichtbaar voor de betrokken professionals en de coördinator."</p>
            {members(youth, f.members, f.candidates, f.in_family, a)}
            {plan(youth, f.in_family, f.plan, a)}
            {consents(youth, f.consents, a)}
        </section>
    }
}

/// The youths of the family, and linking another one or leaving it.
fn members(
    youth: Uuid,
    members: Vec<FamilyMember>,
    candidates: Vec<Choice>,
    in_family: bool,
    a: FamilyActions,
) -> impl IntoView {
    let y = move || youth.to_string();
    view! {
        <h3 class="utrecht-heading-3">"Gezin"</h3>
        {if members.is_empty() {
            view! { <p class="utrecht-paragraph">"Deze jeugdige is niet gekoppeld aan andere jeugdigen uit hetzelfde gezin."</p> }.into_any()
        } else {
            view! {
                <ul class="utrecht-unordered-list">
                    {members.iter().map(|m| if m.may_view {
                        view! { <li><a class="utrecht-link" href=format!("/jeugdigen/{}", m.youth_id)>{m.name.clone()}</a></li> }.into_any()
                    } else {
                        view! { <li>{m.name.clone()}</li> }.into_any()
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!candidates.is_empty()).then(|| view! {
            <ActionForm action=a.link attr:class="zs-inline-form">
                <input type="hidden" name="youth" value=y()/>
                <div class="utrecht-form-field zs-field">
                    <div class="utrecht-form-field__label">
                        <label class="utrecht-form-label" for="other">"Jeugdige uit hetzelfde gezin"</label>
                    </div>
                    <select class="utrecht-select utrecht-select--html-select" id="other" name="other">
                        <option value="">"Kies uit jouw jeugdigen"</option>
                        {candidates.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                    {message(a.link, FamilyField::Other, "other")}
                </div>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Aan gezin koppelen"</button>
            </ActionForm>
        })}
        {in_family.then(|| view! {
            <ActionForm action=a.unlink attr:class="zs-inline-form">
                <input type="hidden" name="youth" value=y()/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Uit het gezin halen"</button>
            </ActionForm>
        })}
    }
}

/// The plan made with the family, and its agreements.
fn plan(youth: Uuid, in_family: bool, plan: PlanView, a: FamilyActions) -> impl IntoView {
    let y = move || youth.to_string();
    let agreed = plan.family_agreed_on.is_some();
    view! {
        <h3 class="utrecht-heading-3">{if in_family { "Plan van het gezin" } else { "Plan" }}</h3>
        {plan.updated.clone().map(|u| view! { <p class="utrecht-paragraph">{format!("Laatst bijgewerkt door {u}.")}</p> })}
        <p class="utrecht-paragraph">{match plan.family_agreed_on {
            Some(d) => format!("Samen met het gezin opgesteld; het gezin stemde in op {}.", nl_date(d)),
            None => "Het gezin heeft (nog) niet ingestemd met dit plan.".to_string(),
        }}</p>
        <ActionForm action=a.plan>
            <input type="hidden" name="youth" value=y()/>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label">
                    <label class="utrecht-form-label" for="goals">"Doelen"</label>
                </div>
                <textarea class="utrecht-textarea" id="goals" name="goals" rows="4" maxlength="4000">{plan.goals.clone()}</textarea>
                {message(a.plan, FamilyField::Goals, "goals")}
            </div>
            {text_field("review_on", "review_on", "Evaluatiedatum", "date", plan.review_on.map(|d| d.to_string()).unwrap_or_default())}
            {message(a.plan, FamilyField::ReviewOn, "review_on")}
            <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
                <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="family_agreed" name="family_agreed" checked=agreed/>
                <label class="utrecht-form-label utrecht-form-label--checkbox" for="family_agreed">"Samen met het gezin opgesteld; het gezin stemt in"</label>
            </div>
            {text_field("family_agreed_on", "family_agreed_on", "Datum van instemming (leeg: vandaag)", "date", plan.family_agreed_on.map(|d| d.to_string()).unwrap_or_default())}
            {message(a.plan, FamilyField::FamilyAgreedOn, "family_agreed_on")}
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Plan opslaan"</button>
        </ActionForm>

        <h4 class="utrecht-heading-4">"Afspraken: wie doet wat, wanneer"</h4>
        {if plan.agreements.is_empty() {
            view! { <p class="utrecht-paragraph">"Nog geen afspraken."</p> }.into_any()
        } else {
            view! {
                <ul class="utrecht-unordered-list">
                    {plan.agreements.clone().into_iter().map(|ag| {
                        let when = ag.due_on.map(|d| format!(", uiterlijk {}", nl_date(d))).unwrap_or_default();
                        view! {
                            <li>
                                {format!("{}: {}{when}", ag.who, ag.what)}
                                <ActionForm action=a.remove attr:class="zs-inline-form">
                                    <input type="hidden" name="youth" value=y()/>
                                    <input type="hidden" name="id" value=ag.id.to_string()/>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                                        "Verwijderen" <span class="zs-visually-hidden">{format!(" (afspraak met {})", ag.who)}</span>
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <details class="zs-details" open=move || a.add.value().get().is_some_and(|r| r.is_err())>
            <summary>"Afspraak toevoegen"</summary>
            <ActionForm action=a.add>
                <input type="hidden" name="youth" value=y()/>
                {text_field("who", "who", "Wie", "text", String::new())}
                {message(a.add, FamilyField::Who, "who")}
                {text_field("agreement_what", "what", "Wat", "text", String::new())}
                {message(a.add, FamilyField::AgreementWhat, "agreement_what")}
                {text_field("due_on", "due_on", "Uiterlijk (datum)", "date", String::new())}
                {message(a.add, FamilyField::DueOn, "due_on")}
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Afspraak toevoegen"</button>
            </ActionForm>
        </details>
    }
}

/// Consent as recorded, and recording or withdrawing it.
fn consents(youth: Uuid, consents: Vec<ConsentView>, a: FamilyActions) -> impl IntoView {
    let y = move || youth.to_string();
    view! {
        <h3 class="utrecht-heading-3">"Toestemming"</h3>
        {if consents.is_empty() {
            view! { <p class="utrecht-paragraph">"Nog niets vastgelegd."</p> }.into_any()
        } else {
            view! {
                <ul class="utrecht-unordered-list">
                    {consents.clone().into_iter().map(|c| {
                        let period = match c.valid_until {
                            Some(u) => format!("van {} tot en met {}", nl_date(c.valid_from), nl_date(u)),
                            None => format!("vanaf {}", nl_date(c.valid_from)),
                        };
                        let text = if c.given {
                            format!("{} geeft toestemming om {} te delen met {}, {period}.", c.given_by, c.what, c.with_whom)
                        } else {
                            format!("Het gezin is niet geïnformeerd, omdat dat onveilig zou zijn ({period}). Onderbouwing: {}", c.justification)
                        };
                        let withdrawn = c.withdrawn;
                        let id = c.id.to_string();
                        view! {
                            <li>
                                {text}
                                {format!(" Vastgelegd door {}.", c.recorded_by)}
                                {withdrawn.then_some(" Ingetrokken.")}
                                {(!withdrawn).then(|| view! {
                                    <ActionForm action=a.withdraw attr:class="zs-inline-form">
                                        <input type="hidden" name="youth" value=y()/>
                                        <input type="hidden" name="id" value=id.clone()/>
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Intrekken"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <details class="zs-details" open=move || a.consent.value().get().is_some_and(|r| r.is_err())>
            <summary>"Toestemming vastleggen"</summary>
            <ActionForm action=a.consent>
                <input type="hidden" name="youth" value=y()/>
                <fieldset class="utrecht-form-fieldset zs-fieldset">
                    <legend class="utrecht-form-fieldset__legend">"Wat leg je vast?"</legend>
                    <div class="utrecht-form-field utrecht-form-field--radio zs-check">
                        <input class="utrecht-radio-button" type="radio" id="consent-gegeven" name="kind" value="gegeven" checked=true/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for="consent-gegeven">"Toestemming gegeven"</label>
                    </div>
                    <div class="utrecht-form-field utrecht-form-field--radio zs-check">
                        <input class="utrecht-radio-button" type="radio" id="consent-niet" name="kind" value="niet_geinformeerd"/>
                        <label class="utrecht-form-label utrecht-form-label--radio" for="consent-niet">"Gezin niet geïnformeerd, omdat dat onveilig zou zijn (Meldcode)"</label>
                    </div>
                </fieldset>
                {text_field("given_by", "given_by", "Wie gaf toestemming", "text", String::new())}
                {message(a.consent, FamilyField::GivenBy, "given_by")}
                {text_field("consent_what", "what", "Wat mag gedeeld worden", "text", String::new())}
                {message(a.consent, FamilyField::What, "consent_what")}
                {text_field("with_whom", "with_whom", "Met wie", "text", String::new())}
                {message(a.consent, FamilyField::WithWhom, "with_whom")}
                {text_field("valid_from", "valid_from", "Geldig vanaf", "date", crate::domain::today().to_string())}
                {message(a.consent, FamilyField::ValidFrom, "valid_from")}
                {text_field("valid_until", "valid_until", "Geldig tot en met (leeg: tot intrekking)", "date", String::new())}
                {message(a.consent, FamilyField::ValidUntil, "valid_until")}
                <div class="utrecht-form-field zs-field">
                    <div class="utrecht-form-field__label">
                        <label class="utrecht-form-label" for="justification">"Onderbouwing (verplicht als het gezin niet is geïnformeerd)"</label>
                    </div>
                    <textarea class="utrecht-textarea" id="justification" name="justification" rows="3" maxlength="2000"></textarea>
                    {message(a.consent, FamilyField::Justification, "justification")}
                </div>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Vastleggen"</button>
            </ActionForm>
        </details>
    }
}
