nav-notifications = Notifications
notifications-title = Notifications
notifications-unread = unread
notifications-mark-read = Mark all as read
notifications-marked = Everything is marked as read.
feed-title = Activity
feed-empty = Nothing has happened here yet.
feed-new = New
feed-kpi-value-created = { $who } entered a value for { $kpi } ({ $period })
feed-kpi-value-updated = { $who } changed the value of { $kpi } ({ $period })
feed-kpi-value-validated = { $who } validated { $kpi } ({ $period })
feed-kpi-value-contested = { $who } contested { $kpi } ({ $period })
feed-kpi-value-proposal-accepted = { $who } accepted the client's proposal for { $kpi } ({ $period })
feed-kpi-value-kept = { $who } kept the value of { $kpi } ({ $period }) and answered
feed-kpi-value-commented = { $who } commented on { $kpi } ({ $period })
feed-account-kpi-created = { $who } added the KPI { $kpi }
feed-account-kpi-updated = { $who } changed the settings of { $kpi }
feed-kpi-target-set = { $who } set a target for { $kpi }
feed-account-stage-changed = { $who } moved the relationship to stage { $stage }
feed-client-joined = { $who } joined from the client's side
feed-kpi-target-proposed = { $who } proposed a target for { $kpi }
feed-kpi-target-agreed = { $who } agreed a target for { $kpi }
feed-kpi-target-declined = { $who } declined a target proposed for { $kpi }
feed-account-kpi-visibility-changed = { $who } changed how { $kpi } is shared with the client
feed-kpi-turned-red = { $kpi } turned red
follow-start = Follow
follow-stop = Unfollow
follow-now-on = You follow this account: its news will be in your digest.
follow-now-off = You no longer follow this account.
follow-invalid = Choose to follow the account or not.
watch-title = Needs attention on the accounts you follow
watch-empty = Nothing overdue, no review coming up.
watch-request = Value overdue: { $title } (due { $day })
watch-action = Action overdue: { $title } (due { $day })
watch-review = Review coming up: { $title } ({ $day })
watch-verbatim = Negative feedback: “{ $title }” ({ $day })
digest-title = Digest e-mail
digest-intro = A summary of what changed on the accounts you follow: KPIs turning red, the client's validations and contests, negative feedback, overdue requests and actions, reviews coming up. A digest with nothing in it is not sent.
digest-followed = { $count ->
    [0] You follow no account yet: follow one from its page.
    [one] Your digest covers the one account you follow.
   *[other] Your digest covers the { $count } accounts you follow.
}
digest-legend = Send me a digest
digest-choice-invalid = Choose daily, weekly or no digest.
digest-saved = Your digest choice is saved.
digest-settings-link = Digest e-mail settings
digestfrequency-off = Never
digestfrequency-daily = Every morning (the day before)
digestfrequency-weekly = Every Monday (the week before)
digest-mail-period = from { $from } to { $until }
digest-mail-subject = Boussole digest: { $period }
digest-mail-nothing = (nothing)
digest-mail-body =
    Hello { $name },

    What changed on the accounts you follow, { $period }:

    { $events }

    Needs attention:

    { $items }

    All notifications: { $all }
    To change or stop this digest: { $settings }
