//! The periodic report's mail: the period's key figures with the whole
//! report as a CSV attachment and a link to the page. When it is sent is
//! the scheduler's use case, `server::cases::reports`.

use super::{
    templates::{html_page, FOOTER},
    Template,
};
use crate::server::html::escape;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodicReport {
    pub recipient_name: String,
    pub municipality: String,
    pub period_label: String,
    /// The key figures as published: (label, this period, previous period).
    pub lines: Vec<(String, String, String)>,
    pub previous_label: String,
    /// The page's query string for this municipality and period.
    pub query: String,
    pub file_name: String,
    pub csv: String,
}

impl Template for PeriodicReport {
    const KIND: &'static str = "periodic_report";

    fn subject(&self) -> String {
        format!("Rapportage {} over {}", self.municipality, self.period_label)
    }

    fn text(&self, base: &str) -> String {
        let mut s = format!(
            "Beste {},\n\nHierbij de kerncijfers van {} over {} (tussen haakjes: {}). \
Aantallen onder de 5 staan er als \"<5\"; de andere zijn naar beneden afgerond op vijftallen (10 staat voor 10 tot en met 14).\n\n",
            self.recipient_name, self.municipality, self.period_label, self.previous_label
        );
        for (label, now, before) in &self.lines {
            s.push_str(&format!("- {label}: {now} ({before})\n"));
        }
        s.push_str(&format!(
            "\nAlle tabellen staan in de bijlage ({}), te openen in Excel.\n\
Bekijk de rapportage met grafieken: {base}/rapportage?{}\n\n{FOOTER}\n",
            self.file_name, self.query
        ));
        s
    }

    fn html(&self, base: &str) -> String {
        let mut body = format!(
            "<p>Beste {},</p><p>Hierbij de kerncijfers van {} over {}. Aantallen onder de 5 staan er als &quot;&lt;5&quot;; de andere zijn naar beneden afgerond op vijftallen (10 staat voor 10 tot en met 14).</p>\
<table style=\"border-collapse:collapse\"><thead><tr><th scope=\"col\" style=\"text-align:left;padding:4px 8px\">Cijfer</th>\
<th scope=\"col\" style=\"text-align:right;padding:4px 8px\">{}</th><th scope=\"col\" style=\"text-align:right;padding:4px 8px\">{}</th></tr></thead><tbody>",
            escape(&self.recipient_name),
            escape(&self.municipality),
            escape(&self.period_label),
            escape(&self.period_label),
            escape(&self.previous_label),
        );
        for (label, now, before) in &self.lines {
            body.push_str(&format!(
                "<tr><th scope=\"row\" style=\"text-align:left;padding:4px 8px;font-weight:normal\">{}</th>\
<td style=\"text-align:right;padding:4px 8px\">{}</td><td style=\"text-align:right;padding:4px 8px\">{}</td></tr>",
                escape(label),
                escape(now),
                escape(before)
            ));
        }
        body.push_str(&format!(
            "</tbody></table><p>Alle tabellen staan in de bijlage ({}), te openen in Excel.</p>",
            escape(&self.file_name)
        ));
        html_page(
            &self.subject(),
            &body,
            &format!("{base}/rapportage?{}", self.query),
            "Bekijk de rapportage",
        )
    }

    fn attachment(&self) -> Option<(String, Vec<u8>)> {
        Some((self.file_name.clone(), self.csv.clone().into_bytes()))
    }
}
