//! The inspector's fields: text committed when it loses focus, numbers committed when a
//! drag or typing ends, counts with − and +. Each returns the new value once; none holds
//! the model or makes an undo step per keystroke.

use egui::{Button, DragValue, Id, Ui, WidgetInfo, WidgetType};

/// A text field whose value is committed when it loses focus (Enter or click away), not per key.
pub fn text_commit(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    current: &str,
    multiline: bool,
    focus: bool,
    width: f32,
) -> Option<String> {
    let id = ui.make_persistent_id(salt);
    let draft_id = id.with("draft");
    let focused = ui.memory(|m| m.has_focus(id));
    let mut text = if focused {
        ui.data(|d| d.get_temp::<String>(draft_id))
            .unwrap_or_else(|| current.to_owned())
    } else {
        current.to_owned()
    };
    let edit = if multiline {
        egui::TextEdit::multiline(&mut text).desired_rows(2)
    } else {
        egui::TextEdit::singleline(&mut text)
    };
    let response = ui.add(edit.id(id).desired_width(width));
    if focus {
        response.request_focus();
    }
    if response.has_focus() {
        ui.data_mut(|d| d.insert_temp(draft_id, text));
        None
    } else {
        ui.data_mut(|d| d.remove::<String>(draft_id));
        (response.lost_focus() && text != current).then_some(text)
    }
}

/// A number field that commits once a drag ends (one undo step), or when typing ends with
/// Enter or a click elsewhere (not per key). A value outside the field's range (from a file)
/// stays as it is until edited. `label` names the field for screen readers (and tests).
pub fn drag_commit<T>(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    current: T,
    label: Option<Id>,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> Option<T>
where
    T: egui::emath::Numeric + Clone + Send + Sync + 'static,
{
    let id = ui.make_persistent_id(salt);
    let mut value = ui.data(|d| d.get_temp::<T>(id)).unwrap_or(current);
    let field = style(DragValue::new(&mut value))
        .clamp_existing_to_range(false)
        .update_while_editing(false);
    let mut response = ui.add(field);
    if let Some(label) = label {
        response = response.labelled_by(label);
    }
    if response.dragged() {
        ui.data_mut(|d| d.insert_temp(id, value));
        return None;
    }
    ui.data_mut(|d| d.remove::<T>(id));
    (value != current).then_some(value)
}

/// `− n +` with accessible names, for counts.
pub fn stepper(
    ui: &mut Ui,
    what: &str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Option<u32> {
    let (lo, hi) = (*range.start(), *range.end());
    let mut out = None;
    ui.horizontal(|ui| {
        let minus = ui.add_enabled(value > lo, Button::new("−").small());
        minus.widget_info(|| {
            WidgetInfo::labeled(WidgetType::Button, value > lo, format!("Fewer {what}"))
        });
        if minus.clicked() {
            out = Some(value - 1);
        }
        if let Some(v) = drag_commit(ui, what, value, None, |d| d.range(lo..=hi).speed(0.05)) {
            out = Some(v);
        }
        let plus = ui.add_enabled(value < hi, Button::new("+").small());
        plus.widget_info(|| {
            WidgetInfo::labeled(WidgetType::Button, value < hi, format!("More {what}"))
        });
        if plus.clicked() {
            out = Some(value + 1);
        }
    });
    out
}

/// A field for a new id with its Add button, the text typed kept across frames; the
/// trimmed id, once, when Add is pressed.
pub fn new_id_ui(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    hint: &str,
    add: &str,
) -> Option<String> {
    let id = Id::new(salt);
    let mut text = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_default();
    ui.add(
        egui::TextEdit::singleline(&mut text)
            .hint_text(hint)
            .desired_width(110.0),
    );
    let added = ui
        .add_enabled(!text.trim().is_empty(), Button::new(add))
        .clicked()
        .then(|| text.trim().to_owned());
    if added.is_some() {
        text.clear();
    }
    ui.data_mut(|d| d.insert_temp(id, text));
    added
}
