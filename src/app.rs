//! The HTML shell and the route table.

use crate::ui::{
    components::layout::{SiteFooter, SiteHeader, SkipLink},
    pages::{
        admin::{AuditPage, TokensPage},
        chain_forms::{RegisterPage, SignalPage},
        home::HomePage,
        import::ImportPage,
        login::LoginPage,
        not_found::NotFound,
        region::RegionPage,
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_user();

    // Every page renders whole on the server (SsrMode::Async): the status
    // code and redirects are known before the first byte, and a browser
    // without JavaScript gets the complete page, not streamed fragments.
    view! {
        <Title formatter=|page: String| format!("{page} – Zorgsignaal")/>
        <Router>
            <SkipLink/>
            <div class="zs-page utrecht-page">
                <SiteHeader/>
                <main id="inhoud" tabindex="-1" class="zs-main utrecht-page-content">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/regio") view=RegionPage ssr=SsrMode::Async/>
                        <Route path=path!("/rapportage") view=ReportsPage ssr=SsrMode::Async/>
                        <Route path=path!("/regio/api-sleutels") view=TokensPage ssr=SsrMode::Async/>
                        <Route path=path!("/regio/logboek") view=AuditPage ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen") view=MyYouthsPage ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/registreren") view=RegisterPage ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/importeren") view=ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("/jeugdigen/:id") view=YouthPage ssr=SsrMode::Async/>
                        <Route path=path!("/signalen/nieuw") view=SignalPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
