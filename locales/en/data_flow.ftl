## Background jobs (/admin/jobs)
nav-jobs = Jobs
jobs-title = Background jobs
jobs-intro = E-mails and the daily pass of data requests run in the background, so that no page waits for a mail server. A job that fails is tried again later; this page shows the error and when it will be tried next.
jobs-no-mail-server = No mail server is configured (BOUSSOLE_MAIL_URL): no e-mail is queued, links are shown on the pages instead.
jobs-empty = No job is waiting, running or failing.
jobs-caption = Jobs waiting, running, failing, failed, and those that succeeded after a retry (newest first)
job-state-pending = Waiting
job-state-running = Running
job-state-retrying = Failing, will retry
job-state-failed = Failed
job-state-retried = Succeeded after a retry
job-col-id = Id
job-col-queue = Queue
job-col-what = Job
job-col-recipient = Recipient
job-col-attempts = Attempts
job-col-next = Next attempt
job-col-error = Last error
job-col-created = Created
job-col-updated = Last change

## Period locks
locks-title = Locked periods
locks-intro = Lock a month once it has been reviewed: values whose period ends in that month (the month, a quarter ending in it, a year ending in December) can no longer change, from the scorecard, an import or the portal, until the month is unlocked with a reason.
locks-locked = Locked months
locks-none = No month is locked.
lock-col-month = Month
lock-col-by = Locked by
lock-col-note = Note
lock-locked = Locked
lock-title = Lock a month
lock-month = Month (YYYY-MM)
lock-note = Note (optional, e.g. the review)
lock-submit = Lock
lock-month-invalid = Give the month as YYYY-MM, for example 2026-09.
lock-text-too-long = Keep it to 500 characters at most.
lock-already = That month was already locked.
lock-done = The month is locked.
unlock-title = Unlock
unlock-reason = Reason for unlocking
unlock-submit = Unlock
unlock-reason-required = Say why the month is unlocked: the reason is kept in the audit trail.
unlock-not-locked = That month was not locked.
unlock-done = The month is unlocked; the reason is in the audit trail.
value-locked = This period is locked ({ $month }): its values cannot change. Someone who may edit the account can unlock it, with a reason, on the “Locked periods” page.
import-period-locked = This period is locked ({ $month }) for this account: unlock it before importing into it.
evaluation-period-locked = This period is locked: the proposed value cannot replace the stored one until the month is unlocked (with a reason) on the “Locked periods” page.

## Data requests
nav-requests = Data requests
requests-title = Data requests
requests-intro = Each KPI's owner is asked for its value once the period is over, by a due date: by you, or by the daily schedule (five working days after the period ends). Saving the value, from the inbox or anywhere else, answers the request. Owners are reminded by e-mail before the due date, on it and after; the account's KAM is told once a request is 3 days late.
requests-overview-title = Data requests: completion
requests-overview-intro = The month's requests on the accounts you see: answered on time, answered late, missing (past the due date, no value yet) and still open, per account and per owner.
requests-none = No request for this month.
requests-list = Requests
request-completion = Completion
request-completion-by-owner = Completion per owner
request-completion-by-account = Completion per account
request-missing-title = Values missing
request-missing-none = No value is missing.
request-status-open = Open
request-status-missing = Missing
request-status-on-time = On time
request-status-late = Late
request-total = Total
request-col-period = Period
request-col-owner = Owner
request-col-due = Due
request-col-answered = Answered
request-col-by = Asked by
request-col-note = Note
request-by-schedule = Schedule
request-prev-month = Previous month
request-next-month = Next month
request-ask-title = Ask the owners for their values
request-no-mail-server = No mail server is configured: owners see the requests in their inbox, without e-mail.
request-no-kpi-this-month = No KPI of this account has a period ending this month.
request-which-kpis = KPIs whose period ends this month
request-already-answered = already has a value
request-already-asked = already requested
request-no-owner = no owner: choose one in the KPI's settings
request-owner-unreachable-short = owner cannot be asked
request-due = Due date
request-note = Note to the owners (optional)
request-submit = Send the requests
request-choose-kpi = Choose at least one KPI of this account whose period ends this month.
request-due-invalid = Give the due date as a date (YYYY-MM-DD).
request-note-too-long = Keep the note to 1,000 characters at most.
request-kpi-no-owner = “{ $kpi }” has no owner to ask: choose one in the KPI's settings first.
request-owner-unreachable = { $owner }, owner of “{ $kpi }”, cannot be asked (no active account with an e-mail address): choose another owner in the KPI's settings.
request-due-before-period-end = The due date must come after the end of the period of “{ $kpi }” ({ $end }): a value cannot be due before its period is over.
request-created = { $count ->
    [0] No new request: each KPI chosen was already requested or answered.
    [one] One request sent.
   *[other] { $count } requests sent.
}
inbox-requests = Values requested from you
inbox-requests-none = Nobody is waiting for a value from you.
inbox-owned = Your KPIs
request-answer-value = Value
request-answer = Answer
request-mail-subject = Values requested: { $account }
request-mail-body = Hello { $name },

    { $asked_by } asks you for these values of { $account }, by { $due }:

    { $items }
    { $note }
    Answer from your Boussole inbox: { $link }

    To stop receiving reminders: { $settings }
reminder-before-subject = Reminder: { $kpi } for { $account } is due on { $due }
reminder-before-body = Hello { $name },

    The value of “{ $kpi }” ({ $period }) for { $account } is due on { $due }.
    Answer from your inbox: { $link }

    To stop receiving reminders: { $settings }
reminder-due-subject = Due today: { $kpi } for { $account }
reminder-due-body = Hello { $name },

    The value of “{ $kpi }” ({ $period }) for { $account } is due today, { $due }.
    Answer from your inbox: { $link }

    To stop receiving reminders: { $settings }
reminder-late-subject = Late: { $kpi } for { $account } (due { $due })
reminder-late-body = Hello { $name },

    The value of “{ $kpi }” ({ $period }) for { $account } was due on { $due } and has not arrived.
    Answer from your inbox: { $link }

    To stop receiving reminders: { $settings }
reminder-escalation-subject = Missing value: { $kpi } for { $account } ({ $owner })
reminder-escalation-body = Hello { $name },

    { $owner } has not supplied “{ $kpi }” ({ $period }) for { $account }, due on { $due }.
    The month's requests: { $link }

    To stop receiving reminders: { $settings }
reminders-title = Reminder e-mails
reminders-intro = Boussole e-mails you when a value you own is due or late, and about late requests on your accounts. Requests always stay in your inbox.
reminders-legend = Reminders by e-mail
reminders-on = Send me reminders
reminders-off = Do not send me reminders
reminders-now-off = You will no longer receive reminder e-mails.
reminders-now-on = You will receive reminder e-mails.
value-comment-required = This value is red: this KPI asks for a comment explaining it. Add a comment and save again.
kpi-comment-when-red = Require a comment when a value is red
kpi-comment-when-red-hint = Whoever enters a red value (by hand, import, portal or API) must say why.
import-comment-required = Row { $row }: the value is red and this KPI asks for a comment explaining it.
