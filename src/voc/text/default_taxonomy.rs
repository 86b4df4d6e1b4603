//! The built-in B2B theme taxonomy, a starting point that admins edit in the app.
//!
//! Keywords are comma-separated exactly as an admin would type them, so this file also
//! exercises [`super::parse_keywords`]. Very generic words ("commande", "order",
//! "service") are deliberately absent: they appear in most feedback and would tag
//! everything.

use super::themes::Theme;

/// (code, name_fr, name_en, keywords_fr, keywords_en)
const THEMES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "delivery",
        "Livraison et logistique",
        "Delivery & logistics",
        "livr*, expédi*, colis, transporteur*, transport, logistique, acheminement, \
         enlèvement, réception, en retard, retard de livraison, à temps, à l'heure, \
         dans les délais, hors délai*, délai de livraison, délais de livraison, \
         rupture*, stock, stocks, reliquat*, palette*, quai, emballage*, emballé*, \
         approvisionnement*, suivi des commandes, suivi de commande, entrepôt*",
        "deliver*, shipment*, shipping, ship, shipped, parcel*, carrier*, freight, \
         logistics, lead time*, on time, late delivery, delay*, backorder*, back order*, \
         stockout*, stock out*, out of stock, in stock, stock, pallet*, packaging, packed, \
         dispatch*, transit, courier*, warehouse*, shortage*, order tracking, goods, \
         supply chain",
    ),
    (
        "quality",
        "Qualité",
        "Quality",
        "qualit*, défaut*, défectu*, conforme, conformes, conformité, non-conformité, \
         fiabilit*, fiable*, panne*, cassé*, casse, abîm*, endommag*, produit, produits, \
         pièce*, lot, lots, rappel produit, robust*, durabilit*, bug*, bogue*, plante, \
         plantage*, dysfonctionn*, finition*, tolérance*, contrôle qualité, audit*, \
         stabilit*, stable*",
        "quality, defect*, faulty, non-conform*, nonconform*, reliab*, unreliab*, \
         broke, broken, breakdown*, break down, damag*, bug*, buggy, crash*, glitch*, \
         recall*, batch*, lot, product, products, parts, tolerance*, audit*, \
         malfunction*, stable, stability, flawless, workmanship",
    ),
    (
        "price",
        "Prix et conditions tarifaires",
        "Price",
        "prix, tarif*, coût*, cout*, cher, chère, chers, chères, onéreu*, coûteu*, \
         remise*, rabais, devis, hausse tarifaire, augmentation tarifaire, budget*, \
         promotion*, compétitivité, prix compétitifs, marge*, frais, rapport qualité-prix, \
         surfactur*",
        "price*, pricing, cost*, costly, expensive, cheap*, afford*, rate, rates, fee, fees, \
         discount*, quote, quotes, quotation*, budget*, overpriced, overcharg*, \
         value for money, tariff*, surcharge*",
    ),
    (
        "support",
        "Support et SAV",
        "Support & after-sales",
        "support*, sav, service client, service clients, service après-vente, hotline, \
         assistance, helpdesk, help desk, ticket*, technicien*, intervention*, dépannage, \
         ingénieur*, mise en service, installation, déploiement, accompagnement, aide, \
         réclamation*",
        "support, customer service, customer care, help desk, helpdesk, hotline, ticket*, \
         technician*, engineer*, after-sales, service desk, troubleshoot*, claim*, \
         onboarding, commissioning, installation, rollout, roll-out, field service, \
         warranty claim*",
    ),
    (
        "responsiveness",
        "Réactivité",
        "Responsiveness",
        "réactiv*, réponse*, répond*, rapidité, délai de réponse, délai de traitement, \
         temps de réponse, relanc*, injoignable*, urgent*, urgence*, adapter, flexibilit*, \
         souplesse",
        "responsive*, unresponsive, response*, respond*, reply, replies, answer*, \
         reactiv*, react*, turnaround, chase, chasing, urgent, rush order*, adapted, \
         accommodat*, flexib*, unreachable",
    ),
    (
        "relationship",
        "Relation commerciale",
        "Relationship",
        "relation*, partenariat*, partenaire*, confiance, commercial, commerciaux, \
         commerciale, équipe commerciale, chargé de compte, chargée de compte, \
         responsable de compte, interlocut*, fournisseur*, collaboration, visite*, \
         à l'écoute, de bon conseil, fidélit*, revue trimestrielle, revue d'affaires, \
         priorit*",
        "relationship*, partner*, trust*, account manager*, sales rep*, sales team*, rep, \
         point of contact, contact, supplier*, vendor*, collaboration, business review*, \
         qbr, visit*, listen*, advice, loyal*, priority, account",
    ),
    (
        "innovation",
        "Innovation",
        "Innovation",
        "innov*, nouveauté*, nouvelle version, nouveau module, nouvelle plateforme, \
         nouvelle gamme, portail*, évolutions, feuille de route, roadmap, r&d, \
         recherche et développement, technolog*, numérique, \
         dématérialis*, temps réel, module*, plateforme*, version*, pilote",
        "innovat*, new version, new release, release*, new module, new platform, \
         roadmap*, r&d, research, technolog*, digital*, portal*, \
         platform*, module*, firmware, dashboard*, analytics, pilot*, \
         upgrade*, real-time",
    ),
    (
        "invoicing",
        "Facturation",
        "Invoicing",
        "factur*, avoirs, paiement*, relevé de compte, comptabilité, comptable*, \
         e-facture*, numéro de commande",
        "invoic*, billing, billed, bill, bills, credit note*, payment*, overbill*, \
         double billing, accounts payable, statement of account, remittance",
    ),
    (
        "communication",
        "Communication et information",
        "Communication",
        "communic*, inform*, prévenu*, prévenir, tenir au courant, tenus au courant, \
         visibilité, transparence, newsletter, contacté*, courriel*, e-mail*, mail, \
         notification*, alerte*, explication*, expliqué*",
        "communicat*, inform*, informed, keep us posted, kept us posted, visibility, \
         transparen*, newsletter*, reached out, reach out, contacted, call, calls, \
         email*, e-mail*, notif*, alert*, explain*, explanation*, told us, found out, \
         heads-up, heads up",
    ),
    (
        "offer",
        "Offre et gamme",
        "Offer & range",
        "offre*, gamme*, catalogue*, fonctionnalit*, option*, interface*, \
         solution*, assortiment*",
        "offer, offers, offering*, range, product range, product line*, catalog*, \
         catalogue*, portfolio, feature*, option*, interface*, assortment*, \
         discontinued, sku*",
    ),
    (
        "documentation",
        "Documentation",
        "Documentation",
        "documentation*, notice, notices, manuel*, mode d'emploi, guide*, fiche technique, \
         fiches techniques, fiche produit, fiches produits, tutoriel*, certificat*, \
         fiche de données, fiches de données, schéma*, base de connaissances",
        "documentation, docs, doc, manual*, user guide*, guide*, installation guide*, \
         data sheet*, datasheet*, spec sheet*, certificate*, tutorial*, \
         training material*, instructions, knowledge base",
    ),
    (
        "contract",
        "Contrat et engagements",
        "Contract & terms",
        "contrat*, contractu*, clause*, conditions générales, conditions de paiement, \
         conditions contractuelles, cgv, sla, garantie*, pénalit*, renouvellement*, \
         accord-cadre, contrat cadre, appel d'offres, engagement*",
        "contract*, clause*, terms and conditions, terms, payment terms, sla, slas, \
         warranty, warranties, penalt*, renewal*, framework agreement*, agreement*, \
         tender*, rfp, commitment*",
    ),
];

pub(crate) fn default_themes() -> Vec<Theme> {
    THEMES
        .iter()
        .map(|(code, fr, en, kfr, ken)| Theme::new(code, fr, en, kfr, ken))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_taxonomy_is_well_formed() {
        let themes = default_themes();
        assert!(themes.len() >= 10);
        let mut codes: Vec<_> = themes.iter().map(|t| t.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), themes.len(), "duplicate theme code");
        for t in &themes {
            assert!(
                t.keywords_fr.len() >= 5 && t.keywords_en.len() >= 5,
                "{}",
                t.code
            );
        }
    }
}
