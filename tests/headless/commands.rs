//! Random sequences of edit commands (add, connect, delete, change replicas, toggle a
//! dependency, undo, redo, apply a recommendation, knock out, analyse) on random models
//! never panic, always leave a valid model, and undoing everything restores the original.

use proptest::prelude::*;
use spofscope::advice;
use spofscope::analysis::{self, Options};
use spofscope::edit::{Document, Edit};
use spofscope::generate::generate;
use spofscope::model::{Component, ComponentKind, Dependency, DependencyKind, Event, Model};

#[derive(Clone, Debug)]
enum Command {
    Add(usize),
    Connect(usize, usize, bool),
    Delete(usize),
    Replicas(usize, u32, u32),
    Toggle(usize),
    Undo,
    Redo,
    Recommend(usize),
    KnockOut(Vec<usize>),
    Analyse,
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        4 => (0..12usize).prop_map(Command::Add),
        4 => (0..64usize, 0..64usize, any::<bool>()).prop_map(|(a, b, s)| Command::Connect(a, b, s)),
        2 => (0..64usize).prop_map(Command::Delete),
        3 => (0..64usize, 1..5u32, 1..5u32).prop_map(|(i, r, m)| Command::Replicas(i, r, m)),
        2 => (0..64usize).prop_map(Command::Toggle),
        3 => Just(Command::Undo),
        2 => Just(Command::Redo),
        1 => (0..4usize).prop_map(Command::Recommend),
        2 => prop::collection::vec(0..256usize, 1..4).prop_map(Command::KnockOut),
        1 => Just(Command::Analyse),
    ]
}

fn nth<T>(items: &[T], i: usize) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(i % items.len())
    }
}

/// Every event a what-if may name: replicas, components, zones, regions.
fn events(m: &Model) -> Vec<Event> {
    let mut out = Vec::new();
    for c in &m.components {
        out.push(Event::Component(c.id.clone()));
        for i in 0..c.replica_count() {
            out.push(Event::Replica {
                component: c.id.clone(),
                index: i,
            });
        }
    }
    out.extend(m.zone_ids().map(|z| Event::Zone(z.to_owned())));
    out.extend(m.regions.iter().map(|r| Event::Region(r.id.clone())));
    out
}

fn run(doc: &mut Document, command: &Command) {
    let m = doc.model().clone();
    let ids: Vec<String> = m.components.iter().map(|c| c.id.clone()).collect();
    // Edits that break a rule (a duplicate dependency, say) are refused and change
    // nothing; that is part of what is being tested.
    match command {
        Command::Add(k) => {
            let kind = ComponentKind::ALL[k % ComponentKind::ALL.len()];
            let mut c = Component::new(m.fresh_id(kind.label()), kind);
            c.entry = kind == ComponentKind::Client;
            let _ = doc.apply("Add", &[Edit::AddComponent(c)]);
        }
        Command::Connect(a, b, soft) => {
            if let (Some(a), Some(b)) = (nth(&ids, *a), nth(&ids, *b)) {
                let d = if *soft {
                    Dependency::soft(a, b)
                } else {
                    Dependency::hard(a, b)
                };
                let _ = doc.apply("Connect", &[Edit::AddDependency(d)]);
            }
        }
        Command::Delete(i) => {
            if let Some(id) = nth(&ids, *i) {
                let _ = doc.apply("Delete", &[Edit::RemoveComponent(id.clone())]);
            }
        }
        Command::Replicas(i, r, min) => {
            if let Some(c) = nth(&m.components, *i) {
                let mut next = c.clone();
                next.replicas = *r;
                next.min_healthy = (*min).min(*r);
                let _ = doc.apply(
                    "Replicas",
                    &[Edit::UpdateComponent {
                        id: c.id.clone(),
                        component: next,
                    }],
                );
            }
        }
        Command::Toggle(i) => {
            if let Some(d) = nth(&m.dependencies, *i) {
                let kind = match d.kind {
                    DependencyKind::Hard => DependencyKind::Soft,
                    DependencyKind::Soft => DependencyKind::Hard,
                };
                let _ = doc.apply(
                    "Toggle",
                    &[Edit::SetDependencyKind {
                        from: d.from.clone(),
                        to: d.to.clone(),
                        kind,
                    }],
                );
            }
        }
        Command::Undo => {
            doc.undo();
        }
        Command::Redo => {
            doc.redo();
        }
        Command::Recommend(k) => {
            let report = analysis::analyze(&m, &Options::default());
            let advice = advice::recommend(&m, &report);
            if let Some(r) = nth(&advice.recommendations, *k) {
                let label = r.summary.clone();
                let edits = r.edits.clone();
                doc.apply(&label, &edits)
                    .expect("a recommendation applies to the model it was made for");
            }
        }
        Command::KnockOut(picks) => {
            let all = events(&m);
            let chosen: Vec<Event> = picks
                .iter()
                .filter_map(|&p| nth(&all, p).cloned())
                .collect();
            analysis::whatif(&m, &chosen).expect("events taken from the model are valid");
        }
        Command::Analyse => {
            analysis::analyze(&m, &Options::default());
        }
    }
}

fn start(seed: u64) -> Model {
    generate(8 + (seed % 24) as usize, seed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_command_sequences_keep_the_model_valid_and_undo_restores_it(
        seed in 0..1000u64,
        commands in prop::collection::vec(command(), 1..30),
    ) {
        let original = start(seed);
        let mut doc = Document::new(original.clone(), None);
        for c in &commands {
            run(&mut doc, c);
            prop_assert!(doc.model().validate().is_ok(), "invalid after {c:?}");
        }
        while doc.undo() {}
        prop_assert_eq!(doc.model(), &original);
    }
}
