use crate::error::AppError;
use leptos::prelude::*;

/// A labelled text input with its error message beside it. The message is
/// tied to the input with `aria-describedby`, and the input is marked
/// `aria-invalid` while it has one.
#[component]
pub fn TextField(
    /// Form field name, also the element id.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    /// `inputmode`, e.g. "numeric" for a BSN.
    #[prop(optional)]
    input_mode: &'static str,
    /// A short description under the label.
    #[prop(optional, into)]
    hint: String,
    #[prop(default = true)] required: bool,
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let error_id = format!("{name}-fout");
    let hint_id = format!("{name}-uitleg");
    let has_hint = !hint.is_empty();
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let ids: Vec<&str> = [
                has_hint.then_some(hint_id.as_str()),
                error.get().map(|_| error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some();
    view! {
        <div class="utrecht-form-field zs-field" class:utrecht-form-field--invalid=invalid>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=name>{label}</label>
            </div>
            {has_hint.then(|| view! {
                <div class="utrecht-form-field-description" id=hint_id.clone()>{hint.clone()}</div>
            })}
            <div class="utrecht-form-field__input">
                <input
                    class="utrecht-textbox utrecht-textbox--html-input"
                    class:utrecht-textbox--invalid=invalid
                    id=name
                    name=name
                    type=input_type
                    autocomplete=autocomplete
                    inputmode=(!input_mode.is_empty()).then_some(input_mode)
                    required=required
                    value=value
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=described
                    on:input=move |ev| {
                        if let Some(cb) = on_input {
                            cb.run(event_target_value(&ev));
                        }
                    }
                    on:blur=move |_| {
                        if let Some(cb) = on_blur {
                            cb.run(());
                        }
                    }
                />
            </div>
            {move || {
                error
                    .get()
                    .map(|msg| {
                        view! {
                            <p class="utrecht-form-field-error-message zs-field__error" id=error_id.clone()>
                                {msg}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// An error for the whole form or page, announced to screen readers.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <div class="utrecht-alert utrecht-alert--error zs-alert" role="alert">
            <p class="utrecht-paragraph">{error.to_string()}</p>
        </div>
    }
}
