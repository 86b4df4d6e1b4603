## KPI management: library, adding a KPI to an account, KPI settings, universe weights
nav-kpi-library = KPI library

## KPI library (admin)
library-title = KPI library
library-intro = The ready-made KPIs that key account managers pick from, in the five universes of the balanced scorecard. Adding one to an account copies it: editing the library never rewrites an account’s scorecard.
library-total = { $count ->
        [one] One template.
       *[other] { $count } templates.
    }
library-add = New template
library-new = New KPI template
library-edit = Edit the template
library-empty-universe = No template in this universe yet.
library-col-name-fr = Name (French)
library-col-name-en = Name (English)
library-col-description-fr = Description (French)
library-col-description-en = Description (English)
library-col-unit = Unit
library-col-default-target = Default target
library-col-green-from = Green from (%)
library-col-amber-from = Amber from (%)
library-col-active = Active
library-active = Offered
library-retired = Retired
library-code-hint = Lower-case letters, digits and underscores, starting with a letter (e.g. share_of_wallet). It cannot be changed later: imports and the API use it.
library-code-fixed = The code cannot be changed: imports and the API use it.
library-code-taken = Another template already uses this code.
library-default-target-hint = Optional. Offered as the target when the KPI is added to an account; never 0.
library-active-label = Offered when adding a KPI to an account (untick to retire the template: accounts that use it keep their copy)
library-template-created = The template has been added to the library.
library-template-saved = The template has been saved.
library-conflict = Someone else saved this template while you were editing it. Here is their version; make your change again.

## Field checks shared by the KPI forms
kpi-code-hint = Lower-case letters, digits and underscores, starting with a letter (e.g. joint_projects). Imports address the KPI by this code.
kpi-code-invalid = Use lower-case letters, digits and underscores, starting with a letter (2 to 63 characters).
kpi-code-taken = This account already has a KPI with this code.
kpi-choose-from-list = Choose a value from the list.
kpi-target-zero = A target of zero cannot be measured against (attainment is a ratio).
kpi-threshold-too-high = Attainment is capped at 150 %: a threshold above 150 can never be reached.
kpi-thresholds-invalid = Both thresholds must be above 0, and amber cannot be above green.
kpi-thresholds-hint = Attainment in % of the target: green at or above the first threshold, amber at or above the second, red below.
kpi-green-from = Green from (% of target)
kpi-amber-from = Amber from (% of target)
kpi-weight-range = The weight must be above 0 and at most 100.
kpi-freshness-range = Enter a whole number of months between 1 and 36.
kpi-owner-invalid = Choose an owner from the list.
kpi-domain-hint = Internal: our own figures. Client: the key account’s own evaluation. Industry: market data.

## Adding a KPI to an account
kpi-add = Add a KPI
kpi-add-intro = Pick KPIs from the library or define your own. A balanced scorecard covers the five universes and draws on the client’s data as well as ours.
kpi-add-library-title = From the library
kpi-add-library-empty = Every library KPI of this universe is already on the scorecard.
kpi-add-this = Add this KPI
kpi-add-custom-title = A KPI of your own
kpi-add-custom-intro = For what the library does not offer.
kpi-add-custom-submit = Add this KPI
kpi-added = The KPI has been added to the scorecard.
kpi-col-weight = Weight in its universe
kpi-weight-hint = Relative to the other KPIs of its universe: above 0, at most 100.
kpi-freshness-months = Stale after (months)
kpi-freshness-hint = Older values are flagged stale and left out of the scores (1 to 36 months).
kpi-target-hint = The target of every period unless a period has its own; never 0.
kpi-owner-hint = The person who supplies the figures.

## KPI settings
kpi-settings = Settings
kpi-settings-title = KPI settings
kpi-settings-back = Back to the KPI
kpi-settings-saved = The KPI settings have been saved.
kpi-settings-conflict = Someone else saved this KPI’s settings while you were editing them. Here is their version; make your change again.
kpi-target-default-hint = Default target, for every period without its own; never 0.
kpi-visibility-hint = Internal: only our side sees it. Shared: the client sees it and can validate or contest it. Joint: the client also enters values and proposes targets.
kpi-targets-title = Targets per period
kpi-targets-intro = A period’s own target replaces the default target for that period only.
kpi-targets-empty = No period has its own target: the default target applies to every period.
kpi-targets-caption = Targets that replace the default for one period
kpi-target-value = Target for this period
kpi-target-set = Set this period’s target
kpi-target-saved = The period’s target has been saved.
kpi-target-removed = The period’s own target has been removed: the default target applies again.
kpi-delete = Remove this KPI
kpi-delete-title = Remove this KPI?
kpi-delete-intro = The KPI leaves the scorecard with its targets per period. This cannot be undone.
kpi-delete-values = { $count ->
        [0] It has no value yet.
        [one] Its only value will be deleted too, with its history.
       *[other] Its { $count_text } values will be deleted too, with their history.
    }
kpi-delete-confirm = Remove the KPI and its values
kpi-deleted = The KPI has been removed from the scorecard.

## Universe weights
weights-title = Universe weights
weights-intro = How much each universe counts in the balanced score, in percent. The five weights must add up to 100.
weights-legend = Weight of each universe (%)
weights-zero-hint = A universe at 0 is left out of the balanced score altogether.
weights-total = Total:
weights-not-100 = The weights add up to { $sum } %, not 100 %.
weight-out-of-range = Enter a percentage between 0 and 100.
weights-saved = The universe weights have been saved.
kpi-visibility-beyond-stage = The account's stage does not allow this: shared KPIs need stage 2 (Basic) or higher, joint KPIs stage 4 (Integrated). Change the stage first.
