//! Bar charts in the analysis panel (egui_plot): each entry's downtime and degraded time per
//! year, and the importance ranking. Draws a report it is given; must not analyse or edit anything.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, GridInput, GridMark, Plot, uniform_grid_spacer};

use super::look::{AMBER, RED, event_words};
use crate::analysis::Report;
use crate::io::report::ranking::{RANKING_ROWS, importance_ranking};
use crate::model::Model;

/// Plot height per bar and for the axes, in points: short lists stay short.
const BAR_HEIGHT: f32 = 24.0;
const AXES_HEIGHT: f32 = 56.0;

/// One bar: what it stands for and how long it is.
#[derive(Clone, Debug, PartialEq)]
pub struct BarValue {
    pub label: String,
    pub value: f64,
}

/// Each entry's expected downtime, in hours per year, in the report's order.
pub fn downtime_bars(report: &Report) -> Vec<BarValue> {
    report
        .entries
        .iter()
        .map(|e| BarValue {
            label: e.name.clone(),
            value: e.downtime_minutes_per_year / 60.0,
        })
        .collect()
}

/// Each entry's expected time up but degraded (some of its service down), in hours per
/// year, in the report's order.
pub fn degraded_bars(report: &Report) -> Vec<BarValue> {
    report
        .entries
        .iter()
        .map(|e| BarValue {
            label: e.name.clone(),
            value: e.degraded_minutes_per_year / 60.0,
        })
        .collect()
}

/// One series of bars, drawn in `colour` and stacked after the ones before it.
struct Series<'a> {
    name: &'static str,
    values: &'a [BarValue],
    colour: Color32,
}

/// The importance ranking as bars, highest first, with its value axis: for components, the
/// downtime each causes in minutes per year; for basic events (large models, named in
/// words), their Birnbaum importance.
pub fn importance_bars(report: &Report, model: &Model) -> (Vec<BarValue>, &'static str) {
    let ranking = importance_ranking(report, model);
    let bars = ranking
        .rows
        .iter()
        .map(|r| BarValue {
            label: model.component(&r.id).map_or_else(
                || event_words(&r.id, model),
                |c| c.display_name().to_owned(),
            ),
            value: r.value,
        })
        .collect();
    (bars, ranking.axis)
}

/// The collapsible "Charts" section.
pub(super) fn charts_ui(ui: &mut Ui, report: &Report, model: &Model) {
    egui::CollapsingHeader::new(RichText::new("Charts").strong())
        .id_salt("charts")
        .default_open(false)
        .show(ui, |ui| {
            ui.label("Down and degraded time per year");
            let (down, degraded) = (downtime_bars(report), degraded_bars(report));
            bar_plot(
                ui,
                "downtime_chart",
                &[
                    Series {
                        name: "down",
                        values: &down,
                        colour: RED,
                    },
                    Series {
                        name: "degraded",
                        values: &degraded,
                        colour: AMBER,
                    },
                ],
                "hours / year",
            );
            ui.label(format!("Importance (top {RANKING_ROWS})"));
            let (importance, axis) = importance_bars(report, model);
            if importance.is_empty() {
                ui.weak("No component ranking for this model.");
            } else {
                let series = Series {
                    name: "importance",
                    values: &importance,
                    colour: AMBER,
                };
                bar_plot(ui, "importance_chart", &[series], axis);
            }
        });
}

/// Grid steps of 1, 2 or 5 times a power of ten, about five to the axis: a range of a few
/// units gets as many labelled ticks as one of hundreds.
fn nice_steps(input: GridInput) -> [f64; 3] {
    let raw = ((input.bounds.1 - input.bounds.0) / 5.0).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    [step, step * 5.0, step * 10.0]
}

/// Horizontal bars, first on top, named on the left axis (by the first series), each later
/// series stacked on the ones before it, with a legend above when there are several; fixed
/// view, no zoom or drag.
fn bar_plot(ui: &mut Ui, id: &str, series: &[Series<'_>], x_label: &str) {
    let Some(first) = series.first() else {
        return;
    };
    let n = first.values.len();
    let top = n.saturating_sub(1) as f64;
    let mut charts: Vec<BarChart> = Vec::with_capacity(series.len());
    for s in series {
        let bars: Vec<Bar> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Bar::new(top - i as f64, v.value)
                    .name(&v.label)
                    .fill(s.colour)
                    .width(0.7)
            })
            .collect();
        let below: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(format!("{id}_{}", s.name), bars)
            .name(s.name)
            .color(s.colour)
            .horizontal()
            .stack_on(&below);
        charts.push(chart);
    }
    let names: Vec<String> = first.values.iter().map(|v| v.label.clone()).collect();
    let plot = Plot::new(id)
        .height(AXES_HEIGHT + BAR_HEIGHT * n as f32)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(0.0)
        .x_axis_label(x_label)
        .x_grid_spacer(uniform_grid_spacer(nice_steps))
        .y_axis_min_width(90.0)
        .y_grid_spacer(move |_: GridInput| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let row = top - mark.value;
            if row.fract() == 0.0 && row >= 0.0 {
                names.get(row as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        });
    if series.len() > 1 {
        // Above the plot, not in it: a legend inside would cover the longest bars.
        ui.horizontal(|ui| {
            for s in series {
                ui.colored_label(s.colour, "⏹");
                ui.label(s.name);
            }
        });
    }
    plot.show(ui, |plot| {
        for chart in charts {
            plot.bar_chart(chart);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{self, MINUTES_PER_YEAR, Options};
    use crate::ui::files::SAMPLES;

    fn sample(i: usize) -> (Model, Report) {
        let model = crate::model::from_str(SAMPLES[i].text, SAMPLES[i].file)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = analysis::analyze(&model, &Options::default());
        (model, report)
    }

    #[test]
    fn axis_steps_are_one_two_or_five_times_a_power_of_ten() {
        let steps = |max: f64| {
            nice_steps(GridInput {
                bounds: (0.0, max),
                base_step_size: max / 100.0,
            })[0]
        };
        assert_eq!(steps(8.7), 2.0);
        assert_eq!(steps(33.0), 10.0);
        assert_eq!(steps(7.0), 2.0);
        assert_eq!(steps(0.3), 0.1);
    }

    #[test]
    fn downtime_bars_are_each_entrys_hours_per_year() {
        let (_, report) = sample(0);
        let bars = downtime_bars(&report);
        assert_eq!(bars.len(), report.entries.len());
        assert_eq!(bars[0].label, "Web users");
        assert_eq!(
            bars[0].value,
            report.entries[0].downtime_minutes_per_year / 60.0
        );
    }

    #[test]
    fn degraded_bars_are_each_entrys_hours_a_year_up_but_not_at_full_service() {
        let (_, report) = sample(2);
        let bars = degraded_bars(&report);
        assert_eq!(bars.len(), report.entries.len());
        for (bar, e) in bars.iter().zip(&report.entries) {
            assert_eq!(bar.label, e.name);
            assert_eq!(bar.value, e.degraded_minutes_per_year / 60.0);
        }
        assert!(bars.iter().all(|b| b.value > 0.0));
    }

    #[test]
    fn event_bars_of_large_models_read_in_words() {
        // Large models rank basic events instead of components.
        let (model, mut report) = sample(0);
        report.component_importance.clear();
        let (bars, axis) = importance_bars(&report, &model);
        assert_eq!(axis, "Birnbaum importance");
        let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
        assert!(labels.contains(&"a bad deploy of Web app"), "{labels:?}");
        assert!(labels.contains(&"replica 0 of Orders DB"), "{labels:?}");
        assert!(
            labels.iter().all(|l| !l.contains(':') && !l.contains('#')),
            "{labels:?}"
        );
    }

    #[test]
    fn importance_bars_are_the_top_ten_by_name_highest_first() {
        let (model, report) = sample(2);
        assert!(report.component_importance.len() > RANKING_ROWS);
        let (bars, axis) = importance_bars(&report, &model);
        assert_eq!(axis, "minutes / year it causes");
        assert_eq!(bars.len(), RANKING_ROWS);
        for (bar, c) in bars.iter().zip(&report.component_importance) {
            let name = model.component(&c.component).map(|x| x.display_name());
            assert_eq!(Some(bar.label.as_str()), name);
            assert_eq!(bar.value, c.max_gain * MINUTES_PER_YEAR);
        }
        assert!(bars.windows(2).all(|w| w[0].value >= w[1].value));
    }
}
