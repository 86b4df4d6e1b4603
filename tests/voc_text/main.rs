//! The VoC text analysis (src/voc/text) against its labelled set and rules.

mod accuracy;
mod api;
mod cli;
mod robustness;
mod sentiment_rules;
