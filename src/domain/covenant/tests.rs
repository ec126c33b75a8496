//! Table tests of the rule engine.

use super::*;
use OrganisationKind::*;

fn party(n: u128, kind: OrganisationKind) -> Party {
    Party {
        id: Uuid::from_u128(n),
        name: format!("{} {n}", kind_name(kind)),
        kind,
        may_coordinate: kind.default_capabilities().may_coordinate,
    }
}

fn case(age: i32, municipality: &str, kinds: &[OrganisationKind]) -> Case {
    Case {
        age,
        municipality: municipality.into(),
        parties: kinds
            .iter()
            .enumerate()
            .map(|(i, k)| party(i as u128 + 1, *k))
            .collect(),
    }
}

fn rule(outcome: OrganisationKind) -> Rule {
    Rule {
        min_age: None,
        max_age: None,
        municipalities: vec![],
        kinds_mode: KindsMode::AnyOf,
        kinds: vec![],
        first_kind: None,
        outcome: RuleOutcome::Kind(outcome),
    }
}

fn covenant(rules: Vec<Rule>) -> Covenant {
    Covenant {
        region: "Groningen".into(),
        version: 4,
        rules,
        family_coordination: false,
    }
}

fn groningen() -> Place {
    Place {
        code: "GM0014".into(),
        name: "Groningen".into(),
    }
}

/// The rule number and the appointed organisation's position (1-based) in the case.
fn decide(c: &Covenant, k: &Case) -> (Option<usize>, Option<usize>) {
    let a = c.appoint(k);
    let pos = a
        .organisation
        .map(|id| k.parties.iter().position(|p| p.id == id).unwrap() + 1);
    (a.rule, pos)
}

#[test]
fn each_condition_decides_whether_a_rule_applies() {
    let young = Rule {
        min_age: Some(0),
        max_age: Some(4),
        ..rule(Jgz)
    };
    let teen = Rule {
        min_age: Some(12),
        ..rule(Ggz)
    };
    let upto = Rule {
        max_age: Some(11),
        ..rule(Wijkteam)
    };
    let city = Rule {
        municipalities: vec![groningen()],
        ..rule(Wijkteam)
    };
    let any = Rule {
        kinds: vec![Jeugdbescherming, Jeugdzorg],
        ..rule(Jeugdzorg)
    };
    let all = Rule {
        kinds_mode: KindsMode::AllOf,
        kinds: vec![Jgz, Ggz],
        ..rule(Ggz)
    };
    let first = Rule {
        first_kind: Some(School),
        ..rule(Wijkteam)
    };
    // (rule, case, applies?)
    let table: Vec<(&Rule, Case, bool)> = vec![
        (&young, case(0, "GM0014", &[Jgz, Wijkteam]), true),
        (&young, case(4, "GM0014", &[Jgz, Wijkteam]), true),
        (&young, case(5, "GM0014", &[Jgz, Wijkteam]), false),
        (&teen, case(12, "GM0014", &[Jgz, Ggz]), true),
        (&teen, case(22, "GM0014", &[Jgz, Ggz]), true),
        (&teen, case(11, "GM0014", &[Jgz, Ggz]), false),
        (&upto, case(11, "GM0014", &[Jgz, Wijkteam]), true),
        (&upto, case(12, "GM0014", &[Jgz, Wijkteam]), false),
        (&city, case(8, "GM0014", &[Jgz, Wijkteam]), true),
        (&city, case(8, "GM0037", &[Jgz, Wijkteam]), false),
        (&any, case(8, "GM0014", &[Jgz, Jeugdzorg]), true),
        (&any, case(8, "GM0014", &[Jgz, Wijkteam, Jeugdzorg]), true),
        (&any, case(8, "GM0014", &[Jgz, Wijkteam]), false),
        (&all, case(8, "GM0014", &[Jgz, Ggz]), true),
        (&all, case(8, "GM0014", &[Ggz, School]), false),
        (&first, case(8, "GM0014", &[School, Wijkteam]), true),
        (&first, case(8, "GM0014", &[Wijkteam, School]), false),
    ];
    for (r, k, applies) in table {
        let c = covenant(vec![r.clone()]);
        let (number, _) = decide(&c, &k);
        assert_eq!(
            number == Some(1),
            applies,
            "{} on age {} in {} with {:?}",
            r.describe(),
            k.age,
            k.municipality,
            k.parties.iter().map(|p| p.kind).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_first_rule_that_applies_decides_and_order_matters() {
    let jgz_young = Rule {
        max_age: Some(4),
        ..rule(Jgz)
    };
    let wijk = rule(Wijkteam);
    let k = case(3, "GM0014", &[Wijkteam, Jgz]);
    assert_eq!(
        decide(&covenant(vec![jgz_young.clone(), wijk.clone()]), &k),
        (Some(1), Some(2))
    );
    assert_eq!(decide(&covenant(vec![wijk, jgz_young]), &k), (Some(1), Some(1)));
}

#[test]
fn a_rule_whose_outcome_is_not_involved_is_passed_over() {
    let c = covenant(vec![rule(Jeugdbescherming), rule(Ggz)]);
    assert_eq!(decide(&c, &case(9, "GM0014", &[Jgz, Ggz])), (Some(2), Some(2)));
}

#[test]
fn a_tie_goes_to_the_earliest_involvement() {
    let c = covenant(vec![rule(Wijkteam)]);
    let mut k = case(9, "GM0014", &[Jgz, Wijkteam, Wijkteam]);
    k.parties[2].id = Uuid::from_u128(99);
    assert_eq!(decide(&c, &k), (Some(1), Some(2)));
}

#[test]
fn a_named_organisation_is_appointed_only_when_involved() {
    let named = Rule {
        outcome: RuleOutcome::Organisation {
            id: Uuid::from_u128(2),
            name: "Accare".into(),
        },
        ..rule(Ggz)
    };
    let c = covenant(vec![named]);
    assert_eq!(decide(&c, &case(9, "GM0014", &[Jgz, Ggz])), (Some(1), Some(2)));
    // Organisation 2 is now a school: it is involved, but never coordinates.
    assert_eq!(decide(&c, &case(9, "GM0014", &[Jgz, School])), (Some(2), Some(1)));
}

#[test]
fn the_fallback_appoints_the_first_involved_that_may_coordinate() {
    let c = covenant(vec![rule(Jeugdbescherming)]);
    let a = c.appoint(&case(9, "GM0014", &[School, Politie, Wijkteam, Jgz]));
    assert_eq!(a.rule, Some(2));
    assert_eq!(a.organisation, Some(Uuid::from_u128(3)));
    assert_eq!(
        a.explanation,
        format!("Terugvalregel van convenant Groningen v4: {FALLBACK_TEXT} → wijkteam 3")
    );
    assert_eq!(
        decide(&covenant(vec![]), &case(1, "GM0014", &[Ggz, Jgz])),
        (Some(1), Some(1))
    );
}

#[test]
fn schools_police_and_municipalities_are_never_appointed() {
    // Even a rule that names them (as the editor refuses to save) or a
    // capability set by hand does not make them coordinate.
    let mut school = case(9, "GM0014", &[School, Politie]);
    for p in &mut school.parties {
        p.may_coordinate = true;
    }
    for kind in [School, Politie, Gemeente] {
        let a = covenant(vec![rule(kind)]).appoint(&school);
        assert_eq!(a.organisation, None, "{kind:?}");
        assert!(a.explanation.contains("Geen van de betrokken organisaties"));
    }
}

#[test]
fn an_organisation_without_the_capability_is_passed_over() {
    let mut k = case(9, "GM0014", &[Jgz, Wijkteam]);
    k.parties[0].may_coordinate = false;
    assert_eq!(decide(&covenant(vec![rule(Jgz)]), &k), (Some(2), Some(2)));
}

#[test]
fn the_explanation_names_rule_version_conditions_and_organisation() {
    let r = Rule {
        min_age: Some(0),
        max_age: Some(4),
        kinds: vec![Jgz],
        ..rule(Jgz)
    };
    let mut k = case(2, "GM0014", &[School, Jgz]);
    k.parties[1].name = "GGD Groningen".into();
    let a = covenant(vec![rule(Jeugdzorg), r]).appoint(&k);
    assert_eq!(
        a.explanation,
        "Regel 2 van convenant Groningen v4: leeftijd 0–4 en JGZ betrokken → GGD Groningen"
    );
}

#[test]
fn conditions_read_as_dutch() {
    let r = Rule {
        min_age: Some(12),
        municipalities: vec![
            groningen(),
            Place {
                code: "GM0047".into(),
                name: "Veendam".into(),
            },
        ],
        kinds_mode: KindsMode::AllOf,
        kinds: vec![Jgz, Wijkteam, Ggz],
        first_kind: Some(School),
        ..rule(Ggz)
    };
    assert_eq!(
        r.describe(),
        "Als leeftijd 12 of ouder en woont in Groningen of Veendam en JGZ, wijkteam en jeugd-GGZ betrokken \
en school als eerste betrokken, dan jeugd-GGZ."
    );
    assert_eq!(rule(Jgz).describe(), "Als altijd, dan JGZ.");
}

#[test]
fn the_editor_refuses_impossible_rules() {
    let bad_ages = Rule {
        min_age: Some(10),
        max_age: Some(4),
        ..rule(Jgz)
    };
    let fields: Vec<String> = bad_ages
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, ["max_age"]);
    for kind in [School, Politie, Gemeente] {
        let fields: Vec<String> = rule(kind)
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["outcome"]);
    }
    assert!(rule(Jgz).validate().is_ok());
    assert_eq!(parse_age(""), Ok(None));
    assert_eq!(parse_age(" 4 "), Ok(Some(4)));
    assert!(parse_age("23").is_err());
    assert!(parse_age("vier").is_err());
}

#[test]
fn the_dry_run_lists_exactly_the_appointments_that_change() {
    let k1 = case(2, "GM0014", &[Wijkteam, Jgz]);
    let k2 = case(15, "GM0014", &[Wijkteam, Jgz]);
    let current = vec![
        Current {
            youth_id: Uuid::from_u128(100),
            organisation: k1.parties[0].id,
            case: k1.clone(),
        },
        Current {
            youth_id: Uuid::from_u128(200),
            organisation: k2.parties[0].id,
            case: k2,
        },
    ];
    let young_to_jgz = covenant(vec![Rule {
        max_age: Some(4),
        ..rule(Jgz)
    }]);
    let changes = dry_run(&young_to_jgz, &current);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].youth_id, Uuid::from_u128(100));
    assert_eq!(changes[0].from, k1.parties[0].id);
    assert_eq!(changes[0].to, k1.parties[1].id);
    assert!(changes[0]
        .explanation
        .starts_with("Regel 1 van convenant Groningen v4"));
    assert!(dry_run(&covenant(vec![]), &current).is_empty());
}
