//! The coordinator's board ("Coördinatiebord"): every coordinated youth
//! with its actions in lanes, progress at a glance, filters, presence, and
//! live updates. Without JavaScript it shows the state when it was opened
//! and a reload button.

use crate::{
    api::actions::coordination_board,
    domain::{
        actions::{ActionView, Lane},
        board::{Board, BoardCase, BoardFilter},
        live::Topic,
        records::nl_date,
        role::Role,
        user::CurrentUser,
    },
    ui::{
        components::{form::ErrorNotice, guard::RequireRole},
        live::{use_live, LiveStatus, Presence},
        pages::actions::{status, with_whom},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

/// A case counts as stalling when nobody acted for this many days.
pub const STALL_DAYS: i64 = 14;

#[component]
pub fn BoardPage() -> impl IntoView {
    view! {
        <Title text="Coördinatiebord"/>
        <RequireRole roles=vec![Role::Coordinator] page=board_page/>
    }
}

fn board_page(_user: CurrentUser) -> AnyView {
    let live = use_live(Some(Topic::Board), true);
    let query = use_query_map();
    let location = use_location();
    let filter = Memo::new(move |_| {
        query.with(|q| BoardFilter {
            municipality: q.get("gemeente").unwrap_or_default(),
            assignee: q.get("uitvoerder").unwrap_or_default(),
            overdue_only: q.get("te_laat").is_some_and(|v| !v.is_empty()),
        })
    });
    // After the first load, every fetch follows a live change: it looks at
    // the session without keeping it alive.
    let board = Resource::new(move || live.changes.get(), |n| coordination_board(n > 0));
    let reload = move || {
        let search = location.search.get();
        match search.trim_start_matches('?') {
            "" => "/bord".to_string(),
            s => format!("/bord?{s}"),
        }
    };
    view! {
        <h1 class="utrecht-heading-1">"Coördinatiebord"</h1>
        <Presence live/>
        {move || view! { <LiveStatus live reload=reload()/> }}
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || board.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(b) => board_view(b, filter.get()).into_any(),
            })}
        </Transition>
    }
    .into_any()
}

fn options(all: Vec<String>, chosen: &str, everyone: &'static str) -> impl IntoView {
    let chosen = chosen.to_string();
    view! {
        <option value="">{everyone}</option>
        {all.into_iter().map(|m| {
            let selected = m == chosen;
            view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
        }).collect_view()}
    }
}

fn filter_form(b: &Board, f: &BoardFilter) -> impl IntoView {
    view! {
        <form method="get" action="/bord" class="zs-filters" aria-label="Filters">
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="gemeente">"Gemeente"</label></div>
                <select class="utrecht-select utrecht-select--html-select" id="gemeente" name="gemeente">
                    {options(b.municipalities(), &f.municipality, "Alle gemeenten")}
                </select>
            </div>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="uitvoerder">"Uitvoerder"</label></div>
                <select class="utrecht-select utrecht-select--html-select" id="uitvoerder" name="uitvoerder">
                    {options(b.assignees(), &f.assignee, "Iedereen")}
                </select>
            </div>
            <div class="utrecht-form-field utrecht-form-field--checkbox zs-check">
                <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="te_laat" name="te_laat" value="1" checked=f.overdue_only/>
                <label class="utrecht-form-label utrecht-form-label--checkbox" for="te_laat">"Alleen te late acties"</label>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Filteren"</button>
        </form>
    }
}

fn board_view(b: Board, f: BoardFilter) -> impl IntoView {
    let form = filter_form(&b, &f);
    let cases = f.apply(&b.cases);
    let counts = Board::counts(&cases);
    view! {
        <p class="utrecht-paragraph">{format!("Casussen die jij coördineert, en die van {} die nog niemand heeft opgepakt.", b.organisation)}</p>
        {form}
        <dl class="zs-facts zs-counts" aria-label="Aantallen per baan">
            {counts.into_iter().map(|(lane, n)| view! { <dt>{lane.label()}</dt><dd>{n}</dd> }).collect_view()}
        </dl>
        {if cases.is_empty() {
            view! { <p class="utrecht-paragraph">"Geen casussen bij deze filters."</p> }.into_any()
        } else {
            cases.into_iter().map(case_card).collect_view().into_any()
        }}
    }
}

fn lane_list(c: &BoardCase, lane: Lane) -> impl IntoView {
    let items: Vec<ActionView> = c.lane(lane).cloned().collect();
    let label_id = format!("baan-{}-{:?}", c.youth_id, lane).to_lowercase();
    let labelled = label_id.clone();
    view! {
        <section class="zs-lane" aria-labelledby=labelled>
            <h3 class="utrecht-heading-3" id=label_id>{format!("{} ({})", lane.label(), items.len())}</h3>
            {if items.is_empty() {
                view! { <p class="utrecht-paragraph">"Geen."</p> }.into_any()
            } else {
                view! {
                    <ul class="zs-lane__items">
                        {items.into_iter().map(|a| view! {
                            <li class="zs-action" class:zs-action--overdue=a.lane == Some(Lane::Overdue)>
                                <strong>{a.title.clone()}</strong><br/>
                                {with_whom(&a)}<br/>
                                {status(&a)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn case_card(c: BoardCase) -> impl IntoView {
    let heading_id = format!("casus-{}", c.youth_id);
    let p = c.progress;
    let today = crate::domain::today();
    let stalled = c
        .last_acted
        .map(|d| (today - d).num_days())
        .filter(|d| *d >= STALL_DAYS);
    let labelled = heading_id.clone();
    view! {
        <section class="zs-card zs-case" aria-labelledby=labelled>
            <h2 class="utrecht-heading-2" id=heading_id>
                <a class="utrecht-link" href=format!("/jeugdigen/{}", c.youth_id)>{c.name.clone()}</a>
            </h2>
            <dl class="zs-facts">
                <dt>"Gemeente"</dt><dd>{c.municipality.clone()}</dd>
                <dt>"Match sinds"</dt><dd>{format!("{} dagen", c.match_days)}</dd>
                <dt>"Coördinator"</dt><dd>{c.coordinator.clone().unwrap_or_else(|| "nog niemand".into())}</dd>
                {(!c.family.is_empty()).then(|| view! { <dt>"Gezin"</dt><dd>{format!("samen met {}", c.family.join(", "))}</dd> })}
                <dt>"Op tijd gedaan"</dt>
                <dd>{p.on_time_percent.map(|n| format!("{n}%")).unwrap_or_else(|| "nog niets te beoordelen".into())}</dd>
                <dt>"Oudste open actie"</dt>
                <dd>{p.oldest_open_due.map(|d| format!("uiterlijk {}", nl_date(d))).unwrap_or_else(|| "geen".into())}</dd>
                <dt>"Laatst iets gedaan"</dt>
                <dd>{c.last_acted.map(nl_date).unwrap_or_else(|| "nog niets".into())}</dd>
            </dl>
            {stalled.map(|d| view! {
                <p class="utrecht-paragraph zs-warning"><strong>{format!("Let op: al {d} dagen is er niets gebeurd.")}</strong></p>
            })}
            <div class="zs-lanes">
                {lane_list(&c, Lane::Open)}
                {lane_list(&c, Lane::Overdue)}
                {lane_list(&c, Lane::Done)}
            </div>
        </section>
    }
}
