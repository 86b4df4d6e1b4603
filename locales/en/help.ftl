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
help-kpi-score = KPI score = attainment capped at 100 %, on a scale of 100: over-performing on one KPI does not hide under-performance on another.
help-universe-score = Universe score = the weighted mean of the scores of its fresh KPIs (each KPI's weight within its universe).
help-overall-score = Balanced score = the weighted mean of the universe scores, over the universes that have at least one fresh KPI (universe weights are set per account; equal by default).
help-score-status = A universe or the balanced score reads Good from 90, Watch from 70, At risk below 70.
help-explanation-title = What moved the score
help-explanation = Each fresh KPI weighs in the balanced score by its share of its universe times its universe's share. The change of the balanced score between two months is split exactly among the KPIs: each one's contribution is its weighted score now minus its weighted score then, so the contributions add up to the change. A KPI turning stale shows as a contribution too, since it leaves the score.
help-triangulation-title = Triangulation
help-triangulation = Every KPI draws on one of three data domains: internal (our own figures), client (the key account's own experience and evaluation) and industry (market data). The panel counts fresh KPIs per domain and warns when the client domain is missing or stale: it is the weak spot of most scorecards and the most important view.
help-forecast-title = Forecasts
help-forecast = The next three periods are forecast with Holt's linear exponential smoothing: a level and a trend, each updated as values come in, with smoothing constants chosen to minimise the one-step-ahead error on the KPI's own history. It suits short, trending business series and makes no claim about seasonality. The band is an 80 % prediction interval: if the past pattern holds, 4 values out of 5 fall inside it. It needs at least 4 values.
