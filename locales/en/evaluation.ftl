nav-evaluations = Client validation
validation-awaiting = Awaiting validation
validation-validated = Validated by the client
validation-contested = Contested
validation-resolved = Resolved
evaluation-title = The client's evaluation
evaluation-no-messages = No comment yet on this value.
evaluation-validate = Validate this value
evaluation-contest-open = Contest this value…
evaluation-contest-why = What is wrong with it?
evaluation-contest = Contest
evaluation-proposal = Proposed value
evaluation-proposal-hint = Optional: the value you believe is right.
evaluation-accept = Accept the client's proposal
evaluation-accept-note = Note (optional)
evaluation-keep = Keep the value and answer
evaluation-keep-why = Why the value stands
evaluation-comment = Comment
evaluation-send = Send
evaluation-recorded = Recorded. The other side can see it.
evaluation-comment-empty = Write a comment first.
evaluation-not-at-this-stage = The stage of the relationship does not allow this yet.
evaluation-already-validated = This value is already validated.
evaluation-already-contested = This value is already contested; wait for the answer or comment.
evaluation-contest-needs-comment = Say what is wrong with the value: a contest needs a comment.
evaluation-nothing-to-resolve = This value is not contested.
evaluation-no-proposal = The client proposed no value to accept; keep the value and answer instead.
evaluation-keep-needs-answer = Explain why the value stands.
evaluation-not-allowed = This action is not available.
evaluation-proposal-invalid = The proposed value is not a number this KPI allows.
evaluation-kind-comment = comment
evaluation-kind-validated = validated
evaluation-kind-contested = contested
evaluation-kind-accepted = accepted the proposal
evaluation-kind-kept = kept the value
evaluation-queue-title = Values under client review
evaluation-queue-intro = Contested values wait for your answer; the latest values of shared KPIs wait for the client's validation.
evaluation-queue-contested = Contested by the client
evaluation-queue-awaiting = Awaiting the client's validation
evaluation-queue-empty = Nothing here.
evaluation-since = Since
evaluation-validated-share = Validated by the client:

## Portal: the client's next step (validating several values at once)
portal-awaiting-summary = { $count ->
    [one] 1 value awaits your validation
   *[other] { $count } values await your validation
}
portal-awaiting-title = Values awaiting your validation
portal-awaiting-intro = Tick the values you agree with, then validate them in one go. To contest a value, open its page.
portal-awaiting-choose = Validate
portal-awaiting-details = details
portal-awaiting-submit = Validate the ticked values
portal-validate-none = Tick at least one value to validate.
portal-validate-too-many = Too many values at once: validate at most 500.
portal-validate-stale = Some of these values no longer await your validation (validated, contested or replaced in the meantime). Nothing was recorded; check the list and try again.
portal-validated-count = { $count ->
    [one] 1 value validated. Your supplier can see it.
   *[other] { $count } values validated. Your supplier can see it.
}
