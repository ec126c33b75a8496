//! The region admin's covenant page: decision rules, dry run, activation.

use crate::api::covenant::SetFamilyCoordination;
use crate::{
    api::covenant::{covenant, ActivateCovenant, ApplyCovenant, MoveRule, RemoveRule, SaveRule},
    domain::{
        coordination::{ChangeRow, CovenantView},
        covenant::{kind_name, never_coordinates, KindsMode, Rule, RuleOutcome},
        organisation::OrganisationKind,
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
struct Actions {
    save: ServerAction<SaveRule>,
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
            save.filter(|e| !matches!(e, AppError::Invalid { .. }) || e.field_message("version").is_some()),
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
    fn field(&self, form: &str, field: &str) -> Option<String> {
        self.save
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.echoed("form").as_deref() == Some(form))
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

/// The form that adds a rule (`form` "nieuw") or changes rule `form`.
fn rule_form(actions: Actions, v: &CovenantView, form: String, rule: Option<Rule>) -> impl IntoView {
    let id = |f: &str| format!("{form}-{f}");
    let err = move |form: String, field: &'static str| {
        move || {
            actions.field(&form, field).map(|m| {
                view! { <p class="utrecht-form-field-error-message zs-field__error">{m}</p> }
            })
        }
    };
    let age = |min: bool| {
        rule.as_ref()
            .and_then(|r| if min { r.min_age } else { r.max_age })
            .map(|a| a.to_string())
            .unwrap_or_default()
    };
    let (min_age, max_age) = (age(true), age(false));
    let (id_min, id_max, id_first, id_outcome, id_een, id_alle) = (
        id("min_age"),
        id("max_age"),
        id("first_kind"),
        id("outcome"),
        id("mode-een"),
        id("mode-alle"),
    );
    // (id, name, label, checked) of each checkbox.
    let places: Vec<(String, String, String, bool)> = v
        .municipalities
        .iter()
        .map(|m| {
            let checked = rule
                .as_ref()
                .is_some_and(|r| r.municipalities.iter().any(|p| p.code == m.code));
            (
                id(&format!("m-{}", m.code)),
                format!("municipalities[{}]", m.code),
                m.name.clone(),
                checked,
            )
        })
        .collect();
    let kind_boxes: Vec<(String, String, String, bool)> = OrganisationKind::ALL
        .into_iter()
        .filter(|k| *k != OrganisationKind::Gemeente)
        .map(|k| {
            let checked = rule.as_ref().is_some_and(|r| r.kinds.contains(&k));
            (
                id(&format!("k-{}", k.as_str())),
                format!("kinds[{}]", k.as_str()),
                k.label().to_string(),
                checked,
            )
        })
        .collect();
    let all = rule.as_ref().is_some_and(|r| r.kinds_mode == KindsMode::AllOf);
    let first = rule.as_ref().and_then(|r| r.first_kind);
    let outcome = rule.as_ref().map(|r| match &r.outcome {
        RuleOutcome::Kind(k) => format!("soort:{}", k.as_str()),
        RuleOutcome::Organisation { id, .. } => format!("organisatie:{id}"),
    });
    let option = |value: String, label: String| {
        let selected = outcome.as_deref() == Some(value.as_str());
        view! { <option value=value selected=selected>{label}</option> }
    };
    let kind_options = OrganisationKind::ALL
        .into_iter()
        .filter(|k| !never_coordinates(*k))
        .map(|k| {
            option(
                format!("soort:{}", k.as_str()),
                format!("{} ({})", k.label(), kind_name(k)),
            )
        })
        .collect_view();
    let org_options = v
        .organisations
        .iter()
        .map(|o| option(format!("organisatie:{}", o.id), o.name.clone()))
        .collect_view();
    let version = v.version.to_string();
    let index = if form == "nieuw" {
        String::new()
    } else {
        form.clone()
    };
    let submit = if form == "nieuw" {
        "Regel toevoegen"
    } else {
        "Wijziging opslaan"
    };
    view! {
        <ActionForm action=actions.save attr:class="zs-rule-form">
            <input type="hidden" name="based_on" value=version/>
            <input type="hidden" name="index" value=index/>
            <fieldset class="utrecht-form-fieldset zs-fieldset">
                <legend class="utrecht-form-fieldset__legend">"Leeftijd van de jeugdige (leeg: elke leeftijd)"</legend>
                <div class="zs-field-row">
                    <div class="utrecht-form-field zs-field">
                        <label class="utrecht-form-label" for=id_min.clone()>"Van"</label>
                        <input class="utrecht-textbox utrecht-textbox--html-input zs-short" type="number" min="0" max="22"
                            id=id_min name="min_age" value=min_age/>
                        {err(form.clone(), "min_age")}
                    </div>
                    <div class="utrecht-form-field zs-field">
                        <label class="utrecht-form-label" for=id_max.clone()>"Tot en met"</label>
                        <input class="utrecht-textbox utrecht-textbox--html-input zs-short" type="number" min="0" max="22"
                            id=id_max name="max_age" value=max_age/>
                        {err(form.clone(), "max_age")}
                    </div>
                </div>
            </fieldset>
            <fieldset class="utrecht-form-fieldset zs-fieldset">
                <legend class="utrecht-form-fieldset__legend">"Woongemeente (niets aangevinkt: elke gemeente)"</legend>
                {places.into_iter().map(checkbox).collect_view()}
            </fieldset>
            <fieldset class="utrecht-form-fieldset zs-fieldset">
                <legend class="utrecht-form-fieldset__legend">"Betrokken organisaties (niets aangevinkt: geen voorwaarde)"</legend>
                <div class="utrecht-form-field utrecht-form-field--radio zs-check">
                    <input class="utrecht-radio-button" type="radio" id=id_een.clone() name="kinds_mode" value="een" checked=!all/>
                    <label class="utrecht-form-label utrecht-form-label--radio" for=id_een>"Minstens één van deze soorten is betrokken"</label>
                </div>
                <div class="utrecht-form-field utrecht-form-field--radio zs-check">
                    <input class="utrecht-radio-button" type="radio" id=id_alle.clone() name="kinds_mode" value="alle" checked=all/>
                    <label class="utrecht-form-label utrecht-form-label--radio" for=id_alle>"Al deze soorten zijn betrokken"</label>
                </div>
                {kind_boxes.into_iter().map(checkbox).collect_view()}
            </fieldset>
            <div class="utrecht-form-field zs-field">
                <label class="utrecht-form-label" for=id_first.clone()>"Als eerste betrokken"</label>
                <select class="utrecht-select utrecht-select--html-select" id=id_first name="first_kind">
                    <option value="">"Maakt niet uit"</option>
                    {OrganisationKind::ALL.into_iter().filter(|k| *k != OrganisationKind::Gemeente).map(|k| view! {
                        <option value=k.as_str() selected=first == Some(k)>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="utrecht-form-field zs-field">
                <label class="utrecht-form-label" for=id_outcome.clone()>"Dan coördineert"</label>
                <select class="utrecht-select utrecht-select--html-select" id=id_outcome name="outcome" required=true>
                    <option value="">"Kies"</option>
                    <optgroup label="De betrokken organisatie van deze soort">
                        {kind_options}
                    </optgroup>
                    <optgroup label="Deze organisatie, als ze betrokken is">
                        {org_options}
                    </optgroup>
                </select>
                {err(form.clone(), "outcome")}
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">{submit}</button>
        </ActionForm>
    }
}

/// One labelled checkbox: (id, name, label, checked).
fn checkbox((id, name, label, checked): (String, String, String, bool)) -> impl IntoView {
    view! {
        <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
            <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id=id.clone()
                name=name value="ja" checked=checked/>
            <label class="utrecht-form-label utrecht-form-label--checkbox" for=id>{label}</label>
        </div>
    }
}
