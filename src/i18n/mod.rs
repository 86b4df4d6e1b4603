//! Translation: every UI string goes through the Fluent catalogues in `locales/`.
//! The locale of a request is decided once (see `web::context`) and travels with it.

pub mod format;
pub mod zone;

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks (U+2068/U+2069) around placeables would end up in
        // e-mail addresses and CSV cells; our strings are all left-to-right.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// French first: Boussole's users are mostly French-speaking sales teams.
    #[default]
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The best of our locales for an Accept-Language header, if any matches.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        accept_language::intersection(header, &["fr", "en"])
            .first()
            .and_then(|code| Locale::parse(code))
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Fr => &FR,
            Locale::En => &EN,
        }
    }

    /// The translation of `key`; a missing key shows as the key itself so that it
    /// is noticed (and the catalogue test fails) rather than rendering blank.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.langid(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The translation of `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES
            .try_lookup_with_args(self.langid(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(self.langid(), key).is_some()
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr-CA,fr;q=0.9"),
            Some(Locale::Fr)
        );
        assert_eq!(Locale::from_accept_language("de-DE,de;q=0.9"), None);
    }

    #[test]
    fn translations_differ_between_languages() {
        assert_eq!(Locale::Fr.t("login-title"), "Connexion");
        assert_eq!(Locale::En.t("login-title"), "Sign in");
    }

    #[test]
    fn missing_keys_show_themselves() {
        assert_eq!(Locale::En.t("no-such-key"), "no-such-key");
    }
}
