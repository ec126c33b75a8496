use crate::domain::login::LoginField;
use crate::{
    api::auth::Login,
    domain::email::Email,
    error::AppError,
    ui::{
        components::form::{ErrorNotice, TextField},
        session::use_user,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let user = use_user();

    // With JavaScript, a successful log-in loads the start page afresh; a
    // failed one empties the password, as the page without JavaScript does.
    Effect::new(move |_| match login.value().get() {
        Some(Ok(step)) => {
            let _ = window().location().assign(step.path());
        }
        Some(Err(_)) => clear_password(),
        None => {}
    });

    let server_error = move || login.value().get().and_then(Result::err);
    // What the server echoed after a post without JavaScript.
    let typed_email = login
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.echoed(LoginField::Email))
        .unwrap_or_default();

    // As you type: the same checks the server runs (domain::login).
    let email = RwSignal::new(typed_email.clone());
    let email_checked = RwSignal::new(false);
    let email_error = Signal::derive(move || {
        if email_checked.get() {
            Email::parse(&email.get()).err().map(str::to_string)
        } else {
            server_error().and_then(|e| e.field_message(LoginField::Email))
        }
    });
    let password_error =
        Signal::derive(move || server_error().and_then(|e| e.field_message(LoginField::Password)));
    let form_error = move || server_error().filter(|e| !matches!(e, AppError::Invalid { .. }));

    view! {
        <Title text="Inloggen"/>
        <Transition fallback=|| ()>
            {move || {
                user.get()
                    .and_then(|r| r.ok().flatten())
                    .map(|_| view! { <Redirect path="/"/> })
            }}
        </Transition>
        <div class="zs-narrow">
            <h1 class="utrecht-heading-1">"Inloggen"</h1>
            <p class="utrecht-paragraph">
                "Log in met het e-mailadres en wachtwoord van je account bij Zorgsignaal."
            </p>
            {move || form_error().map(|e| view! { <ErrorNotice error=e/> })}
            <ActionForm action=login attr:novalidate=true attr:class="zs-form">
                <TextField
                    name="email"
                    label="E-mailadres"
                    input_type="email"
                    autocomplete="username"
                    value=typed_email
                    error=email_error
                    on_input=Callback::new(move |v: String| email.set(v))
                    on_blur=Callback::new(move |_| email_checked.set(true))
                />
                <TextField
                    name="password"
                    label="Wachtwoord"
                    input_type="password"
                    autocomplete="current-password"
                    error=password_error
                />
                <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">
                    "Inloggen"
                </button>
            </ActionForm>
        </div>
    }
}

/// Empties the password field (browser only).
fn clear_password() {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(input) = document()
            .get_element_by_id("password")
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        {
            input.set_value("");
        }
    }
}
