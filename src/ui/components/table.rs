//! A data table in the NL Design System style: caption, column headers, rows.

use leptos::prelude::*;

/// A table with a caption (its accessible name) and one header cell per
/// column; the children are the body's rows. Columns named in `numeric` are
/// right-aligned.
#[component]
pub fn Table(
    caption: &'static str,
    columns: &'static [&'static str],
    #[prop(optional)] numeric: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    view! {
        <div class="utrecht-table-container">
            <table class="utrecht-table utrecht-table--html-table">
                <caption class="utrecht-table__caption">{caption}</caption>
                <thead class="utrecht-table__header">
                    <tr class="utrecht-table__row">
                        {columns
                            .iter()
                            .map(|c| {
                                let class = if numeric.contains(c) {
                                    "utrecht-table__header-cell utrecht-table__header-cell--numeric-column"
                                } else {
                                    "utrecht-table__header-cell"
                                };
                                view! { <th scope="col" class=class>{*c}</th> }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody class="utrecht-table__body">{children()}</tbody>
            </table>
        </div>
    }
}
