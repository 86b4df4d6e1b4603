//! The open door: `/api/v1`, a JSON API for other systems (ERP, CRM, survey tools).
//!
//! - `caller`: `Authorization: Bearer` → token → user, expiry, revocation, rate limit.
//! - `scope`: what a token reaches, by the pages' own rules (`authz`, the portal's SQL).
//! - `read`, `portfolio`: accounts, KPIs, values, portfolio rows.
//! - `write`: value batches (idempotent, all or nothing) and single values (`If-Match`).
//! - `body`, `problem`: JSON in, RFC 9457 problem details out, in the caller's language.
//! - `docs`: the OpenAPI 3.1 document and its reference page.
//! - `token`, `tokens_page`: the tokens themselves and `/settings/tokens`.
//!
//! The API lives outside the pages' session, CSRF and HTML error layers: a bearer
//! token is not sent by a browser on its own, so there is no forgery to guard
//! against, and errors are problem documents rather than pages. Later resources
//! (plan objectives and actions, webhooks) are new files here and lines in the
//! route table; a webhook's delivery belongs to the job runner.

pub mod body;
pub mod caller;
pub mod docs;
pub mod portfolio;
pub mod problem;
pub mod read;
pub mod scope;
pub mod token;
pub mod tokens_page;
pub mod write;
