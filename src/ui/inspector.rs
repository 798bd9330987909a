//! The inspector: every property of the selected component or dependency, or of the model when nothing is.
//! Each change becomes one edit action; must not mutate the model, nor make an undo step per keystroke.

use egui::Ui;

use super::accept::accepted_risks_ui;
use super::action::Action;
use super::command::Command;
use super::failures::{failures_ui, timing_defaults_ui};
use super::fields::{drag_commit, new_id_ui, stepper, text_commit};
use super::look::{glyph, zone_colour};
use super::menu::command_button;
use super::state::State;
use crate::edit::Edit;
use crate::format::plural;
use crate::model::{
    Component, ComponentKind, DependencyKind, Event, Model, Needs, Region, Replication, Workload,
    Zone,
};

/// Text field widths: the usual one, and one for rows that hold more than a field (the
/// region and zone rows of the model page).
const FIELD: f32 = 170.0;
const NARROW_FIELD: f32 = 110.0;

/// The inspector's own state: whether the name field should take the keyboard.
#[derive(Default)]
pub struct Inspector {
    focus_name: bool,
}

impl Inspector {
    /// Put the keyboard in the name field the next time a component shows (Rename).
    pub fn focus_name(&mut self) {
        self.focus_name = true;
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &State, actions: &mut Vec<Action>) {
        egui::Panel::bottom("inspector")
            .resizable(true)
            .default_size(210.0)
            .min_size(110.0)
            .show(ui, |ui| {
                // The panel keeps its height whatever is selected: the canvas above does
                // not jump when the selection changes; longer content scrolls.
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        let mut page = Page {
                            state,
                            actions,
                            focus_name: &mut self.focus_name,
                        };
                        page.selection_ui(ui);
                    });
            });
    }
}

/// One frame of the inspector: what it reads and where its changes go.
struct Page<'a> {
    state: &'a State,
    actions: &'a mut Vec<Action>,
    /// Taken by the first name field drawn.
    focus_name: &'a mut bool,
}

impl Page<'_> {
    fn selection_ui(&mut self, ui: &mut Ui) {
        let model = self.state.doc.snapshot();
        let selection = &self.state.selection;
        match (selection.components.as_slice(), &selection.dependency) {
            ([id], _) => match model.component(id) {
                Some(c) => self.component_ui(ui, &model, c),
                None => self.model_ui(ui, &model),
            },
            ([], Some((from, to))) => self.dependency_ui(ui, &model, from, to),
            ([], None) => self.model_ui(ui, &model),
            (many, _) => self.multi_ui(ui, many.len()),
        }
    }

    /// One undo step setting `what` of the component `before`, if `after` differs.
    fn component(&mut self, what: &str, before: &Component, after: Component) {
        self.actions
            .extend(Action::set_component(what, before, after));
    }

    /// One undo step changing the model itself.
    fn model(&mut self, label: &str, edit: Edit) {
        self.actions.push(Action::edit_model(label, edit));
    }

    /// A component's page: its heading and buttons, then identity, capacity and how it fails
    /// in three columns.
    fn component_ui(&mut self, ui: &mut Ui, model: &Model, c: &Component) {
        self.component_heading_ui(ui, c);
        ui.separator();
        ui.columns(3, |cols| {
            egui::Grid::new("identity")
                .num_columns(2)
                .show(&mut cols[0], |ui| self.identity_ui(ui, c));
            egui::Grid::new("capacity")
                .num_columns(2)
                .show(&mut cols[1], |ui| self.capacity_ui(ui, model, c));
            failures_ui(&mut cols[2], model, c, self.actions);
        });
        egui::CollapsingHeader::new("Workload")
            .id_salt(("workload", &c.id))
            .default_open(c.workload.is_some())
            .show(ui, |ui| {
                egui::Grid::new("workload")
                    .num_columns(2)
                    .show(ui, |ui| self.workload_ui(ui, c));
            });
    }

    /// Where the component runs, for chaos experiments: namespace, kind, name, labels and
    /// URL. Editing a field of a component without one gives it one.
    fn workload_ui(&mut self, ui: &mut Ui, c: &Component) {
        let current = c.workload.clone().unwrap_or_else(|| Workload {
            kind: "Deployment".to_owned(),
            name: c.id.clone(),
            ..Workload::default()
        });
        let mut changed: Option<(&str, Workload)> = None;
        let row = |ui: &mut Ui, label: &str, what: &'static str, value: &str, hint: &str| {
            ui.label(label).on_hover_text(hint);
            let text = text_commit(ui, (what, &c.id), value, false, false, FIELD);
            ui.end_row();
            text
        };
        if let Some(namespace) = row(
            ui,
            "Namespace",
            "workload namespace",
            &current.namespace,
            "The Kubernetes namespace (default when empty)",
        ) {
            changed = Some((
                "workload namespace",
                Workload {
                    namespace: namespace.trim().to_owned(),
                    ..current.clone()
                },
            ));
        }
        if let Some(kind) = row(
            ui,
            "Kind",
            "workload kind",
            &current.kind,
            "Deployment, StatefulSet, DaemonSet, ReplicaSet, or ComposeService",
        ) {
            changed = Some((
                "workload kind",
                Workload {
                    kind: kind.trim().to_owned(),
                    ..current.clone()
                },
            ));
        }
        if let Some(name) = row(
            ui,
            "Workload name",
            "workload name",
            &current.name,
            "The workload's metadata.name",
        ) {
            changed = Some((
                "workload name",
                Workload {
                    name: name.trim().to_owned(),
                    ..current.clone()
                },
            ));
        }
        if let Some(labels) = row(
            ui,
            "Labels",
            "workload labels",
            &labels_text(&current),
            "The labels that select its pods: k=v, k=v",
        ) {
            match parse_labels(&labels) {
                Ok(labels) => {
                    changed = Some((
                        "workload labels",
                        Workload {
                            labels,
                            ..current.clone()
                        },
                    ));
                }
                Err(message) => self.actions.push(Action::Refuse(message)),
            }
        }
        if let Some(url) = row(
            ui,
            "URL",
            "workload url",
            current.url.as_deref().unwrap_or(""),
            "An http(s) address that answers 200 while it is up: the experiment's probe",
        ) {
            let url = url.trim();
            changed = Some((
                "workload URL",
                Workload {
                    url: (!url.is_empty()).then(|| url.to_owned()),
                    ..current.clone()
                },
            ));
        }
        if let Some((what, workload)) = changed {
            self.component(
                what,
                c,
                Component {
                    workload: Some(workload),
                    ..c.clone()
                },
            );
        }
        if c.workload.is_some() {
            ui.label("");
            if ui
                .button("Remove workload")
                .on_hover_text("Forget where it runs: chaos experiments can no longer target it")
                .clicked()
            {
                self.component(
                    "workload",
                    c,
                    Component {
                        workload: None,
                        ..c.clone()
                    },
                );
            }
            ui.end_row();
        }
    }

    fn component_heading_ui(&mut self, ui: &mut Ui, c: &Component) {
        ui.horizontal(|ui| {
            ui.heading(format!("{} {}", glyph(c.kind), c.display_name()));
            ui.weak(format!("{} · {}", c.kind.label(), c.id));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                for command in [
                    Command::Delete,
                    Command::Duplicate,
                    Command::KnockOutSelection,
                    Command::MakeRedundant,
                ] {
                    command_button(ui, self.state, command, self.actions);
                }
            });
        });
    }

    /// Name, id, kind, entry and notes.
    fn identity_ui(&mut self, ui: &mut Ui, c: &Component) {
        ui.label("Name");
        let focus = std::mem::take(self.focus_name);
        if let Some(name) = text_commit(ui, ("name", &c.id), &c.name, false, focus, FIELD) {
            self.component("name", c, Component { name, ..c.clone() });
        }
        ui.end_row();
        ui.label("Id");
        if let Some(id) = text_commit(ui, ("id", &c.id), &c.id, false, false, FIELD) {
            self.component("id", c, Component { id, ..c.clone() });
        }
        ui.end_row();
        ui.label("Kind");
        let mut kind = c.kind;
        egui::ComboBox::from_id_salt("kind")
            .selected_text(kind.label())
            .show_ui(ui, |ui| {
                for k in ComponentKind::ALL {
                    ui.selectable_value(&mut kind, k, format!("{} {}", glyph(k), k.label()));
                }
            });
        self.component("kind", c, Component { kind, ..c.clone() });
        ui.end_row();
        ui.label("Entry");
        let mut entry = c.entry;
        ui.checkbox(&mut entry, "user-facing (protected)");
        self.component("entry", c, Component { entry, ..c.clone() });
        ui.end_row();
        ui.label("Notes");
        if let Some(notes) = text_commit(ui, ("notes", &c.id), &c.notes, true, false, FIELD) {
            self.component("notes", c, Component { notes, ..c.clone() });
        }
        ui.end_row();
    }

    /// Replicas, min healthy, needs, replication and zones.
    fn capacity_ui(&mut self, ui: &mut Ui, model: &Model, c: &Component) {
        self.replicas_ui(ui, c);
        self.needs_ui(ui, c);
        self.replication_ui(ui, c);
        ui.label("Zones");
        ui.vertical(|ui| self.zones_ui(ui, model, c));
        ui.end_row();
    }

    /// Replicas and how many must be healthy: rows for kinds that run replicas.
    fn replicas_ui(&mut self, ui: &mut Ui, c: &Component) {
        let replicated = c.kind.has_replicas();
        ui.add_enabled_ui(replicated, |ui| ui.label("Replicas"));
        ui.add_enabled_ui(replicated, |ui| {
            if let Some(replicas) = stepper(ui, "replicas", c.replicas, 1..=256) {
                let min_healthy = c.min_healthy.min(replicas);
                self.component(
                    "replicas",
                    c,
                    Component {
                        replicas,
                        min_healthy,
                        ..c.clone()
                    },
                );
            }
        });
        ui.end_row();
        ui.add_enabled_ui(replicated, |ui| ui.label("Min healthy"));
        ui.add_enabled_ui(replicated, |ui| {
            if let Some(min_healthy) =
                stepper(ui, "healthy replicas", c.min_healthy, 1..=c.replicas.max(1))
            {
                self.component(
                    "min healthy",
                    c,
                    Component {
                        min_healthy,
                        ..c.clone()
                    },
                );
            }
        });
        ui.end_row();
    }

    /// All hard dependencies, or at least k of them.
    fn needs_ui(&mut self, ui: &mut Ui, c: &Component) {
        ui.label("Needs");
        ui.horizontal(|ui| {
            let mut needs = c.needs;
            let all = matches!(needs, Needs::All);
            if ui
                .selectable_label(all, "all")
                .on_hover_text("Every hard dependency must be up")
                .clicked()
            {
                needs = Needs::All;
            }
            if ui
                .selectable_label(!all, "at least")
                .on_hover_text("At least k hard dependencies must be up (a balancer, a quorum)")
                .clicked()
                && all
            {
                needs = Needs::AtLeast(1);
            }
            if let Needs::AtLeast(k) = needs
                && let Some(k) = stepper(ui, "needed dependencies", k, 1..=64)
            {
                needs = Needs::AtLeast(k);
            }
            self.component("needs", c, Component { needs, ..c.clone() });
        });
        ui.end_row();
    }

    /// None, sync or async: a row for stateful kinds.
    fn replication_ui(&mut self, ui: &mut Ui, c: &Component) {
        let stateful = c.kind.is_stateful();
        ui.add_enabled_ui(stateful, |ui| ui.label("Replication"));
        ui.add_enabled_ui(stateful, |ui| {
            ui.horizontal(|ui| {
                let mut replication = c.replication;
                for (r, label) in [
                    (Replication::None, "none"),
                    (Replication::Sync, "sync"),
                    (Replication::Async, "async"),
                ] {
                    ui.selectable_value(&mut replication, r, label);
                }
                self.component(
                    "replication",
                    c,
                    Component {
                        replication,
                        ..c.clone()
                    },
                );
            });
        });
        ui.end_row();
    }

    /// A checkbox per zone of the model, region by region, in the zones' colours.
    fn zones_ui(&mut self, ui: &mut Ui, model: &Model, c: &Component) {
        if model.regions.is_empty() {
            ui.weak("no regions yet: add them with nothing selected");
        }
        let mut zones = c.zones.clone();
        let mut index = 0;
        for region in &model.regions {
            ui.horizontal_wrapped(|ui| {
                ui.weak(&region.id);
                for zone in &region.zones {
                    let mut on = zones.contains(&zone.id);
                    let text = egui::RichText::new(&zone.id).color(zone_colour(index));
                    if ui.checkbox(&mut on, text).changed() {
                        if on {
                            zones.push(zone.id.clone());
                        } else {
                            zones.retain(|z| *z != zone.id);
                        }
                    }
                    index += 1;
                }
            });
        }
        self.component("zones", c, Component { zones, ..c.clone() });
        if c.zones.len() > 1 {
            ui.weak("replica i runs in the i-th zone, round robin");
        }
    }

    fn dependency_ui(&mut self, ui: &mut Ui, model: &Model, from: &str, to: &str) {
        let Some(d) = model
            .dependencies
            .iter()
            .find(|d| d.from == from && d.to == to)
        else {
            return;
        };
        let name = |id: &str| {
            model
                .component(id)
                .map_or(id.to_owned(), |c| c.display_name().to_owned())
        };
        ui.heading(format!("{} ➡ {}", name(from), name(to)));
        ui.label(format!("{from} depends on {to}"));
        ui.horizontal(|ui| {
            let mut kind = d.kind;
            ui.selectable_value(&mut kind, DependencyKind::Hard, "hard (required)");
            ui.selectable_value(&mut kind, DependencyKind::Soft, "soft (degrades only)");
            if kind != d.kind {
                self.actions.push(Action::Edit {
                    label: format!(
                        "Make {from} ➡ {to} {}",
                        if kind == DependencyKind::Soft {
                            "soft"
                        } else {
                            "hard"
                        }
                    ),
                    edits: vec![Edit::SetDependencyKind {
                        from: from.to_owned(),
                        to: to.to_owned(),
                        kind,
                    }],
                    select: None,
                });
            }
        });
        ui.horizontal(|ui| {
            command_button(ui, self.state, Command::ToggleDependencyKind, self.actions);
            command_button(ui, self.state, Command::Delete, self.actions);
        });
    }

    fn multi_ui(&mut self, ui: &mut Ui, n: usize) {
        ui.heading(format!("{n} components selected"));
        if n == 2 {
            ui.weak("Connect: the first selected will depend on the second.");
        }
        ui.horizontal(|ui| {
            for command in [
                Command::Connect,
                Command::MakeRedundant,
                Command::KnockOutSelection,
                Command::Duplicate,
                Command::Delete,
            ] {
                command_button(ui, self.state, command, self.actions);
            }
        });
    }

    fn model_ui(&mut self, ui: &mut Ui, model: &Model) {
        ui.columns(3, |cols| {
            let ui = &mut cols[0];
            ui.strong("Model");
            egui::Grid::new("model").num_columns(2).show(ui, |ui| {
                ui.label("Name");
                if let Some(name) = text_commit(ui, "model-name", &model.name, false, false, FIELD)
                {
                    self.model("Rename model", Edit::SetName(name));
                }
                ui.end_row();
                ui.label("Description");
                if let Some(d) = text_commit(
                    ui,
                    "model-description",
                    &model.description,
                    true,
                    false,
                    FIELD,
                ) {
                    self.model("Set description", Edit::SetDescription(d));
                }
                ui.end_row();
                let d = model.defaults;
                for (label, value, set) in [
                    ("Replica availability", d.replica_availability, 0),
                    ("Zone availability", d.zone_availability, 1),
                    ("Region availability", d.region_availability, 2),
                ] {
                    let label = ui.label(label).id;
                    if let Some(v) = drag_commit(ui, ("default", set), value, Some(label), |x| {
                        x.range(0.000_001..=1.0).speed(0.000_05).max_decimals(6)
                    }) {
                        let mut next = d;
                        match set {
                            0 => next.replica_availability = v,
                            1 => next.zone_availability = v,
                            _ => next.region_availability = v,
                        }
                        self.model("Set default availability", Edit::SetDefaults(next));
                    }
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            let n = model.scenarios.len();
            ui.weak(format!(
                "{n} scenario{}: see the Scenarios section of the analysis panel.",
                plural(n)
            ));
            timing_defaults_ui(&mut cols[1], model, self.actions);
            self.regions_ui(&mut cols[2], model);
        });
        self.accepted_ui(ui, model);
    }

    /// The model's accepted risks: reason and last day to edit, each one to revoke.
    fn accepted_ui(&mut self, ui: &mut Ui, model: &Model) {
        ui.separator();
        accepted_risks_ui(ui, model, self.state.current_report(), self.actions);
    }

    /// Regions and zones: add, rename, set availability, delete (cleaning up references).
    fn regions_ui(&mut self, ui: &mut Ui, model: &Model) {
        ui.strong("Regions and zones");
        let mut zone_index = 0;
        for (ri, region) in model.regions.iter().enumerate() {
            ui.horizontal(|ui| self.region_row_ui(ui, model, ri, region));
            ui.indent(("zones", &region.id), |ui| {
                for (zi, zone) in region.zones.iter().enumerate() {
                    ui.horizontal(|ui| self.zone_row_ui(ui, model, (ri, zi), zone, zone_index));
                    zone_index += 1;
                }
                ui.horizontal(|ui| {
                    let salt = ("new-zone", &region.id);
                    if let Some(id) = new_id_ui(ui, salt, "new zone id", "Add zone") {
                        let mut regions = model.regions.clone();
                        regions[ri].zones.push(Zone::new(&id));
                        self.model(&format!("Add zone {id}"), Edit::SetRegions(regions));
                    }
                });
            });
        }
        ui.horizontal(|ui| {
            if let Some(id) = new_id_ui(ui, "new-region", "new region id", "Add region") {
                let mut regions = model.regions.clone();
                regions.push(Region {
                    id: id.clone(),
                    name: String::new(),
                    zones: Vec::new(),
                });
                self.model(&format!("Add region {id}"), Edit::SetRegions(regions));
            }
        });
    }

    /// The region's id, its name and its delete button.
    fn region_row_ui(&mut self, ui: &mut Ui, model: &Model, ri: usize, region: &Region) {
        ui.weak("Region");
        ui.label(egui::RichText::new(&region.id).strong());
        if let Some(name) = text_commit(
            ui,
            ("region-name", &region.id),
            &region.name,
            false,
            false,
            NARROW_FIELD,
        ) {
            let mut regions = model.regions.clone();
            regions[ri].name = name;
            self.model("Rename region", Edit::SetRegions(regions));
        }
        if ui
            .small_button("🗑")
            .on_hover_text("Delete the region and its zones")
            .clicked()
        {
            let gone: Vec<String> = region.zones.iter().map(|z| z.id.clone()).collect();
            let mut regions = model.regions.clone();
            regions.remove(ri);
            let label = format!("Delete region {}", region.id);
            let events = vec![Event::Region(region.id.clone())];
            self.remove_domains(&label, model, regions, &gone, &events);
        }
    }

    /// The zone's chip in its colour (the `colour`th), its name, availability and delete
    /// button; `(ri, zi)` is where it sits among the regions.
    fn zone_row_ui(
        &mut self,
        ui: &mut Ui,
        model: &Model,
        (ri, zi): (usize, usize),
        zone: &Zone,
        colour: usize,
    ) {
        let chip = egui::RichText::new(format!(" {} ", zone.id))
            .color(egui::Color32::WHITE)
            .background_color(zone_colour(colour));
        ui.label(chip);
        if let Some(name) = text_commit(
            ui,
            ("zone-name", &zone.id),
            &zone.name,
            false,
            false,
            NARROW_FIELD,
        ) {
            let mut regions = model.regions.clone();
            regions[ri].zones[zi].name = name;
            self.model("Rename zone", Edit::SetRegions(regions));
        }
        let current = model.zone_availability(zone);
        if let Some(v) = drag_commit(ui, ("zone-availability", &zone.id), current, None, |x| {
            x.range(0.000_001..=1.0).speed(0.000_05).max_decimals(6)
        }) {
            let mut regions = model.regions.clone();
            regions[ri].zones[zi].availability = Some(v);
            self.model("Set zone availability", Edit::SetRegions(regions));
        }
        if ui
            .small_button("🗑")
            .on_hover_text("Delete the zone")
            .clicked()
        {
            let mut regions = model.regions.clone();
            regions[ri].zones.remove(zi);
            let label = format!("Delete zone {}", zone.id);
            let events = vec![Event::Zone(zone.id.clone())];
            self.remove_domains(
                &label,
                model,
                regions,
                std::slice::from_ref(&zone.id),
                &events,
            );
        }
    }

    /// Remove zones (and maybe their region) with every reference to them, as one undo step.
    fn remove_domains(
        &mut self,
        label: &str,
        model: &Model,
        regions: Vec<Region>,
        zones: &[String],
        events: &[Event],
    ) {
        let mut edits = vec![Edit::SetRegions(regions)];
        for c in &model.components {
            if c.zones.iter().any(|z| zones.contains(z)) {
                let mut next = c.clone();
                next.zones.retain(|z| !zones.contains(z));
                edits.push(Edit::UpdateComponent {
                    id: c.id.clone(),
                    component: next,
                });
            }
        }
        let gone: Vec<Event> = zones
            .iter()
            .map(|z| Event::Zone(z.clone()))
            .chain(events.iter().cloned())
            .collect();
        let mut scenarios = model.scenarios.clone();
        for s in &mut scenarios {
            s.fail.retain(|e| !gone.contains(e));
        }
        if scenarios != model.scenarios {
            edits.push(Edit::SetScenarios(scenarios));
        }
        self.actions.push(Action::Edit {
            label: label.to_owned(),
            edits,
            select: None,
        });
    }
}

/// A workload's labels as typed in the inspector: `k=v, k=v`.
fn labels_text(w: &Workload) -> String {
    w.labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `k=v, k=v` as labels; an item without `=`, with an empty key or with a character a
/// selector cannot hold is refused with the reason.
fn parse_labels(text: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut labels = std::collections::BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (k, v) = item
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, v)| {
                !k.is_empty() && Workload::is_label_text(k) && Workload::is_label_text(v)
            })
            .ok_or_else(|| {
                format!("Labels: `{item}` is not a label; expected k=v, k=v (no spaces, `=` or `!` in keys and values)")
            })?;
        labels.insert(k.to_owned(), v.to_owned());
    }
    Ok(labels)
}
