//! Presentation mode (F5) for design reviews: full screen, only the canvas under a headline
//! strip in large type, and slides stepped with the arrow keys: the current state, each
//! scenario's knockout, the top recommendations as before ➡ after. The numbers are the
//! analysis panel's; the scenarios' knockouts are the comparison table's, computed in the
//! background.

use std::sync::Arc;

use egui::{Color32, Key, Modifiers, RichText, Ui, ViewportCommand};

use super::canvas::{Canvas, CanvasMarks, CanvasSelection, Overlay};
use super::look::{DOT, amber_text, green_text, red_text};
use super::preview::PreviewCache;
use super::state::State;
use crate::advice::Recommendation;
use crate::analysis::diff::ResilienceDiff;
use crate::analysis::{EntryAvailability, Report, WhatIf};
use crate::format::{availability_text, duration, joined, nines, percents, plural};
use crate::io::report::diff::{availability_change, downtime_change};
use crate::model::{Event, Model};

/// Recommendations shown as slides, best first.
const TOP_RECOMMENDATIONS: usize = 3;
/// Entries in the headline: more would not be readable on a projector.
const HEADLINE_ENTRIES: usize = 4;
/// SPOFs named under the count.
const NAMED_SPOFS: usize = 4;

/// Type sizes in points on a 720-pixel-high window, read from the back of a meeting room;
/// they grow with the window (see [`pt`]).
const TITLE: f32 = 28.0;
const BIG: f32 = 32.0;
const CAPTION: f32 = 18.0;
const FOOTER: f32 = 16.0;
/// Room between two figures of the headline: spacing, rule, spacing.
const FIGURE_GAP: f32 = 60.0;

/// The presentation's own state: the slide shown, the window's state before, and the
/// preview of the recommendation a slide shows.
#[derive(Default)]
pub struct Presentation {
    slide: usize,
    /// Whether the window was full screen before the presentation: so it is again after.
    was_fullscreen: bool,
    /// The canvas's rectangle in the last frame: the view is fitted again when it changes
    /// (the window going full screen, a headline growing when its numbers arrive).
    canvas_rect: Option<egui::Rect>,
    preview: PreviewCache,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slide {
    Current,
    /// Before ➡ after: the file compared with against this model.
    Compare,
    Scenario(usize),
    Recommendation(usize),
    /// The recommendations are still being measured.
    Advice,
}

impl Presentation {
    // ----- entering, leaving, stepping -----

    /// Go full screen on the first slide.
    pub fn start(&mut self, ctx: &egui::Context) {
        self.was_fullscreen = ctx.input(|i| i.viewport().fullscreen) == Some(true);
        self.slide = 0;
        ctx.send_viewport_cmd(ViewportCommand::Fullscreen(true));
    }

    /// Leave full screen, unless the window was before.
    pub fn stop(&self, ctx: &egui::Context) {
        if !self.was_fullscreen {
            ctx.send_viewport_cmd(ViewportCommand::Fullscreen(false));
        }
    }

    /// Forget the recommendation's preview (analyse again).
    pub fn forget_preview(&mut self) {
        self.preview.clear();
    }

    /// Right, Page Down and Space show the next slide, Left and Page Up the one before.
    /// Returns whether Esc asked to leave; runs before the shortcuts so Esc does not also
    /// clear the selection.
    pub fn keys(&mut self, ctx: &egui::Context, state: &State, canvas: &mut Canvas) -> bool {
        let pressed = |keys: &[Key]| {
            ctx.input_mut(|i| {
                keys.iter()
                    .filter(|&&k| i.consume_key(Modifiers::NONE, k))
                    .count()
                    > 0
            })
        };
        if pressed(&[Key::Escape]) {
            return true;
        }
        let next = pressed(&[Key::ArrowRight, Key::PageDown, Key::Space]);
        let back = pressed(&[Key::ArrowLeft, Key::PageUp]);
        let last = slides(state).len() - 1;
        let slide = match (next, back) {
            (true, false) => (self.slide + 1).min(last),
            (false, true) => self.slide.saturating_sub(1),
            _ => self.slide,
        };
        if slide != self.slide {
            self.slide = slide;
            canvas.fit();
        }
        false
    }

    // ----- the frame -----

    /// The whole window while presenting: headline, footer, canvas.
    /// `blast`: the components in the blast radius of the SPOF pointed at, tinted.
    pub fn ui(&mut self, ui: &mut Ui, state: &State, canvas: &mut Canvas, blast: Vec<String>) {
        let slides = slides(state);
        let index = self.slide.min(slides.len() - 1);
        self.slide = index;
        let slide = slides[index];
        let style = Arc::clone(ui.style());
        let strip = |y: i8| {
            egui::Frame::side_top_panel(&style).inner_margin(egui::Margin::symmetric(24, y))
        };
        // A headline of its own per slide: a panel remembers its height, and the
        // separators between figures stretch to it, so a shared one kept the height of
        // whichever slide came before.
        egui::Panel::top(egui::Id::new(("presentation_headline", index)))
            .frame(strip(14))
            .show(ui, |ui| headline_ui(ui, state, slide));
        egui::Panel::bottom("presentation_footer")
            .frame(strip(6))
            .show(ui, |ui| footer_ui(ui, index, slides.len()));
        canvas.set_marks(CanvasMarks {
            compare: (slide == Slide::Compare)
                .then(|| state.compare.marks())
                .flatten(),
            blast,
        });
        self.slide_canvas_ui(ui, state, canvas, slide);
    }

    /// The canvas as the slide shows it: SPOFs outlined; a scenario's knockout coloured as
    /// in what-if mode; a recommendation's edit drawn as ghosts. Gestures change nothing.
    fn slide_canvas_ui(&mut self, ui: &mut Ui, state: &State, canvas: &mut Canvas, slide: Slide) {
        let key = state.key();
        let preview = match slide {
            Slide::Recommendation(i) => state
                .current_advice()
                .and_then(|a| a.recommendations.get(i))
                .map(|r| r.id.clone())
                .and_then(|id| {
                    self.preview
                        .get(key, &id, state.current_advice(), state.model())
                }),
            Slide::Current | Slide::Compare | Slide::Scenario(_) | Slide::Advice => None,
        };
        canvas.set_preview(preview);
        let (knockouts, outcomes) = match slide {
            Slide::Scenario(i) => (
                state
                    .model()
                    .scenarios
                    .get(i)
                    .map(|s| s.fail.clone())
                    .unwrap_or_default(),
                state.comparison.current(key).map(|c| (c, i)),
            ),
            Slide::Current | Slide::Compare | Slide::Recommendation(_) | Slide::Advice => {
                (Vec::new(), None)
            }
        };
        let frame = egui::Frame::central_panel(ui.style())
            .inner_margin(0.0)
            .fill(ui.visuals().faint_bg_color);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            let rect = ui.available_rect_before_wrap();
            if self.canvas_rect != Some(rect) {
                self.canvas_rect = Some(rect);
                canvas.fit();
            }
            let report = state.current_report();
            let whatif = outcomes
                .as_ref()
                .and_then(|(c, i)| c.outcome(*i))
                .and_then(|r| r.as_ref().ok());
            let overlay = Overlay {
                report,
                whatif,
                whatif_mode: matches!(slide, Slide::Scenario(_)),
                knockouts: &knockouts,
            };
            canvas.sync(&state.doc, state.generation, &overlay);
            let nothing = CanvasSelection {
                components: &[],
                dependency: None,
            };
            let mut ignored = Vec::new();
            canvas.ui(ui, state.model(), report, &nothing, false, &mut ignored);
        });
    }
}

/// The current state, before → after while comparing, each scenario, then the top
/// recommendations (one waiting slide while they are measured).
fn slides(state: &State) -> Vec<Slide> {
    let mut slides = vec![Slide::Current];
    if state.compare.is_on() {
        slides.push(Slide::Compare);
    }
    slides.extend((0..state.model().scenarios.len()).map(Slide::Scenario));
    match state.current_advice() {
        Some(advice) => slides.extend(
            (0..advice.recommendations.len().min(TOP_RECOMMENDATIONS)).map(Slide::Recommendation),
        ),
        None => slides.push(Slide::Advice),
    }
    slides
}

fn headline_ui(ui: &mut Ui, state: &State, slide: Slide) {
    let analysed = state.current_analysis();
    let model = state.model();
    match slide {
        Slide::Current => {
            title_ui(ui, "Current state", &model.name);
            match &analysed {
                Some(a) => current_ui(ui, &a.report),
                None => analysis_pending_ui(ui, state),
            }
        }
        Slide::Compare => {
            let file = state
                .compare
                .baseline()
                .map(|b| b.file_name())
                .unwrap_or_default();
            title_ui(ui, "Before ➡ after", &format!("{file} ➡ {}", model.name));
            match (state.compare.current(state.key()), &analysed) {
                (Some(diff), Some(a)) => compare_ui(ui, diff, &a.report),
                _ if state.compare.failed() => {
                    ui.label(
                        RichText::new("Comparing failed.")
                            .size(pt(ui, CAPTION))
                            .color(red_text(ui.visuals())),
                    );
                }
                _ => pending_ui(ui, "comparing…"),
            }
        }
        Slide::Scenario(i) => {
            let Some(scenario) = model.scenarios.get(i) else {
                return;
            };
            title_ui(ui, &format!("Scenario: {}", scenario.name), "");
            let comparison = state.comparison.current(state.key());
            match comparison.as_ref().and_then(|c| c.outcome(i)) {
                Some(Ok(w)) => scenario_ui(ui, &scenario.fail, model, w),
                Some(Err(e)) => {
                    ui.label(
                        RichText::new(e)
                            .size(pt(ui, CAPTION))
                            .color(red_text(ui.visuals())),
                    );
                }
                None if state.comparison.failed(state.key()) => {
                    ui.label(
                        RichText::new("The knockout could not be computed.")
                            .size(pt(ui, CAPTION))
                            .color(red_text(ui.visuals())),
                    );
                }
                None => pending_ui(ui, "computing the knockout…"),
            }
        }
        Slide::Recommendation(i) => {
            let advice = state.current_advice();
            let total = advice.map_or(0, |a| a.recommendations.len().min(TOP_RECOMMENDATIONS));
            let Some((rec, a)) = advice
                .and_then(|a| a.recommendations.get(i))
                .zip(analysed.as_ref())
            else {
                return;
            };
            title_ui(
                ui,
                &format!("Recommendation {} of {total}", i + 1),
                &rec.summary,
            );
            recommendation_ui(ui, rec, &a.report);
        }
        Slide::Advice => {
            title_ui(ui, "Recommendations", "");
            if state.advice_failed() {
                ui.label(
                    RichText::new("Measuring the fixes failed: leave (Esc) and analyse again.")
                        .size(pt(ui, CAPTION))
                        .color(red_text(ui.visuals())),
                );
            } else if analysed.is_some() {
                pending_ui(ui, "measuring fixes…");
            } else {
                analysis_pending_ui(ui, state);
            }
        }
    }
}

fn analysis_pending_ui(ui: &mut Ui, state: &State) {
    if state.analysis_cancelled() {
        ui.label(
            RichText::new("The analysis was cancelled: leave (Esc) and analyse again.")
                .size(pt(ui, CAPTION))
                .color(amber_text(ui.visuals())),
        );
    } else if state.analysis.failed == Some(state.key()) {
        ui.label(
            RichText::new("The analysis failed.")
                .size(pt(ui, CAPTION))
                .color(red_text(ui.visuals())),
        );
    } else {
        pending_ui(ui, "analysing…");
    }
}

/// `size` scaled to the window: a 1080-pixel-high projector gets one and a half times the
/// type of a 720-pixel one.
fn pt(ui: &Ui, size: f32) -> f32 {
    size * (ui.ctx().content_rect().height() / 720.0).clamp(1.0, 2.0)
}

/// The slide's title and, after it, what it is about.
fn title_ui(ui: &mut Ui, title: &str, subtitle: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(title).size(pt(ui, TITLE)).strong());
        if !subtitle.is_empty() {
            ui.label(RichText::new(format!("·  {subtitle}")).size(pt(ui, TITLE * 0.8)));
        }
    });
    ui.add_space(6.0);
}

fn pending_ui(ui: &mut Ui, what: &str) {
    ui.horizontal(|ui| {
        ui.add(egui::Spinner::new().size(pt(ui, BIG)));
        ui.label(RichText::new(what).size(pt(ui, CAPTION)).weak());
    });
}

/// One figure of the headline, at most `width` wide: a caption over a large value over a
/// detail line.
fn figure_ui(ui: &mut Ui, width: f32, caption: &str, value: RichText, detail: RichText) {
    figure_lines_ui(ui, width, caption, value, [detail]);
}

/// A figure with several detail lines.
fn figure_lines_ui(
    ui: &mut Ui,
    width: f32,
    caption: &str,
    value: RichText,
    details: impl IntoIterator<Item = RichText>,
) {
    ui.vertical(|ui| {
        ui.set_max_width(width);
        ui.label(RichText::new(caption).size(pt(ui, CAPTION)).weak());
        ui.label(value.size(pt(ui, BIG)).strong());
        for detail in details {
            ui.label(detail.size(pt(ui, CAPTION)));
        }
    });
}

/// `count` figures side by side with rules between them, each given an equal share of the
/// width (passed to `add`), so a long one wraps instead of pushing the last off the screen.
fn figures_ui(ui: &mut Ui, count: usize, add: impl FnOnce(&mut Ui, f32)) {
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = FIGURE_GAP / 2.0;
        let gaps = FIGURE_GAP * count.saturating_sub(1) as f32;
        let width = (ui.available_width() - gaps) / count.max(1) as f32;
        add(ui, width);
    });
}

/// How many figures the entries take: a few, and a note for the rest.
fn entry_figures(total: usize) -> usize {
    total.min(HEADLINE_ENTRIES) + usize::from(total > HEADLINE_ENTRIES)
}

/// Each entry's availability as the panel shows it, in large type, at most a few; with
/// its nines, except under a knockout (as the panel's what-if, where most are 0 %); under
/// it the time a year it is down and the time it serves degraded.
fn entries_ui(ui: &mut Ui, width: f32, entries: &[EntryAvailability], with_nines: bool) {
    for e in entries.iter().take(HEADLINE_ENTRIES) {
        ui.separator();
        let value = if with_nines {
            format!("{}   {}", availability_text(e), nines(e.availability))
        } else {
            availability_text(e)
        };
        let down = RichText::new(format!(
            "{} / year down",
            duration(e.downtime_minutes_per_year)
        ));
        // An entry a knockout takes down is never degraded: no line for it.
        let degraded = (e.availability > 0.0).then(|| {
            RichText::new(format!(
                "{} / year degraded",
                duration(e.degraded_minutes_per_year)
            ))
            .color(amber_text(ui.visuals()))
        });
        figure_lines_ui(
            ui,
            width,
            &e.name,
            RichText::new(value),
            std::iter::once(down).chain(degraded),
        );
    }
    more_entries_ui(ui, entries.len());
}

fn more_entries_ui(ui: &mut Ui, total: usize) {
    if total > HEADLINE_ENTRIES {
        ui.separator();
        ui.label(
            RichText::new(format!("… {} more entries", total - HEADLINE_ENTRIES))
                .size(pt(ui, CAPTION))
                .weak(),
        );
    }
}

/// `7 SPOFs`, `1 SPOF` or `No SPOF`.
fn spof_count(n: usize) -> String {
    match n {
        0 => "No SPOF".to_owned(),
        n => format!("{n} SPOF{}", plural(n)),
    }
}

fn current_ui(ui: &mut Ui, report: &Report) {
    figures_ui(ui, 1 + entry_figures(report.entries.len()), |ui, width| {
        let n = report.spofs.len();
        let mut named: Vec<String> = report
            .spofs
            .iter()
            .take(NAMED_SPOFS)
            .map(|s| format!("{} {}", s.kind.as_str(), s.id))
            .collect();
        if n > NAMED_SPOFS {
            named.push(format!("{} more", n - NAMED_SPOFS));
        }
        let (value, detail) = if n > 0 {
            (
                RichText::new(format!("{DOT} {}", spof_count(n))).color(red_text(ui.visuals())),
                RichText::new(named.join(", ")).color(red_text(ui.visuals())),
            )
        } else {
            (
                RichText::new(format!("✔ {}", spof_count(n))).color(green_text(ui.visuals())),
                RichText::new("nothing alone takes an entry down").color(green_text(ui.visuals())),
            )
        };
        figure_ui(ui, width, "Single points of failure", value, detail);
        entries_ui(ui, width, &report.entries, true);
    });
}

fn scenario_ui(ui: &mut Ui, fail: &[Event], model: &Model, w: &WhatIf) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!(
                "knocked out: {}",
                Event::list_in_words(fail, model, ", ")
            ))
            .size(pt(ui, CAPTION))
            .weak(),
        )
        .on_hover_text(joined(fail, ", "));
        ui.label(
            RichText::new(format!("·  {} down", w.down.len()))
                .size(pt(ui, CAPTION))
                .color(red_text(ui.visuals())),
        );
        ui.label(
            RichText::new(format!("·  {} degraded", w.degraded.len()))
                .size(pt(ui, CAPTION))
                .color(amber_text(ui.visuals())),
        );
        ui.label(
            RichText::new("·  the rest healthy")
                .size(pt(ui, CAPTION))
                .color(green_text(ui.visuals())),
        );
    });
    ui.add_space(4.0);
    figures_ui(ui, 1 + entry_figures(w.entries.len()), |ui, width| {
        let names: Vec<&str> = w
            .entries_down
            .iter()
            .map(|id| {
                w.entries
                    .iter()
                    .find(|e| e.id == *id)
                    .map_or(id.as_str(), |e| e.name.as_str())
            })
            .collect();
        if names.is_empty() {
            figure_ui(
                ui,
                width,
                "Entries down",
                RichText::new("✔ none").color(green_text(ui.visuals())),
                RichText::new("every entry stays up"),
            );
        } else {
            figure_ui(
                ui,
                width,
                "Entries down",
                RichText::new(format!("✖ {} of {}", names.len(), w.entries.len()))
                    .color(red_text(ui.visuals())),
                RichText::new(names.join(", ")).color(red_text(ui.visuals())),
            );
        }
        entries_ui(ui, width, &w.entries, false);
    });
}

fn recommendation_ui(ui: &mut Ui, rec: &Recommendation, report: &Report) {
    figures_ui(ui, 1 + entry_figures(rec.entries.len()), |ui, width| {
        let n = rec.removes_spofs.len();
        let (value, detail) = if n > 0 {
            (
                RichText::new(format!("✔ {}", spof_count(n))).color(green_text(ui.visuals())),
                RichText::new(joined(&rec.removes_spofs, ", ")),
            )
        } else {
            (
                RichText::new("no SPOF").weak(),
                RichText::new("improves availability only"),
            )
        };
        figure_ui(ui, width, "Removes", value, detail);
        for e in rec.entries.iter().take(HEADLINE_ENTRIES) {
            ui.separator();
            let name = report.entry(&e.id).map_or(e.id.as_str(), |x| &x.name);
            let (before, after) = percents(e.before, e.after);
            let detail = if e.downtime_saved_minutes_per_year > 0.0 {
                format!(
                    "{} ➡ {} · saves {} / year down",
                    nines(e.before).trim_end_matches(" nines"),
                    nines(e.after),
                    duration(e.downtime_saved_minutes_per_year)
                )
            } else {
                "unchanged".to_owned()
            };
            figure_ui(
                ui,
                width,
                name,
                RichText::new(format!("{before} ➡ {after}")),
                RichText::new(detail),
            );
        }
        more_entries_ui(ui, rec.entries.len());
    });
}

/// SPOFs before → after, then each entry's availability and downtime before → after.
fn compare_ui(ui: &mut Ui, diff: &ResilienceDiff, report: &Report) {
    figures_ui(ui, 1 + entry_figures(diff.entries.len()), |ui, width| {
        let after = report.spofs.len();
        let before = after + diff.spofs_removed.len() - diff.spofs_added.len().min(after);
        let colour = if diff.spofs_added.is_empty() {
            green_text(ui.visuals())
        } else {
            red_text(ui.visuals())
        };
        figure_ui(
            ui,
            width,
            "Single points of failure",
            RichText::new(format!("{before} ➡ {after}")).color(colour),
            RichText::new(format!(
                "{} removed · {} added",
                diff.spofs_removed.len(),
                diff.spofs_added.len()
            )),
        );
        for e in diff.entries.iter().take(HEADLINE_ENTRIES) {
            ui.separator();
            let value = availability_change(
                e.before.map(|n| n.availability),
                e.after.map(|n| n.availability),
            );
            let colour = if e.fell() {
                red_text(ui.visuals())
            } else {
                ui.visuals().strong_text_color()
            };
            figure_ui(
                ui,
                width,
                &e.name,
                RichText::new(value.replace('→', "➡")).color(colour),
                RichText::new(downtime_change(e).replace('→', "➡")),
            );
        }
        more_entries_ui(ui, diff.entries.len());
    });
}

fn footer_ui(ui: &mut Ui, index: usize, total: usize) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("slide {} / {total}", index + 1)).size(pt(ui, FOOTER)));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(
                RichText::new("➡ / Space: next    ⬅: back    Esc: leave")
                    .size(pt(ui, FOOTER))
                    .color(Color32::GRAY),
            );
        });
    });
}
