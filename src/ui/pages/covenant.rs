//! The region admin's covenant page: decision rules, dry run, activation.

use super::covenant_form::rule_form;
use crate::api::covenant::SetFamilyCoordination;
use crate::domain::covenant::RuleField;
use crate::{
    api::covenant::{covenant, ActivateCovenant, ApplyCovenant, MoveRule, RemoveRule, SaveRule},
    domain::{
        coordination::{ChangeRow, CovenantView},
        records::nl_date,
        role::Role,
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{form::ErrorNotice, guard::RequireRole, table::Table},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CovenantPage() -> impl IntoView {
    view! {
        <Title text="Convenant en beslisregels"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=covenant_page/>
    }
}

#[derive(Clone, Copy)]
pub(super) struct Actions {
    pub(super) save: ServerAction<SaveRule>,
    moved: ServerAction<MoveRule>,
    remove: ServerAction<RemoveRule>,
    activate: ServerAction<ActivateCovenant>,
    apply: ServerAction<ApplyCovenant>,
    family: ServerAction<SetFamilyCoordination>,
}

impl Actions {
    fn version(&self) -> usize {
        self.save.version().get()
            + self.moved.version().get()
            + self.remove.version().get()
            + self.activate.version().get()
            + self.apply.version().get()
            + self.family.version().get()
    }

    /// An error that belongs to no single rule form.
    fn page_error(&self) -> Option<AppError> {
        let save = self.save.value().get().and_then(Result::err);
        [
            save.filter(|e| {
                !matches!(e, AppError::Invalid { .. }) || e.field_message(RuleField::Version).is_some()
            }),
            self.moved.value().get().and_then(Result::err),
            self.remove.value().get().and_then(Result::err),
            self.activate.value().get().and_then(Result::err),
            self.apply.value().get().and_then(Result::err),
            self.family.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    }

    /// The message for `field` of the rule form `form`, if that form was the one sent.
    pub(super) fn field(&self, form: &str, field: RuleField) -> Option<String> {
        self.save
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.echoed(RuleField::Form).as_deref() == Some(form))
            .and_then(|e| e.field_message(field))
    }
}

fn covenant_page(_user: CurrentUser) -> AnyView {
    let actions = Actions {
        save: ServerAction::new(),
        moved: ServerAction::new(),
        remove: ServerAction::new(),
        activate: ServerAction::new(),
        apply: ServerAction::new(),
        family: ServerAction::new(),
    };
    let view_data = Resource::new(move || actions.version(), |_| covenant());
    view! {
        <h1 class="utrecht-heading-1">"Convenant en beslisregels"</h1>
        <p class="utrecht-paragraph">
            "Als twee of meer organisaties bij een jeugdige betrokken zijn, wijzen deze regels de coördinerende organisatie aan. "
            "De eerste regel die geldt én een betrokken organisatie aanwijst die mag coördineren, beslist. "
            "Scholen, politie en gemeenten coördineren nooit. Elke wijziging maakt een nieuwe versie; "
            "een versie geldt pas als je haar activeert, en dan alleen voor nieuwe matches."
        </p>
        {move || actions.page_error().map(|e| view! { <ErrorNotice error=e/> })}
        {move || actions.apply.value().get().and_then(Result::ok).map(|n| view! {
            <div class="utrecht-alert zs-alert" role="status">
                <p class="utrecht-paragraph">{format!("Toegepast: {n} casussen hebben een andere coördinerende organisatie.")}</p>
            </div>
        })}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || view_data.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(v) => covenant_view(v, actions).into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

fn covenant_view(v: CovenantView, actions: Actions) -> impl IntoView {
    let status = if v.is_draft() {
        format!(
            "Actief is versie {}{}. Je bewerkt versie {}: een concept dat nog niet geldt.",
            v.active_version,
            v.active_since
                .map(|d| format!(" (sinds {})", nl_date(d)))
                .unwrap_or_default(),
            v.version
        )
    } else {
        format!(
            "Actief is versie {}{}. Een wijziging maakt een concept (versie {}).",
            v.active_version,
            v.active_since
                .map(|d| format!(" (sinds {})", nl_date(d)))
                .unwrap_or_default(),
            v.version + 1
        )
    };
    let n = v.rules.len();
    let based_on = v.version.to_string();
    view! {
        <p class="utrecht-paragraph"><strong>{format!("Convenant {}. ", v.region)}</strong>{status}</p>
        <h2 class="utrecht-heading-2">{format!("Regels van versie {}", v.version)}</h2>
        <ol class="utrecht-ordered-list zs-rules">
            {v.rules.iter().enumerate().map(|(i, r)| {
                let label = format!("regel {}", i + 1);
                let based_on = based_on.clone();
                let form = rule_form(actions, &v, i.to_string(), Some(r.rule.clone()));
                view! {
                    <li class="zs-rule">
                        <p class="utrecht-paragraph">{r.text.clone()}</p>
                        <div class="zs-rule__buttons">
                            {(i > 0).then(|| move_button(actions, based_on.clone(), i, "omhoog", label.clone()))}
                            {(i + 1 < n).then(|| move_button(actions, based_on.clone(), i, "omlaag", label.clone()))}
                            <ActionForm action=actions.remove attr:class="zs-inline-form">
                                <input type="hidden" name="based_on" value=based_on.clone()/>
                                <input type="hidden" name="index" value=i.to_string()/>
                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                                    "Verwijderen" <span class="zs-visually-hidden">{format!(" ({label})")}</span>
                                </button>
                            </ActionForm>
                        </div>
                        <details class="zs-details">
                            <summary>{format!("Regel {} wijzigen", i + 1)}</summary>
                            {form}
                        </details>
                    </li>
                }
            }).collect_view()}
            <li class="zs-rule"><p class="utrecht-paragraph">{format!("Terugvalregel. {}", v.fallback)}</p></li>
        </ol>
        <h2 class="utrecht-heading-2">"Eén gezin, één coördinator"</h2>
        <ActionForm action=actions.family>
            <input type="hidden" name="based_on" value=v.version.to_string()/>
            <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
                <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="family" name="family"
                    checked=v.family_coordination/>
                <label class="utrecht-form-label utrecht-form-label--checkbox" for="family">
                    "Een jeugdige uit een gezin krijgt de coördinerende organisatie van de andere jeugdigen uit dat gezin"
                </label>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Gezinscoördinatie opslaan"</button>
        </ActionForm>
        <details class="zs-details" open=v.rules.is_empty()>
            <summary>"Regel toevoegen"</summary>
            {rule_form(actions, &v, "nieuw".into(), None)}
        </details>
        {dry_run(v.clone(), actions)}
    }
}

fn move_button(
    actions: Actions,
    based_on: String,
    i: usize,
    direction: &'static str,
    label: String,
) -> impl IntoView {
    view! {
        <ActionForm action=actions.moved attr:class="zs-inline-form">
            <input type="hidden" name="based_on" value=based_on/>
            <input type="hidden" name="index" value=i.to_string()/>
            <input type="hidden" name="direction" value=direction/>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                {if direction == "omhoog" { "Omhoog" } else { "Omlaag" }}
                <span class="zs-visually-hidden">{format!(" ({label})")}</span>
            </button>
        </ActionForm>
    }
}

fn dry_run(v: CovenantView, actions: Actions) -> impl IntoView {
    let version = v.version.to_string();
    let changes = v.changes.clone();
    let count = changes.len();
    let (number, checked) = (v.version, v.checked);
    if v.is_draft() {
        view! {
            <h2 class="utrecht-heading-2">{format!("Proefrun: wat verandert er met versie {}?", number)}</h2>
            <p class="utrecht-paragraph">{format!(
                "Van de {} casussen waarin de regels de coördinerende organisatie aanwezen, zou{} {} een andere krijgen onder versie {}. Toewijzingen na een overdracht, door de regio of voor een heel gezin blijven zoals ze zijn.",
                checked, if count == 1 { "" } else { "den" }, count, number
            )}</p>
            {changes_table(changes)}
            <p class="utrecht-paragraph">"Activeren verandert geen bestaande toewijzingen: de nieuwe regels gelden voor nieuwe matches. Daarna kun je ze apart toepassen op bestaande casussen."</p>
            <ActionForm action=actions.activate>
                <input type="hidden" name="version" value=version/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">{format!("Versie {} activeren", number)}</button>
            </ActionForm>
        }
        .into_any()
    } else if count > 0 {
        view! {
            <h2 class="utrecht-heading-2">"Toepassen op bestaande casussen"</h2>
            <p class="utrecht-paragraph">{format!(
                "Onder de actieve versie {} zou{} {} van de {} bestaande casussen een andere coördinerende organisatie krijgen. Dat gebeurt alleen als je het hieronder toepast; de betrokken coördinatoren krijgen dan bericht.",
                number, if count == 1 { "" } else { "den" }, count, checked
            )}</p>
            {changes_table(changes)}
            <ActionForm action=actions.apply>
                <input type="hidden" name="version" value=version/>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">{format!("Versie {} toepassen op deze {count} casussen", number)}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="utrecht-paragraph">{format!("Alle {} casussen met een coördinerende organisatie volgen de actieve versie.", checked)}</p>
        }
        .into_any()
    }
}

fn changes_table(changes: Vec<ChangeRow>) -> impl IntoView {
    (!changes.is_empty()).then(|| view! {
        <Table caption="Casussen die een andere coördinerende organisatie krijgen" columns=&["Jeugdige", "Gemeente", "Nu", "Wordt", "Waarom"]>
            {changes.into_iter().map(|c| view! {
                <tr class="utrecht-table__row">
                    <th scope="row" class="utrecht-table__header-cell">{c.youth_name}</th>
                    <td class="utrecht-table__cell">{c.municipality}</td>
                    <td class="utrecht-table__cell">{c.from}</td>
                    <td class="utrecht-table__cell">{c.to}</td>
                    <td class="utrecht-table__cell">{c.explanation}</td>
                </tr>
            }).collect_view()}
        </Table>
    })
}
