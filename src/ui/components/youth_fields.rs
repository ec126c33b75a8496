//! The fields both chain forms share: BSN, names, date of birth and
//! municipality, each checked as you type by the same code the server runs.

use crate::{
    api::youths::form_municipalities,
    domain::{
        today,
        youth::{check_field, ChainField},
    },
    error::AppError,
    ui::components::form::TextField,
};
use leptos::prelude::*;

/// What is typed in one field, and whether it has been left once (from
/// then on it is checked as you type).
#[derive(Clone, Copy)]
pub struct Field {
    pub field: ChainField,
    pub value: RwSignal<String>,
    pub touched: RwSignal<bool>,
}

impl Field {
    pub fn new(field: ChainField, initial: String) -> Self {
        Field {
            field,
            value: RwSignal::new(initial),
            touched: RwSignal::new(false),
        }
    }

    /// The message beside the field: the local check once touched, else
    /// what the server said.
    pub fn error(self, server: Signal<Option<AppError>>) -> Signal<Option<String>> {
        Signal::derive(move || {
            if self.touched.get() {
                check_field(self.field, &self.value.get(), today()).map(str::to_string)
            } else {
                server.get().and_then(|e| e.field_message(self.field))
            }
        })
    }
}

/// Looks up what was typed in a failed form (server echo through a draft).
pub fn typed(values: &[(String, String)], field: ChainField) -> String {
    values
        .iter()
        .find(|(k, _)| k == field.name())
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[component]
pub fn YouthFields(
    server_error: Signal<Option<AppError>>,
    #[prop(into)] values: Vec<(String, String)>,
) -> impl IntoView {
    let field = |f| Field::new(f, typed(&values, f));
    let bsn = field(ChainField::Bsn);
    let given = field(ChainField::GivenNames);
    let prefix = field(ChainField::Prefix);
    let family = field(ChainField::FamilyName);
    let birth = field(ChainField::BirthDate);
    let municipality = field(ChainField::MunicipalityCode);
    let on_input = |f: Field| Callback::new(move |v: String| f.value.set(v));
    let on_blur = |f: Field| Callback::new(move |_| f.touched.set(true));

    view! {
        <fieldset class="utrecht-form-fieldset zs-fieldset">
            <legend class="utrecht-form-fieldset__legend">"Jeugdige"</legend>
            <TextField
                name=ChainField::Bsn.name()
                label="BSN"
                autocomplete="off"
                input_mode="numeric"
                hint="9 cijfers"
                value=bsn.value.get_untracked()
                error=bsn.error(server_error)
                on_input=on_input(bsn)
                on_blur=on_blur(bsn)
            />
            <TextField
                name=ChainField::GivenNames.name()
                label="Voornamen"
                autocomplete="off"
                value=given.value.get_untracked()
                error=given.error(server_error)
                on_input=on_input(given)
                on_blur=on_blur(given)
            />
            <TextField
                name=ChainField::Prefix.name()
                label="Tussenvoegsel (niet verplicht)"
                autocomplete="off"
                required=false
                value=prefix.value.get_untracked()
                error=prefix.error(server_error)
                on_input=on_input(prefix)
                on_blur=on_blur(prefix)
            />
            <TextField
                name=ChainField::FamilyName.name()
                label="Achternaam"
                autocomplete="off"
                value=family.value.get_untracked()
                error=family.error(server_error)
                on_input=on_input(family)
                on_blur=on_blur(family)
            />
            <TextField
                name=ChainField::BirthDate.name()
                label="Geboortedatum"
                input_type="date"
                autocomplete="off"
                value=birth.value.get_untracked()
                error=birth.error(server_error)
                on_input=on_input(birth)
                on_blur=on_blur(birth)
            />
            <MunicipalitySelect municipality=municipality server_error=server_error/>
        </fieldset>
    }
}

/// The municipality the youth lives in, chosen from the list.
#[component]
fn MunicipalitySelect(municipality: Field, server_error: Signal<Option<AppError>>) -> impl IntoView {
    let municipalities = Resource::new(|| (), |_| form_municipalities());
    let municipality_error = municipality.error(server_error);
    let chosen = municipality.value.get_untracked();
    view! {
        <div class="utrecht-form-field zs-field" class:utrecht-form-field--invalid=move || municipality_error.get().is_some()>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for="municipality_code">"Woongemeente"</label>
            </div>
            <div class="utrecht-form-field__input">
                <select
                    class="utrecht-select utrecht-select--html-select"
                    id="municipality_code"
                    name="municipality_code"
                    required=true
                    aria-invalid=move || if municipality_error.get().is_some() { "true" } else { "false" }
                    aria-describedby=move || municipality_error.get().map(|_| "municipality_code-fout")
                    on:change=move |ev| {
                        municipality.value.set(event_target_value(&ev));
                        municipality.touched.set(true);
                    }
                >
                    <option value="" selected=chosen.is_empty()>"Kies een gemeente"</option>
                    <Suspense fallback=|| ()>
                        {move || {
                            let chosen = chosen.clone();
                            municipalities
                                .get()
                                .and_then(Result::ok)
                                .map(|list| {
                                    list.into_iter()
                                        .map(|m| {
                                            let selected = m.code == chosen;
                                            view! { <option value=m.code.clone() selected=selected>{m.name}</option> }
                                        })
                                        .collect_view()
                                })
                        }}
                    </Suspense>
                </select>
            </div>
            {move || {
                municipality_error
                    .get()
                    .map(|msg| {
                        view! {
                            <p class="utrecht-form-field-error-message zs-field__error" id="municipality_code-fout">
                                {msg}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
