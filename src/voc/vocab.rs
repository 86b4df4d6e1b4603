//! The vocabularies of the voice-of-the-customer pages: who a contact is, how
//! they weigh and lean, and where a verbatim was heard. Codes are what the
//! database and the forms hold; label keys name them in both languages.

use crate::domain::vocab;

vocab!(
    /// A contact's function at the client. R&D is `rnd`, as in account teams.
    ContactFunction, [], {
        Purchasing => "purchasing",
        SupplyChain => "supply_chain",
        Quality => "quality",
        Finance => "finance",
        Marketing => "marketing",
        It => "it",
        Operations => "operations",
        Management => "management",
        Rnd => "rnd",
        Sales => "sales",
    }
);

vocab!(
    /// A contact's weight in the client's decisions.
    Influence, [], {
        DecisionMaker => "decision_maker",
        Influencer => "influencer",
        User => "user",
    }
);

vocab!(
    /// A contact's attitude towards us.
    Attitude, [], {
        Champion => "champion",
        Supporter => "supporter",
        Neutral => "neutral",
        Detractor => "detractor",
    }
);

vocab!(
    /// Where a note of what the client said was heard.
    Channel, [], {
        Meeting => "meeting",
        Call => "call",
        Visit => "visit",
        Email => "email",
        Event => "event",
        Other => "other",
    }
);

/// Message keys of every label, for the catalogue test.
pub fn keys() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(ContactFunction::ALL.iter().map(|v| v.label_key()));
    keys.extend(Influence::ALL.iter().map(|v| v.label_key()));
    keys.extend(Attitude::ALL.iter().map(|v| v.label_key()));
    keys.extend(Channel::ALL.iter().map(|v| v.label_key()));
    keys.extend(super::text::Sentiment::ALL.iter().map(|v| v.label_key()));
    keys
}
