//! Demo of the voice of the customer: the people we know at each client, two years
//! of quarterly relationship surveys with their answers, and what the KAMs heard in
//! meetings, every text analysed by the real `voc::store` (language, sentiment,
//! themes, score/word mismatch flags).
//!
//! The numbers agree with the scorecards of `scorecard.rs`: where an account has an
//! `nps` (or `csat`) value for a quarter, that quarter's answers are drawn so that
//! their NPS (mean satisfaction) lands close to it. Helios Energy stays stale: no
//! answer, note or meeting in the last eight months (its last survey predates the
//! new purchasing director, who is in the contacts but was never met).
//!
//! Planted cases: a recent promoter at Lumière Retail and at Océane Cosmétiques whose
//! words are clearly negative (`hidden_discontent`), and a detractor at Kestrel
//! Aerospace last quarter whose words are glowing (`hidden_praise`). Every other
//! answer is checked against the same rule before it is written, so these are the
//! only flags. Each client user has answered some past surveys and has one open link
//! in the current campaign.
//!
//! Deterministic for a given day: one RNG per account, seeded from its slug (survey
//! tokens excepted: they come from the real token generator, as they must not be
//! guessable from the source).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::PgConnection;

use super::voc_texts::{self as texts, Tone, Verbatim};
use crate::sharing::invitations;
use crate::voc::flags;
use crate::voc::store::{self, Answer, Origin};
use crate::voc::text;

/// Quarters of surveys: the 8 before the current one, and the current one.
const QUARTERS: u32 = 9;

/// How each account's relationship reads, beyond its scorecard.
struct Profile {
    slug: &'static str,
    contacts: usize,
    /// Weights of champion, supporter, neutral; detractors are counted apart.
    attitudes: [u32; 3],
    detractors: usize,
    /// One survey every this many quarters.
    every: u32,
    /// Contacts invited per campaign.
    links: (usize, usize),
    /// Shares of promoters and detractors when the account has no NPS value.
    mix: (f64, f64),
    notes: usize,
    /// Tone weights of meeting notes: praise, complaint, mixed, neutral.
    tones: [f64; 4],
    /// Over the two years, praise grows (> 0, improving) or complaints do (< 0).
    drift: f64,
}

const PROFILES: &[Profile] = &[
    Profile {
        slug: "lumiere-retail",
        contacts: 8,
        attitudes: [3, 4, 2],
        detractors: 0,
        every: 1,
        links: (5, 6),
        mix: (0.5, 0.1),
        notes: 14,
        tones: [5.0, 2.0, 2.0, 2.0],
        drift: 1.0,
    },
    Profile {
        slug: "northwind-logistics",
        contacts: 6,
        attitudes: [1, 3, 3],
        detractors: 1,
        every: 1,
        links: (5, 6),
        mix: (0.45, 0.15),
        notes: 12,
        tones: [3.0, 4.0, 2.0, 2.0],
        drift: -0.8,
    },
    Profile {
        slug: "atelier-vernier",
        contacts: 9,
        attitudes: [4, 4, 1],
        detractors: 0,
        every: 1,
        links: (5, 6),
        mix: (0.7, 0.05),
        notes: 14,
        tones: [6.0, 1.0, 2.0, 2.0],
        drift: 0.0,
    },
    Profile {
        slug: "helios-energy",
        contacts: 6,
        attitudes: [1, 2, 3],
        detractors: 2,
        every: 1,
        links: (5, 6),
        mix: (0.4, 0.2),
        notes: 10,
        tones: [2.0, 4.0, 2.0, 2.0],
        drift: -1.2,
    },
    Profile {
        slug: "brightwell-pharma",
        contacts: 8,
        attitudes: [3, 4, 2],
        detractors: 0,
        every: 1,
        links: (5, 6),
        mix: (0.5, 0.1),
        notes: 12,
        tones: [5.0, 2.0, 2.0, 2.0],
        drift: 0.5,
    },
    Profile {
        slug: "agrinova",
        contacts: 5,
        attitudes: [1, 3, 2],
        detractors: 0,
        every: 1,
        links: (4, 5),
        mix: (0.4, 0.15),
        notes: 9,
        tones: [3.0, 3.0, 2.0, 3.0],
        drift: 0.0,
    },
    Profile {
        slug: "maison-dufresne",
        contacts: 4,
        attitudes: [1, 2, 2],
        detractors: 0,
        every: 2,
        links: (3, 4),
        mix: (0.45, 0.15),
        notes: 5,
        tones: [3.0, 2.0, 2.0, 3.0],
        drift: 0.5,
    },
    Profile {
        slug: "kestrel-aerospace",
        contacts: 6,
        attitudes: [2, 3, 2],
        detractors: 0,
        every: 1,
        links: (5, 6),
        mix: (0.5, 0.1),
        notes: 10,
        tones: [3.0, 3.0, 2.0, 2.0],
        drift: 0.0,
    },
    Profile {
        slug: "sante-plus",
        contacts: 5,
        attitudes: [1, 2, 2],
        detractors: 0,
        every: 2,
        links: (3, 5),
        mix: (0.4, 0.15),
        notes: 5,
        tones: [3.0, 2.0, 2.0, 3.0],
        drift: 0.5,
    },
    Profile {
        slug: "meridian-telecom",
        contacts: 4,
        attitudes: [0, 2, 2],
        detractors: 1,
        every: 2,
        links: (3, 4),
        mix: (0.3, 0.25),
        notes: 6,
        tones: [2.0, 4.0, 2.0, 2.0],
        drift: -0.5,
    },
    Profile {
        slug: "alpine-textiles",
        contacts: 4,
        attitudes: [1, 2, 2],
        detractors: 0,
        every: 2,
        links: (3, 4),
        mix: (0.45, 0.1),
        notes: 5,
        tones: [3.0, 2.0, 1.0, 3.0],
        drift: 0.5,
    },
    Profile {
        slug: "oceane-cosmetiques",
        contacts: 8,
        attitudes: [3, 4, 2],
        detractors: 0,
        every: 1,
        links: (5, 6),
        mix: (0.55, 0.1),
        notes: 12,
        tones: [5.0, 2.0, 3.0, 2.0],
        drift: 0.0,
    },
];

/// Accounts whose stale client-domain KPIs must stay stale: nothing heard lately.
const STALE: &str = "helios-energy";
/// A recent promoter whose words are clearly negative.
const HIDDEN_DISCONTENT: &[&str] = &["lumiere-retail", "oceane-cosmetiques"];
/// A detractor of last quarter whose words are clearly positive.
const HIDDEN_PRAISE: &str = "kestrel-aerospace";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cat {
    Promoter,
    Passive,
    Detractor,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Plant {
    Discontent,
    Praise,
}

/// Texts of one list, scored on first use (in a debug build the text analysis is
/// the slow part of the demo). Texts whose detected language is not the one they
/// are written in are left out: very short answers such as "RAS" are ambiguous.
struct Pool {
    list: &'static [Verbatim],
    /// Sentiment score, or None when the language is ambiguous.
    scores: RefCell<HashMap<&'static str, Option<f64>>>,
}

impl Pool {
    fn new(list: &'static [Verbatim]) -> Self {
        Pool {
            list,
            scores: RefCell::new(HashMap::new()),
        }
    }

    /// The score `text::analyze` gives, without its theme matching (the costly part,
    /// and the flags do not need it).
    fn score(&self, v: &'static Verbatim) -> Option<f64> {
        *self.scores.borrow_mut().entry(v.text).or_insert_with(|| {
            let language = text::detect_language(v.text);
            (language.code() == v.lang)
                .then(|| (text::sentiment(v.text, language) * 1000.0).round() / 1000.0)
        })
    }

    /// A random text of this language with its score, the tone drawn by weight
    /// (praise, complaint, mixed, neutral).
    fn pick(
        &self,
        rng: &mut StdRng,
        lang: &str,
        weights: [f64; 4],
    ) -> Option<(&'static Verbatim, f64)> {
        let tone =
            [Tone::Praise, Tone::Complaint, Tone::Mixed, Tone::Neutral][weighted(rng, &weights)];
        let found: Vec<&'static Verbatim> = self
            .list
            .iter()
            .filter(|v| v.lang == lang && v.tone == tone)
            .collect();
        (0..4).find_map(|_| {
            let v = *found.choose(rng)?;
            Some((v, self.score(v)?))
        })
    }

    /// The texts of this language whose score passes `keep`, in list order.
    fn all(&self, lang: &str, keep: impl Fn(f64) -> bool) -> Vec<&'static Verbatim> {
        self.list
            .iter()
            .filter(|v| v.lang == lang && self.score(v).is_some_and(&keep))
            .collect()
    }
}

struct Pools {
    reasons: Pool,
    improve: Pool,
    notes: Pool,
    discontent: Pool,
    praise: Pool,
}

impl Pools {
    fn new() -> Self {
        Pools {
            reasons: Pool::new(texts::REASONS),
            improve: Pool::new(texts::IMPROVE),
            notes: Pool::new(texts::NOTES),
            discontent: Pool::new(texts::HIDDEN_DISCONTENT),
            praise: Pool::new(texts::HIDDEN_PRAISE),
        }
    }
}

/// id, slug, country, owner, client user.
type AccountRow = (i64, String, String, Option<i64>, Option<i64>);
/// account, KPI code, period, value.
type KpiRow = (i64, String, NaiveDate, f64);

struct Account {
    id: i64,
    slug: String,
    lang: &'static str,
    owner: Option<i64>,
    client: Option<i64>,
}

struct Contact {
    account: usize,
    name: String,
    title: &'static str,
    function: &'static str,
    email: String,
    influence: &'static str,
    attitude: &'static str,
    last_met_on: Option<NaiveDate>,
    created: NaiveDate,
    /// Arrived recently: never surveyed nor met (Helios' new purchasing director).
    new: bool,
}

struct Campaign {
    account: usize,
    title: String,
    sent: NaiveDate,
}

struct Link {
    campaign: usize,
    contact: Option<usize>,
    user: Option<i64>,
    hash: String,
    lang: &'static str,
    answered: Option<NaiveDate>,
}

struct Response {
    account: usize,
    link: usize,
    nps: i16,
    satisfaction: i16,
    value: Option<i16>,
    ease: Option<i16>,
    texts: Vec<(&'static str, &'static str)>,
}

struct Note {
    account: usize,
    contact: usize,
    said_on: NaiveDate,
    channel: &'static str,
    body: &'static str,
}

fn weighted(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen_range(0.0..total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn seed(slug: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    slug.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) ^ 0x766f_6364_656d_6f00
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d)
}

fn campaign_title(lang: &str, start: NaiveDate) -> String {
    let q = start.month0() / 3 + 1;
    if lang == "fr" {
        format!("Enquête relation T{q} {}", start.year())
    } else {
        format!("Relationship survey Q{q} {}", start.year())
    }
}

/// The local part of a demo e-mail: ASCII, lower case, no apostrophes.
fn mail_part(s: &str) -> String {
    text::fold(s)
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// French first names by gender, so that "Directrice" goes with a woman's name.
fn feminine(first: &str) -> Option<bool> {
    match first {
        "Camille" => None,
        "Nathalie" | "Sophie" | "Isabelle" | "Émilie" | "Claire" | "Aurélie" | "Céline"
        | "Hélène" | "Manon" => Some(true),
        _ => Some(false),
    }
}

fn title_gender(title: &str) -> Option<bool> {
    if title.starts_with("Directrice") {
        Some(true)
    } else if title.starts_with("Directeur") || title.starts_with("Acheteur") {
        Some(false)
    } else {
        None
    }
}

/// Senior titles decide in the core functions and influence elsewhere; the others
/// influence (expert functions) or use.
fn influence(function: &str, title_en: &str) -> &'static str {
    let senior = ["Head", "Chief", "Director"]
        .iter()
        .any(|w| title_en.contains(w));
    match (senior, function) {
        (true, "purchasing" | "management" | "finance" | "supply_chain" | "operations") => {
            "decision_maker"
        }
        (true, _) | (false, "quality" | "rnd") => "influencer",
        _ => "user",
    }
}

/// Promoters and detractors among `n` answers whose NPS is closest to `target`
/// (a few passives preferred when it costs nothing), honouring a planted answer.
fn mix_for(n: usize, target: f64, plant: Option<Plant>, rng: &mut StdRng) -> (usize, usize) {
    let mut best = (0, 0);
    let mut best_cost = f64::INFINITY;
    let ideal = (n as f64 * 0.3).round();
    for p in 0..=n {
        for d in 0..=n - p {
            if (plant == Some(Plant::Discontent) && p == 0)
                || (plant == Some(Plant::Praise) && d == 0)
            {
                continue;
            }
            let nps = 100.0 * (p as f64 - d as f64) / n as f64;
            let passives = (n - p - d) as f64;
            let cost =
                (nps - target).abs() + 0.5 * (passives - ideal).abs() + rng.gen_range(0.0..0.5);
            if cost < best_cost {
                best_cost = cost;
                best = (p, d);
            }
        }
    }
    best
}

/// Scores of one quarter's answers, respondents given by attitude rank (0 =
/// champion … 3 = detractor), the planted one first. NPS and mean satisfaction
/// land close to the scorecard's values when there are some.
fn scores(
    rng: &mut StdRng,
    ranks: &[u8],
    nps_target: Option<f64>,
    csat_target: Option<f64>,
    mix: (f64, f64),
    plant: Option<Plant>,
) -> Vec<(Cat, i16, i16)> {
    let n = ranks.len();
    if n == 0 {
        return Vec::new();
    }
    let mut cats: Vec<Cat> = match nps_target {
        Some(t) => {
            let (p, d) = mix_for(n, t, plant, rng);
            let mut v = vec![Cat::Promoter; p];
            v.extend(std::iter::repeat_n(Cat::Passive, n - p - d));
            v.extend(std::iter::repeat_n(Cat::Detractor, d));
            v
        }
        None => (0..n)
            .map(|_| {
                let x: f64 = rng.r#gen();
                if x < mix.0 {
                    Cat::Promoter
                } else if x < mix.0 + mix.1 {
                    Cat::Detractor
                } else {
                    Cat::Passive
                }
            })
            .collect(),
    };
    // The planted answer takes its category first; the others go by attitude,
    // champions most likely to promote.
    let mut out = vec![(Cat::Passive, 0i16, 0i16); n];
    let mut fixed = vec![false; n];
    let mut start = 0;
    if let Some(plant) = plant {
        let (cat, nps, sat) = match plant {
            Plant::Discontent => (Cat::Promoter, 9, 4),
            Plant::Praise => (Cat::Detractor, 3, 2),
        };
        if let Some(i) = cats.iter().position(|c| *c == cat) {
            cats.remove(i);
        } else {
            cats.pop();
        }
        out[0] = (cat, nps, sat);
        fixed[0] = true;
        start = 1;
    }
    cats.sort_by_key(|c| *c as u8);
    let mut order: Vec<(f64, usize)> = (start..n)
        .map(|i| (f64::from(ranks[i]) + rng.gen_range(0.0..1.5), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    for ((_, i), cat) in order.into_iter().zip(cats) {
        let nps = match cat {
            Cat::Promoter => *[9, 10, 10].choose(rng).unwrap_or(&9),
            Cat::Passive => rng.gen_range(7..=8),
            Cat::Detractor => *[6, 6, 6, 5, 5, 4, 3, 2].choose(rng).unwrap_or(&6),
        };
        let sat = match cat {
            Cat::Promoter => [4, 5][weighted(rng, &[0.45, 0.55])],
            Cat::Passive => [3, 4, 5][weighted(rng, &[0.4, 0.5, 0.1])],
            Cat::Detractor => [1, 2, 3][weighted(rng, &[0.15, 0.4, 0.45])],
        };
        out[i] = (cat, nps, sat);
    }
    // Satisfaction within each category's range, nudged towards the mean.
    if let Some(c) = csat_target {
        let range = |cat: Cat| match cat {
            Cat::Promoter => (4, 5),
            Cat::Passive => (3, 5),
            Cat::Detractor => (1, 3),
        };
        let goal = (c * n as f64).round() as i32;
        loop {
            let sum: i32 = out.iter().map(|s| i32::from(s.2)).sum();
            let step: i16 = match goal.cmp(&sum) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => break,
            };
            let movable: Vec<usize> = (0..n)
                .filter(|&i| {
                    let (lo, hi) = range(out[i].0);
                    !fixed[i] && (lo..=hi).contains(&(out[i].2 + step))
                })
                .collect();
            let Some(&i) = movable.choose(rng) else {
                break;
            };
            out[i].2 += step;
        }
    }
    out
}

/// Tone weights (praise, complaint, mixed, neutral) of the answers to "main
/// reason" and "what to improve", by category.
fn tones(cat: Cat) -> ([f64; 4], [f64; 4]) {
    match cat {
        Cat::Promoter => ([85.0, 0.0, 0.0, 15.0], [30.0, 0.0, 10.0, 60.0]),
        Cat::Passive => ([25.0, 10.0, 40.0, 25.0], [0.0, 20.0, 25.0, 55.0]),
        Cat::Detractor => ([0.0, 80.0, 20.0, 0.0], [0.0, 65.0, 0.0, 35.0]),
    }
}

/// Texts of an ordinary answer: some left empty, the others in tune with the score
/// and never contradicting it (the flags are for the planted cases).
fn answer_texts(
    rng: &mut StdRng,
    pools: &Pools,
    lang: &str,
    cat: Cat,
    nps: i16,
    sat: i16,
) -> Vec<(&'static str, &'static str)> {
    let (reason, improve) = tones(cat);
    for _ in 0..8 {
        let mut texts = Vec::new();
        let mut sentiments = Vec::new();
        if rng.gen_bool(0.8)
            && let Some((v, score)) = pools.reasons.pick(rng, lang, reason)
        {
            texts.push(("reason", v.text));
            sentiments.push(score);
        }
        if rng.gen_bool(0.55)
            && let Some((v, score)) = pools.improve.pick(rng, lang, improve)
        {
            texts.push(("improve", v.text));
            sentiments.push(score);
        }
        if flags::flag(nps, sat, &sentiments).is_none() {
            return texts;
        }
    }
    Vec::new()
}

fn note_channel(rng: &mut StdRng, body: &str) -> &'static str {
    let lower = body.to_lowercase();
    if lower.starts_with("mail") || lower.contains("client's email") {
        "email"
    } else if lower.contains("appel") || lower.contains("call") {
        "call"
    } else if lower.contains("visite") || lower.contains("visit") {
        "visit"
    } else if lower.contains("convention") || lower.contains("event") {
        "event"
    } else {
        ["meeting", "meeting", "meeting", "call", "call", "visit"]
            .choose(rng)
            .copied()
            .unwrap_or("meeting")
    }
}

/// Everything the demo writes, drawn in memory first.
struct Demo {
    contacts: Vec<Contact>,
    campaigns: Vec<Campaign>,
    links: Vec<Link>,
    responses: Vec<Response>,
    notes: Vec<Note>,
}

fn generate(
    accounts: &[Account],
    kpi: &HashMap<(i64, &str, NaiveDate), f64>,
    today: NaiveDate,
) -> Demo {
    let yesterday = today - Duration::days(1);
    let current = quarter_start(today);
    let stale_until =
        today.checked_sub_months(Months::new(8)).unwrap_or(today) - Duration::days(10);
    let pools = Pools::new();
    let mut contacts: Vec<Contact> = Vec::new();
    let mut campaigns: Vec<Campaign> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut responses: Vec<Response> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();

    for (ai, account) in accounts.iter().enumerate() {
        let Some(profile) = PROFILES.iter().find(|p| p.slug == account.slug) else {
            continue;
        };
        let mut rng = StdRng::seed_from_u64(seed(&account.slug));
        let stale = account.slug == STALE;
        // Nothing heard at a stale account after this day.
        let until = if stale { stale_until } else { yesterday };
        let fr = account.lang == "fr";

        // Contacts: the head of purchasing first, then a spread of functions.
        let first_contact = contacts.len();
        let mut titles: Vec<&(&str, &str, &str)> = texts::TITLES.iter().skip(1).collect();
        titles.shuffle(&mut rng);
        titles.insert(0, &texts::TITLES[0]);
        let mut attitudes: Vec<&'static str> = vec!["detractor"; profile.detractors];
        while attitudes.len() < profile.contacts {
            let w: Vec<f64> = profile.attitudes.iter().map(|&x| f64::from(x)).collect();
            attitudes.push(["champion", "supporter", "neutral"][weighted(&mut rng, &w)]);
        }
        if profile.attitudes[0] >= 2 && !attitudes.contains(&"champion") {
            attitudes[profile.detractors] = "champion";
        }
        attitudes.shuffle(&mut rng);
        let mut names = HashSet::new();
        // Helios: the new purchasing director (never met yet) comes on top.
        let count = profile.contacts + usize::from(stale);
        for (ci, &&(function, title_fr, title_en)) in titles.iter().take(count).enumerate() {
            let title = if fr { title_fr } else { title_en };
            let (firsts, lasts) = if fr {
                (texts::FIRST_NAMES_FR, texts::LAST_NAMES_FR)
            } else {
                (texts::FIRST_NAMES_EN, texts::LAST_NAMES_EN)
            };
            let (first, last) = loop {
                let first = *firsts.choose(&mut rng).unwrap_or(&"Camille");
                let last = *lasts.choose(&mut rng).unwrap_or(&"Martin");
                let fits = !fr
                    || match (title_gender(title), feminine(first)) {
                        (Some(t), Some(f)) => t == f,
                        _ => true,
                    };
                if fits && names.insert(first) {
                    break (first, last);
                }
            };
            let new = stale && ci == 0;
            let attitude = if new {
                "neutral"
            } else {
                attitudes[ci - usize::from(stale)]
            };
            let last_met_on = if new {
                None
            } else if stale {
                Some(stale_until - Duration::days(rng.gen_range(0..=150)))
            } else {
                match rng.gen_range(0..20) {
                    0 => None,
                    1 | 2 => Some(today - Duration::days(rng.gen_range(320..=600))),
                    _ => Some(today - Duration::days(rng.gen_range(30..=300))),
                }
            };
            contacts.push(Contact {
                account: ai,
                name: format!("{first} {last}"),
                title,
                function,
                email: format!(
                    "{}.{}@{}.example",
                    mail_part(first),
                    mail_part(last),
                    account.slug
                ),
                influence: influence(function, title_en),
                attitude,
                last_met_on,
                created: if new {
                    today - Duration::days(rng.gen_range(120..=200))
                } else {
                    today - Duration::days(rng.gen_range(760..=900))
                },
                new,
            });
        }
        let reachable: Vec<usize> = (first_contact..contacts.len())
            .filter(|&c| !contacts[c].new)
            .collect();
        let rank = |c: &Contact| match c.attitude {
            "champion" => 0u8,
            "supporter" => 1,
            "neutral" => 2,
            _ => 3,
        };

        // Surveys: which campaign carries the planted answers.
        let plant_discontent = HIDDEN_DISCONTENT.contains(&account.slug.as_str());
        let plant_praise = account.slug == HIDDEN_PRAISE;
        let current_sent = current.max(today - Duration::days(rng.gen_range(10..=20)));
        let current_open = current_sent + Duration::days(1) <= yesterday;
        for q in 0..QUARTERS {
            let back = QUARTERS - 1 - q;
            if !back.is_multiple_of(profile.every) {
                continue;
            }
            let start = current
                .checked_sub_months(Months::new(3 * back))
                .unwrap_or(current);
            let is_current = back == 0;
            let sent = if is_current {
                current_sent
            } else {
                start + Duration::days(rng.gen_range(8..=35))
            };
            let too_late = if is_current {
                stale
            } else {
                sent + Duration::days(7) > until
            };
            if too_late {
                continue;
            }
            // Answers come between the day after sending and the close (or yesterday).
            let last_day = (sent + Duration::days(27)).min(until);
            let plant = if plant_discontent
                && ((is_current && current_open) || (back == 1 && !current_open))
            {
                Some(Plant::Discontent)
            } else if plant_praise && back == 1 {
                Some(Plant::Praise)
            } else {
                None
            };
            let ci = campaigns.len();
            campaigns.push(Campaign {
                account: ai,
                title: campaign_title(account.lang, start),
                sent,
            });
            let nps_target = kpi.get(&(account.id, "nps", start)).copied();
            let csat_target = kpi.get(&(account.id, "csat", start)).copied();

            let mut invited: Vec<usize> = reachable.clone();
            invited.shuffle(&mut rng);
            invited.truncate(rng.gen_range(profile.links.0..=profile.links.1));
            // The client user joins some campaigns, the last two surely, and the
            // current one, left open for the portal.
            let client = account.client.filter(|_| back <= 2 || rng.gen_bool(0.5));
            let total = invited.len() + usize::from(client.is_some());
            let answering = if is_current {
                if current_open {
                    let k = (invited.len() as f64 * rng.gen_range(0.25..0.5)).round() as usize;
                    k.max(usize::from(plant.is_some()))
                } else {
                    0
                }
            } else {
                let k = (total as f64 * rng.gen_range(0.65..0.9)).round() as usize;
                let floor = if nps_target.is_some() { 4 } else { 2 };
                k.max(floor).min(total)
            };
            // Who answers: contacts in invitation order (the planted one first),
            // then the client user, who answers past surveys but not the open one.
            let client_answers = client.is_some() && !is_current && answering > 0;
            let contact_answers = answering.saturating_sub(usize::from(client_answers));
            let mut respondents: Vec<usize> = Vec::new();
            for (k, &c) in invited.iter().enumerate() {
                let answered = (k < contact_answers).then(|| {
                    if plant == Some(Plant::Discontent) && k == 0 {
                        last_day
                    } else {
                        sent + Duration::days(
                            rng.gen_range(1..=(last_day - sent).num_days().max(1)),
                        )
                    }
                });
                if answered.is_some() {
                    respondents.push(links.len());
                }
                links.push(Link {
                    campaign: ci,
                    contact: Some(c),
                    user: None,
                    hash: invitations::hash(&invitations::new_token()),
                    lang: account.lang,
                    answered,
                });
            }
            if let Some(user) = client {
                let answered = client_answers.then(|| {
                    sent + Duration::days(rng.gen_range(1..=(last_day - sent).num_days().max(1)))
                });
                if answered.is_some() {
                    respondents.push(links.len());
                }
                links.push(Link {
                    campaign: ci,
                    contact: None,
                    user: Some(user),
                    hash: invitations::hash(&invitations::new_token()),
                    lang: account.lang,
                    answered,
                });
            }
            let ranks: Vec<u8> = respondents
                .iter()
                .map(|&l| links[l].contact.map_or(1, |c| rank(&contacts[c])))
                .collect();
            let drawn = scores(
                &mut rng,
                &ranks,
                nps_target,
                csat_target,
                profile.mix,
                plant,
            );
            for (k, (&l, (cat, nps, sat))) in respondents.iter().zip(drawn).enumerate() {
                let texts = match plant.filter(|_| k == 0) {
                    Some(Plant::Discontent) => {
                        let mine = pools
                            .discontent
                            .all(account.lang, |score| score <= -flags::CLEAR);
                        // Lumière and Océane say different things.
                        let pick = HIDDEN_DISCONTENT
                            .iter()
                            .position(|s| *s == account.slug)
                            .unwrap_or(0);
                        mine.get(pick % mine.len().max(1))
                            .map(|v| vec![("reason", v.text)])
                            .unwrap_or_default()
                    }
                    Some(Plant::Praise) => pools
                        .praise
                        .all(account.lang, |score| score >= flags::CLEAR)
                        .first()
                        .map(|v| vec![("reason", v.text)])
                        .unwrap_or_default(),
                    None => answer_texts(&mut rng, &pools, account.lang, cat, nps, sat),
                };
                let jitter = |rng: &mut StdRng, p: f64| {
                    rng.gen_bool(p)
                        .then(|| (sat + rng.gen_range(-1..=1)).clamp(1, 5))
                };
                let value = jitter(&mut rng, 0.85);
                let ease = jitter(&mut rng, 0.75);
                responses.push(Response {
                    account: ai,
                    link: l,
                    nps,
                    satisfaction: sat,
                    value,
                    ease,
                    texts,
                });
            }
        }

        // What the KAM heard, spread over the two years.
        let first_day = today - Duration::days(730);
        let span = (until - first_day).num_days().max(1);
        let mut days: Vec<NaiveDate> = (0..profile.notes)
            .map(|_| first_day + Duration::days(rng.gen_range(0..=span)))
            .collect();
        days.sort();
        let mut used = HashSet::new();
        for said_on in days {
            let t = (said_on - first_day).num_days() as f64 / 730.0 - 0.5;
            let [praise, complaint, mixed, neutral] = profile.tones;
            let weights = [
                (praise * (1.0 + profile.drift * t)).max(0.2),
                (complaint * (1.0 - profile.drift * t)).max(0.2),
                mixed,
                neutral,
            ];
            let mut body = None;
            for _ in 0..6 {
                if let Some((v, _)) = pools.notes.pick(&mut rng, account.lang, weights)
                    && used.insert(v.text)
                {
                    body = Some(v.text);
                    break;
                }
            }
            let (Some(body), Some(&contact)) = (body, reachable.choose(&mut rng)) else {
                continue;
            };
            notes.push(Note {
                account: ai,
                contact,
                said_on,
                channel: note_channel(&mut rng, body),
                body,
            });
        }
    }
    Demo {
        contacts,
        campaigns,
        links,
        responses,
        notes,
    }
}

pub async fn load(tx: &mut PgConnection) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    let taxonomy = store::taxonomy(&mut *tx).await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT a.id, a.slug, a.country, a.owner_id, \
                (SELECT min(u.id) FROM users u WHERE u.account_id = a.id AND u.role = 'client') \
         FROM accounts a ORDER BY a.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let accounts: Vec<Account> = rows
        .into_iter()
        .map(|(id, slug, country, owner, client)| Account {
            id,
            slug,
            lang: if matches!(country.as_str(), "FR" | "BE") {
                "fr"
            } else {
                "en"
            },
            owner,
            client,
        })
        .collect();
    // The scorecard's survey KPIs, by (account, quarter).
    let kpis: Vec<KpiRow> = sqlx::query_as(
        "SELECT k.account_id, k.code, v.period, v.value::float8 FROM kpi_values v \
         JOIN account_kpis k ON k.id = v.account_kpi_id WHERE k.code IN ('nps', 'csat')",
    )
    .fetch_all(&mut *tx)
    .await?;
    let kpi: HashMap<(i64, &str, NaiveDate), f64> = kpis
        .iter()
        .map(|(a, code, period, v)| ((*a, code.as_str(), *period), *v))
        .collect();

    let Demo {
        contacts,
        campaigns,
        links,
        responses,
        notes,
    } = generate(&accounts, &kpi, today);

    // Contacts, campaigns and links in one statement each.
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "INSERT INTO contacts (account_id, name, title, function, email, influence, attitude, \
                               counterpart_id, last_met_on, language, created_at, updated_at) \
         SELECT a, n, t, f, e, i, att, cp, met, l, cr::timestamptz, cr::timestamptz \
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                     $7::text[], $8::bigint[], $9::date[], $10::text[], $11::date[]) \
              AS u(a, n, t, f, e, i, att, cp, met, l, cr) \
         RETURNING id, account_id, email",
    )
    .bind(
        contacts
            .iter()
            .map(|c| accounts[c.account].id)
            .collect::<Vec<_>>(),
    )
    .bind(contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>())
    .bind(contacts.iter().map(|c| c.title).collect::<Vec<_>>())
    .bind(contacts.iter().map(|c| c.function).collect::<Vec<_>>())
    .bind(
        contacts
            .iter()
            .map(|c| c.email.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(contacts.iter().map(|c| c.influence).collect::<Vec<_>>())
    .bind(contacts.iter().map(|c| c.attitude).collect::<Vec<_>>())
    .bind(
        contacts
            .iter()
            .map(|c| accounts[c.account].owner)
            .collect::<Vec<_>>(),
    )
    .bind(contacts.iter().map(|c| c.last_met_on).collect::<Vec<_>>())
    .bind(
        contacts
            .iter()
            .map(|c| accounts[c.account].lang)
            .collect::<Vec<_>>(),
    )
    .bind(contacts.iter().map(|c| c.created).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let by_email: HashMap<(i64, String), i64> =
        rows.into_iter().map(|(id, a, e)| ((a, e), id)).collect();
    let contact_ids: Vec<i64> = contacts
        .iter()
        .map(|c| by_email[&(accounts[c.account].id, c.email.clone())])
        .collect();

    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "INSERT INTO survey_campaigns (account_id, title, sent_by, sent_at, closes_at, created_at) \
         SELECT a, t, b, d + time '09:00', d + time '09:00' + interval '30 days', d + time '08:30' \
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::date[]) AS u(a, t, b, d) \
         RETURNING id, account_id, title",
    )
    .bind(
        campaigns
            .iter()
            .map(|c| accounts[c.account].id)
            .collect::<Vec<_>>(),
    )
    .bind(
        campaigns
            .iter()
            .map(|c| c.title.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        campaigns
            .iter()
            .map(|c| accounts[c.account].owner)
            .collect::<Vec<_>>(),
    )
    .bind(campaigns.iter().map(|c| c.sent).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let by_title: HashMap<(i64, String), i64> =
        rows.into_iter().map(|(id, a, t)| ((a, t), id)).collect();
    let campaign_ids: Vec<i64> = campaigns
        .iter()
        .map(|c| by_title[&(accounts[c.account].id, c.title.clone())])
        .collect();

    let rows: Vec<(i64, String)> = sqlx::query_as(
        "INSERT INTO survey_links (campaign_id, contact_id, user_id, token_hash, language, expires_at, \
                                   answered_at, created_at) \
         SELECT u.c, u.ct, u.us, u.h, u.l, c.closes_at, u.ans + time '12:00', c.sent_at \
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::date[]) \
              AS u(c, ct, us, h, l, ans) \
         JOIN survey_campaigns c ON c.id = u.c \
         RETURNING id, token_hash",
    )
    .bind(
        links
            .iter()
            .map(|l| campaign_ids[l.campaign])
            .collect::<Vec<_>>(),
    )
    .bind(
        links
            .iter()
            .map(|l| l.contact.map(|c| contact_ids[c]))
            .collect::<Vec<_>>(),
    )
    .bind(links.iter().map(|l| l.user).collect::<Vec<_>>())
    .bind(links.iter().map(|l| l.hash.as_str()).collect::<Vec<_>>())
    .bind(links.iter().map(|l| l.lang).collect::<Vec<_>>())
    .bind(links.iter().map(|l| l.answered).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let by_hash: HashMap<String, i64> = rows.into_iter().map(|(id, h)| (h, id)).collect();

    // Answers and notes go through the store, which analyses every text.
    for r in &responses {
        let link = &links[r.link];
        let Some(answered_on) = link.answered else {
            continue;
        };
        let answer = Answer {
            account_id: accounts[r.account].id,
            link_id: Some(by_hash[&link.hash]),
            contact_id: link.contact.map(|c| contact_ids[c]),
            user_id: link.user,
            answered_on,
            nps: r.nps,
            satisfaction: r.satisfaction,
            value: r.value,
            ease: r.ease,
            texts: r.texts.clone(),
        };
        store::add_response(tx, &taxonomy, &answer).await?;
    }
    for n in &notes {
        let account_id = accounts[n.account].id;
        let contact_id = contact_ids[n.contact];
        let note_id: i64 = sqlx::query_scalar(
            "INSERT INTO feedback_notes (account_id, contact_id, said_on, channel, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $3 + time '18:00') RETURNING id",
        )
        .bind(account_id)
        .bind(contact_id)
        .bind(n.said_on)
        .bind(n.channel)
        .bind(accounts[n.account].owner)
        .fetch_one(&mut *tx)
        .await?;
        store::add_verbatim(
            tx,
            &taxonomy,
            account_id,
            Origin::Note(note_id),
            None,
            Some(contact_id),
            n.said_on,
            n.body,
        )
        .await?;
    }
    // A meeting or a visit is a meeting: the contact's last one moves up.
    sqlx::query(
        "UPDATE contacts c SET last_met_on = greatest(c.last_met_on, n.day) \
         FROM (SELECT contact_id, max(said_on) AS day FROM feedback_notes \
               WHERE channel IN ('meeting', 'visit') GROUP BY contact_id) n \
         WHERE n.contact_id = c.id",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nps(s: &[(Cat, i16, i16)]) -> f64 {
        let p = s.iter().filter(|x| x.1 >= 9).count() as f64;
        let d = s.iter().filter(|x| x.1 <= 6).count() as f64;
        100.0 * (p - d) / s.len() as f64
    }

    #[test]
    fn drawn_scores_land_near_the_scorecard() {
        let mut rng = StdRng::seed_from_u64(7);
        // (NPS, CSAT) pairs as the demo scorecards have them.
        let pairs = [
            (0.0, 3.7),
            (17.0, 3.52),
            (26.0, 3.8),
            (34.0, 3.9),
            (39.0, 4.2),
            (47.0, 4.4),
            (56.0, 4.55),
            (71.0, 4.67),
        ];
        for n in 4..=7 {
            for (target, csat) in pairs {
                for plant in [None, Some(Plant::Discontent), Some(Plant::Praise)] {
                    // A planted detractor among four cannot reach a high NPS (the
                    // demo plants it where the NPS is around 40).
                    if plant == Some(Plant::Praise) && target > 60.0 {
                        continue;
                    }
                    let ranks = vec![1; n];
                    let s = scores(
                        &mut rng,
                        &ranks,
                        Some(target),
                        Some(csat),
                        (0.5, 0.1),
                        plant,
                    );
                    assert_eq!(s.len(), n);
                    assert!(
                        (nps(&s) - target).abs() <= 15.0,
                        "n {n}, target {target}, plant {plant:?}: {s:?}"
                    );
                    let mean = s.iter().map(|x| f64::from(x.2)).sum::<f64>() / n as f64;
                    assert!((mean - csat).abs() <= 0.35, "csat {csat}, {plant:?}: {s:?}");
                    match plant {
                        Some(Plant::Discontent) => assert_eq!((s[0].1, s[0].2), (9, 4)),
                        Some(Plant::Praise) => assert_eq!((s[0].1, s[0].2), (3, 2)),
                        None => {}
                    }
                    for (cat, nps, sat) in s {
                        let ok = match cat {
                            Cat::Promoter => nps >= 9 && sat >= 4,
                            Cat::Passive => (7..=8).contains(&nps) && sat >= 3,
                            Cat::Detractor => nps <= 6 && sat <= 3,
                        };
                        assert!(ok, "{cat:?} {nps} {sat}");
                    }
                }
            }
        }
    }

    #[test]
    fn ordinary_answers_raise_no_flag_and_speak_the_language() {
        let tax = text::Taxonomy::default();
        let pools = Pools::new();
        let mut rng = StdRng::seed_from_u64(3);
        for lang in ["fr", "en"] {
            for (cat, nps, sat) in [
                (Cat::Promoter, 10, 5),
                (Cat::Promoter, 9, 4),
                (Cat::Passive, 8, 4),
                (Cat::Passive, 7, 3),
                (Cat::Detractor, 5, 2),
                (Cat::Detractor, 3, 1),
            ] {
                for _ in 0..50 {
                    let texts = answer_texts(&mut rng, &pools, lang, cat, nps, sat);
                    let scores: Vec<f64> = texts
                        .iter()
                        .map(|(_, t)| {
                            let a = text::analyze(t, &tax);
                            assert_eq!(a.language.code(), lang, "{t}");
                            a.score
                        })
                        .collect();
                    assert_eq!(flags::flag(nps, sat, &scores), None, "{texts:?}");
                }
            }
            // The planted texts exist in both languages.
            assert!(pools.discontent.all(lang, |s| s <= -flags::CLEAR).len() >= 2);
            assert!(!pools.praise.all(lang, |s| s >= flags::CLEAR).is_empty());
        }
    }

    /// The demo accounts as `load` reads them, and scorecard-like survey KPIs.
    fn world(today: NaiveDate) -> (Vec<Account>, Vec<KpiRow>) {
        let accounts: Vec<Account> = crate::demo::ACCOUNTS
            .iter()
            .enumerate()
            .map(|(i, a)| Account {
                id: i as i64 + 1,
                slug: a.slug.to_string(),
                lang: if matches!(a.country, "FR" | "BE") {
                    "fr"
                } else {
                    "en"
                },
                owner: Some(1),
                client: a.client.map(|_| 100 + i as i64),
            })
            .collect();
        let mut kpis = Vec::new();
        for a in &accounts {
            for back in 1..=8 {
                let start = quarter_start(today)
                    .checked_sub_months(Months::new(3 * back))
                    .unwrap();
                if !matches!(
                    a.slug.as_str(),
                    "maison-dufresne" | "sante-plus" | "meridian-telecom" | "alpine-textiles"
                ) {
                    kpis.push((a.id, "nps".to_string(), start, 40.0 + f64::from(back)));
                }
                kpis.push((a.id, "csat".to_string(), start, 4.2));
            }
        }
        (accounts, kpis)
    }

    #[test]
    fn the_story_holds_on_any_day() {
        let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let mut days: Vec<NaiveDate> = (0..366)
            .step_by(10)
            .map(|d| start + Duration::days(d))
            .collect();
        for (m, d) in [
            (1, 2),
            (3, 31),
            (4, 1),
            (4, 2),
            (6, 30),
            (7, 1),
            (9, 30),
            (10, 1),
            (12, 31),
        ] {
            days.push(NaiveDate::from_ymd_opt(2027, m, d).unwrap());
        }
        for today in days {
            let (accounts, kpis) = world(today);
            let kpi: HashMap<(i64, &str, NaiveDate), f64> = kpis
                .iter()
                .map(|(a, c, p, v)| ((*a, c.as_str(), *p), *v))
                .collect();
            let demo = generate(&accounts, &kpi, today);
            let slug = |account: usize| accounts[account].slug.as_str();
            let n = demo.responses.len();
            assert!((300..=450).contains(&n), "{today}: {n} responses");
            assert!((80..=150).contains(&demo.notes.len()), "{today}");
            let stale = today.checked_sub_months(Months::new(8)).unwrap();
            for (ai, _) in accounts.iter().enumerate() {
                let mine = demo.contacts.iter().filter(|c| c.account == ai).count();
                assert!(
                    (4..=10).contains(&mine),
                    "{today}: {} has {mine} contacts",
                    slug(ai)
                );
            }
            for c in demo.contacts.iter().filter(|c| slug(c.account) == STALE) {
                assert!(
                    c.last_met_on.is_none_or(|d| d < stale),
                    "{today}: {}",
                    c.name
                );
            }
            for nt in &demo.notes {
                assert!(nt.said_on < today);
                assert!(slug(nt.account) != STALE || nt.said_on < stale, "{today}");
            }
            for l in &demo.links {
                let c = &demo.campaigns[l.campaign];
                let close = c.sent + Duration::days(30);
                if let Some(d) = l.answered {
                    assert!(
                        d > c.sent && d < close && d < today,
                        "{today}: {d} for {}",
                        c.title
                    );
                    assert_eq!(
                        quarter_start(d),
                        quarter_start(c.sent),
                        "{today}: {}",
                        c.title
                    );
                    assert!(slug(c.account) != STALE || d < stale, "{today}");
                }
            }
            // One open survey per client user, in a campaign still open.
            for (ai, a) in accounts.iter().enumerate() {
                let Some(user) = a.client else { continue };
                let open: Vec<&Link> = demo
                    .links
                    .iter()
                    .filter(|l| l.user == Some(user) && l.answered.is_none())
                    .filter(|l| demo.campaigns[l.campaign].sent + Duration::days(30) > today)
                    .collect();
                assert_eq!(open.len(), 1, "{today}: {}", slug(ai));
            }
            // The planted answers, recent for the hidden discontent.
            for r in &demo.responses {
                let planted = r.texts.iter().any(|(_, t)| {
                    texts::HIDDEN_DISCONTENT
                        .iter()
                        .chain(texts::HIDDEN_PRAISE)
                        .any(|v| v.text == *t)
                });
                if planted {
                    assert!(
                        HIDDEN_DISCONTENT.contains(&slug(r.account))
                            || slug(r.account) == HIDDEN_PRAISE,
                        "{today}"
                    );
                }
            }
            for s in HIDDEN_DISCONTENT {
                let found = demo.responses.iter().any(|r| {
                    slug(r.account) == *s
                        && (r.nps, r.satisfaction) == (9, 4)
                        && demo.links[r.link]
                            .answered
                            .is_some_and(|d| d >= today - Duration::days(60))
                        && r.texts
                            .iter()
                            .any(|(_, t)| texts::HIDDEN_DISCONTENT.iter().any(|v| v.text == *t))
                });
                assert!(found, "{today}: no hidden discontent at {s}");
            }
            let praise = demo.responses.iter().any(|r| {
                slug(r.account) == HIDDEN_PRAISE
                    && r.texts
                        .iter()
                        .any(|(_, t)| texts::HIDDEN_PRAISE.iter().any(|v| v.text == *t))
            });
            assert!(praise, "{today}: no hidden praise");
        }
    }

    #[test]
    fn demo_e_mails_are_plain_ascii() {
        assert_eq!(mail_part("Pierre-Yves"), "pierre-yves");
        assert_eq!(mail_part("Émilie"), "emilie");
        assert_eq!(mail_part("O'Brien"), "obrien");
        assert_eq!(mail_part("Lefèvre"), "lefevre");
    }
}
