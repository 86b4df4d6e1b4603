//! `/help/scoring`: the formulas, in words people can check. The band limits
//! come from `scoring` itself, so the page cannot drift from the code.

use askama::Template;
use axum::response::Response;

use crate::auth::extract::AnyUser;
use crate::error::AppResult;
use crate::scoring::{AMBER_BAND, GREEN_BAND};
use crate::web::layout::Ui;
use crate::web::render;

/// One score band: its status and its range.
pub struct BandView {
    pub code: &'static str,
    pub label: String,
    pub from: String,
    pub to: String,
    pub range_text: String,
}

#[derive(Template)]
#[template(path = "scorecard/help.html")]
pub struct HelpPage {
    pub ui: Ui,
    pub bands: Vec<BandView>,
    pub score_status_text: String,
}

impl HelpPage {
    pub fn new(ui: Ui) -> Self {
        let n = |v: f64| ui.num(v, 0);
        let band = |code: &'static str, from: f64, to: f64, top: bool| {
            let (from, to) = (n(from), n(to));
            BandView {
                code,
                label: ui.t(&format!("status-{code}")),
                range_text: ui.locale.t_args(
                    if top {
                        "help-band-range-top"
                    } else {
                        "help-band-range"
                    },
                    &[("from", from.clone().into()), ("to", to.clone().into())],
                ),
                from,
                to,
            }
        };
        let bands = vec![
            band("green", GREEN_BAND, 100.0, true),
            band("amber", AMBER_BAND, GREEN_BAND, false),
            band("red", 0.0, AMBER_BAND, false),
        ];
        let score_status_text = ui.locale.t_args(
            "help-score-status",
            &[
                ("green", n(GREEN_BAND).into()),
                ("amber", n(AMBER_BAND).into()),
            ],
        );
        HelpPage {
            bands,
            score_status_text,
            ui,
        }
    }
}

pub async fn page(_user: AnyUser, ui: Ui) -> AppResult<Response> {
    render(&HelpPage::new(ui))
}
