//! Voice-of-the-customer demo texts for Boussole.
//!
//! Plain, dependency-free data used to seed demo accounts with realistic
//! things that clients' contacts say about the supplier: survey answers
//! ("main reason for your score?", "what should we improve first?"), KAM
//! notes taken during meetings and calls, plus a few deliberately
//! misleading answers (negative words with a high score and the reverse)
//! so that score/text mismatch detection can be demonstrated.
//!
//! Conventions:
//! - `lang` is `"fr"` or `"en"`. French and English lists are written
//!   independently (not translations of each other) to stay natural.
//! - `themes` only uses codes from [`THEMES`]. It may be empty for generic
//!   answers such as "RAS" or "Great job"; complaints and mixed answers
//!   always carry at least one theme.
//! - `tone` is the tone of the *words*, regardless of the score given.
//! - Some texts intentionally contain emoji, one contains HTML-like markup
//!   per language (to check that the UI escapes it) and each `NOTES`
//!   language has one very long paragraph (to check wrapping/truncation).

// Not every constant is necessarily wired into the demo seeder at once;
// this is a data module, so unused items must not break `-D warnings`.
#![allow(dead_code)]

use self::Tone::{Complaint, Mixed, Neutral, Praise};

/// One thing a client contact said or wrote.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Verbatim {
    /// `"fr"` or `"en"`.
    pub lang: &'static str,
    /// Tone of the words themselves (not of the score).
    pub tone: Tone,
    /// Theme codes, all taken from [`THEMES`].
    pub themes: &'static [&'static str],
    /// The verbatim text, as the contact wrote or said it.
    pub text: &'static str,
}

/// Tone of a verbatim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tone {
    Praise,
    Complaint,
    Mixed,
    Neutral,
}

// ---------------------------------------------------------------------------
// Theme codes
// ---------------------------------------------------------------------------

pub const DELIVERY: &str = "delivery";
pub const QUALITY: &str = "quality";
pub const PRICE: &str = "price";
pub const SUPPORT: &str = "support";
pub const RESPONSIVENESS: &str = "responsiveness";
pub const RELATIONSHIP: &str = "relationship";
pub const INNOVATION: &str = "innovation";
pub const INVOICING: &str = "invoicing";
pub const COMMUNICATION: &str = "communication";
pub const OFFER: &str = "offer";

/// Every theme code a verbatim may use.
pub const THEMES: &[&str] = &[
    DELIVERY,
    QUALITY,
    PRICE,
    SUPPORT,
    RESPONSIVENESS,
    RELATIONSHIP,
    INNOVATION,
    INVOICING,
    COMMUNICATION,
    OFFER,
];

// Short constructors to keep the tables below readable.
const fn fr(tone: Tone, themes: &'static [&'static str], text: &'static str) -> Verbatim {
    Verbatim {
        lang: "fr",
        tone,
        themes,
        text,
    }
}

const fn en(tone: Tone, themes: &'static [&'static str], text: &'static str) -> Verbatim {
    Verbatim {
        lang: "en",
        tone,
        themes,
        text,
    }
}

// ---------------------------------------------------------------------------
// REASONS — answers to "What is the main reason for your score?"
//
// 80 FR + 80 EN. Per language: 32 praise (40%), 28 complaint (35%),
// 12 mixed (15%), 8 neutral (10%). Tone matches a score that is
// consistent with the words (high for praise, low for complaints).
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const REASONS: &[Verbatim] = &[
    // --- FR · praise -------------------------------------------------------
    fr(Praise, &[DELIVERY], "Livraisons OK, toujours dans les temps."),
    fr(Praise, &[RELATIONSHIP], "Très bon suivi de notre compte, on se sent écoutés."),
    fr(Praise, &[QUALITY], "Qualité irréprochable depuis deux ans, aucun lot refusé."),
    fr(Praise, &[RESPONSIVENESS], "Super réactivité de l'équipe, même le vendredi soir."),
    fr(Praise, &[PRICE], "Prix compétitifs par rapport au marché, et les engagements sont tenus."),
    fr(Praise, &[RELATIONSHIP], "Notre interlocutrice connaît parfaitement nos contraintes. C'est rare et précieux."),
    fr(Praise, &[SUPPORT], "Service client au top 👍"),
    fr(Praise, &[DELIVERY], "Les délais annoncés sont respectés, c'est tout ce qu'on demande."),
    fr(Praise, &[INVOICING], "Factures claires, sans erreur, faciles à rapprocher de nos commandes."),
    fr(Praise, &[INNOVATION, RELATIONSHIP], "Excellent partenaire, force de proposition sur l'optimisation de nos flux."),
    fr(Praise, &[QUALITY, SUPPORT], "Très satisfaits de la qualité des produits comme du service."),
    fr(Praise, &[RESPONSIVENESS, DELIVERY], "Ils nous ont dépannés en 24 h lors de la rupture de l'an dernier. On ne l'oublie pas."),
    fr(Praise, &[OFFER], "Une gamme complète : on trouve tout chez eux, ça simplifie énormément nos achats."),
    fr(Praise, &[COMMUNICATION], "Communication fluide et transparente, y compris quand il y a un problème."),
    fr(Praise, &[INNOVATION], "Le nouveau portail de commande nous fait gagner un temps fou."),
    fr(Praise, &[DELIVERY], "Fiabilité. Depuis le changement de transporteur, plus aucun colis perdu."),
    fr(Praise, &[RELATIONSHIP], "Une vraie relation de confiance, on travaille ensemble et pas simplement l'un pour l'autre."),
    fr(Praise, &[SUPPORT], "Hotline compétente qui règle les problèmes dès le premier appel."),
    fr(Praise, &[PRICE, QUALITY], "Bon rapport qualité-prix, rien à redire."),
    fr(Praise, &[INNOVATION, RELATIONSHIP], "Les pistes d'amélioration présentées en revue trimestrielle sont très pertinentes et suivies d'effets."),
    fr(Praise, &[RESPONSIVENESS], "Toujours joignables et toujours une solution. Merci à toute l'équipe !"),
    fr(Praise, &[PRICE], "Tarifs maintenus malgré l'inflation, nous l'avons beaucoup apprécié."),
    fr(Praise, &[QUALITY], "Produits conformes au cahier des charges, et les certificats arrivent sans qu'on ait à les réclamer."),
    fr(Praise, &[SUPPORT, RELATIONSHIP], "Excellent accompagnement lors du déploiement sur nos nouveaux sites."),
    fr(Praise, &[RELATIONSHIP], "Ils anticipent nos besoins avant même qu'on les exprime."),
    fr(Praise, &[], "Parfait."),
    fr(Praise, &[RELATIONSHIP, DELIVERY], "Extrêmement professionnels, du commercial jusqu'au chauffeur."),
    fr(Praise, &[OFFER, PRICE], "Des offres sur mesure adaptées à nos volumes, c'est appréciable."),
    fr(Praise, &[COMMUNICATION], "Les reportings mensuels sont clairs et arrivent toujours à l'heure."),
    fr(Praise, &[RELATIONSHIP, PRICE], "Très bonne écoute pendant la renégociation du contrat, on a trouvé un accord équilibré."),
    fr(Praise, &[DELIVERY], "Aucune rupture de stock cette année, bravo 👏"),
    fr(Praise, &[RELATIONSHIP], "Interlocuteurs stables : on n'a pas à tout réexpliquer à chaque fois."),
    // --- FR · complaint ----------------------------------------------------
    fr(Complaint, &[DELIVERY], "Pas satisfait du tout des délais de livraison ces derniers mois."),
    fr(Complaint, &[DELIVERY, COMMUNICATION], "Trop de retards, et on est toujours prévenus au dernier moment."),
    fr(Complaint, &[PRICE], "Les prix ont augmenté de 12 % sans la moindre justification."),
    fr(Complaint, &[SUPPORT], "Impossible de joindre quelqu'un au support quand on en a besoin."),
    fr(Complaint, &[INVOICING], "Erreurs de facturation à répétition, nos comptables passent des heures à tout corriger."),
    fr(Complaint, &[QUALITY], "La qualité s'est nettement dégradée depuis le changement d'usine."),
    fr(Complaint, &[RELATIONSHIP], "On a l'impression de ne plus être un client prioritaire."),
    fr(Complaint, &[DELIVERY], "Trois commandes incomplètes sur le dernier trimestre. Inacceptable."),
    fr(Complaint, &[RESPONSIVENESS, COMMUNICATION], "Aucune réponse à nos mails depuis deux semaines."),
    fr(Complaint, &[PRICE], "Trop cher par rapport à la concurrence, clairement."),
    fr(Complaint, &[QUALITY, DELIVERY], "Marchandise reçue abîmée à plusieurs reprises, l'emballage n'est pas adapté."),
    fr(Complaint, &[RELATIONSHIP], "Trois changements d'interlocuteur en un an, on repart de zéro à chaque fois."),
    fr(Complaint, &[INVOICING], "Les avoirs mettent des mois à arriver."),
    fr(Complaint, &[INNOVATION, OFFER], "Rien ne bouge depuis des années, aucune nouveauté dans l'offre."),
    fr(Complaint, &[RESPONSIVENESS, OFFER], "Délais de réponse aux demandes de devis beaucoup trop longs."),
    fr(Complaint, &[SUPPORT], "Le support technique ne connaît pas nos équipements, on doit tout leur expliquer."),
    fr(Complaint, &[PRICE, COMMUNICATION, INVOICING], "On découvre les hausses tarifaires sur la facture. Ce n'est pas sérieux."),
    fr(Complaint, &[QUALITY], "Non-conformités récurrentes et plans d'action jamais clôturés."),
    fr(Complaint, &[DELIVERY], "Vraiment déçus cette année, surtout sur la ponctualité des livraisons."),
    fr(Complaint, &[DELIVERY], "Les créneaux de livraison ne sont jamais respectés, nos quais sont saturés."),
    fr(Complaint, &[COMMUNICATION], "Communication inexistante pendant la grève : nous n'avons eu aucune information."),
    fr(Complaint, &[PRICE, INVOICING], "Frais de transport, frais d'urgence, frais d'emballage… la facture finale n'a plus rien à voir avec le devis."),
    fr(Complaint, &[RELATIONSHIP], "Le commercial ne vient que pour vendre, jamais pour comprendre nos problèmes."),
    fr(Complaint, &[SUPPORT, RESPONSIVENESS], "Pas content : nos réclamations restent ouvertes des semaines sans retour."),
    fr(Complaint, &[OFFER], "Catalogue trop limité, nous devons passer par d'autres fournisseurs pour compléter."),
    fr(Complaint, &[INVOICING], "Format de facture incompatible avec notre outil de dématérialisation, malgré nos nombreuses relances."),
    fr(Complaint, &[RESPONSIVENESS, COMMUNICATION], "Très mauvaise gestion de la dernière crise 😡"),
    fr(Complaint, &[QUALITY, RELATIONSHIP], "La qualité n'est plus au rendez-vous et personne ne semble s'en préoccuper."),
    // --- FR · mixed --------------------------------------------------------
    fr(Mixed, &[QUALITY, DELIVERY], "Bon produit mais livraisons trop souvent en retard."),
    fr(Mixed, &[RELATIONSHIP, PRICE], "Équipe sympathique et disponible. En revanche, les prix deviennent difficiles à défendre en interne."),
    fr(Mixed, &[QUALITY, RESPONSIVENESS], "La qualité est là, la réactivité beaucoup moins."),
    fr(Mixed, &[INVOICING], "Globalement satisfait, sauf pour la facturation qui reste un casse-tête."),
    fr(Mixed, &[SUPPORT, INNOVATION], "Le service est correct, sans plus. Les innovations promises tardent à venir."),
    fr(Mixed, &[RELATIONSHIP, SUPPORT], "Très bon commercial, mais l'administration des ventes ne suit pas."),
    fr(Mixed, &[PRICE, SUPPORT], "Prix intéressants, mais on paie la différence en temps perdu sur les litiges."),
    fr(Mixed, &[DELIVERY, QUALITY], "De vrais progrès sur les délais depuis six mois ; il reste du chemin sur la qualité."),
    fr(Mixed, &[OFFER, COMMUNICATION], "Offre complète et cohérente. Dommage que l'information sur les ruptures arrive si tard."),
    fr(Mixed, &[SUPPORT, RESPONSIVENESS], "Le support est compétent quand on l'obtient… le problème, c'est de l'obtenir."),
    fr(Mixed, &[QUALITY, PRICE], "On reste chez vous pour la qualité, pas pour le prix."),
    fr(Mixed, &[RELATIONSHIP], "Mieux que l'an dernier, mais pas encore au niveau de ce qui avait été promis à la signature."),
    // --- FR · neutral ------------------------------------------------------
    fr(Neutral, &[], "RAS"),
    fr(Neutral, &[], "Rien de particulier à signaler."),
    fr(Neutral, &[], "Prestation conforme au contrat."),
    fr(Neutral, &[], "Nous venons de démarrer, difficile de juger pour l'instant."),
    fr(Neutral, &[], "Un fournisseur parmi d'autres, ni mieux ni moins bien."),
    fr(Neutral, &[DELIVERY], "Je ne suis pas le bon interlocuteur pour la partie logistique."),
    fr(Neutral, &[], "Note alignée sur les résultats de notre évaluation fournisseurs annuelle."),
    fr(Neutral, &[], "Peu de commandes cette année, donc peu d'éléments pour évaluer."),
    // --- EN · praise -------------------------------------------------------
    en(Praise, &[], "Great job"),
    en(Praise, &[DELIVERY], "Deliveries always on time, zero hassle."),
    en(Praise, &[RELATIONSHIP], "Our account manager really gets our business."),
    en(Praise, &[QUALITY], "Consistently high quality. We haven't rejected a single batch in over a year."),
    en(Praise, &[RESPONSIVENESS], "Super responsive team, they usually get back to us within the hour."),
    en(Praise, &[PRICE, INVOICING], "Competitive pricing and never any surprises on the invoice."),
    en(Praise, &[SUPPORT], "The service desk is excellent: knowledgeable, friendly and fast."),
    en(Praise, &[DELIVERY, RESPONSIVENESS], "You went above and beyond during the port strike to keep our lines running."),
    en(Praise, &[INVOICING], "Clean, accurate invoices every month. Our AP team loves you for it."),
    en(Praise, &[INNOVATION, PRICE], "Proactive ideas to cut our logistics costs, which we hadn't even asked for."),
    en(Praise, &[INNOVATION], "Very happy with the new ordering platform 🙌"),
    en(Praise, &[OFFER], "Broad range, so we can consolidate most of our spend with a single supplier."),
    en(Praise, &[COMMUNICATION], "Straight talk, even when things go wrong. We really value that."),
    en(Praise, &[RELATIONSHIP], "Reliable partner. That's really the whole story."),
    en(Praise, &[SUPPORT, RELATIONSHIP], "Excellent onboarding for our two new plants, smooth from day one."),
    en(Praise, &[PRICE], "Prices held steady this year while everyone else raised theirs."),
    en(Praise, &[QUALITY], "Certificates and test reports always travel with the shipment. Makes our audits painless."),
    en(Praise, &[RELATIONSHIP, DELIVERY], "They listen, they follow up, and they deliver what they promise."),
    en(Praise, &[RESPONSIVENESS, OFFER], "Quotes come back the same day more often than not."),
    en(Praise, &[RELATIONSHIP, COMMUNICATION], "The quarterly reviews are genuinely useful, not just a sales pitch."),
    en(Praise, &[OFFER, DELIVERY], "Service levels tailored to our seasonal peaks. Exactly what we needed."),
    en(Praise, &[SUPPORT], "Top-notch technical support; they solved an issue our own engineers were stuck on."),
    en(Praise, &[RELATIONSHIP], "Honestly the best supplier we work with."),
    en(Praise, &[DELIVERY], "Not one stock-out all year. Impressive."),
    en(Praise, &[RELATIONSHIP], "Same contact person for five years, which makes everything so much easier."),
    en(Praise, &[PRICE, QUALITY], "Good value for money, and very consistent."),
    en(Praise, &[INNOVATION], "Your packaging redesign cut our waste by a third. Brilliant work."),
    en(Praise, &[RESPONSIVENESS, SUPPORT], "Always reachable, always courteous, always a solution."),
    en(Praise, &[DELIVERY, COMMUNICATION], "Tracking is accurate and the ETA emails are spot on."),
    en(Praise, &[RELATIONSHIP, DELIVERY], "Extremely professional people, from sales all the way to the drivers."),
    en(Praise, &[COMMUNICATION], "KPI reports are clear, concise and always arrive on time."),
    en(Praise, &[INVOICING, RELATIONSHIP], "You were flexible on payment terms when we needed it most. Much appreciated."),
    // --- EN · complaint ----------------------------------------------------
    en(Complaint, &[DELIVERY], "Not happy with delivery times at all lately."),
    en(Complaint, &[DELIVERY], "Shipments turn up whenever they like. We've had to build extra buffer stock just to cope."),
    en(Complaint, &[PRICE, RELATIONSHIP], "A 15% price increase with two weeks' notice is not how you treat a long-standing customer."),
    en(Complaint, &[SUPPORT], "Support tickets disappear into a black hole."),
    en(Complaint, &[INVOICING], "We've had to send back almost every invoice this year because of wrong unit prices or missing PO numbers."),
    en(Complaint, &[QUALITY], "Defect rate on the last three lots was way above the agreed threshold."),
    en(Complaint, &[RELATIONSHIP], "Feels like we're just another number to you now."),
    en(Complaint, &[DELIVERY, COMMUNICATION], "Partial deliveries without warning, again. Our production planners are furious."),
    en(Complaint, &[RESPONSIVENESS], "I had to chase the same question four times before getting an answer."),
    en(Complaint, &[PRICE], "Your rates are simply not competitive anymore."),
    en(Complaint, &[DELIVERY, QUALITY, RESPONSIVENESS], "Pallets arrived crushed twice this month and nobody from your side followed up."),
    en(Complaint, &[RELATIONSHIP], "Another new account manager? That's the third one since January."),
    en(Complaint, &[INVOICING], "Still waiting for a credit note from March."),
    en(Complaint, &[INNOVATION], "You used to be the innovative one. Now you're playing catch-up."),
    en(Complaint, &[RESPONSIVENESS, OFFER], "It takes a week to get a simple quote, and by then the opportunity is gone."),
    en(Complaint, &[SUPPORT, RESPONSIVENESS], "First-line support can't answer anything technical and escalations take forever."),
    en(Complaint, &[PRICE, COMMUNICATION, INVOICING], "Nobody warned us about the surcharge. We discovered it when the invoice landed."),
    en(Complaint, &[QUALITY], "The same quality issue keeps coming back and the 8D reports are just copy-paste."),
    en(Complaint, &[DELIVERY], "Not satisfied. On-time delivery was below 80% for most of the year."),
    en(Complaint, &[DELIVERY], "Drivers show up outside our receiving hours and expect us to unload anyway."),
    en(Complaint, &[COMMUNICATION], "Radio silence during the system outage. We had to call around to find out what was going on."),
    en(Complaint, &[PRICE, INVOICING], "Fuel surcharge, small-order fee, rush fee... the final bill never matches the quote."),
    en(Complaint, &[RELATIONSHIP, COMMUNICATION], "We only ever hear from you at contract renewal time."),
    en(Complaint, &[SUPPORT, RESPONSIVENESS], "Complaints stay open for weeks with no update. Very frustrating."),
    en(Complaint, &[OFFER], "Half of what we need isn't in your catalogue, so we end up juggling several suppliers."),
    en(Complaint, &[INVOICING], "Your invoices still can't be processed by our e-invoicing platform, despite countless reminders."),
    en(Complaint, &[QUALITY, COMMUNICATION], "Terrible handling of the recall 😤"),
    en(Complaint, &[RELATIONSHIP, SUPPORT], "Honestly, we're looking at alternatives. Service levels have dropped too far."),
    // --- EN · mixed --------------------------------------------------------
    en(Mixed, &[QUALITY, DELIVERY], "Great product, shame about the lead times."),
    en(Mixed, &[RELATIONSHIP, PRICE], "Lovely people to work with, but your pricing is getting hard to justify to our CFO."),
    en(Mixed, &[QUALITY, RESPONSIVENESS], "Quality is solid. Responsiveness, not so much."),
    en(Mixed, &[INVOICING], "Mostly satisfied, except for invoicing, which is still a mess."),
    en(Mixed, &[SUPPORT, INNOVATION], "Service is fine, nothing more. The innovations you pitched two years ago never materialised."),
    en(Mixed, &[RELATIONSHIP, SUPPORT], "Our sales rep is brilliant; the back office just can't keep up with him."),
    en(Mixed, &[PRICE, SUPPORT], "Cheap, yes, but we pay the difference in time spent on disputes."),
    en(Mixed, &[DELIVERY, QUALITY], "Lead times have improved since the summer. Still work to do on first-pass quality."),
    en(Mixed, &[OFFER, COMMUNICATION], "Strong offer overall, though stock-out alerts always come too late."),
    en(Mixed, &[SUPPORT, RESPONSIVENESS], "Support is great once you reach the right person. Getting there is the hard part."),
    en(Mixed, &[QUALITY, PRICE], "We stay with you for the quality, definitely not for the price."),
    en(Mixed, &[RELATIONSHIP], "Better than last year, but still short of what was promised when we signed."),
    // --- EN · neutral ------------------------------------------------------
    en(Neutral, &[], "N/A"),
    en(Neutral, &[], "Nothing to report."),
    en(Neutral, &[], "Service as per contract."),
    en(Neutral, &[], "We've only been working together for a couple of months, too early to tell."),
    en(Neutral, &[], "One supplier among others, no better no worse."),
    en(Neutral, &[DELIVERY], "I don't handle logistics, so I can't really comment on deliveries."),
    en(Neutral, &[], "Score reflects our annual supplier scorecard results."),
    en(Neutral, &[], "Low order volume this year, so not much to go on."),
];

// ---------------------------------------------------------------------------
// IMPROVE — answers to "What should we improve first?"
//
// 40 FR + 40 EN. Mostly concrete requests (neutral) or pointed criticism
// (complaint), with a few "nothing, keep it up" (praise) and some mixed.
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const IMPROVE: &[Verbatim] = &[
    // --- FR ----------------------------------------------------------------
    fr(Neutral, &[DELIVERY], "La ponctualité des livraisons, avant tout."),
    fr(Neutral, &[RESPONSIVENESS, SUPPORT], "Les délais de réponse du service client."),
    fr(Praise, &[], "Rien, continuez comme ça !"),
    fr(Complaint, &[DELIVERY, COMMUNICATION], "Nous prévenir AVANT un retard, pas après."),
    fr(Complaint, &[INVOICING], "La facturation : trop d'erreurs, trop d'avoirs."),
    fr(Neutral, &[RELATIONSHIP], "Un interlocuteur unique qui connaisse vraiment notre dossier."),
    fr(Neutral, &[PRICE], "Revoir la grille tarifaire pour les petits volumes."),
    fr(Neutral, &[DELIVERY, OFFER], "Proposer des créneaux de livraison le samedi matin."),
    fr(Complaint, &[QUALITY, DELIVERY], "La qualité des emballages, franchement."),
    fr(Neutral, &[INNOVATION, DELIVERY], "Un portail de suivi des commandes en temps réel."),
    fr(Neutral, &[PRICE, COMMUNICATION], "Plus de transparence sur les hausses de prix et leur calendrier."),
    fr(Complaint, &[RESPONSIVENESS], "Répondre aux mails, tout simplement."),
    fr(Complaint, &[INNOVATION], "Plus de propositions innovantes, on a l'impression de stagner."),
    fr(Neutral, &[INVOICING], "Passer à la facture électronique au format Factur-X."),
    fr(Complaint, &[QUALITY], "Suivre les plans d'action qualité jusqu'au bout, au lieu de les laisser traîner."),
    fr(Neutral, &[OFFER], "Élargir la gamme de consommables : on doit aller ailleurs pour certaines références."),
    fr(Praise, &[RELATIONSHIP], "Honnêtement pas grand-chose. Peut-être des revues de compte un peu plus fréquentes."),
    fr(Complaint, &[RESPONSIVENESS, OFFER], "Le délai d'obtention des devis : dix jours, c'est beaucoup trop."),
    fr(Neutral, &[SUPPORT], "Former la hotline à nos équipements spécifiques."),
    fr(Complaint, &[RELATIONSHIP], "Arrêter de changer de commercial tous les six mois !!!"),
    fr(Complaint, &[COMMUNICATION], "La communication en cas de crise. On a besoin d'une information claire et rapide."),
    fr(Neutral, &[INVOICING, PRICE], "Les conditions de paiement : 60 jours nous simplifieraient la vie."),
    fr(Neutral, &[PRICE, DELIVERY], "Réduire les frais de transport sur les commandes urgentes."),
    fr(Complaint, &[DELIVERY, COMMUNICATION], "Les livraisons partielles : soit tout arrive, soit on est prévenus."),
    fr(Mixed, &[SUPPORT, RESPONSIVENESS], "Vos équipes sont bien, mais l'escalade des problèmes est trop lente."),
    fr(Neutral, &[COMMUNICATION, DELIVERY], "Un reporting mensuel du taux de service, s'il vous plaît."),
    fr(Neutral, &[INNOVATION], "Être force de proposition pour réduire notre empreinte carbone 🌱"),
    fr(Neutral, &[QUALITY], "La traçabilité des lots, c'est devenu un vrai sujet lors de nos audits."),
    fr(Mixed, &[SUPPORT, RESPONSIVENESS], "Déjà très bien, mais un contact d'astreinte le week-end serait un vrai plus."),
    fr(Complaint, &[INVOICING], "Nos factures arrivent sans numéro de commande, ce qui bloque le paiement chez nous."),
    fr(Complaint, &[RESPONSIVENESS, OFFER], "La réactivité commerciale : on attend trop longtemps les retours sur nos demandes spécifiques."),
    fr(Complaint, &[PRICE], "Des prix plus lisibles. Le tarif actuel est incompréhensible."),
    fr(Neutral, &[RELATIONSHIP], "Venir nous voir plus souvent sur site."),
    fr(Complaint, &[QUALITY], "Le contrôle avant expédition, clairement insuffisant."),
    fr(Complaint, &[SUPPORT, RELATIONSHIP], "Le suivi après-vente : une fois la commande livrée, il n'y a plus personne."),
    fr(Praise, &[], "Je ne vois pas, vous êtes déjà au-dessus de nos autres fournisseurs."),
    fr(Mixed, &[OFFER, INNOVATION], "Bonne offre de base, mais il manque des services associés (stock déporté, kitting)."),
    fr(Complaint, &[DELIVERY], "Le respect des créneaux de réception. Nos quais ne peuvent pas attendre."),
    fr(Mixed, &[PRICE], "Prix corrects, mais il faudrait une vraie remise sur volume au-delà de 500 k€."),
    fr(Neutral, &[COMMUNICATION, INNOVATION], "Informer nos équipes terrain des nouveautés produit, elles ne sont jamais au courant."),
    // --- EN ----------------------------------------------------------------
    en(Neutral, &[DELIVERY], "On-time delivery, first and foremost."),
    en(Complaint, &[RESPONSIVENESS], "Get back to us faster. Two days for a simple question is too long."),
    en(Praise, &[], "Honestly nothing, keep doing what you're doing."),
    en(Complaint, &[DELIVERY, COMMUNICATION], "Tell us about delays before the truck is due, not after."),
    en(Complaint, &[INVOICING], "Billing accuracy. We spend far too much time reconciling your invoices."),
    en(Neutral, &[RELATIONSHIP], "A single point of contact who actually knows our account."),
    en(Neutral, &[PRICE], "Better pricing on low-volume orders."),
    en(Neutral, &[SUPPORT, RESPONSIVENESS], "Customer service hours that cover our US sites. The time difference makes it painful."),
    en(Complaint, &[QUALITY, DELIVERY], "Packaging. Far too many goods damaged on arrival."),
    en(Neutral, &[INNOVATION, DELIVERY], "Real-time order tracking would be a game changer."),
    en(Neutral, &[PRICE, COMMUNICATION], "More notice on price changes so we can budget for them."),
    en(Complaint, &[RESPONSIVENESS, SUPPORT], "Answer the phone."),
    en(Complaint, &[INNOVATION], "Bring us new ideas. It feels like we've been buying the same things the same way for years."),
    en(Neutral, &[INVOICING], "One consolidated monthly invoice instead of one per delivery."),
    en(Complaint, &[QUALITY], "Close out corrective actions instead of letting them drag on."),
    en(Neutral, &[OFFER, PRICE], "Add an entry-level tier to your range. Not everything we buy needs to be premium."),
    en(Praise, &[RELATIONSHIP], "Not much, really. Maybe slightly more regular account reviews."),
    en(Complaint, &[RESPONSIVENESS, OFFER], "Quote turnaround. Ten working days is not acceptable in our industry."),
    en(Neutral, &[SUPPORT], "Train your helpdesk on our specific equipment."),
    en(Complaint, &[RELATIONSHIP], "Stop rotating account managers every few months!"),
    en(Complaint, &[COMMUNICATION], "Crisis communication. We need clear, fast updates when something breaks."),
    en(Neutral, &[INVOICING, INNOVATION], "Self-service access to invoices and proofs of delivery online."),
    en(Neutral, &[PRICE, DELIVERY], "Lower the surcharge on express shipments."),
    en(Complaint, &[DELIVERY, COMMUNICATION], "Either ship the full order or warn us. Surprise partial shipments wreck our planning."),
    en(Mixed, &[SUPPORT, RESPONSIVENESS], "Your people are great, but escalation is way too slow."),
    en(Neutral, &[COMMUNICATION, DELIVERY], "Monthly service-level reporting, please."),
    en(Neutral, &[INNOVATION, DELIVERY], "Help us cut our carbon footprint: greener transport options, recycled packaging ♻️"),
    en(Complaint, &[QUALITY], "Certificates of conformity should come with every shipment, not only when we ask."),
    en(Mixed, &[SUPPORT, RESPONSIVENESS], "Already very good, but an on-call contact at weekends would help a lot."),
    en(Complaint, &[INVOICING], "Put our PO number on every invoice. Without it, payment gets blocked on our side."),
    en(Neutral, &[RESPONSIVENESS, OFFER], "Faster feedback from sales on custom requests."),
    en(Complaint, &[PRICE], "Simplify your price list. Nobody here understands it."),
    en(Neutral, &[RELATIONSHIP], "More senior involvement from your side. We only ever see the sales rep."),
    en(Complaint, &[QUALITY], "Pre-shipment inspection. Too many defects slip through."),
    en(Complaint, &[SUPPORT, RELATIONSHIP], "After-sales follow-up: once the order is delivered, you disappear."),
    en(Praise, &[], "Can't think of anything, you're already ahead of our other suppliers."),
    en(Mixed, &[OFFER, INNOVATION], "Core offer is solid, but we'd like value-added services such as vendor-managed inventory."),
    en(Complaint, &[DELIVERY], "Stick to the booked receiving slots."),
    en(Mixed, &[PRICE], "Pricing is fair, though we'd expect a proper volume rebate above 500k."),
    en(Neutral, &[SUPPORT, OFFER], "Better product training for our maintenance technicians."),
];

// ---------------------------------------------------------------------------
// NOTES — what the client said in meetings/calls, as noted by the KAM.
//
// 40 FR + 40 EN, written in the KAM's voice ("Le directeur achats a
// insisté sur…", "Procurement lead said…"). Each language includes one
// pasted e-mail subject with HTML-like markup and one very long
// meeting-recap paragraph.
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const NOTES: &[Verbatim] = &[
    // --- FR ----------------------------------------------------------------
    fr(Neutral, &[DELIVERY], "Le directeur achats a insisté sur la nécessité de tenir les délais pendant le pic de fin d'année."),
    fr(Praise, &[QUALITY], "La responsable qualité s'est dite très satisfaite du dernier audit : zéro écart majeur."),
    fr(Complaint, &[INVOICING, RELATIONSHIP], "Appel tendu avec le DAF. Trois factures contestées, il veut un interlocuteur dédié d'ici la fin du mois."),
    fr(Complaint, &[PRICE], "Le client envisage un appel d'offres l'an prochain : il juge nos prix 8 % au-dessus du marché."),
    fr(Praise, &[RESPONSIVENESS, DELIVERY], "Très bon retour du directeur des opérations sur notre gestion de la rupture de mars."),
    fr(Complaint, &[DELIVERY, INVOICING], "Mme Lefèvre a rappelé que nos bons de livraison sont toujours incomplets, ce qui bloque leur réception."),
    fr(Neutral, &[INNOVATION], "Le nouveau DSI souhaite connecter notre portail à leur ERP ; il demande une API."),
    fr(Mixed, &[PRICE, RELATIONSHIP], "Revue trimestrielle : satisfaction globale en hausse, mais ils attendent toujours le plan de réduction des coûts promis."),
    fr(Praise, &[DELIVERY], "Le responsable supply chain nous a remerciés pour notre souplesse sur les créneaux de livraison."),
    fr(Complaint, &[QUALITY, RESPONSIVENESS], "Le client se plaint de ne jamais avoir de retour sur ses réclamations qualité."),
    fr(Praise, &[RELATIONSHIP], "Déjeuner avec la directrice générale : relation très cordiale, elle apprécie la stabilité de notre équipe."),
    fr(Complaint, &[PRICE], "L'acheteur a été très clair : « si les prix bougent encore, on consulte ailleurs »."),
    fr(Praise, &[INNOVATION, DELIVERY], "Visite de notre plateforme : ils ont été impressionnés par le nouvel entrepôt automatisé."),
    fr(Neutral, &[INVOICING], "La comptabilité fournisseurs demande un format de facture unique pour toutes nos entités."),
    fr(Neutral, &[COMMUNICATION, INNOVATION], "Le directeur marketing veut être associé plus tôt à nos lancements produits."),
    fr(Mixed, &[SUPPORT, RESPONSIVENESS], "Remarque du chef d'atelier : la hotline est bien, mais introuvable après 18 h."),
    fr(Neutral, &[OFFER, INNOVATION], "Le client a évoqué, sans insister, un concurrent qui propose du stock déporté."),
    fr(Complaint, &[DELIVERY], "Le responsable logistique a prévenu : encore un retard et il remonte le sujet à sa direction."),
    fr(Neutral, &[COMMUNICATION, DELIVERY], "Ils veulent un reporting mensuel sur le taux de service et le délai moyen de livraison."),
    fr(Praise, &[SUPPORT], "Très satisfaits de la formation dispensée à leurs techniciens la semaine dernière 👍"),
    fr(Complaint, &[OFFER, PRICE], "Le directeur achats trouve notre offre trop complexe et réclame un catalogue simplifié."),
    fr(Praise, &[QUALITY, RELATIONSHIP], "Réunion constructive avec la qualité : plan d'action commun sur les non-conformités validé."),
    fr(Complaint, &[DELIVERY, RESPONSIVENESS], "Mail du responsable entrepôt reçu ce matin, objet : « <b>urgent</b> : rupture sur la réf. 4471, rappelez-moi »."),
    fr(Praise, &[INVOICING], "La DAF a salué la clarté de nos nouvelles factures : elles passent désormais sans aucune saisie manuelle."),
    fr(Complaint, &[COMMUNICATION, RELATIONSHIP], "Le client reproche qu'on ne le prévienne jamais de nos changements d'organisation."),
    fr(Neutral, &[PRICE, RELATIONSHIP], "Renégociation : ils sont ouverts à un contrat de trois ans si nous garantissons les prix."),
    fr(Praise, &[INNOVATION], "Le directeur R&D aimerait co-développer avec nous un emballage réutilisable."),
    fr(Praise, &[RESPONSIVENESS, OFFER], "L'acheteuse trouve nos délais de devis « très corrects » comparés aux autres fournisseurs."),
    fr(Complaint, &[DELIVERY, QUALITY], "Le responsable de site n'a pas caché sa frustration : deux livraisons abîmées la même semaine."),
    fr(Mixed, &[PRICE, INVOICING], "Bon échange avec le contrôleur de gestion sur les frais annexes ; il accepte la nouvelle grille mais veut plus de visibilité."),
    fr(Neutral, &[SUPPORT, RELATIONSHIP], "Le directeur industriel souhaite la présence de notre technicien sur site une fois par mois."),
    fr(Mixed, &[QUALITY, SUPPORT], "Ils sont contents du produit, beaucoup moins du suivi après-vente."),
    fr(Neutral, &[], "Point rapide avec l'assistante achats : commande de réassort confirmée, rien de particulier."),
    fr(Praise, &[RELATIONSHIP], "Le président du groupe a cité notre partenariat en exemple lors de leur convention fournisseurs."),
    fr(Complaint, &[INVOICING], "Le client n'a toujours pas reçu l'avoir de janvier et commence à bloquer nos règlements."),
    fr(Mixed, &[RESPONSIVENESS, COMMUNICATION], "La cheffe de projet apprécie notre réactivité mais trouve nos comptes rendus beaucoup trop longs."),
    fr(Neutral, &[QUALITY], "Le responsable qualité exigera des certificats matière pour chaque lot à partir de juin."),
    fr(Neutral, &[OFFER], "Pas de sujet bloquant ; ils attendent surtout notre nouvelle offre de services logistiques."),
    fr(Complaint, &[PRICE], "Le directeur achats s'est montré très remonté contre la dernière hausse tarifaire 😠"),
    // Very long paragraph: tests wrapping, truncation and "read more".
    fr(
        Mixed,
        &[RELATIONSHIP, PRICE, DELIVERY, QUALITY, INVOICING, INNOVATION],
        "Revue annuelle avec le comité de direction du client. Le directeur général a ouvert la réunion en \
         soulignant la qualité de la relation et la stabilité de nos équipes, qu'il considère comme un vrai \
         avantage par rapport aux autres fournisseurs du panel. Le directeur achats a ensuite rappelé que \
         l'objectif de réduction des coûts de 5 % fixé l'an dernier n'a été atteint qu'à moitié, qu'il devra \
         s'en justifier devant son propre comité et qu'il attend une proposition chiffrée avant la fin du \
         trimestre. Côté supply chain, la responsable a reconnu une nette amélioration du taux de service \
         depuis septembre, mais a listé plusieurs incidents sur le site de Lyon (créneaux non respectés, \
         palettes mal filmées, bons de livraison incomplets) et demandé un point hebdomadaire jusqu'à \
         stabilisation. La qualité n'a rien signalé de majeur, hormis la lenteur de clôture des réclamations. \
         La DAF s'est plainte, une fois de plus, des erreurs de facturation sur les frais de transport et \
         souhaite passer à la facture électronique dès janvier. Enfin, le directeur R&D s'est montré très \
         intéressé par nos travaux sur les emballages réutilisables et propose un pilote commun au printemps. \
         Ambiance globalement positive, mais avec le renouvellement du contrat en juin, les sujets prix et \
         facturation deviennent prioritaires.",
    ),
    // --- EN ----------------------------------------------------------------
    en(Complaint, &[PRICE], "Procurement lead said they'll run a full tender next year unless we close the price gap."),
    en(Praise, &[QUALITY], "Head of Quality was very pleased with the audit results: no major findings."),
    en(Complaint, &[INVOICING, RELATIONSHIP], "Tense call with the CFO about disputed invoices. He wants a named billing contact by month-end."),
    en(Praise, &[DELIVERY, RESPONSIVENESS], "Ops director thanked us for keeping their line supplied during the flood."),
    en(Praise, &[DELIVERY, RELATIONSHIP], "Their logistics manager joked that our drivers know the site better than their own staff."),
    en(Neutral, &[INNOVATION], "Client wants API access so they can push orders straight from SAP."),
    en(Mixed, &[PRICE, RELATIONSHIP], "QBR: overall satisfaction is up, but they're still waiting for the cost-down roadmap we promised in Q1."),
    en(Complaint, &[RESPONSIVENESS, OFFER], "Buyer complained that our quotes take so long they've lost two of their own bids because of it."),
    en(Praise, &[RELATIONSHIP], "Coffee with the COO. Warm relationship; she values that we never overpromise."),
    en(Complaint, &[DELIVERY], "Supply chain director flagged repeated short shipments at the Leeds site."),
    en(Neutral, &[INVOICING], "AP team asked for one consolidated invoice per month across all their entities."),
    en(Mixed, &[SUPPORT, RESPONSIVENESS], "Maintenance lead: helpdesk is good but unreachable after 6pm, which is exactly when their night shift needs it."),
    en(Neutral, &[OFFER], "They mentioned a competitor offering consignment stock. Not a threat yet, but worth watching."),
    en(Complaint, &[DELIVERY], "Plant manager was blunt: one more late delivery and he escalates to his VP."),
    en(Neutral, &[COMMUNICATION, DELIVERY], "Asked for a monthly OTIF report and a lead-time trend."),
    en(Praise, &[SUPPORT], "Great feedback on last week's technician training 🎉"),
    en(Complaint, &[PRICE, OFFER], "Procurement finds our price list confusing and wants a simplified catalogue."),
    en(Praise, &[QUALITY, RELATIONSHIP], "Joint session with their quality team went well; we agreed a shared action plan on non-conformities."),
    en(Complaint, &[DELIVERY, COMMUNICATION], "Pasted from the client's email: \"<b>urgent</b> - please confirm the new delivery date before Friday\"."),
    en(Praise, &[INVOICING], "Their CFO praised the new invoice layout; invoices now go straight through their AP workflow."),
    en(Complaint, &[COMMUNICATION, RELATIONSHIP], "Client feels we never tell them about organisational changes on our side."),
    en(Neutral, &[PRICE, RELATIONSHIP], "Renewal talks: open to a three-year deal if we lock in prices."),
    en(Praise, &[INNOVATION], "R&D director would like to co-develop a returnable packaging solution with us."),
    en(Praise, &[RESPONSIVENESS, OFFER], "Buyer said our quote turnaround is \"the best in the panel\"."),
    en(Complaint, &[DELIVERY, QUALITY], "Site manager didn't hide his frustration: two damaged deliveries in the same week."),
    en(Mixed, &[PRICE, INVOICING], "Controller accepted the new surcharge grid but wants better visibility before each invoice run."),
    en(Neutral, &[SUPPORT, RELATIONSHIP], "Engineering wants one of our technicians on site once a month."),
    en(Mixed, &[QUALITY, SUPPORT], "Happy with the product, much less so with after-sales follow-up."),
    en(Neutral, &[], "Quick call with the purchasing assistant. Replenishment order confirmed, nothing else to report."),
    en(Praise, &[RELATIONSHIP], "Group CEO cited us as a model partner at their supplier day."),
    en(Complaint, &[INVOICING], "Still no credit note for January; they've started holding back our payments."),
    en(Mixed, &[RESPONSIVENESS, COMMUNICATION], "Project manager likes how quickly we react but finds our meeting minutes far too long."),
    en(Neutral, &[QUALITY], "Quality manager will require material certificates with every lot from June onwards."),
    en(Neutral, &[OFFER], "No blocking issues; they're mainly waiting for our new logistics services offer."),
    en(Complaint, &[PRICE, RELATIONSHIP], "Head of Procurement cut the call short when I brought up the indexation clause. Trust needs rebuilding."),
    en(Praise, &[INNOVATION], "IT manager says the EDI link has been rock solid since go-live."),
    en(Complaint, &[DELIVERY, COMMUNICATION], "Supply planner said our ETA emails are often off by a day or two, which makes them useless to her."),
    en(Praise, &[INNOVATION, RELATIONSHIP], "Their sales director invited us to present our sustainability roadmap at their customer event."),
    en(Neutral, &[PRICE, INVOICING], "Finance asked whether we could switch from annual to quarterly rebates."),
    // Very long paragraph: tests wrapping, truncation and "read more".
    en(
        Mixed,
        &[RELATIONSHIP, DELIVERY, OFFER, INNOVATION, INVOICING, SUPPORT],
        "Two-hour call with the new VP of Supply Chain, who joined six weeks ago and is clearly reviewing \
         every supplier relationship from scratch. She opened by saying she had heard good things about us \
         internally, especially the way we handled the port disruption last spring, but that goodwill alone \
         won't carry the renewal. Her main concerns, in order: on-time-in-full has hovered around 91% when \
         their target is 97%; our lead times on the specialty range are two weeks longer than those of the \
         supplier she used in her previous role; and nobody on our side has ever presented a real \
         continuous-improvement plan. She was also surprised that invoices still arrive as PDFs by email and \
         asked whether we can support their e-invoicing platform by Q3. On the positive side, she liked the \
         idea of a joint packaging pilot and said her team speaks very highly of our customer service desk. \
         She wants a written response on all points within a month and will decide on the tender scope after \
         that. Tone was professional and direct, not hostile, but we should treat this account as at risk.",
    ),
];

// ---------------------------------------------------------------------------
// HIDDEN_DISCONTENT — clearly negative words given with a HIGH score
// (politeness, habit, loyalty to the people). Tone is that of the words:
// always `Complaint`. Used to demo "score says fine, text says otherwise".
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const HIDDEN_DISCONTENT: &[Verbatim] = &[
    // --- FR ----------------------------------------------------------------
    fr(Complaint, &[DELIVERY, RESPONSIVENESS], "Note correcte par habitude, mais franchement les retards de livraison deviennent insupportables et personne ne répond au téléphone."),
    fr(Complaint, &[QUALITY, RELATIONSHIP], "Je mets une bonne note parce qu'on travaille ensemble depuis longtemps, mais la qualité des derniers lots est tout simplement inacceptable."),
    fr(Complaint, &[INVOICING], "Bonne note quand même. Cela dit, les erreurs de facturation nous font perdre un temps fou chaque mois et rien n'est jamais corrigé."),
    fr(Complaint, &[PRICE, SUPPORT, RELATIONSHIP], "Je ne veux pas pénaliser le commercial, qui est très sympathique, mais vos prix sont devenus délirants et le support est aux abonnés absents."),
    fr(Complaint, &[COMMUNICATION, DELIVERY], "9/10 pour la forme. En réalité nous sommes très déçus : aucune information pendant la rupture, nous l'avons apprise par nos propres clients."),
    fr(Complaint, &[RESPONSIVENESS, RELATIONSHIP], "Pas de raison de mettre moins, on a nos habitudes… mais c'est de pire en pire côté réactivité et on commence sérieusement à regarder ailleurs."),
    fr(Complaint, &[DELIVERY, QUALITY, SUPPORT], "Tout va bien 🙂 sauf que les livraisons arrivent systématiquement en retard, souvent abîmées, et que nos réclamations restent sans réponse."),
    // --- EN ----------------------------------------------------------------
    en(Complaint, &[DELIVERY, RESPONSIVENESS], "High score out of loyalty, but the last six months have been a disaster on deliveries and nobody ever calls us back."),
    en(Complaint, &[QUALITY, RELATIONSHIP], "I don't want to get anyone in trouble, so 9. But the defect rate is terrible and we're seriously considering switching."),
    en(Complaint, &[INVOICING], "Fine overall, I guess. Invoices are wrong every single month though, and it's driving our finance team crazy."),
    en(Complaint, &[PRICE, SUPPORT, RELATIONSHIP], "The people are nice, which is why the score is high, but your prices are outrageous and support is useless."),
    en(Complaint, &[COMMUNICATION], "10 because I had to pick something. Truthfully, we're fed up with the total lack of communication during incidents."),
    en(Complaint, &[DELIVERY, RELATIONSHIP], "Good as always 🙂 Except the last three orders were late, incomplete, and nobody even apologised."),
    en(Complaint, &[SUPPORT, RESPONSIVENESS], "Happy to give a good score, but I have to say the support desk has become painfully slow and tickets just get closed without a fix."),
];

// ---------------------------------------------------------------------------
// HIDDEN_PRAISE — clearly positive words given with a LOW score (scale
// misread, "nobody deserves a 10" culture, score meant for another
// supplier…). Tone is that of the words: always `Praise`.
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const HIDDEN_PRAISE: &[Verbatim] = &[
    // --- FR ----------------------------------------------------------------
    fr(Praise, &[RELATIONSHIP, RESPONSIVENESS, DELIVERY], "Équipe formidable et toujours disponible, livraisons parfaites."),
    fr(Praise, &[QUALITY], "Excellente qualité, rien à redire. Merci pour votre sérieux."),
    fr(Praise, &[RELATIONSHIP], "Je crois que je me suis trompé d'échelle : vous êtes de loin notre meilleur fournisseur !"),
    fr(Praise, &[SUPPORT, RESPONSIVENESS], "Très bon service, vraiment. Le support nous a sauvés plus d'une fois."),
    // --- EN ----------------------------------------------------------------
    en(Praise, &[RELATIONSHIP, RESPONSIVENESS, DELIVERY], "Fantastic team, always there when we need them. Deliveries are flawless."),
    en(Praise, &[QUALITY, PRICE], "Outstanding quality and very fair prices, couldn't ask for more."),
    en(Praise, &[RELATIONSHIP], "Sorry, I thought 1 was the best score! You guys are great."),
    en(Praise, &[INVOICING, RESPONSIVENESS], "Really impressed with how quickly you sorted out our invoicing issue."),
];

// ---------------------------------------------------------------------------
// Demo contact names (20 each). Mixed genders and origins, realistic for
// French and English-speaking client organisations.
// ---------------------------------------------------------------------------

#[rustfmt::skip] // keep the compact table layout
pub const FIRST_NAMES_FR: &[&str] = &[
    "Camille", "Julien", "Nathalie", "Thomas", "Sophie", "Nicolas", "Isabelle", "Laurent",
    "Émilie", "Olivier", "Claire", "Sébastien", "Aurélie", "Mathieu", "Céline", "François",
    "Hélène", "Pierre-Yves", "Manon", "Karim",
];

#[rustfmt::skip] // keep the compact table layout
pub const LAST_NAMES_FR: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Roux", "Girard", "Fontaine",
    "Rousseau", "Mercier", "Blanc", "Chevalier", "Garnier", "Faure", "Perrin", "Morel",
    "Lambert", "Bonnet", "Benali", "Nguyen",
];

#[rustfmt::skip] // keep the compact table layout
pub const FIRST_NAMES_EN: &[&str] = &[
    "Emma", "James", "Olivia", "Daniel", "Sarah", "Michael", "Hannah", "David",
    "Rachel", "Andrew", "Laura", "Christopher", "Megan", "Thomas", "Priya", "Ryan",
    "Rebecca", "Samuel", "Chloe", "Marcus",
];

#[rustfmt::skip] // keep the compact table layout
pub const LAST_NAMES_EN: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Taylor", "Davies", "Wilson", "Evans",
    "Thompson", "Walker", "Wright", "Robinson", "Hughes", "Clarke", "Patel", "Murphy",
    "Edwards", "Harris", "Cooper", "O'Brien",
];

// ---------------------------------------------------------------------------
// Contact job titles: (function code, title FR, title EN). Covers every
// code in FUNCTIONS; key functions (purchasing, supply chain, finance,
// operations) have two levels.
// ---------------------------------------------------------------------------

/// Every function code used in [`TITLES`].
pub const FUNCTIONS: &[&str] = &[
    "purchasing",
    "supply_chain",
    "quality",
    "finance",
    "marketing",
    "it",
    "operations",
    "management",
    "rnd",
    "sales",
];

#[rustfmt::skip] // keep the compact table layout
pub const TITLES: &[(&str, &str, &str)] = &[
    ("purchasing", "Directrice des achats", "Head of Purchasing"),
    ("purchasing", "Acheteur famille", "Category Buyer"),
    ("supply_chain", "Directeur supply chain", "Supply Chain Director"),
    ("supply_chain", "Responsable logistique", "Logistics Manager"),
    ("quality", "Responsable qualité fournisseurs", "Supplier Quality Manager"),
    ("finance", "Directrice administrative et financière", "Chief Financial Officer"),
    ("finance", "Responsable comptabilité fournisseurs", "Accounts Payable Manager"),
    ("marketing", "Directeur marketing", "Marketing Director"),
    ("it", "Directeur des systèmes d'information", "Chief Information Officer"),
    ("operations", "Directeur des opérations", "Operations Director"),
    ("operations", "Responsable de site", "Site Manager"),
    ("management", "Directeur général", "Chief Executive Officer"),
    ("rnd", "Responsable R&D", "R&D Manager"),
    ("sales", "Directrice commerciale", "Sales Director"),
];

// ---------------------------------------------------------------------------
// Tests: counts, tone balance, theme codes, text hygiene, uniqueness.
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn count(list: &[Verbatim], lang: &str, tone: Option<Tone>) -> usize {
        list.iter()
            .filter(|v| {
                v.lang == lang
                    && match tone {
                        Some(t) => v.tone == t,
                        None => true,
                    }
            })
            .count()
    }

    fn all_lists() -> [(&'static str, &'static [Verbatim]); 5] {
        [
            ("REASONS", REASONS),
            ("IMPROVE", IMPROVE),
            ("NOTES", NOTES),
            ("HIDDEN_DISCONTENT", HIDDEN_DISCONTENT),
            ("HIDDEN_PRAISE", HIDDEN_PRAISE),
        ]
    }

    #[test]
    fn minimum_counts_per_language() {
        let minimums = [
            ("REASONS", REASONS, 80),
            ("IMPROVE", IMPROVE, 40),
            ("NOTES", NOTES, 40),
            ("HIDDEN_DISCONTENT", HIDDEN_DISCONTENT, 6),
            ("HIDDEN_PRAISE", HIDDEN_PRAISE, 3),
        ];
        for (name, list, min) in minimums {
            for lang in ["fr", "en"] {
                let n = count(list, lang, None);
                assert!(n >= min, "{name}/{lang}: {n} < {min}");
            }
        }
    }

    #[test]
    fn reasons_tone_balance() {
        // Target per language: 40% praise, 35% complaint, 15% mixed,
        // 10% neutral, each within ±5 points.
        let targets = [
            (Praise, 40.0),
            (Complaint, 35.0),
            (Mixed, 15.0),
            (Neutral, 10.0),
        ];
        for lang in ["fr", "en"] {
            let total = count(REASONS, lang, None) as f64;
            for (tone, target) in targets {
                let pct = 100.0 * count(REASONS, lang, Some(tone)) as f64 / total;
                assert!(
                    (pct - target).abs() <= 5.0,
                    "REASONS/{lang}/{tone:?}: {pct:.1}% (target {target}%)"
                );
            }
        }
    }

    #[test]
    fn every_list_has_a_realistic_mix() {
        for (name, list) in [("IMPROVE", IMPROVE), ("NOTES", NOTES)] {
            for lang in ["fr", "en"] {
                for tone in [Praise, Complaint, Mixed, Neutral] {
                    assert!(
                        count(list, lang, Some(tone)) > 0,
                        "{name}/{lang} has no {tone:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn hidden_lists_have_the_expected_word_tone() {
        assert!(HIDDEN_DISCONTENT.iter().all(|v| v.tone == Complaint));
        assert!(HIDDEN_PRAISE.iter().all(|v| v.tone == Praise));
    }

    #[test]
    fn languages_and_themes_are_valid() {
        for (name, list) in all_lists() {
            for v in list {
                assert!(
                    v.lang == "fr" || v.lang == "en",
                    "{name}: bad lang in {:?}",
                    v.text
                );
                let mut seen = HashSet::new();
                for theme in v.themes {
                    assert!(
                        THEMES.contains(theme),
                        "{name}: unknown theme {theme:?} in {:?}",
                        v.text
                    );
                    assert!(
                        seen.insert(*theme),
                        "{name}: duplicate theme {theme:?} in {:?}",
                        v.text
                    );
                }
                if matches!(v.tone, Complaint | Mixed) {
                    assert!(
                        !v.themes.is_empty(),
                        "{name}: complaint/mixed without theme: {:?}",
                        v.text
                    );
                }
            }
        }
    }

    #[test]
    fn every_theme_is_used_in_both_languages() {
        for theme in THEMES {
            for lang in ["fr", "en"] {
                let used = all_lists()
                    .iter()
                    .flat_map(|(_, list)| list.iter())
                    .any(|v| v.lang == lang && v.themes.contains(theme));
                assert!(used, "theme {theme} unused in {lang}");
            }
        }
    }

    #[test]
    fn texts_are_non_empty_trimmed_and_unique() {
        let mut seen = HashSet::new();
        for (name, list) in all_lists() {
            for v in list {
                assert!(!v.text.trim().is_empty(), "{name}: empty text");
                assert_eq!(v.text, v.text.trim(), "{name}: untrimmed text {:?}", v.text);
                assert!(
                    !v.text.contains("  "),
                    "{name}: double space in {:?}",
                    v.text
                );
                assert!(seen.insert(v.text), "{name}: duplicate text {:?}", v.text);
            }
        }
    }

    #[test]
    fn display_edge_cases_are_present() {
        let all: Vec<&Verbatim> = all_lists().iter().flat_map(|(_, l)| l.iter()).collect();
        // HTML-like markup, to check the UI escapes it.
        assert!(all.iter().any(|v| v.text.contains("<b>urgent</b>")));
        // Emoji (non-BMP characters).
        assert!(
            all.iter()
                .filter(|v| v.text.chars().any(|c| c as u32 >= 0x1F000))
                .count()
                >= 4
        );
        // Very long paragraphs.
        assert!(
            all.iter()
                .any(|v| v.lang == "fr" && v.text.chars().count() > 1000)
        );
        assert!(
            all.iter()
                .any(|v| v.lang == "en" && v.text.chars().count() > 1000)
        );
        // Very short answers.
        assert!(all.iter().any(|v| v.text.chars().count() <= 5));
    }

    #[test]
    fn names_are_twenty_unique_each() {
        for (name, list) in [
            ("FIRST_NAMES_FR", FIRST_NAMES_FR),
            ("LAST_NAMES_FR", LAST_NAMES_FR),
            ("FIRST_NAMES_EN", FIRST_NAMES_EN),
            ("LAST_NAMES_EN", LAST_NAMES_EN),
        ] {
            assert_eq!(list.len(), 20, "{name}");
            let unique: HashSet<_> = list.iter().collect();
            assert_eq!(unique.len(), 20, "{name} has duplicates");
            assert!(
                list.iter().all(|n| !n.trim().is_empty()),
                "{name} has an empty name"
            );
        }
    }

    #[test]
    fn titles_cover_every_function() {
        assert!((12..=16).contains(&TITLES.len()));
        for (function, fr_title, en_title) in TITLES {
            assert!(FUNCTIONS.contains(function), "unknown function {function}");
            assert!(!fr_title.is_empty() && !en_title.is_empty());
        }
        for function in FUNCTIONS {
            assert!(
                TITLES.iter().any(|(f, _, _)| f == function),
                "no title for {function}"
            );
        }
        let fr: HashSet<_> = TITLES.iter().map(|t| t.1).collect();
        let en: HashSet<_> = TITLES.iter().map(|t| t.2).collect();
        assert_eq!(fr.len(), TITLES.len());
        assert_eq!(en.len(), TITLES.len());
    }
}
