//! The HTML shell and the route table.

use crate::ui::{
    components::layout::{SiteFooter, SiteHeader, SkipLink},
    pages::{
        account::{AccountPage, LoginCodePage, RecoveryCodesPage, TwoFactorReplacePage, TwoFactorSetupPage},
        actions::MyActionsPage,
        admin::{AuditPage, TokensPage},
        board::BoardPage,
        chain_forms::{RegisterPage, SignalPage},
        coordination::CoordinationPage,
        covenant::CovenantPage,
        data_quality::DataQualityPage,
        escalations::EscalationsPage,
        home::HomePage,
        import::ImportPage,
        login::LoginPage,
        mail::MailPage,
        not_found::NotFound,
        region::RegionPage,
        report_settings::ReportSettingsPage,
        reports::ReportsPage,
        youths::{MyYouthsPage, YouthPage},
    },
    session::provide_user,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// A route whose page is compiled into its own .wasm chunk (cargo leptos
/// `--split`): the browser loads it when the page is first visited, so the
/// first download holds only the shell, the log-in and the start page.
///
/// The server renders these pages directly. Leptos 0.8's lazy route on the
/// server builds the page more than once (each build taking new hydration
/// ids), so the browser could not hydrate what the server sent; rendered
/// directly, the server assigns ids in the order the browser does.
#[cfg(not(feature = "ssr"))]
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        pub(super) struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

#[cfg(not(feature = "ssr"))]
mod lazy {
    use super::*;
    use leptos_router::{lazy_route, LazyRoute};

    lazy_page!(RegionRoute, RegionPage);
    lazy_page!(ReportsRoute, ReportsPage);
    lazy_page!(ReportSettingsRoute, ReportSettingsPage);
    lazy_page!(TokensRoute, TokensPage);
    lazy_page!(AuditRoute, AuditPage);
    lazy_page!(MailRoute, MailPage);
    lazy_page!(MyYouthsRoute, MyYouthsPage);
    lazy_page!(RegisterRoute, RegisterPage);
    lazy_page!(ImportRoute, ImportPage);
    lazy_page!(YouthRoute, YouthPage);
    lazy_page!(SignalRoute, SignalPage);
    lazy_page!(CoordinationRoute, CoordinationPage);
    lazy_page!(CovenantRoute, CovenantPage);
    lazy_page!(EscalationsRoute, EscalationsPage);
    lazy_page!(DataQualityRoute, DataQualityPage);
    lazy_page!(BoardRoute, BoardPage);
    lazy_page!(MyActionsRoute, MyActionsPage);
    lazy_page!(LoginCodeRoute, LoginCodePage);
    lazy_page!(SetupRoute, TwoFactorSetupPage);
    lazy_page!(ReplaceRoute, TwoFactorReplacePage);
    lazy_page!(AccountRoute, AccountPage);
    lazy_page!(RecoveryCodesRoute, RecoveryCodesPage);
}

/// The route view of a lazily loaded page: the page itself on the server,
/// its chunk's loader in the browser.
#[cfg(feature = "ssr")]
macro_rules! page {
    ($route:ident, $page:ident) => {
        $page
    };
}
#[cfg(not(feature = "ssr"))]
macro_rules! page {
    ($route:ident, $page:ident) => {
        leptos_router::Lazy::<lazy::$route>::new()
    };
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="nl" class="utrecht-html">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="same-origin"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/vendor/utrecht-component-library.css"/>
                <link rel="stylesheet" href="/vendor/voorbeeld-theme.css"/>
                <link rel="stylesheet" href="/pkg/zorgsignaal.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="voorbeeld-theme utrecht-body">
                <App/>
            </body>
        </html>
    }
}

/// The name every page title ends in, and the title while a page has none.
const APP_NAME: &str = "Zorgsignaal";

/// "<page> – Zorgsignaal" for every page, and never an empty title: while a
/// lazily loaded page's code is still on its way (and its own `<Title>` not
/// yet built), the title falls back to the page name the server rendered
/// when this is still the page the browser loaded, else to "Zorgsignaal".
/// (Without a fallback the browser showed an empty title for a few hundred
/// milliseconds on every lazily loaded page, which axe flags.)
#[component]
fn DocumentTitle() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let first_path = location.pathname.get_untracked();
    let first_title = loaded_page_title();
    let fallback = move || {
        if location.pathname.get() == first_path {
            first_title.clone()
        } else {
            APP_NAME.to_string()
        }
    };
    view! {
        <Title
            text=fallback
            formatter=|page: String| {
                if page == APP_NAME { page } else { format!("{page} – {APP_NAME}") }
            }
        />
    }
}

/// The page part of the title the server rendered (in the browser).
fn loaded_page_title() -> String {
    #[cfg(not(feature = "ssr"))]
    {
        let title = document().title();
        let suffix = format!(" – {APP_NAME}");
        if let Some(page) = title.strip_suffix(&suffix).filter(|p| !p.is_empty()) {
            return page.to_string();
        }
    }
    APP_NAME.to_string()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_user();

    // Every page renders whole on the server (SsrMode::Async): the status
    // code and redirects are known before the first byte, and a browser
    // without JavaScript gets the complete page, not streamed fragments.
    view! {
        <Router>
            <DocumentTitle/>
            <SkipLink/>
            <div class="zs-page utrecht-page">
                <SiteHeader/>
                <main id="inhoud" tabindex="-1" class="zs-main utrecht-page-content">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen/code") view={page!(LoginCodeRoute, LoginCodePage)} ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen/tweestaps") view={page!(SetupRoute, TwoFactorSetupPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/account") view={page!(AccountRoute, AccountPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/account/tweestaps") view={page!(SetupRoute, TwoFactorSetupPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/account/andere-app") view={page!(ReplaceRoute, TwoFactorReplacePage)} ssr=SsrMode::Async/>
                        <Route path=path!("/account/herstelcodes") view={page!(RecoveryCodesRoute, RecoveryCodesPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio") view={page!(RegionRoute, RegionPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/rapportage") view={page!(ReportsRoute, ReportsPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/api-sleutels") view={page!(TokensRoute, TokensPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/logboek") view={page!(AuditRoute, AuditPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/e-mail") view={page!(MailRoute, MailPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/convenant") view={page!(CovenantRoute, CovenantPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/opschalingen") view={page!(EscalationsRoute, EscalationsPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/gegevenskwaliteit") view={page!(DataQualityRoute, DataQualityPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/regio/rapportage") view={page!(ReportSettingsRoute, ReportSettingsPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/coordinatie") view={page!(CoordinationRoute, CoordinationPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/bord") view={page!(BoardRoute, BoardPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/acties") view={page!(MyActionsRoute, MyActionsPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen") view={page!(MyYouthsRoute, MyYouthsPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/registreren") view={page!(RegisterRoute, RegisterPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/importeren") view={page!(ImportRoute, ImportPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/:id") view={page!(YouthRoute, YouthPage)} ssr=SsrMode::Async/>
                        <Route path=path!("/signalen/nieuw") view={page!(SignalRoute, SignalPage)} ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
