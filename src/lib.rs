//! Boussole: Key Account Management scorecards, built with the customer.
//!
//! `app(state)` builds the whole web application; `main.rs` and the tests both use it.
//! See ARCHITECTURE.md for a tour.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod capabilities;
pub mod charts;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod digests;
pub mod director;
pub mod domain;
pub mod drivers;
pub mod email;
pub mod error;
pub mod evaluation;
pub mod feed;
pub mod forecast;
pub mod health;
pub mod i18n;
pub mod inbox;
pub mod jobs;
pub mod kpis;
pub mod load;
pub mod locks;
pub mod mail;
pub mod metrics;
pub mod notifications;
pub mod opportunities;
pub mod period;
pub mod plan;
pub mod portal;
pub mod portfolio;
pub mod requests;
pub mod reviews;
pub mod routes;
pub mod scorecard;
pub mod scoring;
pub mod selection;
pub mod sharing;
pub mod state;
pub mod timezone;
pub mod users;
pub mod value;
pub mod values;
pub mod voc;
pub mod web;
pub mod webhooks;

pub use routes::app;
pub use state::AppState;
