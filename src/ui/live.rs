//! Live updates in the browser: one EventSource per page. Its events only
//! say *that* something changed; the page's resources read the counters
//! below and refetch. The browser reconnects by itself and sends the last
//! event id, so the server replays what was missed. Without JavaScript
//! nothing connects and the page offers a reload button instead.

use crate::{api::live::live_presence, domain::live::Topic};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Live {
    /// Bumped on every change the viewer may see, and on resync.
    pub changes: ReadSignal<u64>,
    /// Bumped when someone comes to or leaves the page.
    pub presence: ReadSignal<u64>,
    /// The stream is open (always false on the server and without JavaScript).
    pub connected: ReadSignal<bool>,
    pub topic: Signal<Option<Topic>>,
}

/// Connects the page to the live stream of `topic` once it runs in the
/// browser, and again when the topic changes (another youth's page).
/// `catch_up`: also refetch once the stream is open, for what changed
/// between rendering and connecting; for pages without forms, whose
/// half-typed text a refetch would wipe.
pub fn use_live(topic: impl Into<Signal<Option<Topic>>>, catch_up: bool) -> Live {
    let topic = topic.into();
    let (changes, set_changes) = signal(0u64);
    let (presence, set_presence) = signal(0u64);
    let (connected, set_connected) = signal(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(t) = topic.get() {
            browser::connect(t, catch_up, set_changes, set_presence, set_connected)
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_changes, set_presence, set_connected, catch_up);
    Live {
        changes,
        presence,
        connected,
        topic,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::live::{event, Topic, PATH};
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};

    /// How long events are gathered before one refetch.
    const COALESCE_MS: u64 = 150;

    pub fn connect(
        topic: Topic,
        catch_up: bool,
        changes: WriteSignal<u64>,
        presence: WriteSignal<u64>,
        connected: WriteSignal<bool>,
    ) {
        let Ok(source) = web_sys::EventSource::new(&format!("{PATH}?topic={}", topic.param())) else {
            return;
        };
        // A burst of events (a bulk change, a replay) becomes one refetch:
        // the first event starts a short wait, later ones ride along.
        let bump = |s: WriteSignal<u64>| {
            let pending = std::rc::Rc::new(std::cell::Cell::new(false));
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
                if !pending.replace(true) {
                    let pending = pending.clone();
                    set_timeout(
                        move || {
                            pending.set(false);
                            s.update(|n| *n += 1);
                        },
                        std::time::Duration::from_millis(COALESCE_MS),
                    );
                }
            })
        };
        let on_change = bump(changes);
        let on_presence = bump(presence);
        // `ready` also means: whatever happened before the stream opened is
        // not on it, so refetch once (where that is safe).
        let names: &[&str] = if catch_up {
            &[event::CHANGE, event::RESYNC, event::READY]
        } else {
            &[event::CHANGE, event::RESYNC]
        };
        for name in names {
            let _ = source.add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
        }
        for name in [event::PRESENCE, event::READY] {
            let _ = source.add_event_listener_with_callback(name, on_presence.as_ref().unchecked_ref());
        }
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(true));
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(false));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let kept = send_wrapper::SendWrapper::new((source, on_change, on_presence, on_open, on_error));
        on_cleanup(move || kept.0.close());
    }
}

/// "Also here: …": who else has this page open now, over all instances.
#[component]
pub fn Presence(live: Live) -> impl IntoView {
    let others = Resource::new(
        move || (live.topic.get(), live.presence.get()),
        |(topic, _)| async move {
            match topic {
                Some(t) => live_presence(t.param()).await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <p class="utrecht-paragraph zs-presence" role="status">
            <Transition fallback=|| ()>
                {move || others.get().map(|r| match r {
                    Ok(names) if names.is_empty() => "Niemand anders bekijkt dit nu.".to_string(),
                    Ok(names) => format!("Bekijkt dit nu ook: {}.", names.join(", ")),
                    Err(_) => String::new(),
                })}
            </Transition>
        </p>
    }
}

/// The live status and, for a page without JavaScript, the way to refresh.
#[component]
pub fn LiveStatus(live: Live, #[prop(into)] reload: String) -> impl IntoView {
    view! {
        <div class="zs-live">
            <p class="utrecht-paragraph zs-live__state">
                {move || if live.connected.get() {
                    "Werkt zichzelf bij zodra er iets verandert."
                } else {
                    "Stand bij het openen van deze pagina."
                }}
            </p>
            <a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href=reload>
                "Vernieuwen"
            </a>
        </div>
    }
}

/// Bumps `stale`, the counter a page's resource depends on instead of
/// `live.changes`: on a live change it fetches quietly and bumps only when
/// the answer differs from what `current` shows. A change the page itself just made
/// (and already refetched) then re-renders nothing, so an open form or a
/// half-typed text stays as it is.
/// True when a resource's fetch was set off by [`when_changed`] finding
/// the data changed (its `stale` count moved since the last fetch), not
/// by the user: such a refetch only looks at the session.
pub fn after_live_change(seen: StoredValue<usize>, stale: usize) -> bool {
    let moved = stale != seen.get_value();
    seen.set_value(stale);
    moved
}

pub fn when_changed<T, Fut>(
    live: Live,
    current: Resource<T>,
    stale: WriteSignal<usize>,
    fetch: impl Fn() -> Fut + 'static,
) where
    T: PartialEq + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let fetch = std::rc::Rc::new(fetch);
    let probe = LocalResource::new(move || {
        let n = live.changes.get();
        let fetch = fetch.clone();
        async move {
            if n == 0 {
                None
            } else {
                Some(fetch().await)
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Some(fresh)) = probe.get() {
            if current.get_untracked().as_ref() != Some(&fresh) {
                stale.update(|n| *n += 1);
            }
        }
    });
}
