//! `/portfolio`: the director's view of every account (a KAM sees their own).
//! For now a summary by tier and stage; the portfolio issue makes it the cockpit.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::accounts::{self, AccountSummary, Tier};
use crate::auth::extract::PortfolioUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::Ui;
use crate::web::render;

#[derive(Template)]
#[template(path = "portfolio/index.html")]
pub struct PortfolioPage {
    pub ui: Ui,
    pub accounts: Vec<AccountSummary>,
    pub key_accounts: usize,
    pub candidates: usize,
    pub by_stage: [usize; 4],
}

pub async fn page(
    State(state): State<AppState>,
    PortfolioUser(user): PortfolioUser,
    ui: Ui,
) -> AppResult<Response> {
    let accounts = accounts::visible_to(&state.db, &user).await?;
    let key_accounts = accounts
        .iter()
        .filter(|a| a.tier == Tier::KeyAccount)
        .count();
    let candidates = accounts
        .iter()
        .filter(|a| a.tier == Tier::Candidate)
        .count();
    let mut by_stage = [0usize; 4];
    for a in &accounts {
        if let Some(n) = by_stage.get_mut((a.stage as usize).saturating_sub(1)) {
            *n += 1;
        }
    }
    render(&PortfolioPage {
        ui,
        accounts,
        key_accounts,
        candidates,
        by_stage,
    })
}
