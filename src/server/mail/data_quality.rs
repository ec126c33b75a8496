//! The mail of a resolved mismatch (the region admin's data-quality list).
//! A mistyped BSN's mail names only the youth as its own organisation
//! recorded it: nothing of the child the BSN belongs to.

use super::{
    templates::{html_page, youth_link, FOOTER},
    Template,
};
use crate::server::html::escape;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MismatchResolved {
    pub recipient_name: String,
    pub youth_id: Uuid,
    /// The name as the recipient's organisation sees it now.
    pub youth_name: String,
    /// True: the same person, now with one set of data for everyone;
    /// false: a mistyped BSN. (Never the data itself: a mail carries no
    /// date of birth.)
    pub same_person: bool,
}

impl MismatchResolved {
    /// Where the mail leads: the youth's page; after a mistyped BSN, whose
    /// page the organisation no longer sees, the registration form.
    fn link(&self, base: &str) -> (&'static str, String) {
        if self.same_person {
            ("Bekijk de jeugdige", youth_link(base, self.youth_id))
        } else {
            (
                "Leg de jeugdige opnieuw vast",
                format!("{base}/jeugdigen/registreren"),
            )
        }
    }

    fn lines(&self) -> Vec<String> {
        if self.same_person {
            vec![
                format!(
                    "De regiobeheerder heeft afwijkende gegevens van een jeugdige bij wie je betrokken bent gelijkgetrokken. \
Iedereen die betrokken is, ziet nu dezelfde naam en geboortedatum; je leest ze bij {} in Zorgsignaal.",
                    self.youth_name
                ),
                "Staan er in je eigen systeem andere gegevens? Pas ze daar dan aan.".into(),
            ]
        } else {
            vec![
                format!(
                    "De regiobeheerder heeft vastgesteld dat het BSN dat je organisatie bij {} heeft vastgelegd, \
bij een ander kind hoort.",
                    self.youth_name
                ),
                "Zorgsignaal heeft de registraties en signalen van je organisatie bij dit BSN daarom beëindigd \
(reden: \u{2018}ten onrechte vastgelegd\u{2019}). Leg de jeugdige opnieuw vast met het juiste BSN."
                    .into(),
            ]
        }
    }
}

impl Template for MismatchResolved {
    const KIND: &'static str = "mismatch_resolved";

    fn subject(&self) -> String {
        if self.same_person {
            "Zorgsignaal: gegevens van een jeugdige gelijkgetrokken".into()
        } else {
            "Zorgsignaal: controleer het BSN van een registratie".into()
        }
    }

    fn text(&self, base: &str) -> String {
        let (label, link) = self.link(base);
        format!(
            "Beste {},\n\n{}\n\n{label}: {link}\n\n{}\n",
            self.recipient_name,
            self.lines().join("\n\n"),
            FOOTER
        )
    }

    fn html(&self, base: &str) -> String {
        let mut body = format!("<p>Beste {},</p>", escape(&self.recipient_name));
        for l in self.lines() {
            body.push_str(&format!("<p>{}</p>", escape(&l)));
        }
        html_page(&self.subject(), &body, &self.link(base).1, self.link(base).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(same_person: bool) -> MismatchResolved {
        MismatchResolved {
            recipient_name: "Bram".into(),
            youth_id: Uuid::nil(),
            youth_name: "Jan <de> Vries".into(),
            same_person,
        }
    }

    #[test]
    fn the_subject_never_names_the_youth_and_the_html_escapes_it() {
        for m in [mail(false), mail(true)] {
            assert!(!m.subject().contains("Jan"));
            assert!(m.html("https://x").contains("Jan &lt;de&gt; Vries"));
            assert!(m.text("https://x").contains("https://x/jeugdigen/"));
        }
    }

    #[test]
    fn a_mistyped_bsn_asks_to_correct_it_and_an_agreement_says_where_to_read_the_data() {
        assert!(mail(false).text("").contains("bij een ander kind hoort"));
        assert!(mail(true).text("").contains("dezelfde naam en geboortedatum"));
    }
}
