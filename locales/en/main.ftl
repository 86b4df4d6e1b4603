## Layout
skip-to-content = Skip to content
nav-label = Main navigation
nav-users = Users
nav-portfolio = Portfolio
nav-accounts = Accounts
nav-my-accounts = My accounts
nav-inbox = Inbox
nav-portal = Our scorecard
language = Language
logout = Sign out
footer-tagline = Key account scorecards, built with the customer
breadcrumbs = Breadcrumbs
export-csv = Export CSV
save = Save
cancel = Cancel
never = never
form-has-errors = Please correct the following:

## Roles
role-admin = Administrator
role-director = Sales director
role-kam = Key account manager
role-contributor = Contributor
role-client = Client

## Sign in
login-title = Sign in
login-intro = Sign in with your work e-mail address.
login-email = E-mail address
login-password = Password
login-submit = Sign in
login-failed = E-mail address or password incorrect.
login-missing-fields = Enter your e-mail address and your password.
login-throttled = Too many failed attempts. Wait a few minutes before trying again.
logout-done = You are signed out.

## Errors
error-title-400 = Bad request
error-title-401 = Please sign in
error-title-403 = Access refused
error-title-404 = Page not found
error-title-405 = Not allowed
error-title-408 = Too slow
error-title-409 = Changed meanwhile
error-title-413 = Too large
error-title-422 = Cannot process
error-title-429 = Too many attempts
error-title-500 = Something went wrong
error-title-503 = Unavailable
error-title-generic = Error
error-not-found = This page does not exist, or you do not have access to it.
error-forbidden = Your role does not give access to this page.
error-unauthorized = Please sign in to continue.
error-csrf = This form has expired or was sent from another site. Go back, reload the page and try again.
error-too-many-requests = Too many attempts. Wait a moment and try again.
error-internal = An unexpected error occurred. It has been logged; please try again.
error-method-not-allowed = This action is not available here.
error-form-too-large = What you sent is too large.
error-unavailable = The service is busy. Please try again in a moment.
error-bad-request = The request could not be understood.
error-code = Error code
error-home = Back to the home page

## Forms
field-required = This field is required.
field-too-long = This is too long.
email-invalid = Enter an e-mail address like name@company.com.
email-taken = A user with this e-mail address already exists.
password-too-short = The password must be at least 10 characters long.
password-too-long = The password must be at most 256 characters long.
password-hint = At least 10 characters.

## Accounts
accounts-title = Accounts
accounts-mine-title = My accounts
accounts-empty = No accounts yet.
accounts-table-caption = Accounts with their tier, stage and owner
col-account = Account
col-code = Code
col-industry = Industry
col-country = Country
col-tier = Tier
col-stage = Stage
col-owner = Key account manager
col-since = Customer since
col-updated = Last updated
col-name = Name
col-email = E-mail
col-role = Role
col-status = Status
col-last-login = Last sign-in
tier-key-account = Key account
tier-candidate = Candidate
tier-managed = Managed account
stage-1 = Exploratory
stage-2 = Basic
stage-3 = Cooperative
stage-4 = Integrated

## Portfolio
portfolio-title = Portfolio
portfolio-pending = { $count ->
    [one] One account is being recomputed: its scores may lag behind its values for a minute at most.
   *[other] { $count } accounts are being recomputed: their scores may lag behind their values for a minute at most.
}
portfolio-accounts = Accounts
portfolio-by-stage = Accounts by stage of the KAM pyramid

## Inbox
inbox-title = Inbox
inbox-empty = No KPI is assigned to you at the moment.
inbox-intro = The KPIs whose figures you supply. Enter the latest period's value when it is known.
inbox-due = Period due
inbox-overdue = Due

## Portal
portal-intro = The scorecard your supplier shares with you.
portal-team = Your contacts
portal-nothing-shared = Nothing has been shared with you yet.

## Users
users-title = Users
users-add = Add a user
user-active = Active
user-inactive = Inactive
user-created = The user has been created.
user-account-hint = Only for client users: the account they belong to.
user-client-needs-account = A client user must belong to an account.
user-staff-no-account = Only client users belong to an account.

## Account form
account-new = New account
account-edit = Edit the account
account-created = The account has been created.
account-saved = The account has been saved.
account-conflict = Someone else saved this account while you were editing it. Here is their version; make your change again.
account-slug-hint = Short code used in imports and exports: lower-case letters, digits and dashes (e.g. lumiere-retail).
account-slug-invalid = Use lower-case letters, digits and dashes only (e.g. lumiere-retail).
account-slug-taken = Another account already uses this code.
account-country-hint = Two-letter ISO code, e.g. FR, GB, DE.
account-country-invalid = Enter a two-letter country code such as FR or GB.
account-international = Present in several countries
account-subsidiaries = Subsidiaries where we are present
account-subsidiaries-hint = How many of the client's subsidiaries we work with.
account-owner-invalid = Choose a key account manager from the list.
field-whole-number = Enter a whole number (0 or more).
field-date-invalid = Enter a valid date, not in the future.
actions = Actions
remove = Remove
team-title = Account team
team-empty = Nobody has been added to the account team yet.
team-person = Person
team-function = Function
team-add = Add to the team
team-updated = The account team has been updated.
team-choose-person-and-function = Choose a person and a function.
teamfunction-sales = Sales
teamfunction-marketing = Marketing
teamfunction-logistics = Logistics
teamfunction-finance = Finance
teamfunction-customer-service = Customer service
teamfunction-rnd = R&D
teamfunction-legal = Legal
teamfunction-management = Management
accounts-new-button = New account
date-invalid = Enter a date like 2026-11-23.

## Pages (issue 10): the scrolling box around a table, named apart from its section
region-table = table
region-chart = chart, scrollable

## Input hardening (control characters, public URL)
error-control-characters = What you sent contains invisible control characters (such as a NUL byte or a text-direction override) that Boussole does not accept. Remove them — retyping the text usually does — and send it again.
links-need-public-url = Links cannot be sent yet: the site's public address is not configured. Ask the administrator to set --public-url (BOUSSOLE_PUBLIC_URL); until then no survey or invitation link is created.
form-already-sent = This form had already been sent: it was saved once, not twice.
## Operations: database outage (ops)
error-db-unavailable = The database is not answering at the moment. Please try again in a few seconds.
error-retry = Try again
