//! What each figure counts: its rollup measures and how they add up over a
//! period, and the dimensions it is broken down by.

use super::{
    facts::{month_of, Facts},
    AgeGroup, Period,
};
use crate::domain::{involvement::SignalKind, organisation::OrganisationKind};
use chrono::{Months, NaiveDate};

const EARLIEST: NaiveDate = NaiveDate::MIN;

/// How a figure counts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Count {
    /// Facts of the measure in the period.
    New(&'static str),
    /// Started up to the period's end, minus ended before its start.
    Active(&'static str, &'static str),
    /// Started minus ended, both up to the period's end.
    AtEnd(&'static str, &'static str),
}

/// A breakdown dimension.
/// What a figure is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Dim {
    Age,
    Org,
    Kind,
}

impl Dim {
    pub(super) fn key(self) -> &'static str {
        match self {
            Dim::Age => "age",
            Dim::Org => "org",
            Dim::Kind => "kind",
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Dim::Age => "Leeftijd",
            Dim::Org => "Soort organisatie",
            Dim::Kind => "Soort signaal",
        }
    }

    /// (stored value, label) for every value, in the order shown.
    pub(super) fn values(self) -> Vec<(String, &'static str)> {
        match self {
            Dim::Age => AgeGroup::ALL
                .iter()
                .enumerate()
                .map(|(i, a)| (i.to_string(), a.label()))
                .collect(),
            Dim::Org => OrganisationKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), k.label()))
                .collect(),
            Dim::Kind => SignalKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), k.label()))
                .collect(),
        }
    }
}

/// Which figure: the report's typed key. On the wire (the page's data and
/// the tests' lookups) it keeps its short Dutch name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FigureKey {
    #[serde(rename = "registraties_nieuw")]
    NewRegistrations,
    #[serde(rename = "registraties_actief")]
    ActiveRegistrations,
    #[serde(rename = "signalen_nieuw")]
    NewSignals,
    #[serde(rename = "signalen_actief")]
    ActiveSignals,
    #[serde(rename = "matches")]
    Matches,
    #[serde(rename = "coordinatie")]
    Coordinated,
    #[serde(rename = "overdrachten")]
    Handovers,
    #[serde(rename = "opschalingen")]
    Escalations,
}

impl FigureKey {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKey::NewRegistrations => "registraties_nieuw",
            FigureKey::ActiveRegistrations => "registraties_actief",
            FigureKey::NewSignals => "signalen_nieuw",
            FigureKey::ActiveSignals => "signalen_actief",
            FigureKey::Matches => "matches",
            FigureKey::Coordinated => "coordinatie",
            FigureKey::Handovers => "overdrachten",
            FigureKey::Escalations => "opschalingen",
        }
    }
}

/// Lookups by the name on the wire (tests, and whoever reads the JSON).
impl PartialEq<&str> for FigureKey {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

pub(super) struct FigureDef {
    pub(super) key: FigureKey,
    pub(super) label: &'static str,
    pub(super) count: Count,
    pub(super) dims: &'static [Dim],
}

pub(super) const FIGURES: [FigureDef; 8] = [
    FigureDef {
        key: FigureKey::NewRegistrations,
        label: "Nieuwe ketenregistraties",
        count: Count::New("registration_started"),
        dims: &[Dim::Age, Dim::Org],
    },
    FigureDef {
        key: FigureKey::ActiveRegistrations,
        label: "Actieve ketenregistraties",
        count: Count::Active("registration_started", "registration_ended"),
        dims: &[Dim::Age, Dim::Org],
    },
    FigureDef {
        key: FigureKey::NewSignals,
        label: "Nieuwe signalen",
        count: Count::New("signal_started"),
        dims: &[Dim::Age, Dim::Org, Dim::Kind],
    },
    FigureDef {
        key: FigureKey::ActiveSignals,
        label: "Actieve signalen",
        count: Count::Active("signal_started", "signal_ended"),
        dims: &[Dim::Age, Dim::Org, Dim::Kind],
    },
    FigureDef {
        key: FigureKey::Matches,
        label: "Nieuwe matches",
        count: Count::New("match"),
        dims: &[Dim::Age],
    },
    FigureDef {
        key: FigureKey::Coordinated,
        label: "Jongeren met een coördinator aan het eind van de periode",
        count: Count::AtEnd("coordination_started", "coordination_ended"),
        dims: &[Dim::Age, Dim::Org],
    },
    FigureDef {
        key: FigureKey::Handovers,
        label: "Overdrachten van coördinatie (geaccepteerd)",
        count: Count::New("handover"),
        dims: &[Dim::Age, Dim::Org],
    },
    FigureDef {
        key: FigureKey::Escalations,
        label: "Opschalingen",
        count: Count::New("escalation"),
        dims: &[Dim::Age],
    },
];

/// The keys of the figures, for the per-municipality table of a region.
pub const MUNICIPALITY_COLUMNS: [FigureKey; 4] = [
    FigureKey::NewSignals,
    FigureKey::ActiveSignals,
    FigureKey::NewRegistrations,
    FigureKey::Matches,
];

/// The rollup measures the per-municipality columns read.
pub fn municipality_column_measures() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = MUNICIPALITY_COLUMNS
        .iter()
        .flat_map(|&k| match figure(k).count {
            Count::New(m) => vec![m],
            Count::Active(s, e) | Count::AtEnd(s, e) => vec![s, e],
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

pub(super) fn figure(key: FigureKey) -> &'static FigureDef {
    FIGURES.iter().find(|f| f.key == key).expect("a known figure")
}

impl FigureDef {
    pub(super) fn value(&self, facts: &Facts, dim: Dim, value: &str, p: &Period) -> u64 {
        let (from, to) = (month_of(p.from), month_of(p.to));
        let before_from = from.checked_sub_months(Months::new(1)).unwrap_or(EARLIEST);
        let n = match self.count {
            Count::New(m) => facts.sum(m, dim.key(), value, from, to),
            Count::Active(s, e) => {
                facts.sum(s, dim.key(), value, EARLIEST, to)
                    - facts.sum(e, dim.key(), value, EARLIEST, before_from)
            }
            Count::AtEnd(s, e) => {
                facts.sum(s, dim.key(), value, EARLIEST, to) - facts.sum(e, dim.key(), value, EARLIEST, to)
            }
        };
        n.max(0) as u64
    }

    pub(super) fn parts(&self, facts: &Facts, dim: Dim, p: &Period) -> Vec<u64> {
        dim.values()
            .iter()
            .map(|(v, _)| self.value(facts, dim, v, p))
            .collect()
    }

    /// The figure's total: every figure has the age dimension.
    pub(super) fn total(&self, facts: &Facts, p: &Period) -> u64 {
        self.parts(facts, Dim::Age, p).iter().sum()
    }
}
