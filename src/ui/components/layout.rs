use crate::{
    api::auth::Logout,
    domain::{role::Role, user::CurrentUser},
    ui::session::use_user,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">
            "Direct naar de inhoud"
        </a>
    }
}

/// The links a user's roles give access to; nothing else is shown.
pub fn nav_items(user: &CurrentUser) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![("/", "Start")];
    if user.has(Role::Professional) {
        items.push(("/jeugdigen", "Mijn jeugdigen"));
    }
    if user.has_any(&[Role::Professional, Role::Coordinator]) {
        items.push(("/acties", "Mijn acties"));
    }
    if user.may_signal() {
        items.push(("/signalen/nieuw", "Signaal afgeven"));
    }
    if user.has(Role::Coordinator) {
        items.push(("/bord", "Coördinatiebord"));
        items.push(("/coordinatie", "Coördinatie"));
    }
    if user.has(Role::RegionAdmin) {
        items.push(("/regio", "Regio"));
        items.push(("/regio/api-sleutels", "API-sleutels"));
        items.push(("/regio/logboek", "Logboek"));
        items.push(("/regio/e-mail", "E-mail"));
        items.push(("/regio/convenant", "Convenant"));
        items.push(("/regio/opschalingen", "Opschalingen"));
        items.push(("/regio/gegevenskwaliteit", "Gegevenskwaliteit"));
        items.push(("/regio/rapportage", "Rapportage per e-mail"));
    }
    if user.has(Role::MunicipalityAnalyst) || user.has(Role::RegionAdmin) {
        items.push(("/rapportage", "Rapportage"));
    }
    items
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let user = use_user();
    view! {
        <header class="zs-header utrecht-page-header">
            <div class="zs-header__bar">
                <a class="zs-logo" href="/">"Zorgsignaal"</a>
                <Transition fallback=|| ()>
                    {move || {
                        user.get()
                            .and_then(|r| r.ok().flatten())
                            .map(|u| view! { <UserMenu user=u/> })
                    }}
                </Transition>
            </div>
        </header>
    }
}

#[component]
fn UserMenu(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    // With JavaScript a successful log-out loads the log-in page afresh, so
    // nothing of the session stays in memory.
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().assign("/inloggen");
        }
    });
    let items = nav_items(&user);
    view! {
        <nav class="zs-nav" aria-label="Hoofdmenu">
            <ul class="utrecht-nav-list zs-nav__list">
                {items
                    .into_iter()
                    .map(|(href, label)| {
                        view! {
                            <li class="utrecht-nav-list__item">
                                <A href=href attr:class="utrecht-nav-list__link">{label}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <div class="zs-user">
            <p class="zs-user__who">
                <span class="zs-user__name">{user.name.clone()}</span>
                <span class="zs-user__org">{user.organisation_name.clone()}</span>
            </p>
            <A href="/account" attr:class="utrecht-link zs-user__account">"Mijn account"</A>
            <ActionForm action=logout>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action">
                    "Uitloggen"
                </button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="zs-footer utrecht-page-footer">
            <p>
                "Zorgsignaal deelt alleen "<em>"dat"</em>" je betrokken bent, nooit "<em>"wat"</em>
                " er speelt."
            </p>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(roles: Vec<Role>) -> CurrentUser {
        CurrentUser {
            id: Uuid::nil(),
            name: "X".into(),
            email: "x@y.nl".into(),
            organisation_id: Uuid::nil(),
            organisation_name: "O".into(),
            region_id: Uuid::nil(),
            roles,
            capabilities: crate::domain::organisation::OrganisationKind::Jgz.default_capabilities(),
        }
    }

    #[test]
    fn a_professional_sees_their_youths_and_the_signal_form() {
        let items: Vec<_> = nav_items(&user(vec![Role::Professional, Role::Coordinator]))
            .into_iter()
            .map(|i| i.0)
            .collect();
        assert_eq!(
            items,
            [
                "/",
                "/jeugdigen",
                "/acties",
                "/signalen/nieuw",
                "/bord",
                "/coordinatie"
            ]
        );
    }

    #[test]
    fn a_professional_of_an_organisation_that_may_not_signal_gets_no_signal_form() {
        let mut u = user(vec![Role::Professional]);
        u.capabilities = crate::domain::organisation::OrganisationKind::Gemeente.default_capabilities();
        let items: Vec<_> = nav_items(&u).into_iter().map(|i| i.0).collect();
        assert_eq!(items, ["/", "/jeugdigen", "/acties"]);
    }

    #[test]
    fn a_region_admin_sees_region_and_reports() {
        let items: Vec<_> = nav_items(&user(vec![Role::RegionAdmin]))
            .into_iter()
            .map(|i| i.0)
            .collect();
        assert_eq!(
            items,
            [
                "/",
                "/regio",
                "/regio/api-sleutels",
                "/regio/logboek",
                "/regio/e-mail",
                "/regio/convenant",
                "/regio/opschalingen",
                "/regio/gegevenskwaliteit",
                "/regio/rapportage",
                "/rapportage"
            ]
        );
    }

    #[test]
    fn an_analyst_sees_reports_but_not_the_region() {
        let items: Vec<_> = nav_items(&user(vec![Role::MunicipalityAnalyst]))
            .into_iter()
            .map(|i| i.0)
            .collect();
        assert_eq!(items, ["/", "/rapportage"]);
    }
}
