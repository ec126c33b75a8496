//! The region admin's report mail settings (`/regio/rapportage`): per
//! municipality how often the report goes out and to whom.

use crate::api::reports::RecipientField;
use crate::{
    api::reports::{
        report_settings, AddReportRecipient, MunicipalityReportSettings, RemoveReportRecipient,
        SetReportFrequency,
    },
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    ui::components::{form::ErrorNotice, guard::RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportSettingsPage() -> impl IntoView {
    view! {
        <Title text="Rapportage per e-mail"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=settings_page/>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddReportRecipient>,
    remove: ServerAction<RemoveReportRecipient>,
    frequency: ServerAction<SetReportFrequency>,
}

fn settings_page(_user: CurrentUser) -> AnyView {
    let a = Actions {
        add: ServerAction::new(),
        remove: ServerAction::new(),
        frequency: ServerAction::new(),
    };
    let list = Resource::new(
        move || {
            (
                a.add.version().get(),
                a.remove.version().get(),
                a.frequency.version().get(),
            )
        },
        |_| report_settings(),
    );
    let other_error = move || {
        [a.remove.value().get(), a.frequency.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .or_else(|| {
                a.add
                    .value()
                    .get()
                    .and_then(Result::err)
                    .filter(|e| !matches!(e, AppError::Invalid { .. }))
            })
            .map(|e| view! { <ErrorNotice error=e/> })
    };
    view! {
        <h1 class="utrecht-heading-1">"Rapportage per e-mail"</h1>
        <p class="utrecht-paragraph">
            "Op de eerste werkdag na elke maand (of elk kwartaal) krijgen de ontvangers van een gemeente de kerncijfers van de afgelopen periode, met alle tabellen als CSV-bijlage en een link naar de rapportage. "
            "Een periode die gemist is omdat Zorgsignaal niet draaide, wordt alsnog verstuurd."
        </p>
        {other_error}
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(rows) => rows.into_iter().map(|s| municipality_card(s, a)).collect_view().into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

fn municipality_card(s: MunicipalityReportSettings, a: Actions) -> impl IntoView {
    let code = s.code.clone();
    let (name_id, email_id, freq_id) = (
        RecipientField::Name.of_row(&code),
        RecipientField::Email.of_row(&code),
        RecipientField::Frequency.of_row(&code),
    );
    let row = code.clone();
    let message = move |field: RecipientField| {
        let row = row.clone();
        move || {
            a.add
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|err| err.row_message(field, &row))
                .map(|m| view! { <p class="utrecht-form-field-error-message zs-field__error">{m}</p> })
        }
    };
    let monthly = s.frequency == "monthly";
    let heading_id = format!("gemeente-{code}");
    let heading_ref = heading_id.clone();
    let title = s.name.clone();
    let freq_label = format!("Hoe vaak ({})", s.name);
    let name_label = format!("Naam nieuwe ontvanger ({})", s.name);
    let email_label = format!("E-mailadres nieuwe ontvanger ({})", s.name);
    let code2 = code.clone();
    let (name_for, email_for, freq_for) = (name_id.clone(), email_id.clone(), freq_id.clone());
    view! {
        <section class="zs-card" aria-labelledby=heading_ref>
            <h2 class="utrecht-heading-2" id=heading_id>{title}</h2>
            <ActionForm action=a.frequency attr:class="zs-inline-form">
                <input type="hidden" name="gemeente" value=code/>
                <div class="utrecht-form-field zs-field">
                    <label class="utrecht-form-label" for=freq_for>{freq_label}</label>
                    <select class="utrecht-select utrecht-select--html-select" id=freq_id.clone() name="frequentie">
                        <option value="monthly" selected=monthly>"Elke maand"</option>
                        <option value="quarterly" selected=!monthly>"Elk kwartaal"</option>
                    </select>
                </div>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Opslaan"</button>
            </ActionForm>
            {if s.recipients.is_empty() {
                view! { <p class="utrecht-paragraph">"Nog geen ontvangers."</p> }.into_any()
            } else {
                view! {
                    <ul class="utrecht-unordered-list">
                        {s.recipients.into_iter().map(|(id, name, email)| view! {
                            <li>
                                {format!("{name} <{email}> ")}
                                <ActionForm action=a.remove attr:class="zs-inline-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <button type="submit" class="utrecht-button utrecht-button--subtle" aria-label=format!("{name} verwijderen")>"Verwijderen"</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=a.add attr:novalidate=true>
                <input type="hidden" name="gemeente" value=code2/>
                <div class="utrecht-form-field zs-field">
                    <label class="utrecht-form-label" for=name_for>{name_label}</label>
                    <input class="utrecht-textbox utrecht-textbox--html-input" id=name_id.clone() name="naam" autocomplete="off"/>
                    {message(RecipientField::Name)}
                </div>
                <div class="utrecht-form-field zs-field">
                    <label class="utrecht-form-label" for=email_for>{email_label}</label>
                    <input class="utrecht-textbox utrecht-textbox--html-input" id=email_id.clone() name="email" type="email" autocomplete="off"/>
                    {message(RecipientField::Email)}
                </div>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Ontvanger toevoegen"</button>
            </ActionForm>
        </section>
    }
}
