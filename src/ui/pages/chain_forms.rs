//! "Jeugdige registreren" and "Signaal afgeven".

use crate::{
    api::youths::{load_draft, GiveSignal, RegisterYouth},
    domain::{
        involvement::{parse_end_date, term_end, SignalKind},
        records::nl_date,
        role::Role,
        today,
        user::CurrentUser,
    },
    error::AppError,
    ui::components::{
        form::{ErrorNotice, TextField},
        guard::{NoAccess, RequireRole},
        youth_fields::{typed, YouthFields},
    },
};
use crate::{domain::youth::ChainField, error::AnyForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <Title text="Jeugdige registreren"/>
        <RequireRole roles=vec![Role::Professional] page=register_page/>
    }
}

#[component]
pub fn SignalPage() -> impl IntoView {
    view! {
        <Title text="Signaal afgeven"/>
        <RequireRole roles=vec![Role::Professional] page=signal_page/>
    }
}

/// The values of a form that failed without JavaScript, from the draft the
/// server kept (never from the URL).
fn draft_values(error: Option<AppError>) -> Resource<Vec<(String, String)>> {
    let draft = error
        .and_then(|e| e.echoed(AnyForm::Draft))
        .and_then(|id| uuid::Uuid::parse_str(&id).ok());
    Resource::new(
        move || draft,
        |draft| async move {
            match draft {
                Some(id) => load_draft(id).await.unwrap_or_default(),
                None => Vec::new(),
            }
        },
    )
}

fn form_notice(server_error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        server_error.get().map(|e| match e {
            AppError::Invalid { .. } => view! {
                <div class="utrecht-alert utrecht-alert--error zs-alert" role="alert">
                    <p class="utrecht-paragraph">"Het formulier is niet verstuurd. Controleer de gemarkeerde velden."</p>
                </div>
            }
            .into_any(),
            other => view! { <ErrorNotice error=other/> }.into_any(),
        })
    }
}

fn register_page(user: CurrentUser) -> AnyView {
    if !user.may_register() {
        return view! {
            <NoAccess/>
            <p class="utrecht-paragraph">
                "Volgens het convenant kan jouw organisatie geen jeugdigen registreren. Je kunt wel een "
                <a class="utrecht-link" href="/signalen/nieuw">"signaal afgeven"</a> "."
            </p>
        }
        .into_any();
    }
    let action = ServerAction::<RegisterYouth>::new();
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    open_youth_when_recorded(move || action.value().get().and_then(Result::ok).map(|r| r.youth_id));
    let draft = draft_values(action.value().get_untracked().and_then(Result::err));
    let proposed = term_end(today());
    view! {
        <h1 class="utrecht-heading-1">"Jeugdige registreren"</h1>
        <p class="utrecht-paragraph">
            "Leg vast dat deze jeugdige bij jou bekend is. Andere betrokken organisaties zien alleen "
            <em>"dat"</em> " je betrokken bent, met je naam, telefoon en e-mail; nooit waarom."
        </p>
        {form_notice(server_error)}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || draft.get().map(|values| {
                let end_value = typed(&values, ChainField::EndDate);
                let end = RwSignal::new(end_value.clone());
                let end_touched = RwSignal::new(false);
                let end_error = Signal::derive(move || {
                    if end_touched.get() && !end.get().is_empty() {
                        parse_end_date(&end.get(), today()).err().map(str::to_string)
                    } else {
                        server_error.get().and_then(|e| e.field_message(ChainField::EndDate))
                    }
                });
                view! {
                    <ActionForm action=action attr:novalidate=true attr:class="zs-form">
                        <YouthFields server_error=server_error values=values.clone()/>
                        <TextField
                            name="end_date"
                            label="Einddatum van de registratie (niet verplicht)"
                            input_type="date"
                            required=false
                            hint=format!("Zonder einddatum loopt de registratie tot {}. Een week ervoor krijg je een herinnering.", nl_date(proposed))
                            value=end_value
                            error=end_error
                            on_input=Callback::new(move |v: String| end.set(v))
                            on_blur=Callback::new(move |_| end_touched.set(true))
                        />
                        <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">
                            "Registreren"
                        </button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn signal_page(user: CurrentUser) -> AnyView {
    if !user.may_signal() {
        return view! { <NoAccess/> }.into_any();
    }
    let action = ServerAction::<GiveSignal>::new();
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    open_youth_when_recorded(move || action.value().get().and_then(Result::ok).map(|r| r.youth_id));
    let draft = draft_values(action.value().get_untracked().and_then(Result::err));
    view! {
        <h1 class="utrecht-heading-1">"Signaal afgeven"</h1>
        <p class="utrecht-paragraph">
            "Geef een signaal af als je je zorgen maakt over deze jeugdige. Waar je zorg over gaat, ziet "
            "alleen jij. Andere betrokkenen zien alleen " <em>"dat"</em> " je betrokken bent, en hoe ze je bereiken."
        </p>
        {form_notice(server_error)}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || draft.get().map(|values| {
                let chosen = typed(&values, ChainField::Kind);
                let kind_error = Signal::derive(move || server_error.get().and_then(|e| e.field_message(ChainField::Kind)));
                view! {
                    <ActionForm action=action attr:novalidate=true attr:class="zs-form">
                        <YouthFields server_error=server_error values=values.clone()/>
                        <fieldset class="utrecht-form-fieldset zs-fieldset"
                            aria-describedby=move || kind_error.get().map(|_| "kind-fout")>
                            <legend class="utrecht-form-fieldset__legend">"Waar gaat je zorg over?"</legend>
                            <p class="utrecht-form-field-description">"Dit ziet alleen jij."</p>
                            {move || kind_error.get().map(|m| view! {
                                <p class="utrecht-form-field-error-message zs-field__error" id="kind-fout">{m}</p>
                            })}
                            {SignalKind::ALL.into_iter().map(|k| {
                                let id = format!("kind-{}", k.as_str());
                                view! {
                                    <div class="utrecht-form-field utrecht-form-field--radio zs-choice">
                                        <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio"
                                            id=id.clone() name="kind" value=k.as_str() checked=chosen == k.as_str()/>
                                        <label class="utrecht-form-label utrecht-form-label--radio" for=id>{k.label()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action zs-submit">
                            "Signaal afgeven"
                        </button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// With JavaScript, a recorded registration or signal opens the youth page
/// (without it, the server redirects there).
fn open_youth_when_recorded(youth_id: impl Fn() -> Option<uuid::Uuid> + 'static) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(id) = youth_id() {
            navigate(&format!("/jeugdigen/{id}"), Default::default());
        }
    });
}
