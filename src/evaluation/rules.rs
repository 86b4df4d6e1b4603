//! Who may do what to a shared value's evaluation, and where it leads. Pure.

use serde::{Deserialize, Serialize};

use crate::sharing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "validation_status", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Awaiting,
    Validated,
    Contested,
    Resolved,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Awaiting => "awaiting",
            Status::Validated => "validated",
            Status::Contested => "contested",
            Status::Resolved => "resolved",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Awaiting => "validation-awaiting",
            Status::Validated => "validation-validated",
            Status::Contested => "validation-contested",
            Status::Resolved => "validation-resolved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Supplier,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Supplier => "supplier",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Comment,
    /// The client agrees with the value.
    Validate,
    /// The client disputes it (a comment is required, a proposed value optional).
    Contest,
    /// The supplier accepts the client's proposal: it becomes the value.
    Accept,
    /// The supplier keeps the value and answers why.
    Keep,
}

impl Action {
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "comment" => Action::Comment,
            "validate" => Action::Validate,
            "contest" => Action::Contest,
            "accept" => Action::Accept,
            "keep" => Action::Keep,
            _ => return None,
        })
    }

    /// The `kind` recorded in the thread.
    pub fn kind(self) -> &'static str {
        match self {
            Action::Comment => "comment",
            Action::Validate => "validated",
            Action::Contest => "contested",
            Action::Accept => "accepted",
            Action::Keep => "kept",
        }
    }
}

/// The status after `action` by `side` at `stage`, or the translation key of why not.
pub fn next(
    stage: i16,
    status: Status,
    side: Side,
    action: Action,
    has_body: bool,
    has_proposal: bool,
) -> Result<Status, &'static str> {
    use Action::*;
    match (side, action) {
        (_, Comment) if !has_body => Err("evaluation-comment-empty"),
        (Side::Client, Comment) if !sharing::client_can_comment(stage) => {
            Err("evaluation-not-at-this-stage")
        }
        (_, Comment) => Ok(status),
        (Side::Client, Validate | Contest) if !sharing::client_can_validate(stage) => {
            Err("evaluation-not-at-this-stage")
        }
        (Side::Client, Validate) if status == Status::Validated => {
            Err("evaluation-already-validated")
        }
        (Side::Client, Validate) => Ok(Status::Validated),
        (Side::Client, Contest) if !has_body => Err("evaluation-contest-needs-comment"),
        (Side::Client, Contest) if status == Status::Contested => {
            Err("evaluation-already-contested")
        }
        (Side::Client, Contest) => Ok(Status::Contested),
        (Side::Supplier, Accept | Keep) if status != Status::Contested => {
            Err("evaluation-nothing-to-resolve")
        }
        (Side::Supplier, Accept) if !has_proposal => Err("evaluation-no-proposal"),
        (Side::Supplier, Keep) if !has_body => Err("evaluation-keep-needs-answer"),
        (Side::Supplier, Accept | Keep) => Ok(Status::Resolved),
        _ => Err("evaluation-not-allowed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    #[test]
    fn the_client_validates_or_contests_from_stage_three() {
        assert_eq!(
            next(3, Awaiting, Side::Client, Validate, false, false),
            Ok(Validated)
        );
        assert_eq!(
            next(2, Awaiting, Side::Client, Validate, false, false),
            Err("evaluation-not-at-this-stage")
        );
        assert_eq!(
            next(2, Awaiting, Side::Client, Comment, true, false),
            Ok(Awaiting)
        );
        assert_eq!(
            next(1, Awaiting, Side::Client, Comment, true, false),
            Err("evaluation-not-at-this-stage")
        );
        assert_eq!(
            next(3, Validated, Side::Client, Contest, true, true),
            Ok(Contested)
        );
        assert_eq!(
            next(3, Awaiting, Side::Client, Contest, false, true),
            Err("evaluation-contest-needs-comment")
        );
        assert_eq!(
            next(4, Contested, Side::Client, Contest, true, false),
            Err("evaluation-already-contested")
        );
    }

    #[test]
    fn the_supplier_resolves_contests_only() {
        assert_eq!(
            next(3, Contested, Side::Supplier, Accept, false, true),
            Ok(Resolved)
        );
        assert_eq!(
            next(3, Contested, Side::Supplier, Accept, false, false),
            Err("evaluation-no-proposal")
        );
        assert_eq!(
            next(3, Contested, Side::Supplier, Keep, true, false),
            Ok(Resolved)
        );
        assert_eq!(
            next(3, Contested, Side::Supplier, Keep, false, false),
            Err("evaluation-keep-needs-answer")
        );
        assert_eq!(
            next(3, Awaiting, Side::Supplier, Keep, true, false),
            Err("evaluation-nothing-to-resolve")
        );
        assert_eq!(
            next(3, Awaiting, Side::Supplier, Validate, false, false),
            Err("evaluation-not-allowed")
        );
        assert_eq!(
            next(3, Resolved, Side::Client, Validate, false, false),
            Ok(Validated)
        );
    }
}
