//! The second log-in step (`/inloggen/code`), setting up an authenticator
//! app (`/inloggen/tweestaps`, `/account/tweestaps`, and in place of the
//! current one `/account/andere-app`), recovery codes shown
//! once (`/account/herstelcodes`) and the account page (`/account`).

use crate::{
    api::account::{
        my_account, take_recovery_codes, two_factor_setup, ChangePassword, ConfirmTwoFactor,
        DisableTwoFactor, LoginCode, RenewRecoveryCodes,
    },
    domain::{
        two_factor::{Account, AccountField},
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{
        form::{ErrorNotice, TextField},
        guard::RequireRole,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The message of `field` in an action's last error.
fn field_error<T, S>(value: S, field: AccountField) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field_message(field))
    })
}

/// An action's last error that belongs to no field.
fn form_error<T, S>(value: S) -> impl IntoView
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|e| view! { <ErrorNotice error=e/> })
    }
}

/// A session that is not (or no longer) at this step: back to the start.
fn again_link() -> impl IntoView {
    view! {
        <p class="utrecht-paragraph">
            <a class="utrecht-link" href="/inloggen">"Opnieuw inloggen"</a>
        </p>
    }
}

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LoginCode>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().assign("/");
        }
    });
    let unauthenticated =
        move || matches!(action.value().get(), Some(Err(AppError::Unauthenticated))).then(again_link);
    view! {
        <Title text="Code invullen"/>
        <div class="zs-narrow">
            <h1 class="utrecht-heading-1">"Code invullen"</h1>
            <p class="utrecht-paragraph">
                "Open de authenticator-app op je telefoon en vul de code van 6 cijfers in die bij Zorgsignaal staat. "
                "Heb je je telefoon niet bij je? Vul dan een van je herstelcodes in."
            </p>
            {form_error(action.value())}
            {unauthenticated}
            <ActionForm action=action attr:novalidate=true attr:class="zs-form">
                <TextField
                    name="code"
                    label="Code"
                    autocomplete="one-time-code"
                    hint="6 cijfers uit je app, of een herstelcode van 12 tekens"
                    error=field_error(action.value(), AccountField::Code)
                />
                <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">
                    "Inloggen"
                </button>
            </ActionForm>
        </div>
    }
}

/// Setting up the app, at log-in or from the account page.
#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    setup_page(false)
}

/// Another app in place of the current one (from the account page): the
/// same set-up, which also asks the password and a code of the current app.
#[component]
pub fn TwoFactorReplacePage() -> impl IntoView {
    setup_page(true)
}

/// The set-up page. With `replacing`, the form has the two fields that
/// prove the current app; they are part of the page from the start, not
/// added once the set-up has loaded.
fn setup_page(replacing: bool) -> impl IntoView {
    let setup = Resource::new(|| (), |_| two_factor_setup());
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let codes = move || confirm.value().get().and_then(Result::ok);
    view! {
        <Title text="Tweestapsverificatie instellen"/>
        <div class="zs-narrow">
            <h1 class="utrecht-heading-1">"Tweestapsverificatie instellen"</h1>
            <Show
                when=move || codes().is_none()
                fallback=move || view! { <RecoveryCodes codes=codes().unwrap_or_default()/> }
            >
                <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
                    {move || setup.get().map(|r| match r {
                        Err(AppError::Unauthenticated) => view! {
                            <ErrorNotice error=AppError::Unauthenticated/>
                            {again_link()}
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => view! {
                            {s.replacing.then(|| view! {
                                <p class="utrecht-paragraph">
                                    "Je zet een andere app in de plaats van je huidige. Die werkt niet meer zodra je de nieuwe bevestigt; "
                                    "vul daarom ook je wachtwoord in en een code uit je huidige app of een herstelcode."
                                </p>
                            })}
                            {s.at_login.then(|| view! {
                                <p class="utrecht-paragraph">
                                    "Voor jouw account is inloggen met een tweede stap verplicht. Stel dat nu eenmalig in."
                                </p>
                            })}
                            <ol class="utrecht-ordered-list">
                                <li>"Installeer een authenticator-app op je telefoon, bijvoorbeeld Microsoft Authenticator, Google Authenticator of FreeOTP."</li>
                                <li>"Scan in de app deze QR-code, of typ de sleutel eronder over."</li>
                                <li>"Vul de code van 6 cijfers in die de app dan laat zien."</li>
                            </ol>
                            <div class="zs-qr" role="img" aria-label="QR-code om Zorgsignaal aan je app toe te voegen" inner_html=s.qr_svg></div>
                            <p class="utrecht-paragraph">
                                "Sleutel: "<code class="zs-secret">{s.secret}</code>
                            </p>
                        }.into_any(),
                    })}
                </Suspense>
                {form_error(confirm.value())}
                <ActionForm action=confirm attr:novalidate=true attr:class="zs-form">
                    <TextField
                        name="code"
                        label="Code uit je app"
                        autocomplete="one-time-code"
                        input_mode="numeric"
                        error=field_error(confirm.value(), AccountField::Code)
                    />
                    {replacing.then(|| view! {
                        <TextField name="wachtwoord_vervangen" label="Je wachtwoord" input_type="password"
                            autocomplete="current-password"
                            error=field_error(confirm.value(), AccountField::PasswordToReplace)/>
                        <TextField name="code_vervangen" label="Code uit je huidige app, of een herstelcode"
                            autocomplete="one-time-code"
                            error=field_error(confirm.value(), AccountField::CodeToReplace)/>
                    })}
                    <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">
                        "Bevestigen"
                    </button>
                </ActionForm>
            </Show>
        </div>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="utrecht-alert utrecht-alert--ok zs-alert" role="status">
            <p class="utrecht-paragraph">"Tweestapsverificatie staat aan."</p>
        </div>
        <h2 class="utrecht-heading-2">"Je herstelcodes"</h2>
        <p class="utrecht-paragraph">
            "Bewaar deze codes op een veilige plek, los van je telefoon. Elke code werkt één keer, als je je app niet bij de hand hebt. "
            "Je ziet ze alleen nu."
        </p>
        <ul class="utrecht-unordered-list zs-codes" aria-label="Herstelcodes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <p class="utrecht-paragraph">
            <a class="utrecht-link" href="/">"Verder naar Zorgsignaal"</a>
        </p>
    }
}

/// The recovery codes after a form post without JavaScript.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let query = use_query_map();
    let codes = Resource::new(
        move || query.with(|q| q.get("codes")),
        |id| async move {
            match id.and_then(|id| id.parse().ok()) {
                Some(id) => take_recovery_codes(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Herstelcodes"/>
        <div class="zs-narrow">
            <h1 class="utrecht-heading-1">"Herstelcodes"</h1>
            <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
                {move || codes.get().map(|r| match r {
                    Ok(Some(codes)) => view! { <RecoveryCodes codes=codes/> }.into_any(),
                    Ok(None) => view! {
                        <p class="utrecht-paragraph">
                            "Deze codes zijn al getoond. Maak nieuwe codes op "
                            <a class="utrecht-link" href="/account">"Mijn account"</a>" als je ze niet hebt bewaard."
                        </p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Mijn account"/>
        <RequireRole page=account_page/>
    }
}

fn account_page(_user: CurrentUser) -> AnyView {
    let password = ServerAction::<ChangePassword>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let account = Resource::new(move || disable.version().get(), |_| my_account());
    let query = use_query_map();
    let changed = move || {
        matches!(password.value().get(), Some(Ok(_)))
            || query.with(|q| q.get("wachtwoord").as_deref() == Some("gewijzigd"))
    };
    let new_codes = move || renew.value().get().and_then(Result::ok);
    view! {
        <h1 class="utrecht-heading-1">"Mijn account"</h1>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || account.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(a) => view! {
                    <p class="utrecht-paragraph">{format!("{} ({})", a.name, a.email)}</p>
                    {two_factor_section(a, disable, renew)}
                }.into_any(),
            })}
        </Suspense>
        {move || new_codes().map(|codes| view! { <RecoveryCodes codes=codes/> })}
        <section class="zs-card" aria-labelledby="wachtwoord-kop">
            <h2 class="utrecht-heading-2" id="wachtwoord-kop">"Wachtwoord wijzigen"</h2>
            <p class="utrecht-paragraph">"Na het wijzigen word je overal uitgelogd, behalve hier."</p>
            {move || changed().then(|| view! {
                <div class="utrecht-alert utrecht-alert--ok zs-alert" role="status">
                    <p class="utrecht-paragraph">"Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd."</p>
                </div>
            })}
            {form_error(password.value())}
            <ActionForm action=password attr:novalidate=true attr:class="zs-form">
                <TextField name="current" label="Huidig wachtwoord" input_type="password"
                    autocomplete="current-password" error=field_error(password.value(), AccountField::Current)/>
                <TextField name="new_password" label="Nieuw wachtwoord" input_type="password"
                    autocomplete="new-password" hint="Minstens 12 tekens"
                    error=field_error(password.value(), AccountField::NewPassword)/>
                <TextField name="repeat" label="Nieuw wachtwoord nog een keer" input_type="password"
                    autocomplete="new-password" error=field_error(password.value(), AccountField::Repeat)/>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Wachtwoord wijzigen"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

fn two_factor_section(
    a: Account,
    disable: ServerAction<DisableTwoFactor>,
    renew: ServerAction<RenewRecoveryCodes>,
) -> impl IntoView {
    let status = match (a.has_app, a.required) {
        (true, _) => format!(
            "Tweestapsverificatie staat aan. Je hebt nog {} ongebruikte herstelcodes.",
            a.codes_left
        ),
        (false, true) => {
            "Tweestapsverificatie is voor jouw account verplicht; je stelt het in bij het inloggen.".into()
        }
        (false, false) => "Tweestapsverificatie staat uit.".into(),
    };
    view! {
        <section class="zs-card" aria-labelledby="tweestaps-kop">
            <h2 class="utrecht-heading-2" id="tweestaps-kop">"Tweestapsverificatie"</h2>
            <p class="utrecht-paragraph">{status}</p>
            {(!a.has_app).then(|| view! {
                <p class="utrecht-paragraph">
                    <a class="utrecht-link" href="/account/tweestaps">"Tweestapsverificatie instellen"</a>
                </p>
            })}
            {a.has_app.then(|| view! {
                <p class="utrecht-paragraph">
                    <a class="utrecht-link" href="/account/andere-app">"Een andere app instellen"</a>
                </p>
                {form_error(renew.value())}
                <ActionForm action=renew attr:novalidate=true attr:class="zs-form">
                    <TextField name="wachtwoord_codes" label="Wachtwoord (voor nieuwe herstelcodes)"
                        input_type="password" autocomplete="current-password"
                        error=field_error(renew.value(), AccountField::PasswordForCodes)/>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Nieuwe herstelcodes maken"</button>
                </ActionForm>
            })}
            {(a.has_app && !a.required).then(|| view! {
                {form_error(disable.value())}
                <ActionForm action=disable attr:novalidate=true attr:class="zs-form">
                    <TextField name="wachtwoord_uit" label="Wachtwoord (om uit te zetten)"
                        input_type="password" autocomplete="current-password"
                        error=field_error(disable.value(), AccountField::PasswordToSwitchOff)/>
                    <TextField name="code_uit" label="Code uit je app, of een herstelcode (om uit te zetten)"
                        autocomplete="one-time-code"
                        error=field_error(disable.value(), AccountField::CodeToSwitchOff)/>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Tweestapsverificatie uitzetten"</button>
                </ActionForm>
            })}
        </section>
    }
}
