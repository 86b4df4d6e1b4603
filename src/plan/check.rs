//! The plan's forms: what was typed (kept to show again on refusal) and its
//! validation into what is written. Pure: the options a choice must come from
//! (owners, KPIs, objectives of this account) are passed in.

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{
    ACTION_STATUSES, OBJECTIVE_STATUSES, REASON_MAX, RISK_LEVELS, SIDES, TEXT_MAX, TITLE_MAX,
};

/// (field, message key) of a refusal.
pub type Errors = Vec<(&'static str, &'static str)>;

/// The fields of a posted form, repeated names kept (KPI checkboxes).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn on(&self, name: &str) -> bool {
        self.get(name) == "on"
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn title(errors: &mut Errors, field: &'static str, s: &str) -> String {
    let t = s.trim().to_owned();
    if t.is_empty() {
        errors.push((field, "field-required"));
    } else if t.chars().count() > TITLE_MAX {
        errors.push((field, "plan-error-too-long"));
    }
    t
}

fn text(errors: &mut Errors, field: &'static str, s: &str, max: usize) -> String {
    if s.chars().count() > max {
        errors.push((field, "plan-error-too-long"));
    }
    s.trim().to_owned()
}

/// Start and due dates: both valid, the due date not before the start.
fn dates(
    errors: &mut Errors,
    starts: &str,
    due: &str,
    starts_required: bool,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let s = if starts.trim().is_empty() && !starts_required {
        None
    } else {
        let d = date(starts);
        if d.is_none() {
            errors.push(("starts", "date-invalid"));
        }
        d
    };
    let d = date(due);
    if d.is_none() {
        errors.push(("due", "date-invalid"));
    }
    if let (Some(s), Some(d)) = (s, d)
        && d < s
    {
        errors.push(("due", "plan-error-dates-order"));
    }
    (s, d)
}

/// KPI ids ticked, each one of `allowed` (the account's KPIs).
fn kpis(errors: &mut Errors, ticked: &[String], allowed: &[i64]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in ticked {
        match t.trim().parse::<i64>() {
            Ok(id) if allowed.contains(&id) => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            _ => {
                errors.push(("kpis", "plan-error-kpi"));
                return Vec::new();
            }
        }
    }
    out
}

fn choice(errors: &mut Errors, field: &'static str, s: &str, among: &[&str]) -> String {
    if !among.contains(&s) {
        errors.push((field, "kpi-choose-from-list"));
    }
    s.to_owned()
}

/// An optional supplier user (objective and risk owners).
fn staff(errors: &mut Errors, field: &'static str, s: &str, staff: &[i64]) -> Option<i64> {
    if s.trim().is_empty() {
        return None;
    }
    match s.trim().parse::<i64>() {
        Ok(id) if staff.contains(&id) => Some(id),
        _ => {
            errors.push((field, "plan-error-owner"));
            None
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ContextInput {
    pub status: String,
    pub priorities: String,
    pub challenges: String,
    pub competitors: String,
    pub strengths: String,
    pub weaknesses: String,
    pub opportunities: String,
    pub threats: String,
    pub context_shared: bool,
}

pub const CONTEXT_FIELDS: &[&str] = &[
    "priorities",
    "challenges",
    "competitors",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
];

pub fn context(f: &Fields) -> Result<ContextInput, Errors> {
    let mut e = Vec::new();
    let mut t = |name: &'static str| text(&mut e, name, &f.get(name), TEXT_MAX);
    let (priorities, challenges, competitors) =
        (t("priorities"), t("challenges"), t("competitors"));
    let (strengths, weaknesses, opportunities, threats) = (
        t("strengths"),
        t("weaknesses"),
        t("opportunities"),
        t("threats"),
    );
    let status = choice(&mut e, "status", &f.get("status"), &["draft", "active"]);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ContextInput {
        status,
        priorities,
        challenges,
        competitors,
        strengths,
        weaknesses,
        opportunities,
        threats,
        context_shared: f.on("context_shared"),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveInput {
    pub title: String,
    pub side: String,
    pub owner_id: Option<i64>,
    pub starts: Option<NaiveDate>,
    pub due: NaiveDate,
    pub target_note: String,
    pub status: String,
    pub status_override: Option<String>,
    pub override_reason: Option<String>,
    pub shared: bool,
    pub kpis: Vec<i64>,
}

pub fn objective(f: &Fields, staff_ids: &[i64], kpi_ids: &[i64]) -> Result<ObjectiveInput, Errors> {
    let mut e = Vec::new();
    let title = title(&mut e, "title", &f.get("title"));
    let side = choice(&mut e, "side", &f.get("side"), SIDES);
    let owner_id = staff(&mut e, "owner", &f.get("owner"), staff_ids);
    let (starts, due) = dates(&mut e, &f.get("starts"), &f.get("due"), false);
    let target_note = text(&mut e, "target_note", &f.get("target_note"), REASON_MAX);
    let mut status = f.get("status");
    if status.is_empty() {
        status = "on_track".into();
    }
    let status = choice(&mut e, "status", &status, OBJECTIVE_STATUSES);
    let ov = f.get("status_override");
    let status_override =
        (!ov.is_empty()).then(|| choice(&mut e, "status_override", &ov, OBJECTIVE_STATUSES));
    let reason = text(
        &mut e,
        "override_reason",
        &f.get("override_reason"),
        REASON_MAX,
    );
    let override_reason = match (&status_override, reason.is_empty()) {
        (Some(_), true) => {
            e.push(("override_reason", "plan-error-reason"));
            None
        }
        (Some(_), false) => Some(reason),
        (None, _) => None,
    };
    let kpis = kpis(&mut e, &f.all("kpi"), kpi_ids);
    match due {
        Some(due) if e.is_empty() => Ok(ObjectiveInput {
            title,
            side,
            owner_id,
            starts,
            due,
            target_note,
            status,
            status_override,
            override_reason,
            shared: f.on("shared"),
            kpis,
        }),
        _ => Err(e),
    }
}

/// An action's owner: a user (`u:<id>`) or a contact (`c:<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Owner {
    User(i64),
    Contact(i64),
}

impl Owner {
    pub fn parse(s: &str) -> Option<Owner> {
        let (kind, id) = s.trim().split_once(':')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "u" => Some(Owner::User(id)),
            "c" => Some(Owner::Contact(id)),
            _ => None,
        }
    }

    pub fn user(self) -> Option<i64> {
        match self {
            Owner::User(id) => Some(id),
            Owner::Contact(_) => None,
        }
    }

    pub fn contact(self) -> Option<i64> {
        match self {
            Owner::Contact(id) => Some(id),
            Owner::User(_) => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionInput {
    pub title: String,
    pub notes: String,
    pub objective_id: Option<i64>,
    pub owner: Owner,
    pub starts: NaiveDate,
    pub due: NaiveDate,
    pub shared: bool,
    pub kpis: Vec<i64>,
}

/// `owners`: the `u:`/`c:` values the account allows; `objectives`: this plan's.
pub fn action(
    f: &Fields,
    owners: &[String],
    objective_ids: &[i64],
    kpi_ids: &[i64],
    today: NaiveDate,
) -> Result<ActionInput, Errors> {
    let mut e = Vec::new();
    let title = title(&mut e, "title", &f.get("title"));
    let notes = text(&mut e, "notes", &f.get("notes"), TEXT_MAX);
    let raw_owner = f.get("owner");
    let owner = Owner::parse(&raw_owner).filter(|_| owners.contains(&raw_owner.trim().to_owned()));
    if owner.is_none() {
        e.push(("owner", "plan-error-owner"));
    }
    let objective = f.get("objective");
    let objective_id = if objective.trim().is_empty() {
        None
    } else {
        match objective.trim().parse::<i64>() {
            Ok(id) if objective_ids.contains(&id) => Some(id),
            _ => {
                e.push(("objective", "kpi-choose-from-list"));
                None
            }
        }
    };
    let mut starts_raw = f.get("starts");
    if starts_raw.trim().is_empty() {
        starts_raw = today.to_string();
    }
    let (starts, due) = dates(&mut e, &starts_raw, &f.get("due"), true);
    let kpis = kpis(&mut e, &f.all("kpi"), kpi_ids);
    match (owner, starts, due) {
        (Some(owner), Some(starts), Some(due)) if e.is_empty() => Ok(ActionInput {
            title,
            notes,
            objective_id,
            owner,
            starts,
            due,
            shared: f.on("shared"),
            kpis,
        }),
        _ => Err(e),
    }
}

pub fn action_status(f: &Fields) -> Result<String, Errors> {
    let mut e = Vec::new();
    let s = choice(&mut e, "status", &f.get("status"), ACTION_STATUSES);
    if e.is_empty() { Ok(s) } else { Err(e) }
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskInput {
    pub title: String,
    pub owner_id: Option<i64>,
    pub mitigation: String,
    pub level: String,
    pub shared: bool,
}

pub fn risk(f: &Fields, staff_ids: &[i64]) -> Result<RiskInput, Errors> {
    let mut e = Vec::new();
    let title = title(&mut e, "title", &f.get("title"));
    let owner_id = staff(&mut e, "owner", &f.get("owner"), staff_ids);
    let mitigation = text(&mut e, "mitigation", &f.get("mitigation"), 2000);
    let mut level = f.get("level");
    if level.is_empty() {
        level = "medium".into();
    }
    let level = choice(&mut e, "level", &level, RISK_LEVELS);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(RiskInput {
        title,
        owner_id,
        mitigation,
        level,
        shared: f.on("shared"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    #[test]
    fn dates_in_the_wrong_order_are_refused() {
        let f = fields(&[
            ("title", "Plan"),
            ("owner", "u:1"),
            ("starts", "2026-06-10"),
            ("due", "2026-06-01"),
        ]);
        let e = action(&f, &["u:1".into()], &[], &[], today()).unwrap_err();
        assert_eq!(e, vec![("due", "plan-error-dates-order")]);
    }

    #[test]
    fn an_owner_or_kpi_not_offered_is_refused() {
        let f = fields(&[
            ("title", "Plan"),
            ("owner", "c:99"),
            ("due", "2026-07-01"),
            ("kpi", "5"),
        ]);
        let e = action(&f, &["c:1".into()], &[], &[4], today()).unwrap_err();
        assert!(e.contains(&("owner", "plan-error-owner")));
        assert!(e.contains(&("kpis", "plan-error-kpi")));
    }

    #[test]
    fn an_override_needs_a_reason_and_long_text_is_refused() {
        let f = fields(&[
            ("title", "Grow"),
            ("side", "ours"),
            ("due", "2026-12-31"),
            ("status_override", "at_risk"),
        ]);
        let e = objective(&f, &[], &[]).unwrap_err();
        assert_eq!(e, vec![("override_reason", "plan-error-reason")]);
        let long = "x".repeat(100_000);
        let f = fields(&[("status", "draft"), ("strengths", &long)]);
        assert_eq!(
            context(&f).unwrap_err(),
            vec![("strengths", "plan-error-too-long")]
        );
    }
}
