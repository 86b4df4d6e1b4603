//! Who may do what. Every access decision in Boussole comes from here; handlers
//! ask through the extractors in `auth::extract`, never by comparing roles inline.

use crate::users::{Role, User};

/// The families of pages; each route belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Any signed-in user (language switch, logout).
    Any,
    /// Internal staff pages: everything but client users.
    Staff,
    /// Account scorecards and portfolio views: admins, directors and KAMs.
    Accounts,
    /// The director's portfolio pages.
    Portfolio,
    /// The director's decisions: selection criteria and portfolio settings
    /// (admins and directors).
    Direction,
    /// Contributors' inbox of data requests.
    Inbox,
    /// The client portal: client users only.
    Portal,
    /// User and library administration.
    Admin,
    /// Webhook subscriptions (`/settings/webhooks`): whoever sees accounts by a
    /// rule a subscription can reuse — admins, directors, KAMs (their accounts) and
    /// client users (their portal). Not contributors: they reach single KPIs
    /// through their inbox, not accounts, and have nothing a feed of events adds.
    Webhooks,
}

pub fn allows(role: Role, area: Area) -> bool {
    use Role::*;
    match area {
        Area::Any => true,
        Area::Staff => role != Client,
        Area::Accounts => matches!(role, Admin | Director | Kam),
        Area::Portfolio => matches!(role, Admin | Director | Kam),
        Area::Direction => matches!(role, Admin | Director),
        Area::Inbox => matches!(role, Admin | Contributor | Kam),
        Area::Portal => role == Client,
        Area::Admin => role == Admin,
        Area::Webhooks => matches!(role, Admin | Director | Kam | Client),
    }
}

/// Who may be asked for a KPI's value by a data request, as a condition on a
/// `users u` row: active internal staff (client contacts answer through the portal).
pub const ASKABLE_OWNER_SQL: &str = "(u.active AND u.role <> 'client')";

/// Admins and directors see every account; everyone else a scope (`member_filter`).
pub fn sees_every_account(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Director)
}

/// The one rule for "accounts this user sees", as the value bound to
/// [`sees_account_sql`]: `None` for every account, the user's id for a KAM (the
/// accounts they own or are on the team of), an id matching nothing for anyone
/// else (contributors reach values through their KPIs, clients through the portal).
pub fn member_filter(user: &User) -> Option<i64> {
    match user.role {
        Role::Admin | Role::Director => None,
        Role::Kam => Some(user.id),
        Role::Contributor | Role::Client => Some(-1),
    }
}

/// The SQL condition on an `accounts a` row for the accounts a user sees, with
/// [`member_filter`] bound as parameter `$p`: the only copy of "owner or account
/// team" in the code.
pub fn sees_account_sql(p: usize) -> String {
    format!(
        "(${p}::bigint IS NULL OR a.owner_id = ${p} \
          OR EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = ${p}))"
    )
}

/// Who may change an account's record, team and KPIs: admins, directors, its owner.
pub fn may_edit_account(user: &User, owner_id: Option<i64>) -> bool {
    sees_every_account(user) || owner_id == Some(user.id)
}

/// A KAM's accounts are their own: they create accounts for themselves and keep
/// the owner when editing; directors and admins choose and reassign owners.
pub fn chooses_account_owner(user: &User) -> bool {
    user.role != Role::Kam
}

/// A KAM sees "my accounts"; directors and admins the whole list.
pub fn owns_accounts(user: &User) -> bool {
    user.role == Role::Kam
}

/// Contributors supply values from their inbox (recorded as "contributor").
pub fn is_contributor(user: &User) -> bool {
    user.role == Role::Contributor
}

/// Client users see the client's side of the feed and notifications.
pub fn is_client(user: &User) -> bool {
    user.role == Role::Client
}

/// Whose navigation shows an unread-events badge: KAMs and client users.
pub fn follows_feed(user: &User) -> bool {
    matches!(user.role, Role::Kam | Role::Client)
}

/// The navigation of each role: only what the role may open.
pub fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Admin => &[
            ("/admin/users", "nav-users"),
            ("/admin/kpis", "nav-kpi-library"),
            ("/admin/voc", "nav-voc-admin"),
            ("/admin/audit", "nav-audit"),
            ("/admin/jobs", "nav-jobs"),
            ("/portfolio", "nav-portfolio"),
            ("/accounts", "nav-accounts"),
        ],
        Role::Director => &[
            ("/portfolio", "nav-portfolio"),
            ("/selection", "nav-selection"),
            ("/capabilities", "nav-capabilities"),
            ("/drivers", "nav-drivers"),
            ("/requests", "nav-requests"),
            ("/accounts", "nav-accounts"),
            ("/voc", "nav-voc"),
        ],
        Role::Kam => &[
            ("/accounts", "nav-my-accounts"),
            ("/evaluations", "nav-evaluations"),
            ("/notifications", "nav-notifications"),
            ("/requests", "nav-requests"),
            ("/portfolio", "nav-portfolio"),
            ("/voc", "nav-voc"),
            ("/inbox", "nav-inbox"),
        ],
        Role::Contributor => &[("/inbox", "nav-inbox")],
        Role::Client => &[
            ("/portal", "nav-portal"),
            ("/portal/voc", "nav-portal-voc"),
            ("/portal/plan", "nav-portal-plan"),
            ("/notifications", "nav-notifications"),
        ],
    }
}

/// Whether the role may edit every account (not only those it owns): what the
/// import offers and accepts.
pub fn edits_every_account(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Director)
}

/// Whether a user may follow a CSV import run: the one who started it, and admins.
/// Anyone else is told it does not exist (404), like an account they cannot see.
pub fn may_see_import_run(role: Role, user_id: i64, started_by: i64) -> bool {
    user_id == started_by || role == Role::Admin
}

/// Admins make service tokens: API tokens acting as another user (an integration).
pub fn may_create_service_tokens(user: &User) -> bool {
    user.role == Role::Admin
}

/// Who may revoke an API token: its user, and admins (any token, e.g. a leaked one).
pub fn may_revoke_token(user: &User, owner_id: i64) -> bool {
    user.id == owner_id || user.role == Role::Admin
}

/// Which webhook events a client user's subscription receives, on their own
/// account at `stage`: what the portal shows them from the basic stage (2) — values
/// of shared KPIs, their contests and answers, shared KPIs turning red, shared
/// actions overdue. Never survey answers: those are the supplier's voice-of-the-
/// customer material about the client's people, not shown in the portal.
pub fn client_receives_webhook(event: &str, stage: i16) -> bool {
    stage >= 2
        && matches!(
            event,
            "value.recorded"
                | "value.contested"
                | "evaluation.answered"
                | "kpi.turned_red"
                | "action.overdue"
                | "test"
        )
}

/// Who may pause, delete or test a webhook subscription and read its log: its
/// user, and admins.
pub fn may_manage_webhook(user: &User, owner_id: i64) -> bool {
    user.id == owner_id || sees_every_webhook(user)
}

/// Admins list every subscription (to remove one that leaks or fails for ever).
pub fn sees_every_webhook(user: &User) -> bool {
    user.role == Role::Admin
}

/// The SQL form of `sharing::client_sees`, over `account_kpis k` joined to `accounts a`.
/// Every client-facing query uses this one predicate, so the rule cannot drift
/// between the portal, its exports and the feed.
pub const CLIENT_SEES_SQL: &str = "k.visibility <> 'internal' AND a.stage >= 2";

/// A client user reads the shared part of the account plan from the basic stage
/// (2), like the shared scorecard.
pub fn client_reads_plan(stage: i16) -> bool {
    stage >= 2
}

/// The SQL form of "a client user sees this plan event": an event (`audit_log l`
/// joined to `accounts a`) about an objective or action of the plan that is
/// shared now, from the stage where the client reads the plan
/// (`client_reads_plan`). An item made internal again takes its events with it.
pub const CLIENT_SEES_PLAN_EVENT_SQL: &str = "a.stage >= 2 AND ( \
     (l.entity = 'plan_action' AND EXISTS (SELECT 1 FROM plan_actions x \
         WHERE x.id::text = l.entity_id AND x.account_id = l.account_id AND x.shared)) \
  OR (l.entity = 'plan_objective' AND EXISTS (SELECT 1 FROM account_objectives o \
         WHERE o.id::text = l.entity_id AND o.account_id = l.account_id AND o.shared)))";
/// A client user reads the frozen client packs of their account's business
/// reviews, and confirms or comments the record, from the basic stage (2): the
/// stage from which anything is shared with them at all.
pub fn client_reads_reviews(stage: i16) -> bool {
    stage >= 2
}

/// From the cooperative stage (3) a client user closes the shared actions they
/// own; never an internal action, never another's.
pub fn client_closes_own_actions(stage: i16) -> bool {
    stage >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_users_reach_only_the_portal() {
        for area in [
            Area::Staff,
            Area::Accounts,
            Area::Portfolio,
            Area::Direction,
            Area::Inbox,
            Area::Admin,
        ] {
            assert!(!allows(Role::Client, area), "{area:?}");
        }
        assert!(allows(Role::Client, Area::Portal));
    }

    #[test]
    fn staff_never_reach_the_portal() {
        for role in [Role::Admin, Role::Director, Role::Kam, Role::Contributor] {
            assert!(!allows(role, Area::Portal), "{role:?}");
        }
    }

    #[test]
    fn an_import_run_is_seen_by_its_author_and_admins_only() {
        for role in Role::ALL {
            assert!(may_see_import_run(role, 7, 7), "{role:?}");
            assert_eq!(may_see_import_run(role, 8, 7), role == Role::Admin);
        }
    }

    #[test]
    fn clients_read_the_plan_from_stage_2_and_close_actions_from_stage_3() {
        assert!(!client_reads_plan(1) && client_reads_plan(2));
        assert!(!client_closes_own_actions(2) && client_closes_own_actions(3));
    }

    #[test]
    fn only_admins_administer() {
        for role in Role::ALL {
            assert_eq!(allows(role, Area::Admin), role == Role::Admin);
        }
    }

    #[test]
    fn clients_receive_shared_events_from_stage_2_and_never_survey_answers() {
        assert!(!client_receives_webhook("value.recorded", 1));
        assert!(client_receives_webhook("value.recorded", 2));
        assert!(!client_receives_webhook("survey.answered", 4));
        assert!(!allows(Role::Contributor, Area::Webhooks));
    }
}
