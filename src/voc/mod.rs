//! Voice of the customer: contacts, surveys, the client's own words measured
//! (language, sentiment, themes), and their way into the relationship universe.

pub mod admin;
pub mod answer;
pub mod campaigns;
pub mod cli;
pub mod contacts;
pub mod flags;
pub mod network;
pub mod nps;
pub mod overview;
pub mod page;
pub mod paging;
pub mod query;
pub mod store;
pub mod text;
pub mod vocab;
