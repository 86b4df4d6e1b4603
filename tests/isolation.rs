//! Isolation: every route of the router, for every role, answers what the role may
//! see and nothing more. Client users never receive an internal KPI or anything of
//! another account, however they guess ids; refusals are audited.
//!
//! The routes are read from `src/routes.rs` at test time and compared with the
//! expectation table below: a route without an expectation fails the test, so every
//! new route must say here who may open it.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use common::{TestApp, TestResponse};

// ---------------------------------------------------------------------------
// The route table, as written in src/routes.rs
// ---------------------------------------------------------------------------

/// The source without `//` comments (string literals left intact).
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'/') {
            for n in chars.by_ref() {
                if n == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The text of a call's arguments, from just after its `(` to the matching `)`.
fn call_arguments(s: &str) -> &str {
    let mut depth = 1;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses after .route(");
}

const METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect", "any",
];

/// The HTTP methods a method router expression uses: `get(…)`, `.post(…)`, `routing::put(…)`.
fn methods_in(args: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for m in METHODS {
        let needle = format!("{m}(");
        for (i, _) in args.match_indices(&needle) {
            let before = &args[..i];
            let prev = before.chars().next_back();
            let boundary = match prev {
                None => true,
                Some(':') => before.ends_with("routing::"),
                Some(p) => !(p.is_alphanumeric() || p == '_'),
            };
            if boundary {
                found.insert(m.to_uppercase());
            }
        }
    }
    found
}

/// Every (method, path) of the router, from `.route("<path>", <method router>)` calls.
fn parse_routes(src: &str) -> BTreeSet<(String, String)> {
    let code = strip_comments(src);
    for escape in [".nest(", ".nest_service(", ".route_service("] {
        assert!(
            !code.contains(escape),
            "src/routes.rs uses {escape}: teach tests/isolation.rs to enumerate those routes"
        );
    }
    let mut routes = BTreeSet::new();
    for (at, _) in code.match_indices(".route(") {
        let rest = &code[at + ".route(".len()..];
        let args = call_arguments(rest);
        let lit = args.trim_start();
        assert!(
            lit.starts_with('"'),
            "a .route( whose path is not a string literal: {args}"
        );
        let path = lit[1..].split('"').next().expect("path literal").to_owned();
        let methods = methods_in(&lit[1 + path.len() + 1..]);
        assert!(
            !methods.is_empty(),
            "no method found for route {path}: {args}"
        );
        for m in methods {
            assert!(
                routes.insert((m.clone(), path.clone())),
                "{m} {path} appears twice in src/routes.rs"
            );
        }
    }
    routes
}

fn routes_of_the_router() -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes.rs"))
        .expect("src/routes.rs");
    let routes = parse_routes(&src);
    assert!(
        routes.len() > 20,
        "the parser found too few routes: {routes:?}"
    );
    routes
}

// ---------------------------------------------------------------------------
// What each route should answer
// ---------------------------------------------------------------------------

/// Families of pages, as the issue states them (deliberately not taken from
/// `boussole::authz`, so that a change there shows up here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// Any signed-in user.
    Any,
    /// Every internal user (not clients).
    Staff,
    /// Admins, directors, KAMs.
    Accounts,
    /// Admins, directors, KAMs.
    Portfolio,
    /// Admins and directors: selection criteria, director's settings.
    Direction,
    /// Admins, KAMs, contributors (directors have no data requests).
    Inbox,
    /// Client users only.
    Portal,
    /// Admins only.
    Admin,
    /// Webhook subscriptions: admins, directors, KAMs, client users (not contributors).
    Webhooks,
}

/// How a route decides.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Open to everyone, signed in or not (health, static files).
    Public,
    /// `/`: the role's home, or the login page.
    Root,
    /// The login page: anonymous users get it, signed-in users their home.
    LoginPage,
    /// Logging in with an empty form: 422 for anyone.
    LoginPost,
    /// Logging out: back to the login page, for anyone.
    Logout,
    /// Switching language with an empty form: 422 for anyone.
    Language,
    /// The role area alone decides (403 outside it).
    Area(Area),
    /// Accounts area, then the account must be visible (404 otherwise).
    Visible,
    /// `Visible`, then the KPI must belong to that account (404 otherwise).
    VisibleKpi,
    /// `Visible`, then the account must have a plan (404 otherwise: the CSV of
    /// a plan that does not exist).
    VisiblePlan,
    /// Accounts area, visible (404), then editable (403).
    Editable,
    /// `Visible`, then review `0` of that account: nobody's (404).
    VisibleReview,
    /// `Editable`, then review `0`: nobody's (404).
    EditableReview,
    /// Portal area; review `0` is nobody's (404).
    PortalReview,
    /// `Editable`, then the KPI must belong to that account (404).
    EditableKpi,
    /// `EditableKpi`, and the KPI must be shared (404 for an internal one).
    EditableSharedKpi,
    /// Staff area; the KPI in that account (404); the account visible or the KPI
    /// owned by the user (404); editable or owned (403).
    ValueEntry,
    /// Portal area; the KPI shared, of the client's own account (404 otherwise).
    PortalKpi,
    /// `PortalKpi`, then the KPI joint and the account at stage 4 (403 otherwise):
    /// clients enter values of joint KPIs.
    PortalEntry,
    /// `EditableSharedKpi`, then the account at stage 3 or more (403 otherwise):
    /// targets are negotiated with the client from the cooperative stage.
    EditableTargetKpi,
    /// `PortalKpi`, then the account at stage 3 or more (403 otherwise).
    PortalTarget,
    /// A client user's own survey link: `0` is nobody's, so 404 in the portal area.
    PortalSurvey,
    /// An invitation link: with a token that was never issued, the same "not
    /// valid" page (404) for anyone, signed in or not.
    InvalidToken,
    /// Accounts area; an import run Alice started: hers and admins' to see, a 404
    /// for anyone else.
    ImportRun,
    /// Any signed-in user; an API token that is nobody's (`0`): 404.
    NobodysToken,
    /// The webhooks area; a subscription that is nobody's (`0`): 404.
    NobodysWebhook,
    /// The API: by bearer token, not session (`api_routes_answer_every_role_by_token`).
    Api(Api),
}

/// How an API route decides (each caller holds a read-write token of their own).
#[derive(Debug, Clone, Copy)]
enum Api {
    /// The accounts list: staff of the accounts area and client users; 403 otherwise.
    Accounts,
    /// An account: as `Visible` for staff, the client's own account for clients.
    Account,
    /// A KPI of the account: for clients a shared KPI at stage 2 or more (the portal).
    Kpi,
    /// Writing a value: `ValueEntry` for staff, `PortalEntry` for clients.
    Entry,
    /// A batch of values: the empty batch is refused (422) to every token.
    Batch,
    /// The portfolio rows: the portfolio area.
    Portfolio,
}

/// Every route of the app and its rule. `tests/isolation.rs` fails if
/// `src/routes.rs` has a route not listed here (or this lists one it lacks).
const TABLE: &[(&str, &str, Rule)] = &[
    ("GET", "/", Rule::Root),
    ("GET", "/login", Rule::LoginPage),
    ("POST", "/login", Rule::LoginPost),
    ("POST", "/logout", Rule::Logout),
    ("POST", "/language", Rule::Language),
    // Staff
    ("GET", "/accounts", Rule::Area(Area::Accounts)),
    ("POST", "/accounts", Rule::Area(Area::Accounts)),
    ("GET", "/accounts.csv", Rule::Area(Area::Accounts)),
    ("GET", "/accounts/new", Rule::Area(Area::Accounts)),
    ("GET", "/accounts/{id}/edit", Rule::Editable),
    ("GET", "/accounts/{id}", Rule::Visible),
    ("POST", "/accounts/{id}", Rule::Editable),
    ("GET", "/accounts/{id}/scorecard.csv", Rule::Visible),
    ("GET", "/accounts/{id}/kpis/{kpi_id}", Rule::VisibleKpi),
    (
        "GET",
        "/accounts/{id}/kpis/{kpi_id}/history.csv",
        Rule::VisibleKpi,
    ),
    (
        "GET",
        "/accounts/{id}/kpis/{kpi_id}/value",
        Rule::ValueEntry,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/values",
        Rule::ValueEntry,
    ),
    ("GET", "/help/scoring", Rule::Area(Area::Any)),
    ("POST", "/accounts/{id}/team", Rule::Editable),
    ("GET", "/accounts/{id}/locks", Rule::Editable),
    ("POST", "/accounts/{id}/locks", Rule::Editable),
    ("GET", "/accounts/{id}/requests", Rule::Visible),
    ("POST", "/accounts/{id}/requests", Rule::Editable),
    ("GET", "/accounts/{id}/requests.csv", Rule::Visible),
    ("GET", "/requests", Rule::Area(Area::Portfolio)),
    ("GET", "/requests.csv", Rule::Area(Area::Portfolio)),
    ("GET", "/me/reminders", Rule::Area(Area::Any)),
    ("POST", "/me/reminders", Rule::Area(Area::Any)),
    ("GET", "/me/digest", Rule::Area(Area::Any)),
    ("POST", "/me/digest", Rule::Area(Area::Any)),
    ("POST", "/accounts/{id}/follow", Rule::Visible),
    (
        "POST",
        "/accounts/{id}/locks/{month}/unlock",
        Rule::Editable,
    ),
    (
        "POST",
        "/accounts/{id}/team/{user_id}/remove",
        Rule::Editable,
    ),
    ("GET", "/portfolio", Rule::Area(Area::Portfolio)),
    ("GET", "/portfolio.csv", Rule::Area(Area::Portfolio)),
    ("GET", "/selection", Rule::Area(Area::Portfolio)),
    ("GET", "/selection.csv", Rule::Area(Area::Portfolio)),
    ("GET", "/selection/criteria", Rule::Area(Area::Direction)),
    ("POST", "/selection/criteria", Rule::Area(Area::Direction)),
    ("GET", "/selection/accounts/{id}", Rule::Editable),
    ("POST", "/selection/accounts/{id}", Rule::Editable),
    ("GET", "/capabilities", Rule::Area(Area::Portfolio)),
    ("GET", "/capabilities.csv", Rule::Area(Area::Portfolio)),
    ("GET", "/drivers", Rule::Area(Area::Portfolio)),
    ("GET", "/drivers.csv", Rule::Area(Area::Portfolio)),
    ("GET", "/drivers/{code}", Rule::Area(Area::Portfolio)),
    (
        "GET",
        "/drivers/{code}/scatter.csv",
        Rule::Area(Area::Portfolio),
    ),
    ("GET", "/accounts/{id}/value", Rule::Visible),
    ("GET", "/accounts/{id}/value.csv", Rule::Visible),
    ("GET", "/director/settings", Rule::Area(Area::Direction)),
    ("POST", "/director/settings", Rule::Area(Area::Direction)),
    ("GET", "/director/time-zone", Rule::Area(Area::Direction)),
    ("POST", "/director/time-zone", Rule::Area(Area::Direction)),
    ("GET", "/inbox", Rule::Area(Area::Inbox)),
    ("GET", "/import", Rule::Area(Area::Accounts)),
    ("POST", "/import", Rule::Area(Area::Accounts)),
    ("GET", "/import/template.csv", Rule::Area(Area::Accounts)),
    ("GET", "/import/{run_id}", Rule::ImportRun),
    ("GET", "/accounts/{id}/stage", Rule::Editable),
    ("POST", "/accounts/{id}/stage", Rule::Editable),
    ("GET", "/accounts/{id}/kpis/new", Rule::Editable),
    ("POST", "/accounts/{id}/kpis", Rule::Editable),
    (
        "GET",
        "/accounts/{id}/kpis/{kpi_id}/settings",
        Rule::EditableKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/settings",
        Rule::EditableKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/targets",
        Rule::EditableKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/targets/remove",
        Rule::EditableKpi,
    ),
    (
        "GET",
        "/accounts/{id}/kpis/{kpi_id}/delete",
        Rule::EditableKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/delete",
        Rule::EditableKpi,
    ),
    ("GET", "/accounts/{id}/weights", Rule::Editable),
    ("POST", "/accounts/{id}/weights", Rule::Editable),
    ("GET", "/admin/kpis", Rule::Area(Area::Admin)),
    ("POST", "/admin/kpis", Rule::Area(Area::Admin)),
    ("GET", "/admin/kpis.csv", Rule::Area(Area::Admin)),
    ("GET", "/admin/kpis/new", Rule::Area(Area::Admin)),
    ("GET", "/admin/kpis/{id}/edit", Rule::Area(Area::Admin)),
    ("POST", "/admin/kpis/{id}", Rule::Area(Area::Admin)),
    // Client users
    ("GET", "/portal", Rule::Area(Area::Portal)),
    ("GET", "/portal/scorecard.csv", Rule::Area(Area::Portal)),
    ("GET", "/portal/kpis/{kpi_id}", Rule::PortalKpi),
    ("GET", "/portal/kpis/{kpi_id}/history.csv", Rule::PortalKpi),
    ("GET", "/accounts/{id}/as-client", Rule::Visible),
    (
        "GET",
        "/accounts/{id}/as-client/scorecard.csv",
        Rule::Visible,
    ),
    // Mutual evaluation of shared values
    ("POST", "/portal/kpis/{kpi_id}/evaluate", Rule::PortalKpi),
    ("POST", "/portal/kpis/{kpi_id}/values", Rule::PortalEntry),
    ("POST", "/portal/validate", Rule::Area(Area::Portal)),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/evaluate",
        Rule::EditableSharedKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/target-proposals",
        Rule::EditableTargetKpi,
    ),
    (
        "POST",
        "/accounts/{id}/kpis/{kpi_id}/target-proposals/{proposal_id}",
        Rule::EditableTargetKpi,
    ),
    (
        "POST",
        "/portal/kpis/{kpi_id}/target-proposals",
        Rule::PortalTarget,
    ),
    (
        "POST",
        "/portal/kpis/{kpi_id}/target-proposals/{proposal_id}",
        Rule::PortalTarget,
    ),
    (
        "POST",
        "/accounts/{id}/universes/{universe}/visibility",
        Rule::Editable,
    ),
    ("GET", "/evaluations", Rule::Area(Area::Accounts)),
    ("GET", "/evaluations.csv", Rule::Area(Area::Accounts)),
    ("GET", "/accounts/{id}/opportunities", Rule::Visible),
    ("POST", "/accounts/{id}/opportunities", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/opportunities/{opportunity_id}",
        Rule::Editable,
    ),
    // Business reviews: review 0 is nobody's, so 404 once the account is reached
    ("GET", "/accounts/{id}/reviews", Rule::Visible),
    ("POST", "/accounts/{id}/reviews", Rule::Editable),
    (
        "GET",
        "/accounts/{id}/reviews/{review_id}",
        Rule::VisibleReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}",
        Rule::EditableReview,
    ),
    (
        "GET",
        "/accounts/{id}/reviews/{review_id}/pack",
        Rule::VisibleReview,
    ),
    (
        "GET",
        "/accounts/{id}/reviews/{review_id}/pack.pdf",
        Rule::VisibleReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}/freeze",
        Rule::EditableReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}/minutes",
        Rule::EditableReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}/decisions",
        Rule::EditableReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}/decisions/{decision_id}/action",
        Rule::EditableReview,
    ),
    (
        "POST",
        "/accounts/{id}/reviews/{review_id}/rating",
        Rule::VisibleReview,
    ),
    ("GET", "/portal/reviews", Rule::Area(Area::Portal)),
    (
        "POST",
        "/portal/reviews/{review_id}/rating",
        Rule::PortalReview,
    ),
    ("GET", "/portal/reviews/{review_id}", Rule::PortalReview),
    (
        "GET",
        "/portal/reviews/{review_id}/pack.pdf",
        Rule::PortalReview,
    ),
    (
        "POST",
        "/portal/reviews/{review_id}/confirm",
        Rule::PortalReview,
    ),
    // The account business plan
    ("GET", "/accounts/{id}/plan", Rule::Visible),
    ("POST", "/accounts/{id}/plan", Rule::Editable),
    ("GET", "/accounts/{id}/plan/actions.csv", Rule::VisiblePlan),
    (
        "GET",
        "/accounts/{id}/plan/objectives.csv",
        Rule::VisiblePlan,
    ),
    ("POST", "/accounts/{id}/plan/context", Rule::Editable),
    ("POST", "/accounts/{id}/plan/close", Rule::Editable),
    ("POST", "/accounts/{id}/plan/objectives", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/plan/objectives/{objective_id}",
        Rule::Editable,
    ),
    ("POST", "/accounts/{id}/plan/actions", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/plan/actions/{action_id}",
        Rule::Editable,
    ),
    ("POST", "/accounts/{id}/plan/risks", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/plan/risks/{risk_id}",
        Rule::Editable,
    ),
    ("GET", "/accounts/{id}/plan/whitespace", Rule::Visible),
    ("POST", "/accounts/{id}/plan/whitespace", Rule::Editable),
    ("GET", "/accounts/{id}/plan/whitespace.csv", Rule::Visible),
    (
        "POST",
        "/accounts/{id}/plan/whitespace/units",
        Rule::Editable,
    ),
    (
        "POST",
        "/accounts/{id}/plan/whitespace/offerings",
        Rule::Editable,
    ),
    (
        "POST",
        "/accounts/{id}/plan/whitespace/import",
        Rule::Editable,
    ),
    (
        "POST",
        "/accounts/{id}/plan/whitespace/opportunity",
        Rule::Editable,
    ),
    ("GET", "/accounts/{id}/plan/relationships", Rule::Visible),
    ("GET", "/portal/plan", Rule::Area(Area::Portal)),
    (
        "POST",
        "/portal/plan/actions/{action_id}",
        Rule::Area(Area::Portal),
    ),
    // Voice of the customer
    ("GET", "/voc", Rule::Area(Area::Accounts)),
    ("GET", "/accounts/{id}/contacts", Rule::Visible),
    ("POST", "/accounts/{id}/contacts", Rule::Editable),
    ("GET", "/accounts/{id}/contacts.csv", Rule::Visible),
    (
        "POST",
        "/accounts/{id}/contacts/{contact_id}",
        Rule::Editable,
    ),
    ("GET", "/accounts/{id}/surveys", Rule::Visible),
    ("POST", "/accounts/{id}/surveys", Rule::Editable),
    ("GET", "/accounts/{id}/voc", Rule::Visible),
    ("GET", "/accounts/{id}/voc.csv", Rule::Visible),
    ("POST", "/accounts/{id}/feedback", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/voc/verbatims/{verbatim_id}",
        Rule::Editable,
    ),
    ("GET", "/survey/{token}", Rule::InvalidToken),
    ("POST", "/survey/{token}", Rule::InvalidToken),
    ("GET", "/admin/voc", Rule::Area(Area::Admin)),
    ("POST", "/admin/voc/themes/{code}", Rule::Area(Area::Admin)),
    (
        "POST",
        "/admin/voc/questions/{code}",
        Rule::Area(Area::Admin),
    ),
    ("GET", "/portal/voc", Rule::Area(Area::Portal)),
    ("GET", "/portal/surveys/{link_id}", Rule::PortalSurvey),
    ("POST", "/portal/surveys/{link_id}", Rule::PortalSurvey),
    // Administration
    ("GET", "/admin/users", Rule::Area(Area::Admin)),
    ("POST", "/admin/users", Rule::Area(Area::Admin)),
    ("GET", "/admin/users/new", Rule::Area(Area::Admin)),
    ("GET", "/admin/audit", Rule::Area(Area::Admin)),
    ("GET", "/admin/audit.csv", Rule::Area(Area::Admin)),
    ("GET", "/admin/jobs", Rule::Area(Area::Admin)),
    ("GET", "/admin/jobs.csv", Rule::Area(Area::Admin)),
    // Infrastructure
    ("GET", "/accounts/{id}/clients", Rule::Editable),
    ("POST", "/accounts/{id}/clients/invite", Rule::Editable),
    (
        "POST",
        "/accounts/{id}/clients/{user_id}/revoke",
        Rule::Editable,
    ),
    ("GET", "/invitation/{token}", Rule::InvalidToken),
    ("POST", "/invitation/{token}", Rule::InvalidToken),
    ("GET", "/accounts/{id}/activity", Rule::Visible),
    ("GET", "/portal/activity", Rule::Area(Area::Portal)),
    ("GET", "/notifications", Rule::Area(Area::Any)),
    ("POST", "/notifications/read", Rule::Area(Area::Any)),
    ("GET", "/healthz", Rule::Public),
    ("GET", "/readyz", Rule::Public),
    // No metrics token in the tests' configuration: 404 for everyone, like a link with a
    // token never issued (tests/ops.rs covers the token and the separate address).
    ("GET", "/metrics", Rule::InvalidToken),
    ("GET", "/static/{*path}", Rule::Public),
    // API tokens
    ("GET", "/settings/tokens", Rule::Area(Area::Any)),
    ("POST", "/settings/tokens", Rule::Area(Area::Any)),
    (
        "POST",
        "/settings/tokens/{token_id}/revoke",
        Rule::NobodysToken,
    ),
    // Webhook subscriptions
    ("GET", "/settings/webhooks", Rule::Area(Area::Webhooks)),
    ("POST", "/settings/webhooks", Rule::Area(Area::Webhooks)),
    (
        "GET",
        "/settings/webhooks/{webhook_id}",
        Rule::NobodysWebhook,
    ),
    (
        "GET",
        "/settings/webhooks/{webhook_id}/deliveries.csv",
        Rule::NobodysWebhook,
    ),
    (
        "POST",
        "/settings/webhooks/{webhook_id}/test",
        Rule::NobodysWebhook,
    ),
    (
        "POST",
        "/settings/webhooks/{webhook_id}/delete",
        Rule::NobodysWebhook,
    ),
    // The API
    ("GET", "/api/v1/accounts", Rule::Api(Api::Accounts)),
    ("GET", "/api/v1/accounts/{id}", Rule::Api(Api::Account)),
    ("GET", "/api/v1/accounts/{id}/kpis", Rule::Api(Api::Account)),
    (
        "GET",
        "/api/v1/accounts/{id}/kpis/{kpi_id}",
        Rule::Api(Api::Kpi),
    ),
    (
        "GET",
        "/api/v1/accounts/{id}/values",
        Rule::Api(Api::Account),
    ),
    (
        "GET",
        "/api/v1/accounts/{id}/kpis/{kpi_id}/values/{period}",
        Rule::Api(Api::Kpi),
    ),
    (
        "PUT",
        "/api/v1/accounts/{id}/kpis/{kpi_id}/values/{period}",
        Rule::Api(Api::Entry),
    ),
    ("POST", "/api/v1/values", Rule::Api(Api::Batch)),
    ("GET", "/api/v1/portfolio", Rule::Api(Api::Portfolio)),
    ("GET", "/api/openapi.json", Rule::Public),
    ("GET", "/api/docs", Rule::Public),
];

/// POSTs that change something even with an empty form: they get a throwaway KPI
/// (in the same account as the one the case is about) instead of the real one.
const DESTRUCTIVE: &[(&str, &str)] = &[("POST", "/accounts/{id}/kpis/{kpi_id}/delete")];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Admin,
    Director,
    Kam,
    Contributor,
    Client,
    Anonymous,
}

impl Kind {
    fn home(self) -> &'static str {
        match self {
            Kind::Admin => "/admin/users",
            Kind::Director => "/portfolio",
            Kind::Kam => "/accounts",
            Kind::Contributor => "/inbox",
            Kind::Client => "/portal",
            Kind::Anonymous => "/login",
        }
    }

    fn allows(self, area: Area) -> bool {
        use Kind::*;
        match area {
            Area::Any => self != Anonymous,
            Area::Staff => matches!(self, Admin | Director | Kam | Contributor),
            Area::Accounts | Area::Portfolio => matches!(self, Admin | Director | Kam),
            Area::Direction => matches!(self, Admin | Director),
            Area::Inbox => matches!(self, Admin | Kam | Contributor),
            Area::Portal => self == Client,
            Area::Admin => self == Admin,
            Area::Webhooks => matches!(self, Admin | Director | Kam | Client),
        }
    }
}

/// One browser's user.
#[derive(Debug, Clone)]
struct Who {
    /// The role in the issue's words.
    label: &'static str,
    email: Option<&'static str>,
    kind: Kind,
    id: i64,
    account_id: Option<i64>,
}

#[derive(Debug, Clone)]
struct Account {
    id: i64,
    slug: String,
    name: String,
    owner_id: Option<i64>,
    team: Vec<i64>,
    stage: i16,
    /// Whether the account has a business plan (its CSVs exist).
    has_plan: bool,
}

#[derive(Debug, Clone)]
struct Kpi {
    id: i64,
    account_id: i64,
    visibility: String,
    owner_id: Option<i64>,
    name_fr: String,
    name_en: String,
}

fn visible(who: &Who, a: &Account) -> bool {
    match who.kind {
        Kind::Admin | Kind::Director => true,
        Kind::Kam => a.owner_id == Some(who.id) || a.team.contains(&who.id),
        _ => false,
    }
}

fn editable(who: &Who, a: &Account) -> bool {
    matches!(who.kind, Kind::Admin | Kind::Director) || a.owner_id == Some(who.id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Exactly this status.
    Status(StatusCode),
    /// An authorised POST with an empty form: anything but a refusal or an error of ours.
    Handled,
    /// 303 to exactly this location.
    Redirect(String),
    /// Anonymous: 303 to `/login?next=<path>` (GET) or `/login` (POST).
    Login,
    /// 403 from the area check: audited as `security.access_refused`.
    Refused,
    /// 404: the thing exists, but saying so would leak.
    Hidden,
}

fn granted(method: &str) -> Expect {
    if method == "GET" {
        Expect::Status(StatusCode::OK)
    } else {
        Expect::Handled
    }
}

/// What `who` should get for `method` on a route of `rule`, about `account` and `kpi`.
fn expect(
    rule: Rule,
    method: &str,
    who: &Who,
    account: Option<&Account>,
    kpi: Option<&Kpi>,
    accounts: &[Account],
) -> Expect {
    let area = match rule {
        Rule::Public => return Expect::Status(StatusCode::OK),
        Rule::InvalidToken => return Expect::Status(StatusCode::NOT_FOUND),
        Rule::Root => return Expect::Redirect(who.kind.home().into()),
        Rule::LoginPage if who.kind == Kind::Anonymous => return Expect::Status(StatusCode::OK),
        Rule::LoginPage => return Expect::Redirect(who.kind.home().into()),
        Rule::LoginPost | Rule::Language => {
            return Expect::Status(StatusCode::UNPROCESSABLE_ENTITY);
        }
        Rule::Logout => return Expect::Redirect("/login".into()),
        Rule::Area(a) => a,
        Rule::Visible
        | Rule::VisiblePlan
        | Rule::VisibleKpi
        | Rule::VisibleReview
        | Rule::EditableReview
        | Rule::Editable
        | Rule::EditableKpi
        | Rule::EditableSharedKpi
        | Rule::EditableTargetKpi => Area::Accounts,
        Rule::ValueEntry => Area::Staff,
        Rule::ImportRun => Area::Accounts,
        Rule::NobodysToken => Area::Any,
        Rule::NobodysWebhook => Area::Webhooks,
        Rule::Api(_) => unreachable!("API routes are checked by token"),
        Rule::PortalKpi
        | Rule::PortalEntry
        | Rule::PortalTarget
        | Rule::PortalSurvey
        | Rule::PortalReview => Area::Portal,
    };
    if who.kind == Kind::Anonymous {
        return Expect::Login;
    }
    if !who.kind.allows(area) {
        return Expect::Refused;
    }
    let account = || account.expect("the route has an {id}");
    let kpi = || kpi.expect("the route has a {kpi_id}");
    let kpi_in_account = || kpi().account_id == account().id;
    match rule {
        Rule::Area(_) => granted(method),
        Rule::VisibleReview | Rule::EditableReview if !visible(who, account()) => Expect::Hidden,
        Rule::EditableReview if !editable(who, account()) => Expect::Status(StatusCode::FORBIDDEN),
        Rule::VisibleReview | Rule::EditableReview | Rule::PortalReview => Expect::Hidden,
        Rule::Visible | Rule::VisibleKpi | Rule::VisiblePlan if !visible(who, account()) => {
            Expect::Hidden
        }
        Rule::VisiblePlan if !account().has_plan => Expect::Hidden,
        Rule::VisiblePlan => granted(method),
        Rule::VisibleKpi if !kpi_in_account() => Expect::Hidden,
        Rule::Visible | Rule::VisibleKpi => granted(method),
        Rule::Editable | Rule::EditableKpi | Rule::EditableSharedKpi | Rule::EditableTargetKpi
            if !visible(who, account()) =>
        {
            Expect::Hidden
        }
        Rule::Editable | Rule::EditableKpi | Rule::EditableSharedKpi | Rule::EditableTargetKpi
            if !editable(who, account()) =>
        {
            Expect::Status(StatusCode::FORBIDDEN)
        }
        Rule::EditableKpi | Rule::EditableSharedKpi | Rule::EditableTargetKpi
            if !kpi_in_account() =>
        {
            Expect::Hidden
        }
        Rule::EditableSharedKpi | Rule::EditableTargetKpi if kpi().visibility == "internal" => {
            Expect::Hidden
        }
        Rule::EditableTargetKpi if account().stage < 3 => Expect::Status(StatusCode::FORBIDDEN),
        Rule::Editable | Rule::EditableKpi | Rule::EditableSharedKpi | Rule::EditableTargetKpi => {
            granted(method)
        }
        Rule::ValueEntry => {
            let owns = kpi().owner_id == Some(who.id);
            if !kpi_in_account() || !(visible(who, account()) || owns) {
                Expect::Hidden
            } else if editable(who, account()) || owns {
                granted(method)
            } else {
                Expect::Status(StatusCode::FORBIDDEN)
            }
        }
        Rule::PortalKpi | Rule::PortalEntry | Rule::PortalTarget => {
            let k = kpi();
            let own = Some(k.account_id) == who.account_id;
            let stage = accounts
                .iter()
                .find(|a| a.id == k.account_id)
                .map(|a| a.stage)
                .unwrap_or(0);
            if !(own && k.visibility != "internal" && stage >= 2) {
                Expect::Hidden
            } else if (matches!(rule, Rule::PortalEntry)
                && !(k.visibility == "joint" && stage >= 4))
                || (matches!(rule, Rule::PortalTarget) && stage < 3)
            {
                Expect::Status(StatusCode::FORBIDDEN)
            } else {
                granted(method)
            }
        }
        Rule::PortalSurvey => Expect::Hidden,
        Rule::ImportRun if who.kind == Kind::Admin || who.email == Some(ALICE) => granted(method),
        Rule::ImportRun => Expect::Hidden,
        Rule::NobodysToken | Rule::NobodysWebhook => Expect::Hidden,
        _ => unreachable!("{rule:?}"),
    }
}

/// What `who`'s read-write token should get on an API route.
fn expect_api(
    api: Api,
    who: &Who,
    account: Option<&Account>,
    kpi: Option<&Kpi>,
    accounts: &[Account],
) -> Expect {
    use StatusCode as S;
    if who.kind == Kind::Anonymous {
        return Expect::Status(S::UNAUTHORIZED);
    }
    let client = who.kind == Kind::Client;
    let area = match api {
        Api::Portfolio => who.kind.allows(Area::Portfolio),
        Api::Entry | Api::Batch => true,
        _ => client || who.kind.allows(Area::Accounts),
    };
    if !area {
        return Expect::Status(S::FORBIDDEN);
    }
    let sees = |a: &Account| {
        if client {
            Some(a.id) == who.account_id
        } else {
            visible(who, a)
        }
    };
    let stage = |id: i64| {
        accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.stage)
            .unwrap_or(0)
    };
    let status = |s: StatusCode| Expect::Status(s);
    match api {
        Api::Accounts | Api::Portfolio => status(S::OK),
        Api::Batch => status(S::UNPROCESSABLE_ENTITY),
        Api::Account => {
            if sees(account.expect("{id}")) {
                status(S::OK)
            } else {
                Expect::Hidden
            }
        }
        Api::Kpi => {
            let (a, k) = (account.expect("{id}"), kpi.expect("{kpi_id}"));
            let shown = k.account_id == a.id
                && sees(a)
                && (!client || (k.visibility != "internal" && stage(a.id) >= 2));
            if shown { status(S::OK) } else { Expect::Hidden }
        }
        Api::Entry => {
            let (a, k) = (account.expect("{id}"), kpi.expect("{kpi_id}"));
            let in_account = k.account_id == a.id;
            if client {
                if !(in_account && sees(a) && k.visibility != "internal" && stage(a.id) >= 2) {
                    Expect::Hidden
                } else if !(k.visibility == "joint" && stage(a.id) >= 4) {
                    status(S::FORBIDDEN)
                } else {
                    status(S::UNPROCESSABLE_ENTITY)
                }
            } else {
                let owns = k.owner_id == Some(who.id);
                if !in_account || !(visible(who, a) || owns) {
                    Expect::Hidden
                } else if editable(who, a) || owns {
                    // The empty body: the value is missing.
                    status(S::UNPROCESSABLE_ENTITY)
                } else {
                    status(S::FORBIDDEN)
                }
            }
        }
    }
}

/// A mismatch between the expectation and the answer, if any.
fn verdict(exp: &Expect, method: &str, path: &str, r: &TestResponse) -> Option<String> {
    if r.status.is_server_error() {
        return Some(format!("got {} (server error), expected {exp:?}", r.status));
    }
    let loc = r.location().unwrap_or_default();
    let ok = match exp {
        Expect::Status(s) => r.status == *s,
        Expect::Handled => {
            !matches!(
                r.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ) && !loc.starts_with("/login")
        }
        Expect::Redirect(to) => r.status == StatusCode::SEE_OTHER && loc == to,
        Expect::Login => {
            let to = if method == "GET" {
                format!(
                    "/login?next={}",
                    url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
                )
            } else {
                "/login".to_owned()
            };
            r.status == StatusCode::SEE_OTHER && loc == to
        }
        Expect::Refused => r.status == StatusCode::FORBIDDEN,
        Expect::Hidden => r.status == StatusCode::NOT_FOUND,
    };
    (!ok).then(|| {
        format!(
            "got {} {loc}, expected {exp:?}{}",
            r.status,
            if r.status == StatusCode::UNPROCESSABLE_ENTITY || r.status.is_success() {
                String::new()
            } else {
                format!(" — {}", excerpt(&r.body))
            }
        )
    })
}

fn excerpt(body: &str) -> String {
    let text: String = body.chars().take(160).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// The demo world the cases are about
// ---------------------------------------------------------------------------

struct World {
    users: BTreeMap<&'static str, Who>,
    /// Every account (names for the leak checks, stages for the portal).
    accounts: Vec<Account>,
    /// The account of the scenario: owned by Alice, client client@lumiere-retail.
    lumiere: Account,
    /// Another account: Bruno's.
    northwind: Account,
    /// The other client's account.
    atelier: Account,
    /// Every KPI of every account.
    kpis: Vec<Kpi>,
    lum_shared: Kpi,
    lum_internal: Kpi,
    /// A KPI of Lumière owned by the contributor.
    lum_contributed: Kpi,
    northwind_kpi: Kpi,
    atelier_shared: Kpi,
    atelier_joint: Kpi,
    template_id: i64,
    /// A user who is on neither team (for the team removal route).
    team_outsider: i64,
    /// A CSV import run Alice started.
    import_run: i64,
}

const ADMIN: &str = "admin@boussole.example";
const DIRECTOR: &str = "direction@boussole.example";
const ALICE: &str = "kam.alice@boussole.example";
const BRUNO: &str = "kam.bruno@boussole.example";
const CONTRIBUTOR: &str = "logistique@boussole.example";
const CLIENT_LUMIERE: &str = "client@lumiere-retail.example";
const CLIENT_ATELIER: &str = "client@atelier-vernier.example";

const PEOPLE: &[(&str, &str, Kind)] = &[
    (ADMIN, "admin", Kind::Admin),
    (DIRECTOR, "director", Kind::Director),
    (ALICE, "KAM (Alice)", Kind::Kam),
    (BRUNO, "KAM (Bruno)", Kind::Kam),
    (CONTRIBUTOR, "contributor", Kind::Contributor),
    (CLIENT_LUMIERE, "client of Lumière", Kind::Client),
    (CLIENT_ATELIER, "client of Atelier Vernier", Kind::Client),
];

async fn world(app: &TestApp) -> World {
    let mut users = BTreeMap::new();
    for (email, label, kind) in PEOPLE {
        let (id, account_id): (i64, Option<i64>) =
            sqlx::query_as("SELECT id, account_id FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&app.db)
                .await
                .unwrap_or_else(|e| panic!("demo user {email}: {e}"));
        users.insert(
            *email,
            Who {
                label,
                email: Some(*email),
                kind: *kind,
                id,
                account_id,
            },
        );
    }
    let rows: Vec<(i64, String, String, Option<i64>, i16, bool)> = sqlx::query_as(
        "SELECT id, slug, name, owner_id, stage, \
                EXISTS (SELECT 1 FROM account_plans p WHERE p.account_id = accounts.id) \
         FROM accounts ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let team: Vec<(i64, i64)> = sqlx::query_as("SELECT account_id, user_id FROM account_team")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let accounts: Vec<Account> = rows
        .into_iter()
        .map(|(id, slug, name, owner_id, stage, has_plan)| Account {
            id,
            slug,
            name,
            owner_id,
            team: team
                .iter()
                .filter(|(a, _)| *a == id)
                .map(|(_, u)| *u)
                .collect(),
            stage,
            has_plan,
        })
        .collect();
    let by_slug = |slug: &str| {
        accounts
            .iter()
            .find(|a| a.slug == slug)
            .cloned()
            .unwrap_or_else(|| panic!("demo account {slug}"))
    };
    let lumiere = by_slug("lumiere-retail");
    let northwind = by_slug("northwind-logistics");
    let atelier = by_slug("atelier-vernier");
    assert_eq!(lumiere.owner_id, Some(users[ALICE].id));
    assert_eq!(northwind.owner_id, Some(users[BRUNO].id));
    assert_eq!(users[CLIENT_LUMIERE].account_id, Some(lumiere.id));
    assert_eq!(users[CLIENT_ATELIER].account_id, Some(atelier.id));

    let rows: Vec<(i64, i64, String, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT id, account_id, visibility::text, owner_id, name_fr, name_en \
         FROM account_kpis ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let kpis: Vec<Kpi> = rows
        .into_iter()
        .map(
            |(id, account_id, visibility, owner_id, name_fr, name_en)| Kpi {
                id,
                account_id,
                visibility,
                owner_id,
                name_fr,
                name_en,
            },
        )
        .collect();
    let contributor = users[CONTRIBUTOR].id;
    let pick = |what: &str, f: &dyn Fn(&Kpi) -> bool| {
        kpis.iter()
            .find(|k| f(k))
            .cloned()
            .unwrap_or_else(|| panic!("the demo has no {what}"))
    };
    let lum_shared = pick("shared KPI of Lumière", &|k| {
        k.account_id == lumiere.id && k.visibility != "internal" && k.owner_id != Some(contributor)
    });
    let lum_internal = pick("internal KPI of Lumière", &|k| {
        k.account_id == lumiere.id && k.visibility == "internal" && k.owner_id != Some(contributor)
    });
    let lum_contributed = pick("KPI of Lumière owned by the contributor", &|k| {
        k.account_id == lumiere.id && k.owner_id == Some(contributor)
    });
    let northwind_kpi = pick("shared KPI of Northwind", &|k| {
        k.account_id == northwind.id && k.visibility != "internal"
    });
    let atelier_shared = pick("shared KPI of Atelier Vernier", &|k| {
        k.account_id == atelier.id && k.visibility == "shared"
    });
    let atelier_joint = pick("joint KPI of Atelier Vernier", &|k| {
        k.account_id == atelier.id && k.visibility == "joint"
    });
    let template_id: i64 = sqlx::query_scalar("SELECT min(id) FROM kpi_templates")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let team_outsider: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'kam.chloe@boussole.example'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!lumiere.team.contains(&team_outsider) && !northwind.team.contains(&team_outsider));
    let import_run: i64 = sqlx::query_scalar(
        "INSERT INTO import_runs (user_id, file_name, rows_total, account_ids) \
         VALUES ($1, 'lumiere.csv', 10, ARRAY[$2]) RETURNING id",
    )
    .bind(users[ALICE].id)
    .bind(lumiere.id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    World {
        users,
        accounts,
        lumiere,
        northwind,
        atelier,
        kpis,
        lum_shared,
        lum_internal,
        lum_contributed,
        northwind_kpi,
        atelier_shared,
        atelier_joint,
        template_id,
        team_outsider,
        import_run,
    }
}

fn anonymous() -> Who {
    Who {
        label: "anonymous",
        email: None,
        kind: Kind::Anonymous,
        id: 0,
        account_id: None,
    }
}

/// One concrete request of a route pattern.
#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    pattern: &'static str,
    rule: Rule,
    /// What the ids stand for, for messages.
    about: String,
    account: Option<Account>,
    kpi: Option<Kpi>,
}

/// The cases of one route: its `{id}` and `{kpi_id}` stand for the scenario's
/// account and its shared, internal and contributed KPIs, another account's KPI,
/// and another account altogether.
fn cases(w: &World, method: &'static str, pattern: &'static str, rule: Rule) -> Vec<Case> {
    let known = [
        "{id}",
        "{kpi_id}",
        "{user_id}",
        "{token}",
        "{*path}",
        "{proposal_id}",
        "{universe}",
        "{contact_id}",
        "{verbatim_id}",
        "{link_id}",
        "{code}",
        "{opportunity_id}",
        "{month}",
        "{run_id}",
        "{objective_id}",
        "{action_id}",
        "{risk_id}",
        "{token_id}",
        "{webhook_id}",
        "{period}",
        "{review_id}",
        "{decision_id}",
    ];
    let mut rest = pattern.to_owned();
    for k in known {
        rest = rest.replace(k, "");
    }
    assert!(
        !rest.contains('{'),
        "{pattern}: a path parameter tests/isolation.rs does not know how to fill"
    );
    let case = |about: &str, account: Option<&Account>, kpi: Option<&Kpi>| Case {
        method,
        pattern,
        rule,
        about: about.to_owned(),
        account: account.cloned(),
        kpi: kpi.cloned(),
    };
    let has_id = pattern.contains("{id}") && !pattern.starts_with("/admin/");
    let has_kpi = pattern.contains("{kpi_id}");
    match (has_id, has_kpi) {
        (true, true) => vec![
            case(
                "Lumière, its shared KPI",
                Some(&w.lumiere),
                Some(&w.lum_shared),
            ),
            case(
                "Lumière, its internal KPI",
                Some(&w.lumiere),
                Some(&w.lum_internal),
            ),
            case(
                "Lumière, its KPI owned by the contributor",
                Some(&w.lumiere),
                Some(&w.lum_contributed),
            ),
            case(
                "Lumière, a KPI of Northwind",
                Some(&w.lumiere),
                Some(&w.northwind_kpi),
            ),
            case(
                "Northwind, its KPI",
                Some(&w.northwind),
                Some(&w.northwind_kpi),
            ),
            case(
                "Northwind, a KPI of Lumière",
                Some(&w.northwind),
                Some(&w.lum_shared),
            ),
        ],
        (true, false) => vec![
            case("Lumière", Some(&w.lumiere), None),
            case("Northwind", Some(&w.northwind), None),
        ],
        (false, true) => vec![
            case("Lumière's shared KPI", None, Some(&w.lum_shared)),
            case("Lumière's internal KPI", None, Some(&w.lum_internal)),
            case("Lumière's contributed KPI", None, Some(&w.lum_contributed)),
            case("a KPI of Northwind", None, Some(&w.northwind_kpi)),
            case(
                "a shared KPI of Atelier Vernier",
                None,
                Some(&w.atelier_shared),
            ),
            case(
                "a joint KPI of Atelier Vernier",
                None,
                Some(&w.atelier_joint),
            ),
        ],
        (false, false) => vec![case("", None, None)],
    }
}

fn path_of(w: &World, c: &Case) -> String {
    let mut p = c.pattern.to_owned();
    if p.starts_with("/admin/") {
        p = p.replace("{id}", &w.template_id.to_string());
    }
    if let Some(a) = &c.account {
        p = p.replace("{id}", &a.id.to_string());
    }
    if let Some(k) = &c.kpi {
        p = p.replace("{kpi_id}", &k.id.to_string());
    }
    p.replace("{user_id}", &w.team_outsider.to_string())
        .replace("{*path}", "app.css")
        .replace("{token}", &"0".repeat(64))
        .replace("{proposal_id}", "0")
        .replace("{universe}", "logistics")
        .replace("{verbatim_id}", "0")
        .replace("{contact_id}", "0")
        .replace("{link_id}", "0")
        // A KPI code for /drivers/{code}; the VoC settings refuse the empty form first.
        .replace("{code}", "otif")
        .replace("{opportunity_id}", "0")
        .replace("{objective_id}", "0")
        .replace("{action_id}", "0")
        .replace("{risk_id}", "0")
        .replace("{review_id}", "0")
        .replace("{decision_id}", "0")
        .replace("{month}", "2026-01")
        .replace("{run_id}", &w.import_run.to_string())
        .replace("{token_id}", "0")
        .replace("{webhook_id}", "0")
}

/// A throwaway KPI in the account of `k`, for destructive POSTs.
async fn throwaway(app: &TestApp, k: &Kpi) -> Kpi {
    static N: AtomicUsize = AtomicUsize::new(0);
    let code = format!("iso_victim_{}", N.fetch_add(1, Ordering::Relaxed));
    let id = common::build::kpi(
        &app.db,
        k.account_id,
        common::build::Kpi {
            code: &code,
            ..Default::default()
        },
    )
    .await;
    Kpi {
        id,
        account_id: k.account_id,
        visibility: "internal".into(),
        owner_id: None,
        name_fr: format!("FR {code}"),
        name_en: format!("EN {code}"),
    }
}

// ---------------------------------------------------------------------------
// What a client must never receive
// ---------------------------------------------------------------------------

fn unescape_html(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Strings that must not reach the client of `own`: the names (FR and EN) of the
/// internal KPIs of their account and of Lumière (unless their own account shares a
/// KPI of the same name: names come from the shared library), and the names of every
/// other account.
fn forbidden_for(w: &World, own: &Account) -> Vec<String> {
    let own_shared = own.stage >= 2;
    let allowed: Vec<&str> = w
        .kpis
        .iter()
        .filter(|k| k.account_id == own.id && k.visibility != "internal" && own_shared)
        .flat_map(|k| [k.name_fr.as_str(), k.name_en.as_str()])
        .collect();
    let mut out: BTreeSet<String> = w
        .kpis
        .iter()
        .filter(|k| {
            (k.account_id == own.id || k.account_id == w.lumiere.id) && k.visibility == "internal"
        })
        .flat_map(|k| [k.name_fr.clone(), k.name_en.clone()])
        .filter(|n| !allowed.iter().any(|a| a.contains(n.as_str())))
        .collect();
    out.extend(
        w.accounts
            .iter()
            .filter(|a| a.id != own.id)
            .map(|a| a.name.clone()),
    );
    out.into_iter().collect()
}

fn leaks(forbidden: &[String], body: &str) -> Vec<String> {
    let body = unescape_html(body);
    forbidden
        .iter()
        .filter(|f| body.contains(f.as_str()))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------
// Running every route for one user
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Report {
    /// Requests sent.
    requests: usize,
    /// (role, route) pairs checked.
    checked: usize,
    /// Wrong statuses, server errors, leaks.
    problems: Vec<String>,
    /// Area refusals that must be in the audit trail: (user id, path).
    audited: Vec<(i64, String, String)>,
}

impl Report {
    fn problem(&mut self, who: &Who, method: &str, path: &str, what: impl std::fmt::Display) {
        self.problems
            .push(format!("[{}] {method} {path}: {what}", who.label));
    }
}

async fn send(b: &mut TestApp, method: &str, path: &str, fields: &[(&str, &str)]) -> TestResponse {
    match method {
        "GET" => b.get(path).await,
        "POST" => b.post_form(path, fields).await,
        m => panic!("tests/isolation.rs does not send {m} yet ({path})"),
    }
}

/// One request of a case: the URL, the form fields, and whether it asks for JSON.
type Attempt<'a> = (String, Vec<(&'a str, &'a str)>, bool);

/// Every route, every case, as `who` (a fresh browser; signed in unless anonymous).
async fn run_as(app: &TestApp, w: &World, who: &Who, report: &mut Report) {
    let mut b = app.other_browser();
    match who.email {
        Some(email) => {
            b.login(email).await;
        }
        None => {
            b.get("/login").await;
        }
    }
    assert!(b.csrf.is_some(), "{}: no CSRF token", who.label);
    let forbidden = match who.kind {
        Kind::Client => {
            let own = w
                .accounts
                .iter()
                .find(|a| Some(a.id) == who.account_id)
                .expect("client's account");
            forbidden_for(w, own)
        }
        // A KAM never meets the name of an account they are not on (lists, exports,
        // queues, error pages).
        Kind::Kam => w
            .accounts
            .iter()
            .filter(|a| !visible(who, a))
            .map(|a| a.name.clone())
            .collect(),
        _ => Vec::new(),
    };
    let guessed_query = format!(
        "account_id={nw}&account={slug}&id={nw}&kpi_id={k}&user_id={u}",
        nw = w.northwind.id,
        slug = w.northwind.slug,
        k = w.lum_internal.id,
        u = w.team_outsider,
    );
    let (nw, k) = (w.northwind.id.to_string(), w.lum_internal.id.to_string());
    let guessed_form: [(&str, &str); 4] = [
        ("account_id", &nw),
        ("id", &nw),
        ("kpi_id", &k),
        ("account", &w.northwind.slug),
    ];
    let mut logout = None;
    for (method, pattern, rule) in TABLE {
        if matches!(rule, Rule::Api(_)) {
            continue;
        }
        if matches!(rule, Rule::Logout) {
            logout = Some((*method, *pattern, *rule));
            continue;
        }
        report.checked += 1;
        for mut c in cases(w, method, pattern, *rule) {
            if DESTRUCTIVE.contains(&(c.method, c.pattern)) {
                let k = c.kpi.as_ref().expect("destructive routes name a KPI");
                c.kpi = Some(throwaway(app, k).await);
            }
            let path = path_of(w, &c);
            let exp = expect(
                c.rule,
                c.method,
                who,
                c.account.as_ref(),
                c.kpi.as_ref(),
                &w.accounts,
            );
            let mut attempts: Vec<Attempt> = vec![(path.clone(), Vec::new(), false)];
            if who.kind == Kind::Client {
                // Guessing: ids in the query string or the form, and the JSON face.
                if c.method == "GET" {
                    attempts.push((format!("{path}?{guessed_query}"), Vec::new(), false));
                    attempts.push((path.clone(), Vec::new(), true));
                } else {
                    attempts.push((path.clone(), guessed_form.to_vec(), false));
                }
            }
            for (url, fields, json) in attempts {
                let r = if json {
                    b.get_with(&url, &[("accept", "application/json")]).await
                } else {
                    send(&mut b, c.method, &url, &fields).await
                };
                report.requests += 1;
                let mut what = if c.about.is_empty() {
                    url.clone()
                } else {
                    format!("{url} ({})", c.about)
                };
                if json {
                    what.push_str(" [Accept: application/json]");
                }
                if std::env::var_os("ISOLATION_TRACE").is_some() {
                    println!(
                        "{:<26} {:<4} {:<60} {} {} expected {exp:?}",
                        who.label,
                        c.method,
                        what,
                        r.status.as_u16(),
                        r.location().unwrap_or_default()
                    );
                }
                if let Some(problem) = verdict(&exp, c.method, &path, &r) {
                    report.problem(who, c.method, &what, problem);
                }
                for leaked in leaks(&forbidden, &r.body) {
                    report.problem(who, c.method, &what, format!("LEAK of «{leaked}»"));
                }
                if exp == Expect::Hidden {
                    // A 404 says nothing of what it hides.
                    let mut secret: Vec<String> = Vec::new();
                    if let Some(a) = &c.account
                        && !visible(who, a)
                    {
                        secret.push(a.name.clone());
                    }
                    if let Some(k) = &c.kpi {
                        secret.push(k.name_fr.clone());
                        secret.push(k.name_en.clone());
                    }
                    for leaked in leaks(&secret, &r.body) {
                        report.problem(who, c.method, &what, format!("404 names «{leaked}»"));
                    }
                }
                if exp == Expect::Refused {
                    report
                        .audited
                        .push((who.id, path.clone(), format!("{} {path}", c.method)));
                }
            }
        }
    }
    // Last: logging out ends the session the other requests use.
    let (method, pattern, rule) = logout.expect("the table has /logout");
    report.checked += 1;
    let exp = expect(rule, method, who, None, None, &w.accounts);
    let r = send(&mut b, method, pattern, &[]).await;
    report.requests += 1;
    if let Some(problem) = verdict(&exp, method, pattern, &r) {
        report.problem(who, method, pattern, problem);
    }
    for leaked in leaks(&forbidden, &r.body) {
        report.problem(who, method, pattern, format!("LEAK of «{leaked}»"));
    }
}

/// Area refusals missing from the audit trail.
async fn unaudited(app: &TestApp, report: &Report) -> Vec<String> {
    let rows: Vec<(Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT actor_id, after->>'path' FROM audit_log WHERE action = 'security.access_refused'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let seen: HashSet<(i64, String)> = rows
        .into_iter()
        .filter_map(|(a, p)| Some((a?, p?)))
        .collect();
    report
        .audited
        .iter()
        .filter(|(id, path, _)| !seen.contains(&(*id, path.clone())))
        .map(|(id, _, what)| format!("user {id}: {what} refused but not audited"))
        .collect()
}

async fn run_roles(emails: &[&str], anonymous_too: bool) -> (TestApp, Report) {
    let app = TestApp::with_demo().await;
    let w = world(&app).await;
    let mut report = Report::default();
    let mut whos: Vec<Who> = emails.iter().map(|e| w.users[e].clone()).collect();
    if anonymous_too {
        whos.push(anonymous());
    }
    for who in &whos {
        let before = report.problems.len();
        let requests = report.requests;
        run_as(&app, &w, who, &mut report).await;
        println!(
            "{}: {} requests, {} problems",
            who.label,
            report.requests - requests,
            report.problems.len() - before
        );
    }
    let missing = unaudited(&app, &report).await;
    report.problems.extend(missing);
    (app, report)
}

fn assert_clean(report: &Report, what: &str) {
    println!(
        "{what}: {} routes × roles checked, {} requests",
        report.checked, report.requests
    );
    assert!(
        report.problems.is_empty(),
        "{what}: {} problem(s):\n{}",
        report.problems.len(),
        report.problems.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn every_route_of_the_router_has_an_expectation() {
    let parsed = routes_of_the_router();
    let table: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(table.len(), TABLE.len(), "a route is listed twice in TABLE");
    let missing: Vec<_> = parsed.difference(&table).collect();
    let extra: Vec<_> = table.difference(&parsed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes without an expectation in tests/isolation.rs: {missing:?}\n\
         expectations for routes src/routes.rs no longer has: {extra:?}"
    );
    for d in DESTRUCTIVE {
        assert!(
            table.contains(&(d.0.to_owned(), d.1.to_owned())),
            "DESTRUCTIVE lists an unknown route {d:?}"
        );
    }
}

#[test]
fn the_route_parser_reads_multi_line_calls() {
    let src = r#"
        // .route("/commented", get(nothing))
        let r = Router::new()
            .route("/a", get(h::a))
            .route(
                "/b/{id}",
                get(h::b).post(h::settings::delete),
            )
            .route("/c", axum::routing::put(h::c).layer(Limit::max(3)))
            .route("/d", post(h::get_thing)); // .route("/e", get(x))
    "#;
    let got: Vec<(String, String)> = parse_routes(src).into_iter().collect();
    let want: Vec<(String, String)> = [
        ("GET", "/a"),
        ("GET", "/b/{id}"),
        ("POST", "/b/{id}"),
        ("POST", "/d"),
        ("PUT", "/c"),
    ]
    .iter()
    .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
    .collect::<BTreeSet<_>>()
    .into_iter()
    .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn staff_roles_reach_exactly_what_their_role_allows() {
    let (_app, report) = run_roles(&[ADMIN, DIRECTOR, ALICE, BRUNO, CONTRIBUTOR], false).await;
    assert_clean(&report, "staff");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login_and_tokenless_posts_refused() {
    let (app, mut report) = run_roles(&[], true).await;
    // Without a CSRF token, every POST is refused before any handler runs.
    let w = world(&app).await;
    let who = anonymous();
    let mut b = app.other_browser();
    b.get("/login").await;
    for (method, pattern, rule) in TABLE
        .iter()
        .filter(|(m, _, r)| *m == "POST" && !matches!(r, Rule::Api(_)))
    {
        for c in cases(&w, method, pattern, *rule) {
            let path = path_of(&w, &c);
            let r = b.post_raw(&path, &[], &[]).await;
            report.requests += 1;
            if r.status != StatusCode::FORBIDDEN {
                report.problem(&who, method, &path, format!("without token: {}", r.status));
            }
        }
    }
    assert_clean(&report, "anonymous");
}

#[tokio::test]
async fn clients_reach_only_their_shared_data_and_nothing_leaks() {
    let (app, report) = run_roles(&[CLIENT_LUMIERE, CLIENT_ATELIER], false).await;
    assert_clean(&report, "clients");

    // The refusals of client requests are in the audit trail, with their paths.
    let w = world(&app).await;
    let client = w.users[CLIENT_LUMIERE].id;
    let paths: Vec<String> = sqlx::query_scalar(
        "SELECT after->>'path' FROM audit_log \
         WHERE action = 'security.access_refused' AND actor_id = $1",
    )
    .bind(client)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!paths.is_empty(), "client refusals are audited");
    for p in [
        "/accounts".to_owned(),
        format!("/accounts/{}", w.lumiere.id),
        format!("/accounts/{}", w.northwind.id),
        "/admin/users".to_owned(),
        format!("/accounts/{}/scorecard.csv", w.northwind.id),
    ] {
        assert!(paths.contains(&p), "refusal of {p} audited: {paths:?}");
    }

    // The client's pages do show their own shared data (the checks above are not vacuous).
    let mut b = app.other_browser();
    b.login(CLIENT_LUMIERE).await;
    let kpi = b.get(&format!("/portal/kpis/{}", w.lum_shared.id)).await;
    assert_eq!(kpi.status, StatusCode::OK);
    assert!(
        unescape_html(&kpi.body).contains(&w.lum_shared.name_fr),
        "the shared KPI page names it"
    );
    let forbidden = forbidden_for(&w, &w.lumiere);
    assert!(
        forbidden.contains(&w.lum_internal.name_fr) || forbidden.contains(&w.lum_internal.name_en),
        "the internal KPI's name is among the forbidden strings: {forbidden:?}"
    );
    assert!(forbidden.contains(&"Northwind Logistics".to_owned()));
    // The same names are found where they belong: on the staff scorecard and its export.
    let mut staff = app.other_browser();
    staff.login(ALICE).await;
    for path in [
        format!("/accounts/{}", w.lumiere.id),
        format!("/accounts/{}/scorecard.csv", w.lumiere.id),
    ] {
        let r = staff.get(&path).await;
        assert!(
            !leaks(&forbidden, &r.body).is_empty(),
            "the leak check finds internal KPI names in {path}"
        );
    }
    assert!(!forbidden.contains(&w.lumiere.name));
    assert!(forbidden_for(&w, &w.atelier).contains(&w.lumiere.name));
}

/// Refusals answered with 404 (so that ids reveal nothing) must be audited as well.
#[tokio::test]
async fn hidden_refusals_are_audited_too() {
    let app = TestApp::with_demo().await;
    let w = world(&app).await;
    let cases: Vec<(&str, String)> = vec![
        (BRUNO, format!("/accounts/{}", w.lumiere.id)),
        (BRUNO, format!("/accounts/{}/scorecard.csv", w.lumiere.id)),
        (
            ALICE,
            format!("/accounts/{}/kpis/{}", w.northwind.id, w.northwind_kpi.id),
        ),
        (
            CONTRIBUTOR,
            format!(
                "/accounts/{}/kpis/{}/value",
                w.lumiere.id, w.lum_internal.id
            ),
        ),
        (
            CLIENT_LUMIERE,
            format!("/portal/kpis/{}", w.lum_internal.id),
        ),
        (
            CLIENT_LUMIERE,
            format!("/portal/kpis/{}/history.csv", w.northwind_kpi.id),
        ),
        (CLIENT_ATELIER, format!("/portal/kpis/{}", w.lum_shared.id)),
    ];
    let mut missing = Vec::new();
    for (email, path) in &cases {
        let mut b = app.other_browser();
        b.login(email).await;
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email} {path}");
        let audited: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'security.access_refused' \
             AND actor_id = $1 AND after->>'path' = $2",
        )
        .bind(w.users[email].id)
        .bind(path)
        .fetch_one(&app.db)
        .await
        .unwrap();
        if audited == 0 {
            missing.push(format!("{email} GET {path}"));
        }
    }
    // Every 404 a signed-in user gets for something hidden from them is on record
    // (`web::errors::render` audits refusals in one place), so probing ids leaves a trace.
    assert!(
        missing.is_empty(),
        "404 refusals not audited as security.access_refused:\n{}",
        missing.join("\n")
    );
}

/// A 404 that hides something looks exactly like the 404 of something that does not
/// exist: same status, same page (but for the id in the URL).
#[tokio::test]
async fn hidden_and_missing_look_the_same() {
    let app = TestApp::with_demo().await;
    let w = world(&app).await;
    let missing: i64 = sqlx::query_scalar(
        "SELECT greatest((SELECT max(id) FROM accounts), (SELECT max(id) FROM account_kpis)) + 1000",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let pairs: Vec<(&str, String, String)> = vec![
        (
            BRUNO,
            format!("/accounts/{}", w.lumiere.id),
            format!("/accounts/{missing}"),
        ),
        (
            BRUNO,
            format!("/accounts/{}/kpis/{}", w.lumiere.id, w.lum_shared.id),
            format!("/accounts/{missing}/kpis/{}", w.lum_shared.id),
        ),
        (
            ALICE,
            format!("/accounts/{}/kpis/{}", w.lumiere.id, w.northwind_kpi.id),
            format!("/accounts/{}/kpis/{missing}", w.lumiere.id),
        ),
        (
            CONTRIBUTOR,
            format!("/accounts/{}/kpis/{}/value", w.lumiere.id, w.lum_shared.id),
            format!("/accounts/{}/kpis/{missing}/value", w.lumiere.id),
        ),
        (
            CLIENT_LUMIERE,
            format!("/portal/kpis/{}", w.lum_internal.id),
            format!("/portal/kpis/{missing}"),
        ),
        (
            CLIENT_LUMIERE,
            format!("/portal/kpis/{}/history.csv", w.northwind_kpi.id),
            format!("/portal/kpis/{missing}/history.csv"),
        ),
    ];
    for (email, hidden, absent) in pairs {
        let mut b = app.other_browser();
        b.login(email).await;
        let h = b.get(&hidden).await;
        let a = b.get(&absent).await;
        assert_eq!(h.status, StatusCode::NOT_FOUND, "{email} {hidden}");
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{email} {absent}");
        // The page may repeat its own path (language switch, login link).
        let strip = |body: &str, path: &str| {
            let encoded: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
            body.replace(path, "PATH").replace(&encoded, "PATH")
        };
        assert_eq!(
            strip(&h.body, &hidden),
            strip(&a.body, &absent),
            "{email}: the 404 of {hidden} differs from that of {absent}"
        );
    }
}

// ---------------------------------------------------------------------------
// The API, by token
// ---------------------------------------------------------------------------

/// The period code of the KPI's latest stored value (so a granted read finds one).
async fn latest_period(app: &TestApp, kpi: i64) -> String {
    let (period, frequency): (chrono::NaiveDate, String) = sqlx::query_as(
        "SELECT v.period, k.frequency::text FROM kpi_values v JOIN account_kpis k ON k.id = v.account_kpi_id \
         WHERE k.id = $1 ORDER BY v.period DESC LIMIT 1",
    )
    .bind(kpi)
    .fetch_one(&app.db)
    .await
    .unwrap_or_else(|e| panic!("the demo KPI {kpi} has no value: {e}"));
    let f = boussole::domain::Frequency::parse(&frequency).expect("frequency");
    boussole::period::Period::from_start(f, period)
        .expect("a period start")
        .code()
}

#[tokio::test]
async fn api_routes_answer_every_role_by_token_and_nothing_leaks() {
    let app = TestApp::with_demo().await;
    let w = world(&app).await;
    let mut report = Report::default();
    let mut whos: Vec<Who> = PEOPLE.iter().map(|(e, _, _)| w.users[e].clone()).collect();
    whos.push(anonymous());
    for who in &whos {
        let mut b = app.other_browser();
        let token = match who.email {
            Some(email) => Some(app.api_token(email, true, None).await.1),
            None => None,
        };
        let forbidden = match who.kind {
            Kind::Client => {
                let own = w
                    .accounts
                    .iter()
                    .find(|a| Some(a.id) == who.account_id)
                    .unwrap();
                forbidden_for(&w, own)
            }
            Kind::Kam => w
                .accounts
                .iter()
                .filter(|a| !visible(who, a))
                .map(|a| a.name.clone())
                .collect(),
            _ => Vec::new(),
        };
        for (method, pattern, rule) in TABLE {
            let Rule::Api(api) = rule else { continue };
            report.checked += 1;
            for c in cases(&w, method, pattern, *rule) {
                let mut path = path_of(&w, &c);
                if let Some(k) = &c.kpi {
                    path = path.replace("{period}", &latest_period(&app, k.id).await);
                }
                let exp = expect_api(*api, who, c.account.as_ref(), c.kpi.as_ref(), &w.accounts);
                let body = match *method {
                    "PUT" => Some("{}"),
                    "POST" => Some(r#"{"items": []}"#),
                    _ => None,
                };
                let r = b.api(method, &path, token.as_deref(), body, &[]).await;
                report.requests += 1;
                let what = format!("{path} ({}) [token]", c.about);
                if std::env::var_os("ISOLATION_TRACE").is_some() {
                    println!(
                        "{:<26} {method:<4} {what:<70} {} expected {exp:?}",
                        who.label,
                        r.status.as_u16()
                    );
                }
                let ok = match &exp {
                    Expect::Status(s) => r.status == *s,
                    Expect::Hidden => r.status == StatusCode::NOT_FOUND,
                    other => unreachable!("{other:?}"),
                };
                if !ok {
                    report.problem(
                        who,
                        method,
                        &what,
                        format!("got {}, expected {exp:?} — {}", r.status, excerpt(&r.body)),
                    );
                }
                if !r.status.is_success()
                    && r.header("content-type") != Some("application/problem+json")
                {
                    report.problem(
                        who,
                        method,
                        &what,
                        "an error that is not a problem document",
                    );
                }
                for leaked in leaks(&forbidden, &r.body) {
                    report.problem(who, method, &what, format!("LEAK of «{leaked}»"));
                }
                if exp == Expect::Hidden {
                    let mut secret: Vec<String> = Vec::new();
                    if let Some(k) = &c.kpi {
                        secret.push(k.name_fr.clone());
                        secret.push(k.name_en.clone());
                    }
                    if let Some(a) = &c.account
                        && !visible(who, a)
                    {
                        secret.push(a.name.clone());
                    }
                    for leaked in leaks(&secret, &r.body) {
                        report.problem(who, method, &what, format!("404 names «{leaked}»"));
                    }
                }
            }
        }
        println!("{}: token checks so far {}", who.label, report.requests);
    }
    assert_clean(&report, "API by token");
}
