//! The field checks every KPI form shares (library template, KPI added to an
//! account, KPI settings, joint targets): codes, names, thresholds, units and
//! their messages, and the choice lists of the forms.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::domain::{DataDomain, Direction, Frequency, Unit, Universe};
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::scoring::{self, Thresholds};
use crate::web::layout::Ui;

/// Field name → translation key of what is wrong with it.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

/// Attainment is capped at 150 % (see `scoring`): a higher threshold can never be met.
const MAX_THRESHOLD: f64 = 150.0;
const MAX_NAME: usize = 120;
const MAX_DESCRIPTION: usize = 2000;

/// `^[a-z][a-z0-9_]{1,62}$`, as the database checks it.
pub fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && (2..=63).contains(&code.len())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An exact decimal for a typed number: through the shortest decimal that reads
/// back as the same f64, so "0.1" stays 0.1.
pub fn decimal(v: f64) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap_or_default()
}

/// A stored number as it goes back into an input: no grouping, the locale's
/// decimal mark ("12,5" in French), so that it reads back unchanged.
pub fn input_number(locale: Locale, v: f64) -> String {
    let s = v.to_string();
    match locale {
        Locale::Fr => s.replace('.', ","),
        Locale::En => s,
    }
}

/// Collects the problems of a form, field by field; each method returns the
/// checked value or `None` (and records the first problem of that field).
#[derive(Debug, Default)]
pub struct Check {
    pub errors: FieldErrors,
}

impl Check {
    pub fn fail<T>(&mut self, field: &'static str, key: &'static str) -> Option<T> {
        self.errors.entry(field).or_insert(key);
        None
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn code(&mut self, field: &'static str, input: &str) -> Option<String> {
        let code = input.trim().to_lowercase();
        if code.is_empty() {
            self.fail(field, "field-required")
        } else if valid_code(&code) {
            Some(code)
        } else {
            self.fail(field, "kpi-code-invalid")
        }
    }

    pub fn name(&mut self, field: &'static str, input: &str) -> Option<String> {
        let name = input.trim().to_owned();
        if name.is_empty() {
            self.fail(field, "field-required")
        } else if name.chars().count() > MAX_NAME {
            self.fail(field, "field-too-long")
        } else {
            Some(name)
        }
    }

    pub fn description(&mut self, field: &'static str, input: &str) -> Option<String> {
        let text = input.trim().to_owned();
        if text.chars().count() > MAX_DESCRIPTION {
            self.fail(field, "field-too-long")
        } else {
            Some(text)
        }
    }

    /// One of a closed list (universe, unit…): `parsed` is `T::parse(input)`.
    pub fn choice<T>(&mut self, field: &'static str, parsed: Option<T>) -> Option<T> {
        match parsed {
            Some(v) => Some(v),
            None => self.fail(field, "kpi-choose-from-list"),
        }
    }

    pub fn number(&mut self, field: &'static str, input: &str) -> Option<f64> {
        if input.trim().is_empty() {
            return self.fail(field, "field-required");
        }
        match format::parse_number(input) {
            Some(v) => Some(v),
            None => self.fail(field, "value-not-a-number"),
        }
    }

    /// A target: non-zero (attainment is a ratio), within the unit's range when
    /// the unit is known. Empty gives `Some(None)` unless `required`.
    pub fn target(
        &mut self,
        field: &'static str,
        input: &str,
        unit: Option<Unit>,
        required: bool,
    ) -> Option<Option<Decimal>> {
        if input.trim().is_empty() && !required {
            return Some(None);
        }
        let v = self.number(field, input)?;
        if v == 0.0 {
            return self.fail(field, "kpi-target-zero");
        }
        if let Some(unit) = unit
            && let Err(key) = units::check(unit, v)
        {
            return self.fail(field, key);
        }
        Some(Some(decimal(v)))
    }

    /// Green and amber thresholds, in attainment percent.
    pub fn thresholds(&mut self, green: &str, amber: &str) -> Option<(Decimal, Decimal)> {
        let g = self.number("green_from", green);
        let a = self.number("amber_from", amber);
        let (g, a) = (g?, a?);
        if g > MAX_THRESHOLD {
            return self.fail("green_from", "kpi-threshold-too-high");
        }
        if a > MAX_THRESHOLD {
            return self.fail("amber_from", "kpi-threshold-too-high");
        }
        if scoring::check_thresholds(Thresholds {
            green_from: g,
            amber_from: a,
        })
        .is_err()
        {
            let field = if g.is_finite() && g > 0.0 {
                "amber_from"
            } else {
                "green_from"
            };
            return self.fail(field, "kpi-thresholds-invalid");
        }
        Some((decimal(g), decimal(a)))
    }

    /// A KPI's weight within its universe: above 0, at most 100.
    pub fn weight(&mut self, field: &'static str, input: &str) -> Option<Decimal> {
        let w = self.number(field, input)?;
        if w > 0.0 && w <= 100.0 {
            Some(decimal(w))
        } else {
            self.fail(field, "kpi-weight-range")
        }
    }

    /// Months after which a value is stale: 1 to 36.
    pub fn freshness(&mut self, field: &'static str, input: &str) -> Option<i32> {
        match input.trim().parse::<i32>() {
            Ok(m) if (1..=36).contains(&m) => Some(m),
            _ => self.fail(field, "kpi-freshness-range"),
        }
    }

    /// An owner from the offered list, or none.
    pub fn owner(
        &mut self,
        field: &'static str,
        input: &str,
        allowed: &[i64],
    ) -> Option<Option<i64>> {
        match input.trim() {
            "" => Some(None),
            s => match s.parse::<i64>().ok().filter(|id| allowed.contains(id)) {
                Some(id) => Some(Some(id)),
                None => self.fail(field, "kpi-owner-invalid"),
            },
        }
    }
}

/// Translates field errors for a page.
pub fn translate(ui: &Ui, errors: &FieldErrors) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|(field, key)| ((*field).to_owned(), ui.t(key)))
        .collect()
}

/// An option of a select, with its selection decided in Rust.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a closed list, labelled through its translation keys.
pub fn enum_options<T: Copy>(
    ui: &Ui,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label_key: impl Fn(T) -> String,
    selected: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|&v| Opt {
            value: code(v).to_owned(),
            label: ui.t(&label_key(v)),
            selected: code(v) == selected,
        })
        .collect()
}

macro_rules! options_of {
    ($ui:expr, $ty:ty, $selected:expr) => {
        $crate::kpis::check::enum_options(
            $ui,
            <$ty>::ALL,
            |v: $ty| v.code(),
            |v: $ty| v.label_key(),
            $selected,
        )
    };
}
pub(crate) use options_of;

/// The select lists of a KPI definition.
pub struct DefinitionOptions {
    pub universes: Vec<Opt>,
    pub units: Vec<Opt>,
    pub directions: Vec<Opt>,
    pub frequencies: Vec<Opt>,
    pub domains: Vec<Opt>,
}

impl DefinitionOptions {
    pub fn new(
        ui: &Ui,
        universe: &str,
        unit: &str,
        direction: &str,
        frequency: &str,
        domain: &str,
    ) -> Self {
        Self {
            universes: options_of!(ui, Universe, universe),
            units: options_of!(ui, Unit, unit),
            directions: options_of!(ui, Direction, direction),
            frequencies: options_of!(ui, Frequency, frequency),
            domains: options_of!(ui, DataDomain, domain),
        }
    }
}

/// "green from 100 % of target, amber from 90 %".
pub fn thresholds_text(ui: &Ui, green: f64, amber: f64) -> String {
    ui.locale.t_args(
        "thresholds-text",
        &[
            ("green", format::number(ui.locale, green, 2).into()),
            ("amber", format::number(ui.locale, amber, 2).into()),
        ],
    )
}
