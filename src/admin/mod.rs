//! Administration pages that belong to no other feature: the audit trail.

pub mod audit;
