//! The KAM pyramid: what each stage of the relationship lets the client see and do.
//! Pure rules here; the stage change page and the portal apply them.
//!
//! 1. Exploratory — each side keeps its own scorecard: nothing is shared.
//! 2. Basic — chosen KPIs are shared read-only; the client may comment.
//! 3. Cooperative — the client also validates or contests shared values, and
//!    either side may propose targets.
//! 4. Integrated — one joint scorecard: *joint* KPIs take values from the client too.

pub mod invitations;
pub mod stage;
pub mod targets;
pub mod universe;

use crate::domain::Visibility;

pub use crate::authz::CLIENT_SEES_SQL;

pub const MIN_STAGE: i16 = 1;
pub const MAX_STAGE: i16 = 4;

/// The most a KPI may be shared at a stage.
pub fn max_visibility(stage: i16) -> Visibility {
    match stage {
        s if s >= 4 => Visibility::Joint,
        s if s >= 2 => Visibility::Shared,
        _ => Visibility::Internal,
    }
}

fn rank(v: Visibility) -> u8 {
    match v {
        Visibility::Internal => 0,
        Visibility::Shared => 1,
        Visibility::Joint => 2,
    }
}

pub fn allowed(stage: i16, v: Visibility) -> bool {
    rank(v) <= rank(max_visibility(stage))
}

/// The visibility a KPI keeps when its account moves to `stage`.
pub fn clamp(stage: i16, v: Visibility) -> Visibility {
    if allowed(stage, v) {
        v
    } else {
        max_visibility(stage)
    }
}

/// Whether a client user sees a KPI of this visibility at this stage.
pub fn client_sees(stage: i16, v: Visibility) -> bool {
    v != Visibility::Internal && allowed(stage, v)
}

pub fn client_can_comment(stage: i16) -> bool {
    stage >= 2
}

pub fn client_can_validate(stage: i16) -> bool {
    stage >= 3
}

pub fn targets_proposed_by_either_side(stage: i16) -> bool {
    stage >= 3
}

pub fn client_can_enter_values(stage: i16, v: Visibility) -> bool {
    stage >= 4 && v == Visibility::Joint
}

/// Translation keys of a stage's name and description.
pub fn stage_keys(stage: i16) -> (String, String) {
    (
        format!("stage-{stage}"),
        format!("stage-{stage}-description"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_allows_what_the_pyramid_says() {
        assert_eq!(max_visibility(1), Visibility::Internal);
        assert_eq!(max_visibility(2), Visibility::Shared);
        assert_eq!(max_visibility(3), Visibility::Shared);
        assert_eq!(max_visibility(4), Visibility::Joint);
        assert!(!client_sees(1, Visibility::Shared));
        assert!(client_sees(2, Visibility::Shared));
        assert!(!client_sees(3, Visibility::Internal));
        assert!(!client_can_validate(2) && client_can_validate(3));
        assert!(client_can_enter_values(4, Visibility::Joint));
        assert!(!client_can_enter_values(4, Visibility::Shared));
        assert!(!client_can_enter_values(3, Visibility::Joint));
    }

    #[test]
    fn lowering_a_stage_clamps_visibility() {
        assert_eq!(clamp(1, Visibility::Joint), Visibility::Internal);
        assert_eq!(clamp(3, Visibility::Joint), Visibility::Shared);
        assert_eq!(clamp(2, Visibility::Shared), Visibility::Shared);
        assert_eq!(clamp(4, Visibility::Internal), Visibility::Internal);
        for stage in MIN_STAGE..=MAX_STAGE {
            for v in Visibility::ALL {
                assert!(allowed(stage, clamp(stage, *v)));
            }
        }
    }
}
