//! The scorecard's vocabulary, shared by the pure modules (scoring, periods,
//! forecasts) and the queries. Plain enums; the sqlx derive only names their
//! PostgreSQL types.

/// A closed vocabulary: each variant has one code (URLs, forms, CSV, the database)
/// and one message key, so the catalogue test can check every label exists.
macro_rules! vocab {
    ($(#[$m:meta])* $name:ident, [$(#[$x:meta])*], { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $(#[$x])*
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in URLs, forms, CSV files and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                let code = code.trim();
                $name::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(code))
            }

            /// Translation key of the name: `<type>-<code>`, dots and underscores as dashes.
            pub fn label_key(self) -> String {
                format!("{}-{}", stringify!($name).to_lowercase(), self.code().replace(['_', '.'], "-"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use vocab;

/// A vocabulary stored as a PostgreSQL enum type.
macro_rules! sql_enum {
    ($(#[$m:meta])* $name:ident, $pg:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        vocab!(
            $(#[$m])* $name,
            [#[derive(sqlx::Type)] #[sqlx(type_name = $pg, rename_all = "snake_case")]],
            { $($variant => $code),+ }
        );
    };
}

sql_enum!(
    /// The five universes of a KAM balanced scorecard, in display order.
    Universe, "universe", {
        Marketing => "marketing",
        Process => "process",
        Relationship => "relationship",
        Logistics => "logistics",
        Financial => "financial",
    }
);

sql_enum!(
    /// Whether a higher or a lower value is better.
    Direction, "kpi_direction", {
        HigherBetter => "higher_better",
        LowerBetter => "lower_better",
    }
);

sql_enum!(
    /// How often a KPI gets a value; its periods follow.
    Frequency, "kpi_frequency", {
        Monthly => "monthly",
        Quarterly => "quarterly",
        Yearly => "yearly",
    }
);

sql_enum!(
    /// Triangulation: our own figures, the client's experience, or market data.
    DataDomain, "data_domain", {
        Internal => "internal",
        Client => "client",
        Industry => "industry",
    }
);

sql_enum!(
    /// Who sees a KPI.
    Visibility, "kpi_visibility", {
        Internal => "internal",
        Shared => "shared",
        Joint => "joint",
    }
);

sql_enum!(
    /// Functions of the people in an account team.
    TeamFunction, "team_function", {
        Sales => "sales",
        Marketing => "marketing",
        Logistics => "logistics",
        Finance => "finance",
        CustomerService => "customer_service",
        Rnd => "rnd",
        Legal => "legal",
        Management => "management",
    }
);

sql_enum!(
    /// Units of measure, each with its own formatting.
    Unit, "kpi_unit", {
        Percent => "percent",
        Eur => "eur",
        Count => "count",
        Days => "days",
        Hours => "hours",
        Score => "score",
        Ratio => "ratio",
        Points => "points",
    }
);

/// Message keys of every label of the scorecard's vocabularies, for the catalogue test.
pub fn vocabulary_keys() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(Universe::ALL.iter().map(|v| v.label_key()));
    keys.extend(Direction::ALL.iter().map(|v| v.label_key()));
    keys.extend(Frequency::ALL.iter().map(|v| v.label_key()));
    keys.extend(DataDomain::ALL.iter().map(|v| v.label_key()));
    keys.extend(Visibility::ALL.iter().map(|v| v.label_key()));
    keys.extend(TeamFunction::ALL.iter().map(|v| v.label_key()));
    keys.extend(Unit::ALL.iter().map(|v| v.label_key()));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_label_keys_are_stable() {
        for u in Universe::ALL {
            assert_eq!(Universe::parse(u.code()), Some(*u));
        }
        assert_eq!(Universe::Marketing.label_key(), "universe-marketing");
        assert_eq!(
            TeamFunction::CustomerService.label_key(),
            "teamfunction-customer-service"
        );
        assert_eq!(
            Direction::parse("LOWER_BETTER"),
            Some(Direction::LowerBetter)
        );
        assert_eq!(Unit::parse("furlongs"), None);
    }
}
