stage-title = Stage of the relationship
stage-intro = The KAM pyramid: as trust grows, the scorecard is shared more with the client. The stage decides what may be shared and what the client may do.
stage-1-description = Each side keeps its own scorecard: nothing is shared with the client.
stage-2-description = Chosen KPIs are shared read-only, to signal openness; the client may comment.
stage-3-description = Objectives are built together: the client validates or contests shared values, and either side proposes targets.
stage-4-description = Complete transparency: one joint scorecard, to which the client also contributes values and targets.
stage-choose-legend = New stage
stage-current = current
stage-reason = Reason
stage-reason-hint = Why the relationship moves: a steering committee decision, a joint project, a loss of trust… It is kept in the history.
stage-submit = Change the stage
stage-choose = Choose a stage.
stage-unchanged = The account is already at this stage.
stage-reason-required = Give the reason for the change (at least a few words).
stage-changed = The stage has been changed.
stage-changed-restricted = { $count ->
    [one] The stage has been changed; { $count } KPI is now less visible to the client, as the new stage requires.
   *[other] The stage has been changed; { $count } KPIs are now less visible to the client, as the new stage requires.
}
stage-changed-meanwhile = Someone changed the stage meanwhile. Reload the page and try again.
stage-history = History of stage changes
stage-history-empty = The stage has not been changed yet.
stage-restricted = KPIs restricted
stage-change-button = Change the stage
portal-view-as-client = View as the client
portal-preview-banner = Preview: this is exactly what the client's users see.
portal-preview-back = Back to the full scorecard
portal-enter-title = Enter a value
portal-enter-intro = This KPI is joint: your team and ours both feed it. The value is recorded in your name.
clients-title = Client users
clients-intro = People at the client who can sign in to see the scorecard shared with their account.
clients-users = Who has access
clients-none = Nobody at the client has access yet.
client-revoke = Revoke access
client-revoked = Access revoked: their sessions ended at once.
client-revoked-status = Revoked
invitations-pending = Pending invitations
invitation-until = valid until
invite-title = Invite a contact
invite-submit = Create the invitation
invitation-created = Invitation created. No e-mail server is configured, so pass this link on to your contact yourself:
invitation-pass-on = The link works once and expires in 7 days.
invitation-title = Join your supplier's scorecard
invitation-welcome = Welcome
invitation-accept = Set my password
invitation-accepted = Your access is ready: sign in with your e-mail address and new password.
invitation-invalid-title = This link cannot be used
invitation-invalid = This invitation link is not valid: it may have expired or already been used. Ask your contact at the supplier for a new one.
password-confirm = Password again
password-mismatch = The two passwords differ.
client-nothing-to-revoke = There was no active access to revoke.
targets-joint-title = Targets agreed together
targets-joint-intro = Either side proposes a target; it applies once the other side accepts it.
targets-none = No target has been proposed yet.
targets-proposed-by = Proposed by
target-proposed = Proposed target
target-period-hint = A period (2026-12, 2027-Q1, 2027), or leave empty for the KPI's default target.
target-propose = Propose this target
target-accept = Accept
target-decline = Decline
target-withdraw = Withdraw
target-default-period = Default target
target-status-open = Awaiting an answer
target-status-accepted = Agreed
target-status-declined = Declined
target-status-withdrawn = Withdrawn
side-client = client
side-supplier = supplier
target-proposed-flash = The target has been proposed; it applies once the other side accepts.
target-agreed = The target is agreed and now applies.
target-declined = The proposal has been declined.
target-withdrawn = The proposal has been withdrawn.
target-proposal-closed = This proposal has already been answered. Reload the page to see where it stands.
target-decision-invalid = Unknown answer to a target proposal.
universe-sharing-title = Share a whole universe
universe-sharing-intro = Set the visibility of every KPI of a universe at once. Only what the current stage allows is offered.
universe-sharing-set = Set all to
universe-sharing-apply = Apply
universe-visibility-set = { $count ->
    [one] { $count } KPI of { $universe } is now: { $visibility }.
   *[other] { $count } KPIs of { $universe } are now: { $visibility }.
}
universe-visibility-beyond-stage = At stage { $stage }, KPIs can be at most: { $allowed }. Raise the stage first.
invitation-mailed = An e-mail with the invitation is on its way to
invitation-mail-failed = The invitation exists, but the mail server refused the message. Pass this link on to your contact yourself:
invitation-mail-subject = Your access to the shared scorecard
invitation-mail-body = Hello { $name },

    { $kam } invites you to see the scorecard your supplier shares with { $account }.
    Choose your password here (the link works once, for { $days } days):

    { $link }

    If you were not expecting this message, you can ignore it.
