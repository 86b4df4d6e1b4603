//! Every action the audit trail records, as one closed list: the code is what is
//! stored in `audit_log.action` (dotted lower case), the label key names it in the
//! audit page, and the feed key (for the actions in the feed) words it as news.

use crate::domain::vocab;

vocab!(
    /// What happened.
    Action, [], {
        AuthLogin => "auth.login",
        AuthLogout => "auth.logout",
        AuthLoginFailed => "auth.login_failed",
        AuthLoginThrottled => "auth.login_throttled",
        SecurityCsrfRefused => "security.csrf_refused",
        SecurityAccessRefused => "security.access_refused",
        UserCreated => "user.created",
        UserPasswordChanged => "user.password_changed",
        UserLocaleChanged => "user.locale_changed",
        AccountCreated => "account.created",
        AccountUpdated => "account.updated",
        AccountStageChanged => "account.stage_changed",
        AccountTeamMemberSet => "account.team_member_set",
        AccountTeamMemberRemoved => "account.team_member_removed",
        AccountKpiCreated => "account_kpi.created",
        AccountKpiUpdated => "account_kpi.updated",
        AccountKpiDeleted => "account_kpi.deleted",
        AccountKpiVisibilityChanged => "account_kpi.visibility_changed",
        KpiTemplateCreated => "kpi_template.created",
        KpiTemplateUpdated => "kpi_template.updated",
        KpiTargetSet => "kpi_target.set",
        KpiTargetRemoved => "kpi_target.removed",
        KpiTargetProposed => "kpi_target.proposed",
        KpiTargetAgreed => "kpi_target.agreed",
        KpiTargetDeclined => "kpi_target.declined",
        KpiTargetWithdrawn => "kpi_target.withdrawn",
        UniverseWeightsUpdated => "universe_weights.updated",
        KpiValueCreated => "kpi_value.created",
        KpiValueUpdated => "kpi_value.updated",
        KpiValueValidated => "kpi_value.validated",
        KpiValueContested => "kpi_value.contested",
        KpiValueProposalAccepted => "kpi_value.proposal_accepted",
        KpiValueKept => "kpi_value.kept",
        KpiValueCommented => "kpi_value.commented",
        ValuesImported => "values.imported",
        ClientInvited => "client.invited",
        ClientJoined => "client.joined",
        ClientRevoked => "client.revoked",
        ContactCreated => "contact.created",
        ContactUpdated => "contact.updated",
        SurveySent => "survey.sent",
        SurveyAnswered => "survey.answered",
        SurveyQuestionUpdated => "survey_question.updated",
        FeedbackRecorded => "feedback.recorded",
        VocCorrected => "voc.corrected",
        VocThemeUpdated => "voc_theme.updated",
        OpportunityCreated => "opportunity.created",
        OpportunityClosed => "opportunity.closed",
        BusinessReviewCreated => "business_review.created",
        BusinessReviewUpdated => "business_review.updated",
        ReviewPackFrozen => "review_pack.frozen",
        ReviewMinutesSaved => "business_review.minutes_saved",
        ReviewDecisionCreated => "review_decision.created",
        ReviewDecisionToAction => "review_decision.to_action",
        ReviewConfirmed => "business_review.confirmed",
        ReviewCommented => "business_review.commented",
        ReviewRated => "business_review.rated",
        SelectionCriteriaUpdated => "selection.criteria_updated",
        SelectionAccountRated => "selection.account_rated",
        DirectorSettingsUpdated => "director.settings_updated",
        DirectorTimeZoneUpdated => "director.time_zone_updated",
        DemoLoaded => "demo.loaded",
        PlanCreated => "plan.created",
        PlanUpdated => "plan.updated",
        PlanClosed => "plan.closed",
        PlanObjectiveCreated => "plan_objective.created",
        PlanObjectiveUpdated => "plan_objective.updated",
        PlanActionCreated => "plan_action.created",
        PlanActionUpdated => "plan_action.updated",
        PlanRiskCreated => "plan_risk.created",
        PlanRiskUpdated => "plan_risk.updated",
        WhitespaceCellSet => "whitespace.cell_set",
        WhitespaceImported => "whitespace.imported",
        WhitespaceAxisAdded => "whitespace.axis_added",
        PeriodLocked => "period.locked",
        PeriodUnlocked => "period.unlocked",
        DataRequestCreated => "data_request.created",
        UserRemindersChanged => "user.reminders_changed",
        ApiTokenCreated => "api_token.created",
        ApiTokenRevoked => "api_token.revoked",
        KpiTurnedRed => "kpi.turned_red",
        AccountFollowed => "account.followed",
        AccountUnfollowed => "account.unfollowed",
        UserDigestChanged => "user.digest_changed",
        WebhookCreated => "webhook.created",
        WebhookDeleted => "webhook.deleted",
        WebhookTested => "webhook.tested",
    }
);

impl Action {
    /// Key of the sentence the activity feed shows for this action.
    pub fn feed_key(self) -> String {
        format!("feed-{}", self.code().replace(['.', '_'], "-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_dotted_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.code()), "{} twice", a.code());
            assert!(a.code().contains('.'), "{} is not dotted", a.code());
            assert_eq!(Action::parse(a.code()), Some(*a));
        }
        assert_eq!(
            Action::KpiValueCreated.label_key(),
            "action-kpi-value-created"
        );
        assert_eq!(Action::KpiTargetSet.feed_key(), "feed-kpi-target-set");
    }
}
