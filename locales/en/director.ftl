## The director's view: portfolio, selection, capabilities, drivers, value.

nav-selection = Key account selection
nav-capabilities = Capabilities
nav-drivers = Drivers

portfolio-csv-scope = The CSV export holds every account of the current filter (all pages), in the current order.
portfolio-last-updated = Last updated:
portfolio-shown = Shown by the filter
portfolio-alerts = Alerts
portfolio-no-alerts = Nothing needs your attention right now.
alert-kind-turning_red = Turning red
alert-kind-stale_client_data = Stale client data
alert-kind-hidden_discontent = Hidden discontent
alert-kind-contest_waiting = Contest waiting
alert-turning-red = red now, not at the end of last month: { $what }.
alert-stale-client-data = { $count ->
    [one] its client-domain KPI is not fresh: the client's view is missing.
   *[other] none of its { $count } client-domain KPIs is fresh: the client's view is missing.
}
alert-contest-waiting = { $count ->
    [one] { $count } contested value waiting for an answer for more than { $days } days.
   *[other] { $count } contested values waiting for an answer for more than { $days } days.
}
portfolio-filters = Filter the portfolio
portfolio-all = All
portfolio-apply = Apply
portfolio-reset = Reset
portfolio-empty = No account matches this filter.
portfolio-pages = Pages
portfolio-prev-page = Previous page
portfolio-next-page = Next page
portfolio-col-status = Status
portfolio-col-trend = Trend
portfolio-col-nps = NPS
portfolio-col-revenue = Revenue (12 months)
portfolio-col-growth = Growth (year on year)
portfolio-col-clv = Lifetime value
portfolio-col-fresh = KPIs fresh
portfolio-col-validated = Shared values validated
portfolio-col-contested = Contests open
portfolio-col-last-review = Last business review
value-link = value

selection-title = Choosing the key accounts
selection-intro = Each account is placed by the director's weighted criteria: attractiveness of the client for us, and strength of our position at the client (1 to 5). Invest and grow top left, be selective on the diagonal, harvest bottom right.
selection-limit = Key accounts recommended at most:
selection-warnings = Warnings and suggestions
selection-no-warnings = No warning.
selection-matrix-caption = GE-McKinsey matrix: strength of our position (horizontal, strong on the left) against attractiveness (vertical, high on top). The table below holds the same data.
selection-table = Accounts in the matrix
selection-col-cell = Cell
selection-col-reading = Reading
selection-col-moved = Since the previous rating
selection-col-rated-on = Rated on
selection-rate = Rate
selection-unrated = Accounts not rated yet
selection-moved = attractiveness { $da }, strength { $ds }
selection-cell-changed = changed cell
selection-first-rating = first rating
selection-warn-too-many = { $count } key accounts, more than the { $max } recommended: KAM is for a few carefully chosen customers.
selection-warn-kam-overloaded = { $kam } owns { $count } key accounts, far above the fair share of { $share }.
selection-warn-no-kam = { $account } is a key account without a KAM.
selection-warn-placed-low = { $account } is a key account but the matrix places it in a harvest cell: is the tier still deserved?
selection-warn-candidate = { $account } is not a key account but the matrix places it in an invest cell: a candidate for the key tier.
warning-kind-too_many_key_accounts = Too many key accounts
warning-kind-kam_overloaded = KAM overloaded
warning-kind-key_account_without_kam = No KAM
warning-kind-key_account_placed_low = Placed low
warning-kind-candidate = Candidate
axis-attractiveness = Attractiveness
axis-strength = Strength of position
band-low = low
band-medium = medium
band-high = high
reading-invest = Invest and grow
reading-selective = Be selective
reading-harvest = Harvest

criteria-title = Selection criteria
criteria-help = At most 5 criteria per axis; the weights of each axis add up to 100. A criterion is either rated 1 to 5 by the KAM, or computed from a KPI: its latest value, from "low" (1) to "high" (5). Leave a row empty to remove it.
criteria-axis = Axis
criteria-name = Criterion
criteria-weight = Weight (%)
criteria-source = Source
criteria-kpi = KPI code
criteria-low = Low (→ 1)
criteria-high = High (→ 5)
criteria-save = Save the criteria
criteria-saved = Criteria saved.
criterion-rating = Rating 1–5
criterion-kpi = From a KPI
criteria-error-axis = { $name }: choose an axis.
criteria-error-weight = { $name }: the weight must be a whole number from 1 to 100.
criteria-error-kpi = { $name }: a KPI criterion needs a KPI code and two different bounds.
criteria-error-empty = { $axis }: at least one criterion is needed.
criteria-error-too-many = { $axis }: { $count } criteria, at most { $max } are allowed.
criteria-error-total = { $axis }: the weights add up to { $total }, they must add up to 100.
criteria-error-name = Every criterion needs a name.
criteria-error-duplicate = Two criteria are called "{ $name }" on the same axis.

rating-title = Rate the account
rating-help = Rate each qualitative criterion from 1 (weak) to 5 (strong). KPI criteria use the account's latest value. A rating is kept as a new version dated today.
rating-last = Last rated on
rating-from-kpi = Computed from the KPI
rating-scale = A whole number from 1 to 5.
rating-save = Save the rating
rating-saved = Rating saved.
rating-error-range = { $name }: give a whole number from 1 to 5.
rating-error-no-criteria = The director has not defined any criteria yet.

drivers-title = What drives the relationship
drivers-not-causation = Correlation is not causation: a KPI that moves with the outcome may share a cause with it. Use this ranking to choose what to investigate, not as proof.
drivers-outcome = Outcome
drivers-method = Spearman rank correlation over account-periods (each outcome value paired with the KPI's mean over the same period), KPIs matched across accounts by library code; 95 % interval with the sample reduced for repeated periods of one account.
drivers-no-data = There is too little data on this outcome to say anything: fewer than 5 accounts or 8 account-periods share it with another KPI.
drivers-caption = KPIs ranked by how strongly they go with:
drivers-col-kpi = KPI
drivers-col-interval = 95 % interval
drivers-col-pairs = Pairs
drivers-col-accounts = Accounts
drivers-col-effective = Effective sample
drivers-col-evidence = Evidence
drivers-col-period = Period
drivers-scatter = Scatter plot
drivers-scatter-caption = Each point is one account in one period. The table holds the same data.
drivers-data-table = Data table
drivers-refused = Not enough data
drivers-short-accounts = { $accounts ->
    [one] only { $accounts } account, at least { $min_accounts } are needed.
   *[other] only { $accounts } accounts, at least { $min_accounts } are needed.
}
drivers-short-pairs = { $pairs ->
    [one] only { $pairs } account-period, at least { $min_pairs } are needed.
   *[other] only { $pairs } account-periods, at least { $min_pairs } are needed.
}
drivers-short-kpi-constant = the KPI has the same value everywhere.
drivers-short-outcome-constant = the outcome has the same value everywhere.
drivers-summary = ρ = { $rho } over { $pairs } account-periods of { $accounts } accounts, 95 % interval [{ $low } ; { $high }]: { $evidence }.
outcome-nps = NPS
outcome-csat = Satisfaction (CSAT)
outcome-revenue_growth = Revenue growth
evidence-strong = Strong evidence
evidence-moderate = Moderate evidence
evidence-weak = Weak evidence (few accounts or wide interval)
evidence-insufficient = Not enough data

value-title = Customer lifetime value
value-method = Historical value: gross margin since the first year minus acquisition and retention costs. Projected value: the mean net margin of the last 3 years, earned each future year with the retention probability and discounted.
value-historical = Historical value
value-projected = Projected value
value-total = Lifetime value
value-no-data = No yearly financial figures for this account yet.
value-inputs = Inputs
value-acquisition = Acquisition cost
value-retention = Retention probability per year
value-discount = Discount rate per year
value-horizon = Projection horizon (years)
value-base = Base annual net margin
value-years = Yearly figures
value-year = Year
value-margin = Gross margin
value-retention-cost = Retention cost

settings-title = Director's settings
settings-max = Key accounts recommended at most
settings-share = KAM overload: multiple of the fair share of key accounts
settings-save = Save the settings
settings-saved = Settings saved.
settings-error-max = The number of key accounts must be a whole number from 1 to 500.
settings-error-share = The KAM overload multiple must be a number from 1 to 10.
settings-error-retention = The retention probability must be a percentage from 0 to 100.
settings-error-discount = The discount rate must be a percentage from 0 to less than 100.
settings-error-horizon = The horizon must be a whole number of years from 1 to 30.

cap-title = The three commercial capabilities
cap-intro = Side by side and per year, so that a weakness is diagnosed in the right capability: complex sales wins new business, account management serves all customers, key account management grows the few key ones.
cap-metric = Indicator
cap-complex-sales = Complex sales
cap-account-management = Account management
cap-kam = Key account management
cap-win-rate = Win rate of qualified opportunities
cap-new-clients = New clients
cap-sales-cycle = Sales cycle of won deals (days)
cap-revenue = Portfolio revenue
cap-growth = Portfolio growth
cap-revenue-per-client = Revenue per client
cap-retention = Clients retained from the year before
cap-satisfaction = Mean satisfaction (CSAT, 1–5)
cap-key-growth = Growth of key accounts
cap-other-growth = Growth of the other accounts
cap-objectives-on-track = Account plan objectives on track or done
cap-innovation = Joint innovation projects
alert-hidden-discontent = { $count ->
    [one] { $count } recent survey answer with a happy score (NPS { $nps }) but clearly negative words: see the voice of the customer.
   *[other] { $count } recent survey answers with a happy score (up to NPS { $nps }) but clearly negative words: see the voice of the customer.
}
opportunities-title = Opportunities and reviews
opportunities-list = Opportunities
opportunities-none = No opportunity recorded.
opportunity-value = Value
opportunity-opened = Opened on
opportunity-closed = Closed on
opportunity-outcome = Outcome
opportunity-innovation = joint innovation
opportunity-innovation-hint = A joint innovation project with the client
opportunity-add = Record an opportunity
opportunity-won = Won
opportunity-lost = Lost
opportunity-saved = The opportunity has been saved.
opportunity-closed-date = A won or lost opportunity needs its closing date, not before it opened and not in the future.
outcome-open = Open
outcome-won = Won
outcome-lost = Lost
reviews-title = Business reviews
reviews-none = No business review recorded.
review-held-on = Held on
review-title = Title
review-notes = Notes
review-add = Record the review
review-saved = The business review has been recorded.

## Figures: CSV exports of the capabilities, the value page and a driver's scatter (issue 10)
cap-capability = Capability
cap-unit = Unit
cap-unit-percent = %
cap-unit-count = count
cap-unit-days = days
cap-unit-eur = €
cap-unit-rating = rating
value-csv-item = Item
value-csv-year = Year
value-csv-value = Value
value-csv-percent-note = (in %)

## Figures: a portfolio that opens on what needs attention (issue 10)
portfolio-col-alerts = Open alerts
portfolio-sort = Sort by
portfolio-sort-attention = Needs attention first
portfolio-sort-desc = descending
portfolio-accounts-count = { $count ->
    [one] { $count } account
   *[other] { $count } accounts
}
portfolio-key-accounts-count = { $count ->
    [one] { $count } key account
   *[other] { $count } key accounts
}
portfolio-shown-count = { $count ->
    [one] { $count } shown by the filter
   *[other] { $count } shown by the filter
}
portfolio-alert-count-turning_red = { $count ->
    [one] { $count } turning red
   *[other] { $count } turning red
}
portfolio-alert-count-stale_client_data = { $count ->
    [one] { $count } without fresh client data
   *[other] { $count } without fresh client data
}
portfolio-alert-count-hidden_discontent = { $count ->
    [one] { $count } hidden discontent
   *[other] { $count } hidden discontents
}
portfolio-alert-count-contest_waiting = { $count ->
    [one] { $count } contest waiting
   *[other] { $count } contests waiting
}

## Time zone of the organisation
time-zone-title = Time zone
time-zone-explained = Every date and time shown in Boussole is given in this time zone; they stay stored in universal time.
time-zone-now = It is now
time-zone-label = The organisation’s time zone
time-zone-hint = A name from the IANA database, for example Europe/Paris, Europe/London or America/New_York.
time-zone-unknown = This time zone is unknown: type a name from the IANA database, for example Europe/Paris.
time-zone-saved = The time zone has been saved.
alert-kind-red_without_action = Red KPI without action
portfolio-alert-count-red_without_action = { $count ->
    [one] { $count } with a red KPI without action
   *[other] { $count } with red KPIs without action
}
