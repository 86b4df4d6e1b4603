//! Voice of the customer: contacts, surveys, the client's own words measured
//! (language, sentiment, themes), and their way into the relationship universe.

pub mod cli;
pub mod text;
