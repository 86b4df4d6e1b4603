//! Every route of Boussole, in one table. Handlers live with their feature.

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::SessionManagerLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions_sqlx_store::PostgresStore;

use crate::state::AppState;
use crate::web::{context, csrf, errors, input, limit, security, session_store, static_files};
use crate::{
    accounts, admin, api, auth, capabilities, digests, drivers, evaluation, health, inbox, jobs,
    kpis, locks, metrics, notifications, opportunities, plan, portal, portfolio, requests, reviews,
    scorecard, selection, sharing, timezone, users, value, values, voc, webhooks,
};

pub const SESSION_COOKIE: &str = "boussole_session";

/// Sessions live in PostgreSQL; a failed save never replaces a handler's answer.
fn errors_store(state: &AppState) -> session_store::ForgivingStore {
    session_store::ForgivingStore(PostgresStore::new(state.db.clone()))
}

pub fn app(state: AppState) -> Router {
    // Pages that read every account take turns (`web::limit`): at most a few at once,
    // so they can never take the whole database pool; past that, 503 with Retry-After.
    let heavy = from_fn_with_state(state.clone(), limit::heavy);

    // Pages: behind sessions, the request context, error pages and CSRF.
    let pages = Router::new()
        .route("/", get(auth::routes::root))
        .route(
            "/login",
            get(auth::routes::login_page).post(auth::routes::login),
        )
        .route("/logout", post(auth::routes::logout))
        .route("/language", post(auth::routes::language))
        // Staff
        .route(
            "/accounts",
            get(accounts::list::page)
                .route_layer(heavy.clone())
                .post(accounts::form::create),
        )
        .route(
            "/accounts.csv",
            get(accounts::list::csv).route_layer(heavy.clone()),
        )
        .route("/accounts/new", get(accounts::form::new_page))
        .route("/accounts/{id}/edit", get(accounts::form::edit_page))
        .route(
            "/accounts/{id}",
            get(scorecard::page::page).post(accounts::form::update),
        )
        .route("/accounts/{id}/scorecard.csv", get(scorecard::csv::export))
        .route(
            "/accounts/{id}/kpis/{kpi_id}",
            get(scorecard::kpi_page::page),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/history.csv",
            get(scorecard::kpi_page::csv),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/value",
            get(values::entry::form_page),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/values",
            post(values::entry::save),
        )
        .route("/help/scoring", get(scorecard::help::page))
        .route("/accounts/{id}/team", post(accounts::team::add))
        // Period locks
        .route("/accounts/{id}/locks", get(locks::page).post(locks::lock))
        .route("/accounts/{id}/locks/{month}/unlock", post(locks::unlock))
        .route(
            "/accounts/{id}/team/{user_id}/remove",
            post(accounts::team::remove),
        )
        // The director's view
        .route(
            "/portfolio",
            get(portfolio::page).route_layer(heavy.clone()),
        )
        .route(
            "/portfolio.csv",
            get(portfolio::csv).route_layer(heavy.clone()),
        )
        .route(
            "/selection",
            get(selection::page).route_layer(heavy.clone()),
        )
        .route(
            "/selection.csv",
            get(selection::csv).route_layer(heavy.clone()),
        )
        .route(
            "/selection/criteria",
            get(selection::criteria::form_page).post(selection::criteria::save),
        )
        .route(
            "/selection/accounts/{id}",
            get(selection::rating::form_page).post(selection::rating::save),
        )
        .route(
            "/capabilities",
            get(capabilities::page).route_layer(heavy.clone()),
        )
        .route(
            "/capabilities.csv",
            get(capabilities::csv).route_layer(heavy.clone()),
        )
        .route("/drivers", get(drivers::page).route_layer(heavy.clone()))
        .route("/drivers.csv", get(drivers::csv).route_layer(heavy.clone()))
        .route(
            "/drivers/{code}",
            get(drivers::scatter).route_layer(heavy.clone()),
        )
        .route(
            "/drivers/{code}/scatter.csv",
            get(drivers::scatter_csv).route_layer(heavy.clone()),
        )
        .route("/accounts/{id}/value", get(value::account))
        .route("/accounts/{id}/value.csv", get(value::csv))
        .route(
            "/director/settings",
            get(value::settings_page).post(value::settings_save),
        )
        .route(
            "/director/time-zone",
            get(timezone::show).post(timezone::save),
        )
        .route("/inbox", get(inbox::page))
        // Data requests and reminders
        .route(
            "/accounts/{id}/requests",
            get(requests::account::page).post(requests::account::create),
        )
        .route("/accounts/{id}/requests.csv", get(requests::account::csv))
        .route("/requests", get(requests::overview::page))
        .route("/requests.csv", get(requests::overview::csv))
        .route(
            "/me/reminders",
            get(requests::settings::page).post(requests::settings::save),
        )
        .route(
            "/me/digest",
            get(digests::settings::page).post(digests::settings::save),
        )
        // CSV import
        .route(
            "/import",
            get(values::import::page)
                .route_layer(heavy.clone())
                .post(values::import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    values::import::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/import/template.csv", get(values::import::template))
        .route("/import/{run_id}", get(values::import::runs::page))
        // Client users: invitations and revocation
        .route("/accounts/{id}/clients", get(sharing::invitations::list))
        .route(
            "/accounts/{id}/clients/invite",
            post(sharing::invitations::invite),
        )
        .route(
            "/accounts/{id}/clients/{user_id}/revoke",
            post(sharing::invitations::revoke),
        )
        .route(
            "/invitation/{token}",
            get(sharing::invitations::accept_page).post(sharing::invitations::accept),
        )
        // Keeping everyone informed
        .route("/accounts/{id}/activity", get(notifications::account))
        .route("/portal/activity", get(notifications::portal))
        .route("/notifications", get(notifications::notifications))
        .route("/notifications/read", post(notifications::mark_read))
        .route("/accounts/{id}/follow", post(digests::follow::save))
        // Sharing: the KAM pyramid
        .route(
            "/accounts/{id}/stage",
            get(sharing::stage::show).post(sharing::stage::change),
        )
        .route(
            "/accounts/{id}/universes/{universe}/visibility",
            post(sharing::universe::set),
        )
        // KPI management
        .route("/accounts/{id}/kpis/new", get(kpis::add::new_page))
        .route("/accounts/{id}/kpis", post(kpis::add::create))
        .route(
            "/accounts/{id}/kpis/{kpi_id}/settings",
            get(kpis::settings::settings_page).post(kpis::settings::save),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/targets",
            post(kpis::settings::set_target),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/targets/remove",
            post(kpis::settings::remove_target),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/delete",
            get(kpis::settings::delete_page).post(kpis::settings::delete),
        )
        .route(
            "/accounts/{id}/weights",
            get(kpis::weights::weights_page).post(kpis::weights::save),
        )
        .route(
            "/admin/kpis",
            get(kpis::library::list).post(kpis::library::create),
        )
        .route("/admin/kpis.csv", get(kpis::library::csv))
        .route("/admin/kpis/new", get(kpis::library::new_page))
        .route("/admin/kpis/{id}/edit", get(kpis::library::edit_page))
        .route("/admin/kpis/{id}", post(kpis::library::update))
        // Client users
        .route("/portal", get(portal::page))
        .route("/portal/scorecard.csv", get(portal::csv))
        .route("/portal/kpis/{kpi_id}", get(portal::kpi))
        .route("/portal/kpis/{kpi_id}/history.csv", get(portal::kpi_csv))
        .route(
            "/portal/kpis/{kpi_id}/evaluate",
            post(evaluation::client_evaluate),
        )
        .route("/portal/kpis/{kpi_id}/values", post(portal::enter_value))
        .route("/portal/validate", post(portal::validate::validate))
        .route(
            "/accounts/{id}/kpis/{kpi_id}/evaluate",
            post(evaluation::supplier_evaluate),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/target-proposals",
            post(sharing::targets::supplier_propose),
        )
        .route(
            "/accounts/{id}/kpis/{kpi_id}/target-proposals/{proposal_id}",
            post(sharing::targets::supplier_decide),
        )
        .route(
            "/portal/kpis/{kpi_id}/target-proposals",
            post(sharing::targets::client_propose),
        )
        .route(
            "/portal/kpis/{kpi_id}/target-proposals/{proposal_id}",
            post(sharing::targets::client_decide),
        )
        .route("/evaluations", get(evaluation::queue::page))
        .route("/evaluations.csv", get(evaluation::queue::csv))
        .route("/accounts/{id}/as-client", get(portal::preview))
        .route(
            "/accounts/{id}/as-client/scorecard.csv",
            get(portal::preview_csv),
        )
        // Opportunities and business reviews (read by the director's capabilities)
        .route(
            "/accounts/{id}/opportunities",
            get(opportunities::show).post(opportunities::create),
        )
        .route(
            "/accounts/{id}/opportunities/{opportunity_id}",
            post(opportunities::close),
        )
        // Business reviews: packs, the frozen record, the client's confirmation
        .route(
            "/accounts/{id}/reviews",
            get(reviews::page::list).post(reviews::page::create),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}",
            get(reviews::page::show).post(reviews::page::update),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/pack",
            get(reviews::print::page),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/pack.pdf",
            get(reviews::print::pdf),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/freeze",
            post(reviews::record::freeze),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/minutes",
            post(reviews::record::minutes),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/decisions",
            post(reviews::record::add_decision),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/decisions/{decision_id}/action",
            post(reviews::record::to_action),
        )
        .route(
            "/accounts/{id}/reviews/{review_id}/rating",
            post(reviews::rating::staff),
        )
        .route("/portal/reviews", get(reviews::record::portal_list))
        .route(
            "/portal/reviews/{review_id}/rating",
            post(reviews::rating::client),
        )
        .route(
            "/portal/reviews/{review_id}",
            get(reviews::record::portal_show),
        )
        .route(
            "/portal/reviews/{review_id}/pack.pdf",
            get(reviews::record::portal_pdf),
        )
        .route(
            "/portal/reviews/{review_id}/confirm",
            post(reviews::record::portal_confirm),
        )
        // The account business plan
        .route(
            "/accounts/{id}/plan",
            get(plan::page::show).post(plan::forms::create),
        )
        .route(
            "/accounts/{id}/plan/actions.csv",
            get(plan::page::actions_csv),
        )
        .route(
            "/accounts/{id}/plan/objectives.csv",
            get(plan::page::objectives_csv),
        )
        .route(
            "/accounts/{id}/plan/context",
            post(plan::forms::save_context),
        )
        .route("/accounts/{id}/plan/close", post(plan::forms::close))
        .route(
            "/accounts/{id}/plan/objectives",
            post(plan::forms::add_objective),
        )
        .route(
            "/accounts/{id}/plan/objectives/{objective_id}",
            post(plan::forms::update_objective),
        )
        .route("/accounts/{id}/plan/actions", post(plan::forms::add_action))
        .route(
            "/accounts/{id}/plan/actions/{action_id}",
            post(plan::forms::update_action),
        )
        .route("/accounts/{id}/plan/risks", post(plan::forms::add_risk))
        .route(
            "/accounts/{id}/plan/risks/{risk_id}",
            post(plan::edit::risk),
        )
        .route(
            "/accounts/{id}/plan/whitespace",
            get(plan::whitespace::show).post(plan::whitespace::set_cell),
        )
        .route(
            "/accounts/{id}/plan/whitespace.csv",
            get(plan::whitespace::csv),
        )
        .route(
            "/accounts/{id}/plan/whitespace/units",
            post(plan::whitespace::add_unit),
        )
        .route(
            "/accounts/{id}/plan/whitespace/offerings",
            post(plan::whitespace::add_offering),
        )
        .route(
            "/accounts/{id}/plan/whitespace/import",
            post(plan::whitespace::import),
        )
        .route(
            "/accounts/{id}/plan/whitespace/opportunity",
            post(plan::whitespace::open_opportunity),
        )
        .route(
            "/accounts/{id}/plan/relationships",
            get(plan::relations::show),
        )
        .route("/portal/plan", get(plan::portal::page))
        .route(
            "/portal/plan/actions/{action_id}",
            post(plan::portal::close_action),
        )
        // Voice of the customer
        .route("/voc", get(voc::overview::show).route_layer(heavy.clone()))
        .route(
            "/accounts/{id}/contacts",
            get(voc::contacts::list).post(voc::contacts::create),
        )
        .route("/accounts/{id}/contacts.csv", get(voc::contacts::csv))
        .route(
            "/accounts/{id}/contacts/{contact_id}",
            post(voc::contacts::update),
        )
        .route(
            "/accounts/{id}/surveys",
            get(voc::campaigns::list).post(voc::campaigns::send),
        )
        .route("/accounts/{id}/voc", get(voc::page::show))
        .route("/accounts/{id}/voc.csv", get(voc::page::csv))
        .route("/accounts/{id}/feedback", post(voc::page::add_note))
        .route(
            "/accounts/{id}/voc/verbatims/{verbatim_id}",
            post(voc::page::correct),
        )
        .route(
            "/survey/{token}",
            get(voc::answer::public_form).post(voc::answer::public_answer),
        )
        .route("/admin/voc", get(voc::admin::show))
        .route("/admin/voc/themes/{code}", post(voc::admin::save_theme))
        .route(
            "/admin/voc/questions/{code}",
            post(voc::admin::save_question),
        )
        .route("/portal/voc", get(voc::overview::portal))
        .route(
            "/portal/surveys/{link_id}",
            get(voc::answer::portal_form).post(voc::answer::portal_answer),
        )
        // Administration
        .route(
            "/admin/users",
            get(users::admin::list).post(users::admin::create),
        )
        .route("/admin/users/new", get(users::admin::new_page))
        .route("/admin/audit", get(admin::audit::show))
        .route("/admin/audit.csv", get(admin::audit::csv))
        .route("/admin/jobs", get(jobs::admin::page))
        .route("/admin/jobs.csv", get(jobs::admin::csv))
        // API tokens (the API itself is below, outside sessions)
        .route(
            "/settings/tokens",
            get(api::tokens_page::show).post(api::tokens_page::create),
        )
        .route(
            "/settings/tokens/{token_id}/revoke",
            post(api::tokens_page::revoke),
        )
        // Webhook subscriptions and their delivery logs
        .route(
            "/settings/webhooks",
            get(webhooks::page::show_list).post(webhooks::page::create),
        )
        .route("/settings/webhooks/{webhook_id}", get(webhooks::page::show))
        .route(
            "/settings/webhooks/{webhook_id}/deliveries.csv",
            get(webhooks::page::csv),
        )
        .route(
            "/settings/webhooks/{webhook_id}/test",
            post(webhooks::page::test),
        )
        .route(
            "/settings/webhooks/{webhook_id}/delete",
            post(webhooks::page::delete),
        )
        .fallback(|| async { crate::error::AppError::NotFound });

    // The API: a bearer token per request (`api::caller`), no session, no CSRF (a
    // browser never sends the token by itself), errors as problem details.
    let api_routes = Router::new()
        .route("/api/v1/accounts", get(api::read::accounts))
        .route("/api/v1/accounts/{id}", get(api::read::account))
        .route("/api/v1/accounts/{id}/kpis", get(api::read::kpis))
        .route("/api/v1/accounts/{id}/kpis/{kpi_id}", get(api::read::kpi))
        .route("/api/v1/accounts/{id}/values", get(api::read::values))
        .route(
            "/api/v1/accounts/{id}/kpis/{kpi_id}/values/{period}",
            get(api::write::one).put(api::write::put),
        )
        .route("/api/v1/values", post(api::write::batch))
        .route(
            "/api/v1/portfolio",
            get(api::portfolio::rows).route_layer(heavy.clone()),
        )
        .route("/api/openapi.json", get(api::docs::openapi_json))
        .route("/api/docs", get(api::docs::page))
        .layer(axum::extract::DefaultBodyLimit::max(
            api::body::MAX_BODY_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(from_fn(api::problem::dress));

    // Infrastructure: no session, no context.
    let bare = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::scrape_with_token))
        .route("/static/{*path}", get(static_files::serve));

    let session_store = errors_store(&state);
    let sessions = SessionManagerLayer::new(session_store)
        .with_name(SESSION_COOKIE)
        .with_secure(state.config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(tower_sessions::Expiry::OnInactivity(
            time::Duration::minutes(state.config.session_idle_minutes),
        ));

    // Layers wrap what is above them: the last added runs first.
    let pages = pages
        .layer(from_fn_with_state(state.clone(), csrf::protect))
        .layer(axum::middleware::from_fn(input::refuse_control_characters))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(from_fn_with_state(state.clone(), errors::render))
        .layer(from_fn_with_state(state.clone(), context::middleware))
        .layer(sessions)
        .layer(security::no_store())
        .layer(from_fn(errors::dress_bare));

    let mut app = pages.merge(api_routes).merge(bare).layer(from_fn(metrics::track)).layer(
        TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(|m| m.as_str().to_owned())
                .unwrap_or_else(|| "unmatched".into());
            tracing::info_span!("request", method = %req.method(), route, user_id = tracing::field::Empty)
        })
        // One line per request with its status and latency, inside the span.
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
    );
    for layer in security::layers(state.config.https()) {
        app = app.layer(layer);
    }
    app.with_state(state)
}
