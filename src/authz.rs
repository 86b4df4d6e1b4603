//! Who may do what. Every access decision in Boussole comes from here; handlers
//! ask through the extractors in `auth::extract`, never by comparing roles inline.

use crate::users::Role;

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
    fn only_admins_administer() {
        for role in Role::ALL {
            assert_eq!(allows(role, Area::Admin), role == Role::Admin);
        }
    }
}
