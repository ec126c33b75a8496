//! The covenant page's rule form: conditions (age, municipalities, kinds
//! involved, first involved kind) and outcome, posted as `kinds[jgz]` maps
//! so that it works without JavaScript.

use super::covenant::Actions;
use crate::domain::{
    coordination::CovenantView,
    covenant::{kind_name, never_coordinates, KindsMode, Rule, RuleField, RuleOutcome},
    organisation::OrganisationKind,
};
use leptos::prelude::*;

/// The form that adds a rule (`form` "nieuw") or changes rule `form`.
pub(super) fn rule_form(
    actions: Actions,
    v: &CovenantView,
    form: String,
    rule: Option<Rule>,
) -> impl IntoView {
    let id = |f: &str| format!("{form}-{f}");
    let err = move |form: String, field: RuleField| {
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
    let (places, kind_boxes) = checkboxes(v, rule.as_ref(), &form);
    let outcomes = outcome_options(v, rule.as_ref());
    let all = rule.as_ref().is_some_and(|r| r.kinds_mode == KindsMode::AllOf);
    let first = rule.as_ref().and_then(|r| r.first_kind);
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
                        {err(form.clone(), RuleField::MinAge)}
                    </div>
                    <div class="utrecht-form-field zs-field">
                        <label class="utrecht-form-label" for=id_max.clone()>"Tot en met"</label>
                        <input class="utrecht-textbox utrecht-textbox--html-input zs-short" type="number" min="0" max="22"
                            id=id_max name="max_age" value=max_age/>
                        {err(form.clone(), RuleField::MaxAge)}
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
                    {outcomes}
                </select>
                {err(form.clone(), RuleField::Outcome)}
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">{submit}</button>
        </ActionForm>
    }
}

/// (id, name, label, checked) of each checkbox: the municipalities, and
/// the kinds involved.
type Checkbox = (String, String, String, bool);

fn checkboxes(v: &CovenantView, rule: Option<&Rule>, form: &str) -> (Vec<Checkbox>, Vec<Checkbox>) {
    let id = |f: &str| format!("{form}-{f}");
    let places = v
        .municipalities
        .iter()
        .map(|m| {
            let checked = rule.is_some_and(|r| r.municipalities.iter().any(|p| p.code == m.code));
            (
                id(&format!("m-{}", m.code)),
                format!("municipalities[{}]", m.code),
                m.name.clone(),
                checked,
            )
        })
        .collect();
    let kinds = OrganisationKind::ALL
        .into_iter()
        .filter(|k| *k != OrganisationKind::Gemeente)
        .map(|k| {
            let checked = rule.is_some_and(|r| r.kinds.contains(&k));
            (
                id(&format!("k-{}", k.as_str())),
                format!("kinds[{}]", k.as_str()),
                k.label().to_string(),
                checked,
            )
        })
        .collect();
    (places, kinds)
}

/// Who coordinates: an organisation kind, or a named organisation.
fn outcome_options(v: &CovenantView, rule: Option<&Rule>) -> impl IntoView + use<> {
    let outcome = rule.map(|r| match &r.outcome {
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
    view! {
        <optgroup label="De betrokken organisatie van deze soort">
            {kind_options}
        </optgroup>
        <optgroup label="Deze organisatie, als ze betrokken is">
            {org_options}
        </optgroup>
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
