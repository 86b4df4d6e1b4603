help-title = How scores are computed
help-intro = Every number on a scorecard comes from the formulas below; nothing is weighted or hidden anywhere else.
help-attainment-title = Attainment of a KPI
help-attainment = Attainment compares the latest value v with the target t of its period, in the KPI's direction.
help-attainment-formula = with s = +1 when higher is better and −1 when lower is better, limited to between 0 % and 150 %. For a positive target and "higher is better" this is simply value ÷ target; the form also works for negative targets (NPS) and for a value of zero where lower is better. A target of zero is refused: nothing can be measured against it.
help-status-title = Status of a KPI
help-status = Each KPI has two thresholds, in percent of attainment: green from, amber from. The status is always written in words as well as colour.
help-status-green = attainment at or above the green threshold (100 % by default).
help-status-amber = at or above the amber threshold (90 % by default), below green.
help-status-red = below the amber threshold.
help-status-stale = the latest value is older than the KPI's freshness window (6 months by default): the KPI is flagged and left out of every score, never silently counted.
help-status-none = no value yet: also left out of scores.
help-scores-title = Scores
help-kpi-score = KPI score: the attainment p (in %) is interpolated across the KPI's own two thresholds, amber A and green G, so that a green KPI scores in the green band, an amber one in the amber band, a red one in the red band. Below A: 70 × p ÷ A. From A to G: 70 + 20 × (p − A) ÷ (G − A). From G on: 90 + 10 × (p − G) ÷ (100 − G), capped at 100 (100 straight away when G is 100 % or more). Over-performing never scores above 100, so it does not hide under-performance elsewhere.
help-universe-score = Universe score = the weighted mean of the scores of its fresh KPIs (each KPI's weight within its universe). A mean stays between its smallest and largest term: a universe's status always lies between its worst and its best KPI's (all amber: amber; all green: green), and a red KPI carrying at least a third of its universe's weight keeps it out of green.
help-overall-score = Balanced score = the weighted mean of the universe scores, over the universes that have at least one fresh KPI (universe weights are set per account; equal by default).
help-score-status = A KPI, a universe or the balanced score reads Good from { $green }, Watch from { $amber }, At risk below { $amber }. Scores are shown rounded down: 89.6 shows as 89, Watch.
help-explanation-title = What moved the score
help-explanation = Each fresh KPI weighs in the balanced score by its share of its universe times its universe's share. Today's scorecard is compared with the one at the end of the previous month as it stood then: with the values recorded before this month began (a value entered or corrected this month, even for a quarter still running, therefore counts as a change). The change is split exactly among the KPIs: each one's contribution is its weighted score now minus its weighted score then, so the contributions add up to the change. A KPI turning stale shows as a contribution too, since it leaves the score.
help-triangulation-title = Triangulation
help-triangulation = Every KPI draws on one of three data domains: internal (our own figures), client (the key account's own experience and evaluation) and industry (market data). The panel counts fresh KPIs per domain and warns when the client domain is missing or stale: it is the weak spot of most scorecards and the most important view.
help-forecast-title = Forecasts
help-forecast = The next three periods are forecast with Holt's linear exponential smoothing: a level and a trend, each updated as values come in, with smoothing constants chosen to minimise the one-step-ahead error on the KPI's own history. It suits short, trending business series and makes no claim about seasonality. The band is an 80 % prediction interval: if the past pattern holds, 4 values out of 5 fall inside it. It needs at least 4 values.

## Score bands (issue 10)
help-bands-caption = Score bands and the status they read
help-band-col-status = Status
help-band-col-range = Score
help-band-range = from { $from } to under { $to }
help-band-range-top = from { $from } to { $to }
help-stale-status = A stale KPI still shows its last status ("Stale · was Watch") but no longer counts.
