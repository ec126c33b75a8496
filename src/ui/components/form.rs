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
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let error_id = format!("{name}-fout");
    let described = error_id.clone();
    let invalid = move || error.get().is_some();
    view! {
        <div class="utrecht-form-field zs-field" class:utrecht-form-field--invalid=invalid>
            <div class="utrecht-form-field__label">
                <label class="utrecht-form-label" for=name>{label}</label>
            </div>
            <div class="utrecht-form-field__input">
                <input
                    class="utrecht-textbox utrecht-textbox--html-input"
                    class:utrecht-textbox--invalid=invalid
                    id=name
                    name=name
                    type=input_type
                    autocomplete=autocomplete
                    required=true
                    value=value
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=move || invalid().then(|| described.clone())
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
