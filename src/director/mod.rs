//! Pure decision-support maths for the director's pages (no I/O, no axum or sqlx):
//! key-account selection (GE-McKinsey matrix), drivers of the relationship (rank
//! correlation with an honest interval) and customer lifetime value.

pub mod clv;
pub mod correlation;
pub mod matrix;
