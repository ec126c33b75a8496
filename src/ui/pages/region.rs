use crate::{
    api::{
        account::{region_two_factor, SetRegionTwoFactor},
        overview::get_region_overview,
    },
    domain::{organisation::OrganisationKind, role::Role, user::CurrentUser},
    ui::components::{form::ErrorNotice, guard::RequireRole, table::Table},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegionPage() -> impl IntoView {
    view! {
        <Title text="Regio"/>
        <RequireRole roles=vec![Role::RegionAdmin] page=region_page/>
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nee"
    }
}

fn region_page(_user: CurrentUser) -> AnyView {
    let overview = Resource::new(|| (), |_| get_region_overview());
    view! {
        <h1 class="utrecht-heading-1">"Regio"</h1>
        <Suspense fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || overview.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(o) => view! {
                    {(!o.overdue_mismatches.is_empty()).then(|| {
                        let n = o.overdue_mismatches.len();
                        view! {
                            <div class="utrecht-alert utrecht-alert--warning zs-alert" role="status">
                                <p class="utrecht-paragraph">
                                    {if n == 1 {
                                        "Er staat 1 afwijking in persoonsgegevens langer dan een week open:".to_string()
                                    } else {
                                        format!("Er staan {n} afwijkingen in persoonsgegevens langer dan een week open:")
                                    }}
                                </p>
                                <ul class="utrecht-unordered-list">
                                    {o.overdue_mismatches.into_iter().take(10).map(|m| view! {
                                        <li>
                                            {format!(
                                                "getypt door {}, open sinds {} ({} dagen)",
                                                m.typed_organisation,
                                                crate::domain::records::nl_date(m.since),
                                                m.days
                                            )}
                                        </li>
                                    }).collect_view()}
                                    {(n > 10).then(|| view! { <li>{format!("en nog {}", n - 10)}</li> })}
                                </ul>
                                <p class="utrecht-paragraph">
                                    <a class="utrecht-link" href="/regio/gegevenskwaliteit">"Naar gegevenskwaliteit"</a>
                                </p>
                            </div>
                        }
                    })}
                    <h2 class="utrecht-heading-2">"Organisaties"</h2>
                    <Table caption="Organisaties in de regio en wat ze mogen" columns=&["Organisatie", "Soort", "Registreren", "Signaleren", "Coördineren", "Gebruikers"] numeric=&["Gebruikers"]>
                        {o.organisations.into_iter().map(|org| view! {
                            <tr class="utrecht-table__row">
                                <th scope="row" class="utrecht-table__header-cell">{org.name}</th>
                                <td class="utrecht-table__cell">
                                    {OrganisationKind::parse(&org.kind).map(|k| k.label()).unwrap_or("onbekend")}
                                </td>
                                <td class="utrecht-table__cell">{yes_no(org.may_register)}</td>
                                <td class="utrecht-table__cell">{yes_no(org.may_signal)}</td>
                                <td class="utrecht-table__cell">{yes_no(org.may_coordinate)}</td>
                                <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{org.users}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                    <h2 class="utrecht-heading-2">"Gemeenten"</h2>
                    <ul class="utrecht-unordered-list zs-columns">
                        {o.municipalities.into_iter().map(|m| view! {
                            <li>{m.name} " (" {m.code} ")"</li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
        <TwoFactorSetting/>
    }
    .into_any()
}

/// Whether everyone in the region needs a second factor at log-in.
#[component]
fn TwoFactorSetting() -> impl IntoView {
    let save = ServerAction::<SetRegionTwoFactor>::new();
    let current = Resource::new(move || save.version().get(), |_| region_two_factor());
    view! {
        <section class="zs-card" aria-labelledby="tweestaps-regio">
            <h2 class="utrecht-heading-2" id="tweestaps-regio">"Tweestapsverificatie"</h2>
            <p class="utrecht-paragraph">
                "Regiobeheerders en gemeentelijk analisten loggen altijd in met een code uit een app. "
                "Je kunt dat ook van alle professionals en coördinatoren in de regio vragen."
            </p>
            {move || save.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e/> })}
            <Suspense fallback=|| ()>
                {move || current.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(all) => view! {
                        <ActionForm action=save attr:class="zs-form">
                            <fieldset class="utrecht-form-fieldset zs-fieldset">
                                <legend class="utrecht-form-fieldset__legend">"Verplicht voor iedereen in de regio"</legend>
                                <label class="utrecht-form-label zs-radio">
                                    <input type="radio" class="utrecht-radio-button" name="iedereen" value="ja" checked=all/>
                                    " Ja, iedereen logt in met een code uit een app"
                                </label>
                                <label class="utrecht-form-label zs-radio">
                                    <input type="radio" class="utrecht-radio-button" name="iedereen" value="nee" checked=!all/>
                                    " Nee, alleen regiobeheerders en analisten"
                                </label>
                            </fieldset>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Opslaan"</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
