//! The demo scorecards: 24 months of KPI values for the twelve demo accounts,
//! relative to today, so that every screen of the scorecard has a story to tell.
//!
//! The director's portfolio under the scoring model (`crate::scoring`: red KPIs
//! score below 70, amber 70–90, green 90–100) shows a real spread; each status
//! has a reason two clicks away (portfolio → scorecard → the red or stale row,
//! its comment, or a contest):
//!
//! | Account               | Overall   | The story, and where to see it                                   |
//! |-----------------------|-----------|------------------------------------------------------------------|
//! | Helios Energy         | at risk   | relationship collapses: client KPIs stale (new purchasing director), response time and problem resolution red with comments; process and finance slide |
//! | Northwind Logistics   | at risk   | logistics collapses (weight 30): OTIF red (dockers' strike) and claims red (damaged pallets), with comments; process and finance follow |
//! | Kestrel Aerospace     | to watch  | process slides (weight 30): milestones on time red, "Retard fournisseur sur le lot 3" |
//! | Océane Cosmétiques    | to watch  | finance: gross margin red (vegetable oil costs), growth slowing  |
//! | Meridian Telecom      | to watch  | slow decline on every universe, negative growth                  |
//! | Coopérative Agrinova  | to watch  | stock availability red (packaging shortage); market share and forecast accuracy stale |
//! | Lumière Retail, Atelier Vernier, Brightwell Pharma, Maison Dufresne, Groupe Santé Plus, Alpine Textiles | good | improving or stable; accounts with a client user (stage 3 and up) each have one contested value, shown in the scorecard's summary |
//!
//! The story, account by account (pyramid stage in brackets):
//! - **Lumière Retail** (3) improves steadily across all five universes; revenue and
//!   logistics peak in Q4 (revenue targets are phased by month, +6 % this year; the
//!   NPS target rises to 45 this year). One revenue value was corrected (history).
//! - **Northwind Logistics** (2) is logistics-heavy (universe weights: logistics 30,
//!   the others 17.5). Logistics collapses over the last months: **OTIF and claims
//!   rate are red** in the latest month (strike, damaged pallets), and process,
//!   relationship and finance slide with it: the account is **at risk**; OTIF
//!   target 96 this year. One logistics-cost value was corrected.
//! - **Atelier Vernier** (4) is excellent and stable, innovation-led, integrated:
//!   most KPIs shared, the client-domain ones joint, our own economics internal; NPS
//!   target 55 this year, revenue +8 %. One CSAT value was corrected (typing error).
//! - **Helios Energy** (2): the relationship deteriorates and the account is **at
//!   risk**. **Every client-domain KPI is stale** (nps, csat, network_depth,
//!   perceived_value, negative_verbatims, solution_results: the last survey was
//!   before a change of purchasing director), so the triangulation panel must warn;
//!   the internal relationship KPIs show the decline: **response time and problem
//!   resolution are red**, executive meetings dwindle, DSO lengthens, growth weakens.
//! - **Brightwell Pharma** (3): solid and improving, process-weighted (process 30).
//!   **Stale**: client_market_share and share_of_voice (the market panel lapsed).
//!   SLA target 99 this year; one SLA value was corrected after a joint audit.
//! - **Coopérative Agrinova** (1): slowly weakening, harvest peak in
//!   September–October, all internal; **to watch**. **Stale**: client_market_share
//!   and forecast_accuracy. **Stock availability is red** (packaging shortage).
//! - **Kestrel Aerospace** (2): process-weighted (process 30), process slides: **to
//!   watch**; **milestones on time is red** ("Retard fournisseur sur le lot 3").
//!   One revenue value corrected.
//! - **Océane Cosmétiques** (3): good relationship but **gross margin is red** (raw
//!   material costs) and finance slides: **to watch**; gift-season peaks (May, Q4);
//!   revenue +5 %.
//! - Maison Dufresne (candidate, summer peak, fast growth), Groupe Santé Plus
//!   (candidate, improving), Meridian Telecom (managed, declining on every
//!   universe: **to watch**, negative growth) and Alpine Textiles (managed, ramping
//!   up) carry 15–16 KPIs, all internal.
//!
//! NPS values are then rewritten by `demo::director` to plant the drivers of NPS
//! (OTIF and response time), so NPS levels follow logistics and service rather
//! than the stories above (Atelier Vernier's NPS reads amber against its target).
//!
//! Planted cases hold on any day (see the tests, which use `crate::scoring`): a
//! `Stale` series ends with the last period that *ended* at least 8 months ago, so
//! it is stale with a 6-month window; a `Red` value sits at a fixed attainment below
//! the amber threshold. Growth KPIs of declining accounts may read red as well.
//!
//! Periods: monthly KPIs have the 24 months up to last month (the current month is
//! not over); quarterly ones the 8 quarters before the current one; yearly ones the
//! 2 years before the current one. Freshness is 6 months, 12 for yearly KPIs (the
//! window counts from the end of the period), 3 for a few tight monthly ones.
//!
//! Values come from a "health" per universe that moves linearly from `from` to `to`
//! over the 24 months, plus a per-KPI offset and autocorrelated noise, scaled by
//! each KPI's volatility around its target for the period. Each KPI has its own RNG
//! seeded from the account's slug and the KPI code, so a load gives the same values
//! every time (for the same month). Everything is written with one `UNNEST` insert
//! per table: the whole load takes a few tens of milliseconds.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgConnection;

use super::{ACCOUNTS, DemoAccount};

const LOGISTICS: &str = "logistique@boussole.example";
const FINANCE: &str = "finance@boussole.example";
const DIRECTOR: &str = "direction@boussole.example";

/// An account's KPI: template code, weight, target (0 = the template's default;
/// `revenue` always takes the plan's), freshness in months (0 = by frequency).
struct Kpi {
    code: &'static str,
    weight: i32,
    target: f64,
    freshness: i32,
}

const fn k(code: &'static str, weight: i32) -> Kpi {
    Kpi {
        code,
        weight,
        target: 0.0,
        freshness: 0,
    }
}

const fn kt(code: &'static str, weight: i32, target: f64) -> Kpi {
    Kpi {
        code,
        weight,
        target,
        freshness: 0,
    }
}

const fn kf(code: &'static str, weight: i32, target: f64, freshness: i32) -> Kpi {
    Kpi {
        code,
        weight,
        target,
        freshness,
    }
}

/// What makes an account's data tell its story.
enum Twist {
    /// The series stops with the last period that ended this many months ago; the
    /// comment goes on its last value.
    Stale(&'static str, u32, &'static str),
    /// The latest value sits at this attainment of its target (0.8 = 80 %).
    Red(&'static str, f64, &'static str),
    /// A comment on the value of the period that held the month this many months ago.
    Note(&'static str, u32, &'static str),
    /// A comment on every value of that calendar month (1–12).
    Every(&'static str, u32, &'static str),
    /// The value this many months ago was first entered as (right × factor), then corrected.
    Fix(&'static str, u32, f64, &'static str),
    /// A target override for every period of the current year.
    Target(&'static str, f64),
}

struct Plan {
    slug: &'static str,
    /// Monthly revenue target in euros: the size of the account.
    revenue: f64,
    /// This year's revenue target against the default (1.0: no override).
    uplift: f64,
    /// Monthly revenue profile (mean 1); logistics strains in the peak months.
    season: [f64; 12],
    /// Health per universe (marketing, process, relationship, logistics, financial)
    /// 24 months ago and now, in units of each KPI's volatility.
    from: [f64; 5],
    to: [f64; 5],
    noise: f64,
    /// Internal team beyond the owning KAM (who is always there as 'sales').
    team: &'static [(&'static str, &'static str)],
    weights: &'static [(&'static str, f64)],
    kpis: &'static [Kpi],
    twists: &'static [Twist],
}

const FLAT: [f64; 12] = [1.0; 12];
const RETAIL: [f64; 12] = [
    0.88, 0.86, 0.95, 0.97, 0.98, 1.0, 0.93, 0.9, 0.98, 1.03, 1.2, 1.32,
];
const SUMMER: [f64; 12] = [0.8, 0.8, 0.9, 1.0, 1.1, 1.25, 1.3, 1.2, 1.0, 0.9, 0.85, 0.9];
const HARVEST: [f64; 12] = [
    0.9, 0.88, 0.92, 0.95, 0.97, 1.0, 1.05, 1.1, 1.2, 1.18, 0.95, 0.9,
];
const WINTER: [f64; 12] = [
    1.15, 1.1, 1.02, 0.95, 0.9, 0.88, 0.88, 0.85, 0.95, 1.05, 1.12, 1.15,
];
const GIFTS: [f64; 12] = [
    0.85, 0.95, 0.95, 0.95, 1.05, 0.95, 0.9, 0.85, 0.95, 1.05, 1.2, 1.35,
];
const YEAR_END: [f64; 12] = [
    0.9, 0.95, 1.05, 0.95, 1.0, 1.08, 0.95, 0.8, 1.02, 1.05, 1.05, 1.2,
];

const fn even(h: f64) -> [f64; 5] {
    [h; 5]
}

const PLANS: &[Plan] = &[
    Plan {
        slug: "lumiere-retail",
        revenue: 850_000.0,
        uplift: 1.06,
        season: RETAIL,
        from: even(-1.2),
        to: even(0.9),
        noise: 0.6,
        team: &[
            (LOGISTICS, "logistics"),
            (FINANCE, "finance"),
            (DIRECTOR, "management"),
        ],
        weights: &[],
        kpis: &[
            k("share_of_wallet", 3),
            kt("client_market_share", 2, 22.0),
            k("share_of_voice", 2),
            kt("numeric_distribution", 2, 90.0),
            kt("joint_promotions", 1, 4.0),
            k("promotion_uplift", 1),
            k("sla_compliance", 2),
            k("milestones_on_time", 2),
            k("contract_commitments", 1),
            k("account_plan_progress", 1),
            k("nps", 3),
            k("csat", 2),
            kt("network_depth", 2, 18.0),
            k("negative_verbatims", 1),
            k("problem_resolution", 2),
            kt("response_time", 1, 6.0),
            k("perceived_value", 1),
            kf("otif", 3, 96.0, 3),
            k("stock_availability", 2),
            k("claims_rate", 1),
            k("forecast_accuracy", 2),
            kt("order_lead_time", 1, 3.0),
            k("revenue", 3),
            kt("revenue_growth", 2, 6.0),
            kt("gross_margin", 2, 30.0),
            kt("client_revenue_growth", 1, 3.0),
        ],
        twists: &[
            Twist::Target("nps", 45.0),
            Twist::Every("revenue", 11, "Black Friday et lancement des fêtes"),
            Twist::Every(
                "otif",
                12,
                "Pic de fin d’année : renfort d’intérimaires sur l’entrepôt de Lyon",
            ),
            Twist::Fix(
                "revenue",
                4,
                1.07,
                "Avoir de régularisation intégré après la clôture du mois",
            ),
            Twist::Note(
                "nps",
                4,
                "Nette progression depuis le comité de pilotage commun",
            ),
        ],
    },
    Plan {
        slug: "northwind-logistics",
        revenue: 520_000.0,
        uplift: 1.0,
        season: YEAR_END,
        from: [0.2, 0.4, 0.3, 0.8, 0.2],
        to: [0.4, 0.3, 0.1, -1.2, 0.4],
        noise: 0.6,
        team: &[(LOGISTICS, "logistics"), (FINANCE, "finance")],
        weights: &[
            ("marketing", 17.5),
            ("process", 17.5),
            ("relationship", 17.5),
            ("logistics", 30.0),
            ("financial", 17.5),
        ],
        kpis: &[
            kt("share_of_wallet", 3, 40.0),
            kt("client_market_share", 2, 12.0),
            kt("new_listings", 1, 3.0),
            k("sla_compliance", 3),
            k("contract_commitments", 2),
            k("milestones_on_time", 1),
            k("solution_results", 2),
            kt("nps", 2, 35.0),
            k("csat", 2),
            kt("network_depth", 1, 10.0),
            k("response_time", 2),
            k("problem_resolution", 2),
            kf("otif", 3, 95.0, 3),
            k("stock_availability", 2),
            kt("claims_rate", 3, 0.6),
            kt("logistics_cost_per_pallet", 2, 42.0),
            kt("order_lead_time", 2, 2.0),
            kt("forecast_accuracy", 2, 88.0),
            k("invoice_accuracy", 1),
            k("delivery_rating", 1),
            k("revenue", 3),
            kt("revenue_growth", 2, 4.0),
            kt("gross_margin", 2, 27.0),
            kt("days_sales_outstanding", 1, 50.0),
            k("cost_to_serve", 1),
        ],
        twists: &[
            Twist::Target("otif", 96.0),
            Twist::Red(
                "otif",
                0.87,
                "Dockers’ strike at Felixstowe: three weeks of late inbound containers",
            ),
            Twist::Red(
                "claims_rate",
                0.3,
                "Damaged pallets on two Manchester routes; carrier under review",
            ),
            Twist::Red(
                "order_lead_time",
                0.4,
                "Lead times doubled while inbound containers were stuck",
            ),
            Twist::Red(
                "sla_compliance",
                0.6,
                "Service credits triggered on the Midlands contract",
            ),
            Twist::Red(
                "contract_commitments",
                0.5,
                "Two volume commitments missed because of the strike",
            ),
            Twist::Red(
                "gross_margin",
                0.5,
                "Late-delivery penalties deducted from our invoices",
            ),
            Twist::Red(
                "days_sales_outstanding",
                0.4,
                "Invoices on hold until the pallet claims are settled",
            ),
            Twist::Red(
                "revenue_growth",
                0.2,
                "Volumes moved to a second carrier during the strike",
            ),
            Twist::Red(
                "share_of_wallet",
                0.6,
                "The client moved two lanes to a competitor",
            ),
            Twist::Red(
                "network_depth",
                0.5,
                "Our operations contact left the client",
            ),
            Twist::Red(
                "forecast_accuracy",
                0.5,
                "The client stopped sending forecasts during the strike",
            ),
            Twist::Red(
                "csat",
                0.75,
                "Satisfaction survey taken in the middle of the strike",
            ),
            Twist::Fix(
                "logistics_cost_per_pallet",
                6,
                1.12,
                "Fuel surcharge had been counted twice; corrected with finance",
            ),
        ],
    },
    Plan {
        slug: "atelier-vernier",
        revenue: 1_200_000.0,
        uplift: 1.08,
        season: GIFTS,
        from: even(0.9),
        to: even(1.0),
        noise: 0.35,
        team: &[(DIRECTOR, "management"), (FINANCE, "finance")],
        weights: &[
            ("marketing", 20.0),
            ("process", 25.0),
            ("relationship", 25.0),
            ("logistics", 10.0),
            ("financial", 20.0),
        ],
        kpis: &[
            kt("share_of_wallet", 3, 55.0),
            k("share_of_voice", 2),
            kf("client_market_share", 1, 8.0, 12),
            kt("new_listings", 2, 8.0),
            k("joint_promotions", 1),
            kt("innovation_projects", 3, 6.0),
            kt("innovation_time_to_market", 2, 150.0),
            k("milestones_on_time", 2),
            k("solution_results", 2),
            kt("client_savings", 1, 400_000.0),
            kt("sla_compliance", 1, 99.0),
            k("account_plan_progress", 1),
            kt("nps", 3, 50.0),
            kt("csat", 2, 4.4),
            kt("perceived_value", 2, 4.2),
            k("ease_of_doing_business", 1),
            kt("network_depth", 2, 25.0),
            kt("references_given", 1, 3.0),
            kt("negative_verbatims", 1, 10.0),
            kt("executive_meetings", 1, 3.0),
            kt("otif", 2, 97.0),
            k("stock_availability", 1),
            kt("claims_rate", 1, 0.5),
            k("revenue", 3),
            kt("revenue_growth", 2, 7.0),
            kt("gross_margin", 2, 38.0),
            kt("account_roi", 1, 3.5),
        ],
        twists: &[
            Twist::Target("nps", 55.0),
            Twist::Fix(
                "csat",
                5,
                0.78,
                "Erreur de saisie corrigée : moyenne recalculée sur 23 réponses",
            ),
            Twist::Note(
                "innovation_projects",
                12,
                "Coffret connecté, emballage recyclé et traçabilité du cuir lancés ensemble",
            ),
            Twist::Every("revenue", 12, "Pic des fêtes : collections capsule"),
        ],
    },
    Plan {
        slug: "helios-energy",
        revenue: 640_000.0,
        uplift: 1.0,
        season: WINTER,
        from: [0.2, 0.3, 0.6, 0.2, 0.4],
        to: [-0.5, -1.0, -3.0, -0.5, -1.5],
        noise: 0.6,
        team: &[(DIRECTOR, "management"), (FINANCE, "finance")],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 2, 30.0),
            kt("client_market_share", 1, 9.0),
            kt("new_listings", 1, 2.0),
            k("sla_compliance", 2),
            k("milestones_on_time", 2),
            k("contract_commitments", 2),
            k("solution_results", 1),
            kt("nps", 3, 35.0),
            k("csat", 2),
            kt("network_depth", 2, 12.0),
            k("perceived_value", 1),
            k("negative_verbatims", 1),
            k("problem_resolution", 2),
            k("response_time", 2),
            k("executive_meetings", 1),
            k("otif", 2),
            k("stock_availability", 1),
            k("claims_rate", 1),
            k("revenue", 3),
            kt("revenue_growth", 2, 4.0),
            kt("gross_margin", 2, 28.0),
            kt("client_market_growth", 1, 2.0),
            k("days_sales_outstanding", 1),
        ],
        twists: &[
            Twist::Stale(
                "nps",
                8,
                "Dernière enquête avant le changement de directeur des achats",
            ),
            Twist::Stale("csat", 8, ""),
            Twist::Stale(
                "network_depth",
                8,
                "Nos deux sponsors historiques ont quitté le client",
            ),
            Twist::Stale("perceived_value", 8, ""),
            Twist::Stale("negative_verbatims", 8, ""),
            Twist::Stale(
                "solution_results",
                8,
                "Revue des gains suspendue par le client",
            ),
            Twist::Red(
                "response_time",
                0.1,
                "Deux départs au service client, postes non remplacés",
            ),
            Twist::Red(
                "problem_resolution",
                0.78,
                "Litige sur les pénalités de retard toujours ouvert",
            ),
            Twist::Red(
                "sla_compliance",
                0.6,
                "Deux arrêts non planifiés : pénalités SLA appliquées",
            ),
            Twist::Red(
                "milestones_on_time",
                0.5,
                "Projet de télérelève gelé par le nouveau directeur des achats",
            ),
            Twist::Red(
                "gross_margin",
                0.5,
                "Remises consenties pour conserver le contrat",
            ),
            Twist::Red(
                "revenue_growth",
                0.0,
                "Volumes en baisse depuis le changement d’acheteur",
            ),
            Twist::Note(
                "executive_meetings",
                4,
                "Comité de direction annulé deux fois par le client",
            ),
        ],
    },
    Plan {
        slug: "brightwell-pharma",
        revenue: 980_000.0,
        uplift: 1.0,
        season: FLAT,
        from: [0.2, 0.5, 0.2, 0.3, 0.2],
        to: [0.6, 1.0, 0.8, 0.7, 0.8],
        noise: 0.5,
        team: &[(LOGISTICS, "logistics"), (FINANCE, "finance")],
        weights: &[
            ("marketing", 17.5),
            ("process", 30.0),
            ("relationship", 17.5),
            ("logistics", 17.5),
            ("financial", 17.5),
        ],
        kpis: &[
            kt("share_of_wallet", 3, 45.0),
            kt("client_market_share", 2, 14.0),
            kt("share_of_voice", 1, 20.0),
            kt("new_listings", 1, 4.0),
            k("milestones_on_time", 3),
            kf("sla_compliance", 3, 98.0, 3),
            kt("innovation_projects", 2, 5.0),
            kt("innovation_time_to_market", 1, 240.0),
            k("solution_results", 2),
            k("contract_commitments", 2),
            k("account_plan_progress", 1),
            k("nps", 2),
            k("csat", 2),
            kt("network_depth", 2, 20.0),
            kt("problem_resolution", 1, 92.0),
            kt("response_time", 1, 6.0),
            kt("references_given", 1, 2.0),
            k("negative_verbatims", 1),
            kt("otif", 2, 98.0),
            kt("stock_availability", 2, 99.0),
            kt("claims_rate", 1, 0.3),
            k("forecast_accuracy", 1),
            k("revenue", 3),
            kt("revenue_growth", 2, 5.0),
            kt("gross_margin", 2, 41.0),
            k("account_roi", 1),
            kt("client_revenue_growth", 1, 6.0),
        ],
        twists: &[
            Twist::Stale(
                "client_market_share",
                8,
                "Market panel subscription lapsed; renewal pending with procurement",
            ),
            Twist::Stale(
                "share_of_voice",
                8,
                "Same panel as market share: no data since the subscription lapsed",
            ),
            Twist::Target("sla_compliance", 99.0),
            Twist::Fix(
                "sla_compliance",
                3,
                0.982,
                "Recalculated after the joint audit of ticket timestamps",
            ),
            Twist::Note(
                "innovation_projects",
                12,
                "Cold-chain sensor pilot and two packaging projects",
            ),
        ],
    },
    Plan {
        slug: "agrinova",
        revenue: 310_000.0,
        uplift: 1.0,
        season: HARVEST,
        from: even(-0.3),
        to: even(0.2),
        noise: 0.7,
        team: &[(LOGISTICS, "logistics")],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 3, 30.0),
            kt("client_market_share", 2, 6.0),
            kt("joint_promotions", 1, 2.0),
            kt("new_listings", 1, 3.0),
            k("contract_commitments", 2),
            k("sla_compliance", 2),
            k("account_plan_progress", 1),
            kt("nps", 2, 30.0),
            kt("csat", 2, 4.0),
            kt("network_depth", 2, 8.0),
            k("problem_resolution", 1),
            kt("response_time", 1, 12.0),
            k("otif", 3),
            k("stock_availability", 2),
            kt("forecast_accuracy", 2, 80.0),
            kt("order_lead_time", 1, 5.0),
            kt("logistics_cost_per_pallet", 1, 34.0),
            k("revenue", 3),
            kt("gross_margin", 2, 26.0),
            kt("revenue_growth", 1, 4.0),
            kt("client_market_growth", 1, 1.5),
        ],
        twists: &[
            Twist::Stale(
                "client_market_share",
                8,
                "Panel marché non renouvelé par la coopérative",
            ),
            Twist::Stale(
                "forecast_accuracy",
                8,
                "Plus de prévisions transmises depuis le départ du responsable supply",
            ),
            Twist::Red(
                "stock_availability",
                0.9,
                "Rupture d’emballages carton chez notre fournisseur",
            ),
            Twist::Red(
                "revenue_growth",
                0.1,
                "Récolte en retrait : volumes contractuels revus à la baisse",
            ),
            Twist::Red(
                "order_lead_time",
                0.6,
                "Transport saturé pendant la récolte",
            ),
            Twist::Red(
                "gross_margin",
                0.7,
                "Prix d’achat des céréales en hausse, contrat à prix fixe",
            ),
            Twist::Every("revenue", 9, "Campagne de récolte : volumes au plus haut"),
        ],
    },
    Plan {
        slug: "maison-dufresne",
        revenue: 90_000.0,
        uplift: 1.1,
        season: SUMMER,
        from: [0.0, 0.2, 0.0, 0.2, -0.5],
        to: [0.6, 0.4, 0.5, 0.4, 1.2],
        noise: 0.7,
        team: &[],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 2, 20.0),
            kt("numeric_distribution", 2, 60.0),
            kt("joint_promotions", 1, 2.0),
            k("sla_compliance", 1),
            k("contract_commitments", 1),
            kt("csat", 2, 4.0),
            k("problem_resolution", 1),
            kt("response_time", 1, 12.0),
            k("otif", 2),
            k("stock_availability", 1),
            kt("order_lead_time", 1, 5.0),
            k("revenue", 3),
            kt("revenue_growth", 2, 8.0),
            kt("gross_margin", 2, 30.0),
            kt("client_market_growth", 1, 2.5),
        ],
        twists: &[Twist::Every(
            "revenue",
            7,
            "Saison estivale : terrasses et festivals",
        )],
    },
    Plan {
        slug: "kestrel-aerospace",
        revenue: 760_000.0,
        uplift: 1.0,
        season: YEAR_END,
        from: [0.3, 0.7, 0.3, 0.4, 0.3],
        to: [0.3, -0.6, 0.2, 0.3, 0.4],
        noise: 0.5,
        team: &[(LOGISTICS, "logistics"), (DIRECTOR, "management")],
        weights: &[
            ("marketing", 17.5),
            ("process", 30.0),
            ("relationship", 17.5),
            ("logistics", 17.5),
            ("financial", 17.5),
        ],
        kpis: &[
            kt("share_of_wallet", 3, 25.0),
            kt("client_market_share", 1, 11.0),
            kt("new_listings", 1, 2.0),
            kf("milestones_on_time", 3, 90.0, 3),
            kt("sla_compliance", 2, 99.0),
            kt("contract_commitments", 3, 97.0),
            kt("innovation_projects", 1, 2.0),
            k("solution_results", 2),
            kt("innovation_time_to_market", 1, 300.0),
            kt("nps", 2, 35.0),
            k("csat", 2),
            kt("network_depth", 2, 14.0),
            k("response_time", 1),
            k("problem_resolution", 2),
            k("executive_meetings", 1),
            kt("otif", 3, 97.0),
            kt("claims_rate", 2, 0.2),
            k("stock_availability", 1),
            kt("order_lead_time", 1, 21.0),
            k("invoice_accuracy", 1),
            k("revenue", 3),
            kt("revenue_growth", 1, 4.0),
            kt("gross_margin", 2, 29.0),
            kt("days_sales_outstanding", 1, 60.0),
            kt("client_revenue_growth", 1, 7.0),
        ],
        twists: &[
            Twist::Red(
                "milestones_on_time",
                0.69,
                "Retard fournisseur sur le lot 3",
            ),
            Twist::Red(
                "sla_compliance",
                0.7,
                "Banc d’essai indisponible trois semaines",
            ),
            Twist::Red(
                "contract_commitments",
                0.7,
                "Engagement de livraison du lot 3 non tenu",
            ),
            Twist::Red("gross_margin", 0.7, "Pénalités de retard sur le lot 3"),
            Twist::Fix(
                "revenue",
                7,
                1.1,
                "Spare-parts kit invoiced twice; credit note issued",
            ),
            Twist::Note(
                "contract_commitments",
                1,
                "Volume commitment met despite the work package 3 delay",
            ),
        ],
    },
    Plan {
        slug: "sante-plus",
        revenue: 140_000.0,
        uplift: 1.0,
        season: FLAT,
        from: even(-0.2),
        to: even(0.5),
        noise: 0.6,
        team: &[],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 2, 15.0),
            kt("client_market_share", 1, 5.0),
            k("sla_compliance", 2),
            k("contract_commitments", 1),
            k("milestones_on_time", 1),
            kt("csat", 2, 4.0),
            k("problem_resolution", 1),
            kt("response_time", 1, 10.0),
            kt("network_depth", 1, 6.0),
            k("otif", 2),
            k("stock_availability", 2),
            k("claims_rate", 1),
            k("revenue", 3),
            kt("revenue_growth", 2, 6.0),
            kt("gross_margin", 2, 33.0),
            kt("client_market_growth", 1, 2.0),
        ],
        twists: &[],
    },
    Plan {
        slug: "meridian-telecom",
        revenue: 120_000.0,
        uplift: 1.0,
        season: FLAT,
        from: even(0.3),
        to: even(-2.0),
        noise: 0.6,
        team: &[],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 2, 20.0),
            kt("client_market_share", 1, 16.0),
            k("sla_compliance", 2),
            k("contract_commitments", 1),
            kt("csat", 2, 3.9),
            k("problem_resolution", 1),
            kt("response_time", 1, 12.0),
            k("otif", 2),
            kt("order_lead_time", 1, 6.0),
            k("invoice_accuracy", 1),
            k("revenue", 3),
            kt("revenue_growth", 1, 2.0),
            kt("gross_margin", 2, 25.0),
            kt("days_sales_outstanding", 1, 55.0),
            kt("cost_to_serve", 1, 11.0),
        ],
        twists: &[],
    },
    Plan {
        slug: "alpine-textiles",
        revenue: 45_000.0,
        uplift: 1.15,
        season: FLAT,
        from: even(-0.4),
        to: even(0.6),
        noise: 0.7,
        team: &[],
        weights: &[],
        kpis: &[
            kt("share_of_wallet", 2, 10.0),
            kt("new_listings", 1, 2.0),
            k("sla_compliance", 2),
            k("contract_commitments", 1),
            kt("csat", 2, 4.0),
            k("problem_resolution", 1),
            kt("response_time", 1, 12.0),
            k("otif", 2),
            k("stock_availability", 1),
            k("claims_rate", 1),
            kt("order_lead_time", 1, 5.0),
            k("revenue", 3),
            kt("revenue_growth", 2, 12.0),
            kt("gross_margin", 2, 31.0),
            kt("days_sales_outstanding", 1, 40.0),
        ],
        twists: &[],
    },
    Plan {
        slug: "oceane-cosmetiques",
        revenue: 560_000.0,
        uplift: 1.05,
        season: GIFTS,
        from: [0.4, 0.3, 0.5, 0.3, 0.6],
        to: [0.5, 0.5, 0.6, 0.2, -1.0],
        noise: 0.55,
        team: &[(LOGISTICS, "logistics"), (FINANCE, "finance")],
        weights: &[],
        kpis: &[
            k("share_of_wallet", 3),
            kt("share_of_voice", 2, 22.0),
            kt("numeric_distribution", 2, 80.0),
            k("joint_promotions", 1),
            kt("promotion_uplift", 1, 18.0),
            kt("client_market_share", 1, 9.0),
            k("milestones_on_time", 2),
            kt("innovation_projects", 2, 4.0),
            k("sla_compliance", 2),
            k("solution_results", 1),
            kt("nps", 2, 42.0),
            k("csat", 2),
            kt("network_depth", 2, 16.0),
            kt("negative_verbatims", 2, 12.0),
            k("perceived_value", 1),
            k("references_given", 1),
            k("problem_resolution", 1),
            k("otif", 2),
            k("stock_availability", 2),
            k("forecast_accuracy", 1),
            k("claims_rate", 1),
            k("revenue", 3),
            kt("gross_margin", 3, 34.0),
            kt("revenue_growth", 2, 5.0),
            kt("client_market_growth", 1, 3.5),
        ],
        twists: &[
            Twist::Red(
                "gross_margin",
                0.78,
                "Hausse du coût des huiles végétales, non encore répercutée",
            ),
            Twist::Red(
                "revenue_growth",
                0.2,
                "Hausses de prix : la cliente réduit ses références en rayon",
            ),
            Twist::Red(
                "numeric_distribution",
                0.7,
                "Déréférencement dans deux enseignes",
            ),
            Twist::Every("revenue", 12, "Coffrets de Noël"),
            Twist::Every("revenue", 5, "Fête des mères"),
            Twist::Note(
                "negative_verbatims",
                4,
                "Plusieurs remarques sur les délais de réassort en magasin",
            ),
        ],
    },
];

/// How far a KPI typically strays from its target, per unit of health (relative).
fn volatility(code: &str) -> f64 {
    match code {
        "sla_compliance" | "stock_availability" => 0.012,
        "invoice_accuracy" => 0.006,
        "otif" | "contract_commitments" => 0.025,
        "gross_margin" | "numeric_distribution" | "problem_resolution" | "milestones_on_time" => {
            0.045
        }
        "csat"
        | "delivery_rating"
        | "solution_results"
        | "forecast_accuracy"
        | "client_market_share" => 0.05,
        "perceived_value"
        | "ease_of_doing_business"
        | "share_of_wallet"
        | "account_plan_progress" => 0.06,
        "revenue" | "cost_to_serve" | "days_sales_outstanding" | "logistics_cost_per_pallet" => {
            0.07
        }
        "order_lead_time" | "share_of_voice" | "survey_response_rate" | "network_depth" => 0.1,
        "account_roi" | "innovation_time_to_market" | "response_time" | "client_savings" => 0.13,
        "claims_rate" | "promotion_uplift" | "nps" | "negative_verbatims" => 0.22,
        "joint_promotions" | "innovation_projects" | "new_listings" | "executive_meetings" => 0.28,
        "references_given" => 0.35,
        _ => 0.08,
    }
}

/// Percent KPIs that are growth rates: they may be negative.
fn is_growth(code: &str) -> bool {
    matches!(
        code,
        "revenue_growth" | "client_market_growth" | "client_revenue_growth"
    )
}

/// Growth rates stray from their target by points, not by a share of it: a 4 %
/// target can become −1 % in a bad year.
fn spread_in_points(code: &str) -> Option<f64> {
    match code {
        "revenue_growth" | "client_revenue_growth" | "growth_premium" => Some(2.2),
        "client_market_growth" => Some(1.2),
        _ => None,
    }
}

/// Who may see a KPI at each stage of the pyramid.
fn visibility(stage: i16, code: &str, domain: &str) -> &'static str {
    const STAGE2: &[&str] = &[
        "revenue",
        "revenue_growth",
        "otif",
        "stock_availability",
        "claims_rate",
    ];
    const STAGE3: &[&str] = &[
        "revenue",
        "revenue_growth",
        "otif",
        "stock_availability",
        "claims_rate",
        "order_lead_time",
        "forecast_accuracy",
        "sla_compliance",
        "milestones_on_time",
        "contract_commitments",
        "solution_results",
        "innovation_projects",
        "nps",
        "csat",
        "problem_resolution",
        "response_time",
        "numeric_distribution",
        "joint_promotions",
    ];
    // Our own economics stay ours even in an integrated relationship.
    const SENSITIVE: &[&str] = &[
        "gross_margin",
        "account_roi",
        "cost_to_serve",
        "share_of_wallet",
        "growth_premium",
        "executive_meetings",
    ];
    match stage {
        1 => "internal",
        2 if STAGE2.contains(&code) => "shared",
        3 if STAGE3.contains(&code) => "shared",
        4 if SENSITIVE.contains(&code) => "internal",
        4 if domain == "client" => "joint",
        4 => "shared",
        _ => "internal",
    }
}

#[derive(sqlx::FromRow)]
struct Template {
    code: String,
    universe: String,
    unit: String,
    direction: String,
    frequency: String,
    domain: String,
    default_target: Option<f64>,
}

fn universe_index(universe: &str) -> usize {
    match universe {
        "marketing" => 0,
        "process" => 1,
        "relationship" => 2,
        "logistics" => 3,
        _ => 4,
    }
}

/// A KPI about to be inserted, with everything its values need.
struct Chosen<'a> {
    plan: &'a Plan,
    account_id: i64,
    spec: &'a Kpi,
    tpl: &'a Template,
    target: f64,
    owner: i64,
    freshness: i32,
    visibility: &'static str,
    position: i32,
}

/// The calendar of the load: today and the current month.
#[derive(Clone, Copy)]
struct Today {
    now: DateTime<Utc>,
    month: NaiveDate,
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32)).unwrap_or(d)
    } else {
        d.checked_sub_months(Months::new(n.unsigned_abs()))
            .unwrap_or(d)
    }
}

fn months_per_period(frequency: &str) -> i32 {
    match frequency {
        "monthly" => 1,
        "quarterly" => 3,
        _ => 12,
    }
}

/// The period (its first day) that holds the given day.
fn period_of(frequency: &str, d: NaiveDate) -> NaiveDate {
    let month = match frequency {
        "monthly" => d.month(),
        "quarterly" => (d.month() - 1) / 3 * 3 + 1,
        _ => 1,
    };
    NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d)
}

/// The complete periods of the last 24 months, oldest first; the current one is not over.
fn periods(frequency: &str, today: Today) -> Vec<NaiveDate> {
    let step = months_per_period(frequency);
    let current = period_of(frequency, today.month);
    let count = 24 / step;
    (1..=count)
        .rev()
        .map(|i| add_months(current, -i * step))
        .collect()
}

/// Every period of the current calendar year, past or future.
fn this_year(frequency: &str, today: Today) -> Vec<NaiveDate> {
    let step = months_per_period(frequency);
    let jan = NaiveDate::from_ymd_opt(today.month.year(), 1, 1).unwrap_or(today.month);
    (0..12 / step).map(|i| add_months(jan, i * step)).collect()
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Roughly normal noise (Irwin–Hall), standard deviation 1.
fn gauss(rng: &mut StdRng) -> f64 {
    (rng.r#gen::<f64>() + rng.r#gen::<f64>() + rng.r#gen::<f64>() - 1.5) * 2.0
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// A value as someone would type it, within its unit's range.
fn tidy(code: &str, unit: &str, target: f64, v: f64) -> f64 {
    match unit {
        "percent" if is_growth(code) => round_to(v.clamp(-100.0, 1000.0), 1),
        "percent" if target.abs() < 10.0 => round_to(v.clamp(0.0, 100.0), 2),
        "percent" => round_to(v.clamp(0.0, 100.0), 1),
        "eur" if target.abs() >= 1000.0 => v.max(0.0).round(),
        "eur" => round_to(v.max(0.0), 2),
        "count" => v.max(0.0).round(),
        "days" | "hours" => round_to(v.max(0.1), 1),
        "score" => round_to(v.clamp(1.0, 5.0), 2),
        "points" => v.clamp(-100.0, 100.0).round(),
        _ => round_to(v.max(0.01), 2),
    }
}

/// The value whose attainment of `target` is `attainment`, by direction, as
/// `crate::scoring::attainment` computes it: `a = 1 ± (v − t)/t`.
fn at_attainment(direction: &str, target: f64, attainment: f64) -> f64 {
    if direction == "lower_better" {
        target * (2.0 - attainment)
    } else {
        target * attainment
    }
}

/// Per-period target overrides of a KPI: monthly phasing of seasonal revenue, this
/// year's uplift, and the plan's explicit `Target` twists.
fn overrides(c: &Chosen, today: Today) -> Vec<(NaiveDate, f64)> {
    let code = c.spec.code;
    let year = today.month.year();
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    if code == "revenue" {
        let seasonal = c.plan.season != FLAT;
        let mut months = if seasonal {
            periods("monthly", today)
        } else {
            Vec::new()
        };
        for m in this_year("monthly", today) {
            if !months.contains(&m) {
                months.push(m);
            }
        }
        for m in months {
            let uplift = if m.year() == year { c.plan.uplift } else { 1.0 };
            let t = c.target * c.plan.season[m.month0() as usize] * uplift;
            if seasonal || uplift != 1.0 {
                out.push((m, (t / 1000.0).round() * 1000.0));
            }
        }
    }
    for twist in c.plan.twists {
        if let Twist::Target(tc, t) = twist
            && *tc == code
        {
            out.extend(
                this_year(&c.tpl.frequency, today)
                    .into_iter()
                    .map(|p| (p, *t)),
            );
        }
    }
    out
}

/// When a value was typed: a few days after its period ended, in office hours.
fn entered_at(frequency: &str, period: NaiveDate, today: Today, rng: &mut StdRng) -> DateTime<Utc> {
    let end = add_months(period, months_per_period(frequency));
    let day = end + Duration::days(rng.gen_range(1..10));
    let at = day.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc()
        + Duration::minutes(rng.gen_range(0..600));
    at.min(today.now - Duration::hours(2))
}

/// One value row, before it goes into the column arrays.
struct Row {
    period: NaiveDate,
    value: f64,
    comment: String,
    at: DateTime<Utc>,
    /// The first, wrong value and the time of its correction.
    fixed: Option<(f64, DateTime<Utc>)>,
}

/// The values of one KPI over the last 24 months, with the plan's twists applied.
fn series(c: &Chosen, targets: &HashMap<NaiveDate, f64>, today: Today) -> Vec<Row> {
    let tpl = c.tpl;
    let code = c.spec.code;
    let u = universe_index(&tpl.universe);
    let vol = volatility(code);
    let mut rng = StdRng::seed_from_u64(fnv(c.plan.slug) ^ fnv(code).rotate_left(17));
    let offset = rng.gen_range(-0.4..0.4);
    let window_start = add_months(today.month, -24);
    let since = ACCOUNTS
        .iter()
        .find(|a| a.slug == c.plan.slug)
        .and_then(|a| NaiveDate::from_ymd_opt(a.since.0, a.since.1, 1));
    let mid = f64::from(months_per_period(&tpl.frequency)) / 2.0;
    let target_at = |p: NaiveDate| targets.get(&p).copied().unwrap_or(c.target);

    let mut noise = 0.0;
    let mut rows: Vec<Row> = Vec::new();
    for p in periods(&tpl.frequency, today) {
        noise = 0.55 * noise + 0.835 * gauss(&mut rng);
        let at = entered_at(&tpl.frequency, p, today, &mut rng);
        if since.is_some_and(|s| add_months(p, months_per_period(&tpl.frequency)) <= s) {
            continue;
        }
        let elapsed = f64::from(
            (p.year() - window_start.year()) * 12 + p.month() as i32 - window_start.month() as i32,
        );
        let t = ((elapsed + mid) / 24.0).clamp(0.0, 1.0);
        let mut h =
            c.plan.from[u] + (c.plan.to[u] - c.plan.from[u]) * t + offset + c.plan.noise * noise;
        if u == 3 && tpl.frequency == "monthly" {
            // Peaks strain the warehouse: logistics suffers when volumes surge.
            h -= (c.plan.season[p.month0() as usize] - 1.0).max(0.0) * 3.0;
        }
        let a = 1.0 + vol * h;
        let target = target_at(p);
        let raw = match spread_in_points(code) {
            Some(points) => target + points * h,
            None if tpl.direction == "lower_better" => target * (2.0 - a).max(0.15),
            None => target * a,
        };
        rows.push(Row {
            period: p,
            value: tidy(code, &tpl.unit, c.target, raw),
            comment: String::new(),
            at,
            fixed: None,
        });
    }

    for twist in c.plan.twists {
        match *twist {
            Twist::Stale(tc, ago, comment) if tc == code => {
                // The last period must *end* that many months ago, so that the KPI
                // is stale whatever the day of the load.
                let cutoff = add_months(today.month, -(ago as i32));
                let last_month = months_per_period(&tpl.frequency) - 1;
                rows.retain(|r| add_months(r.period, last_month) <= cutoff);
                if let Some(last) = rows.last_mut() {
                    last.comment = comment.to_owned();
                }
            }
            Twist::Red(tc, attainment, comment) if tc == code => {
                let n = rows.len();
                if let Some(last) = rows.last_mut() {
                    let target = target_at(last.period);
                    last.value = tidy(
                        code,
                        &tpl.unit,
                        c.target,
                        at_attainment(&tpl.direction, target, attainment),
                    );
                    last.comment = comment.to_owned();
                    // The slide starts the period before.
                    let before = at_attainment(&tpl.direction, target, (1.0 + attainment) / 2.0);
                    if n >= 2 {
                        let prev = &mut rows[n - 2];
                        prev.value = tidy(code, &tpl.unit, c.target, before);
                    }
                }
            }
            Twist::Note(tc, ago, comment) if tc == code => {
                let p = period_of(&tpl.frequency, add_months(today.month, -(ago as i32)));
                if let Some(r) = rows.iter_mut().find(|r| r.period == p) {
                    r.comment = comment.to_owned();
                }
            }
            Twist::Every(tc, month, comment) if tc == code => {
                for r in rows
                    .iter_mut()
                    .filter(|r| r.period.month() == month && r.comment.is_empty())
                {
                    r.comment = comment.to_owned();
                }
            }
            Twist::Fix(tc, ago, factor, comment) if tc == code => {
                let p = period_of(&tpl.frequency, add_months(today.month, -(ago as i32)));
                if let Some(r) = rows.iter_mut().find(|r| r.period == p) {
                    let wrong = tidy(code, &tpl.unit, c.target, r.value * factor);
                    let when = (r.at + Duration::days(6)).min(today.now - Duration::hours(1));
                    r.fixed = Some((wrong, when));
                    r.comment = comment.to_owned();
                }
            }
            _ => {}
        }
    }
    rows
}

/// Every demo KPI of every account, with its target, owner, freshness, visibility
/// and position: all that `account_kpis` needs besides the template's columns.
fn choose<'a>(
    templates: &HashMap<&str, &'a Template>,
    user: &dyn Fn(&str) -> Option<i64>,
    accounts: &HashMap<String, i64>,
) -> anyhow::Result<Vec<Chosen<'a>>> {
    let user =
        |email: &str| user(email).ok_or_else(|| anyhow::anyhow!("demo user {email} is missing"));
    let mut chosen: Vec<Chosen> = Vec::new();
    for plan in PLANS {
        let account: &DemoAccount = ACCOUNTS
            .iter()
            .find(|a| a.slug == plan.slug)
            .ok_or_else(|| anyhow::anyhow!("no demo account {}", plan.slug))?;
        let account_id = *accounts
            .get(plan.slug)
            .ok_or_else(|| anyhow::anyhow!("demo account {} is not loaded", plan.slug))?;
        let kam = user(account.owner)?;
        let mut positions = [0i32; 5];
        for spec in plan.kpis {
            let tpl = *templates
                .get(spec.code)
                .ok_or_else(|| anyhow::anyhow!("no KPI template {}", spec.code))?;
            let u = universe_index(&tpl.universe);
            positions[u] += 1;
            let owner = match (tpl.universe.as_str(), tpl.domain.as_str()) {
                ("logistics", "internal") => user(LOGISTICS)?,
                ("financial", "internal") => user(FINANCE)?,
                _ => kam,
            };
            let target = match spec.code {
                "revenue" => plan.revenue,
                _ if spec.target != 0.0 => spec.target,
                _ => tpl.default_target.unwrap_or(1.0),
            };
            let freshness = match (spec.freshness, tpl.frequency.as_str()) {
                (0, "yearly") => 12,
                (0, _) => 6,
                (f, _) => f,
            };
            chosen.push(Chosen {
                plan,
                account_id,
                spec,
                tpl,
                target,
                owner,
                freshness,
                visibility: visibility(account.stage, spec.code, &tpl.domain),
                position: positions[u],
            });
        }
    }

    Ok(chosen)
}

/// Loads the scorecards of the demo accounts (which must already exist, with their users).
pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = Today {
        now,
        month: period_of("monthly", now.date_naive()),
    };

    let templates: Vec<Template> = sqlx::query_as(
        "SELECT code, universe::text AS universe, unit::text AS unit, direction::text AS direction, \
                frequency::text AS frequency, domain::text AS domain, \
                default_target::float8 AS default_target \
         FROM kpi_templates",
    )
    .fetch_all(&mut *tx)
    .await?;
    let templates: HashMap<&str, &Template> =
        templates.iter().map(|t| (t.code.as_str(), t)).collect();
    let users: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT email::text, id FROM users")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let accounts: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT slug, id FROM accounts")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let user = |email: &str| users.get(email).copied();
    let chosen = choose(&templates, &user, &accounts)?;

    // The account KPIs, copied from their templates in one statement.
    let ids: Vec<(i64, String, i64)> = sqlx::query_as(
        "INSERT INTO account_kpis (account_id, template_id, code, universe, name_fr, name_en, description_fr, \
                                   description_en, unit, direction, frequency, domain, target, green_from, \
                                   amber_from, weight, owner_id, freshness_months, visibility, position) \
         SELECT r.account_id, t.id, t.code, t.universe, t.name_fr, t.name_en, t.description_fr, t.description_en, \
                t.unit, t.direction, t.frequency, t.domain, r.target::numeric, t.green_from, t.amber_from, \
                r.weight, r.owner_id, r.freshness, r.visibility::kpi_visibility, r.position \
         FROM unnest($1::int8[], $2::text[], $3::float8[], $4::int4[], $5::int8[], $6::int4[], $7::text[], $8::int4[]) \
              AS r(account_id, code, target, weight, owner_id, freshness, visibility, position) \
         JOIN kpi_templates t ON t.code = r.code \
         RETURNING account_id, code, id",
    )
    .bind(chosen.iter().map(|c| c.account_id).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.spec.code).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.target).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.spec.weight).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.owner).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.freshness).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.visibility).collect::<Vec<_>>())
    .bind(chosen.iter().map(|c| c.position).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    anyhow::ensure!(ids.len() == chosen.len(), "some demo KPIs have no template");
    let ids: HashMap<(i64, String), i64> = ids
        .into_iter()
        .map(|(a, code, id)| ((a, code), id))
        .collect();

    let mut targets = Targets::default();
    let mut values = Values::default();
    let mut history = History::default();
    for c in &chosen {
        let id = ids[&(c.account_id, c.spec.code.to_owned())];
        let over: HashMap<NaiveDate, f64> = overrides(c, today).into_iter().collect();
        for (period, target) in &over {
            targets.kpi.push(id);
            targets.period.push(*period);
            targets.target.push(*target);
        }
        for row in series(c, &over, today) {
            values.push(id, c.owner, &row);
            if let Some((wrong, when)) = row.fixed {
                history.push(id, c.owner, row.period, None, wrong, "", row.at);
                history.push(
                    id,
                    c.owner,
                    row.period,
                    Some(wrong),
                    row.value,
                    &row.comment,
                    when,
                );
            }
        }
    }
    targets.insert(tx).await?;
    values.insert(tx).await?;
    history.insert(tx).await?;
    weights_and_teams(tx, &accounts, &users).await?;
    Ok(())
}

#[derive(Default)]
struct Targets {
    kpi: Vec<i64>,
    period: Vec<NaiveDate>,
    target: Vec<f64>,
}

impl Targets {
    async fn insert(self, tx: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO kpi_targets (account_kpi_id, period, target) \
             SELECT k, p, t::numeric FROM unnest($1::int8[], $2::date[], $3::float8[]) AS r(k, p, t)",
        )
        .bind(self.kpi)
        .bind(self.period)
        .bind(self.target)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

#[derive(Default)]
struct Values {
    kpi: Vec<i64>,
    period: Vec<NaiveDate>,
    value: Vec<f64>,
    comment: Vec<String>,
    by: Vec<i64>,
    version: Vec<i32>,
    created: Vec<DateTime<Utc>>,
    updated: Vec<DateTime<Utc>>,
}

impl Values {
    fn push(&mut self, kpi: i64, by: i64, row: &Row) {
        self.kpi.push(kpi);
        self.period.push(row.period);
        self.value.push(row.value);
        self.comment.push(row.comment.clone());
        self.by.push(by);
        self.version.push(if row.fixed.is_some() { 2 } else { 1 });
        self.created.push(row.at);
        self.updated
            .push(row.fixed.map_or(row.at, |(_, when)| when));
    }

    async fn insert(self, tx: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO kpi_values (account_kpi_id, period, value, comment, source, entered_by, version, \
                                     created_at, updated_at) \
             SELECT k, p, v::numeric, c, 'demo', b, n, ca, ua \
             FROM unnest($1::int8[], $2::date[], $3::float8[], $4::text[], $5::int8[], $6::int4[], \
                         $7::timestamptz[], $8::timestamptz[]) AS r(k, p, v, c, b, n, ca, ua)",
        )
        .bind(self.kpi)
        .bind(self.period)
        .bind(self.value)
        .bind(self.comment)
        .bind(self.by)
        .bind(self.version)
        .bind(self.created)
        .bind(self.updated)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

#[derive(Default)]
struct History {
    kpi: Vec<i64>,
    period: Vec<NaiveDate>,
    before: Vec<Option<f64>>,
    after: Vec<f64>,
    before_comment: Vec<Option<String>>,
    after_comment: Vec<String>,
    by: Vec<i64>,
    at: Vec<DateTime<Utc>>,
}

impl History {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kpi: i64,
        by: i64,
        period: NaiveDate,
        before: Option<f64>,
        after: f64,
        comment: &str,
        at: DateTime<Utc>,
    ) {
        self.kpi.push(kpi);
        self.period.push(period);
        self.before_comment.push(before.map(|_| String::new()));
        self.before.push(before);
        self.after.push(after);
        self.after_comment.push(comment.to_owned());
        self.by.push(by);
        self.at.push(at);
    }

    async fn insert(self, tx: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO kpi_value_history (account_kpi_id, period, before_value, after_value, before_comment, \
                                            after_comment, source, changed_by, changed_at) \
             SELECT k, p, b::numeric, a::numeric, bc, ac, 'demo', u, t \
             FROM unnest($1::int8[], $2::date[], $3::float8[], $4::float8[], $5::text[], $6::text[], \
                         $7::int8[], $8::timestamptz[]) AS r(k, p, b, a, bc, ac, u, t)",
        )
        .bind(self.kpi)
        .bind(self.period)
        .bind(self.before)
        .bind(self.after)
        .bind(self.before_comment)
        .bind(self.after_comment)
        .bind(self.by)
        .bind(self.at)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

/// Universe weights where a plan sets them, and each account's internal team.
async fn weights_and_teams(
    tx: &mut PgConnection,
    accounts: &HashMap<String, i64>,
    users: &HashMap<String, i64>,
) -> anyhow::Result<()> {
    let (mut w_account, mut w_universe, mut w_weight) = (Vec::new(), Vec::new(), Vec::new());
    let (mut t_account, mut t_user, mut t_function) = (Vec::new(), Vec::new(), Vec::new());
    for plan in PLANS {
        let account = accounts[plan.slug];
        for (universe, weight) in plan.weights {
            w_account.push(account);
            w_universe.push(*universe);
            w_weight.push(*weight);
        }
        let owner = ACCOUNTS
            .iter()
            .find(|a| a.slug == plan.slug)
            .map(|a| a.owner);
        for (email, function) in owner
            .map(|o| (o, "sales"))
            .into_iter()
            .chain(plan.team.iter().copied())
        {
            let user = users
                .get(email)
                .ok_or_else(|| anyhow::anyhow!("demo user {email} is missing"))?;
            t_account.push(account);
            t_user.push(*user);
            t_function.push(function);
        }
    }
    sqlx::query(
        "INSERT INTO universe_weights (account_id, universe, weight) \
         SELECT a, u::universe, w::numeric FROM unnest($1::int8[], $2::text[], $3::float8[]) AS r(a, u, w)",
    )
    .bind(w_account)
    .bind(w_universe)
    .bind(w_weight)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO account_team (account_id, user_id, function) \
         SELECT a, u, f::team_function FROM unnest($1::int8[], $2::int8[], $3::text[]) AS r(a, u, f)",
    )
    .bind(t_account)
    .bind(t_user)
    .bind(t_function)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today(y: i32, m: u32, d: u32) -> Today {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Today {
            now: date.and_hms_opt(12, 0, 0).unwrap().and_utc(),
            month: period_of("monthly", date),
        }
    }

    #[test]
    fn periods_end_before_the_current_one() {
        let t = today(2026, 11, 23);
        let m = periods("monthly", t);
        assert_eq!(m.len(), 24);
        assert_eq!(m.last(), NaiveDate::from_ymd_opt(2026, 10, 1).as_ref());
        assert_eq!(m.first(), NaiveDate::from_ymd_opt(2024, 11, 1).as_ref());
        let q = periods("quarterly", t);
        assert_eq!(q.len(), 8);
        assert_eq!(q.last(), NaiveDate::from_ymd_opt(2026, 7, 1).as_ref());
        let y = periods("yearly", t);
        assert_eq!(
            y,
            vec![
                NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
            ]
        );
    }

    #[test]
    fn values_stay_in_their_units_range() {
        assert_eq!(tidy("csat", "score", 4.2, 5.7), 5.0);
        assert_eq!(tidy("nps", "points", 40.0, -130.4), -100.0);
        assert_eq!(tidy("otif", "percent", 95.0, 101.23), 100.0);
        assert_eq!(tidy("revenue_growth", "percent", 5.0, -3.16), -3.2);
        assert_eq!(tidy("revenue", "eur", 850_000.0, 912_345.67), 912_346.0);
        assert_eq!(tidy("network_depth", "count", 12.0, -1.2), 0.0);
    }

    #[test]
    fn plans_are_sized_and_balanced() {
        for plan in PLANS {
            let n = plan.kpis.len();
            assert!((15..=30).contains(&n), "{}: {n} KPIs", plan.slug);
            assert!(
                ACCOUNTS.iter().any(|a| a.slug == plan.slug),
                "{}",
                plan.slug
            );
            for (i, a) in plan.kpis.iter().enumerate() {
                assert!(
                    plan.kpis[i + 1..].iter().all(|b| b.code != a.code),
                    "{}: {} twice",
                    plan.slug,
                    a.code
                );
            }
        }
        assert_eq!(PLANS.len(), ACCOUNTS.len());
    }

    /// The library as the migration writes it (code, universe, unit, direction,
    /// frequency, domain, default target), with each template's amber threshold.
    fn library() -> Vec<(Template, f64)> {
        let sql = include_str!("../../migrations/0003_kpi_library.sql");
        let quoted = |s: &str| s.trim().trim_matches('\'').to_owned();
        sql.split("\n('")
            .skip(1)
            .map(|row| {
                let head: Vec<&str> = row.splitn(3, '\'').collect();
                let tail = row.lines().find(|l| l.contains("_better'")).unwrap();
                let f: Vec<&str> = tail.trim_end_matches([')', ';', ',']).split(',').collect();
                let template = Template {
                    code: head[0].to_owned(),
                    universe: quoted(head[2].split(',').nth(1).unwrap()),
                    unit: quoted(f[0]),
                    direction: quoted(f[1]),
                    frequency: quoted(f[2]),
                    domain: quoted(f[3]),
                    default_target: f[4].trim().parse().ok(),
                };
                (template, f[6].trim().parse().unwrap())
            })
            .collect()
    }

    /// The planted cases hold under the app's own scoring rules whatever the day
    /// of the load: stale exactly where planted, red where planted, values in range.
    #[test]
    fn planted_cases_hold_on_any_day() {
        use crate::domain::Direction;
        use crate::scoring;

        let lib = library();
        assert!(lib.len() >= 36, "{} templates", lib.len());
        let templates: HashMap<&str, &Template> =
            lib.iter().map(|(t, _)| (t.code.as_str(), t)).collect();
        let amber: HashMap<&str, f64> = lib.iter().map(|(t, a)| (t.code.as_str(), *a)).collect();
        let accounts: HashMap<String, i64> = ACCOUNTS
            .iter()
            .zip(1..)
            .map(|(a, i)| (a.slug.to_owned(), i))
            .collect();
        let chosen = choose(&templates, &|_| Some(1), &accounts).unwrap();

        let mut days = vec![today(2026, 11, 23), today(2027, 12, 31), today(2028, 2, 29)];
        days.extend((1..=12).map(|m| today(2027, m, 1 + m * 2)));
        for day in days {
            for c in &chosen {
                let (slug, code, tpl) = (c.plan.slug, c.spec.code, c.tpl);
                let over: HashMap<NaiveDate, f64> = overrides(c, day).into_iter().collect();
                let rows = series(c, &over, day);
                let last = rows.last().unwrap();
                for r in &rows {
                    let ok = match tpl.unit.as_str() {
                        "percent" if is_growth(code) => (-100.0..=1000.0).contains(&r.value),
                        "percent" => (0.0..=100.0).contains(&r.value),
                        "score" => (1.0..=5.0).contains(&r.value),
                        "points" => (-100.0..=100.0).contains(&r.value),
                        "count" => r.value >= 0.0 && r.value.fract() == 0.0,
                        _ => r.value > 0.0,
                    };
                    assert!(ok, "{slug} {code} {} = {}", r.period, r.value);
                }
                let step = months_per_period(&tpl.frequency);
                let end = add_months(last.period, step).pred_opt().unwrap();
                let as_of = day.now.date_naive();
                let stale = scoring::is_stale(end, as_of, c.freshness as u32);
                let planted = |f: &dyn Fn(&Twist) -> bool| c.plan.twists.iter().any(f);
                let planted_stale = planted(&|w| matches!(w, Twist::Stale(t, ..) if *t == code));
                assert_eq!(stale, planted_stale, "{slug} {code} as of {as_of}: stale?");
                if !stale {
                    assert_eq!(rows.len() as i32, 24 / step, "{slug} {code} as of {as_of}");
                }
                if planted(&|w| matches!(w, Twist::Red(t, ..) if *t == code)) {
                    let target = over.get(&last.period).copied().unwrap_or(c.target);
                    let direction = Direction::parse(&tpl.direction).unwrap();
                    let a = scoring::attainment(last.value, target, direction).unwrap();
                    assert!(a * 100.0 < amber[code], "{slug} {code} as of {as_of}: {a}");
                }
                if slug == "helios-energy" && tpl.domain == "client" {
                    assert!(stale, "Helios {code} must be stale as of {as_of}");
                }
            }
        }
    }
}
