## La vue du directeur : portefeuille, sélection, capacités, leviers, valeur.

nav-selection = Sélection des comptes clés
nav-capabilities = Capacités
nav-drivers = Leviers

portfolio-csv-scope = L’export CSV contient tous les comptes du filtre en cours (toutes les pages), dans l’ordre affiché.
portfolio-last-updated = Dernière mise à jour :
portfolio-shown = Affichés par le filtre
portfolio-alerts = Alertes
portfolio-no-alerts = Rien ne demande votre attention pour l’instant.
alert-kind-turning_red = Passe au rouge
alert-kind-stale_client_data = Données client périmées
alert-kind-hidden_discontent = Mécontentement caché
alert-kind-contest_waiting = Contestation en attente
alert-turning-red = rouge maintenant, pas à la fin du mois dernier : { $what }.
alert-stale-client-data = { $count ->
    [one] son indicateur du domaine client n’est pas frais : la voix du client manque.
   *[other] aucun de ses { $count } indicateurs du domaine client n’est frais : la voix du client manque.
}
alert-contest-waiting = { $count ->
    [one] { $count } valeur contestée sans réponse depuis plus de { $days } jours.
   *[other] { $count } valeurs contestées sans réponse depuis plus de { $days } jours.
}
portfolio-filters = Filtrer le portefeuille
portfolio-all = Tous
portfolio-apply = Appliquer
portfolio-reset = Réinitialiser
portfolio-empty = Aucun compte ne correspond à ce filtre.
portfolio-pages = Pages
portfolio-prev-page = Page précédente
portfolio-next-page = Page suivante
portfolio-col-status = Statut
portfolio-col-trend = Tendance
portfolio-col-nps = NPS
portfolio-col-revenue = Chiffre d’affaires (12 mois)
portfolio-col-growth = Croissance (sur un an)
portfolio-col-clv = Valeur vie client
portfolio-col-fresh = Indicateurs frais
portfolio-col-validated = Valeurs partagées validées
portfolio-col-contested = Contestations ouvertes
portfolio-col-last-review = Dernière revue d’affaires
value-link = valeur

selection-title = Choisir les comptes clés
selection-intro = Chaque compte est placé selon les critères pondérés du directeur : attractivité du client pour nous et force de notre position chez lui (de 1 à 5). Investir en haut à gauche, être sélectif sur la diagonale, récolter en bas à droite.
selection-limit = Nombre maximal de comptes clés recommandé :
selection-warnings = Alertes et suggestions
selection-no-warnings = Aucune alerte.
selection-matrix-caption = Matrice GE-McKinsey : force de notre position (horizontal, forte à gauche) contre attractivité (vertical, haute en haut). Le tableau ci-dessous contient les mêmes données.
selection-table = Comptes dans la matrice
selection-col-cell = Case
selection-col-reading = Lecture
selection-col-moved = Depuis l’évaluation précédente
selection-col-rated-on = Évalué le
selection-rate = Évaluer
selection-unrated = Comptes pas encore évalués
selection-moved = attractivité { $da }, force { $ds }
selection-cell-changed = a changé de case
selection-first-rating = première évaluation
selection-warn-too-many = { $count } comptes clés, plus que les { $max } recommandés : le KAM est réservé à quelques clients choisis avec soin.
selection-warn-kam-overloaded = { $kam } gère { $count } comptes clés, bien au-delà de la part équitable de { $share }.
selection-warn-no-kam = { $account } est un compte clé sans KAM.
selection-warn-placed-low = { $account } est un compte clé mais la matrice le place dans une case « récolter » : le mérite-t-il encore ?
selection-warn-candidate = { $account } n’est pas un compte clé mais la matrice le place dans une case « investir » : un candidat au statut de compte clé.
warning-kind-too_many_key_accounts = Trop de comptes clés
warning-kind-kam_overloaded = KAM surchargé
warning-kind-key_account_without_kam = Sans KAM
warning-kind-key_account_placed_low = Placé bas
warning-kind-candidate = Candidat
axis-attractiveness = Attractivité
axis-strength = Force de la position
band-low = faible
band-medium = moyenne
band-high = forte
reading-invest = Investir et croître
reading-selective = Être sélectif
reading-harvest = Récolter

criteria-title = Critères de sélection
criteria-help = Au plus 5 critères par axe ; les poids de chaque axe font 100 au total. Un critère est soit noté de 1 à 5 par le KAM, soit calculé à partir d’un indicateur : sa dernière valeur, de « bas » (1) à « haut » (5). Videz une ligne pour la supprimer.
criteria-axis = Axe
criteria-name = Critère
criteria-weight = Poids (%)
criteria-source = Source
criteria-kpi = Code de l’indicateur
criteria-low = Bas (→ 1)
criteria-high = Haut (→ 5)
criteria-save = Enregistrer les critères
criteria-saved = Critères enregistrés.
criterion-rating = Note de 1 à 5
criterion-kpi = Depuis un indicateur
criteria-error-axis = { $name } : choisissez un axe.
criteria-error-weight = { $name } : le poids doit être un nombre entier de 1 à 100.
criteria-error-kpi = { $name } : un critère calculé demande un code d’indicateur et deux bornes différentes.
criteria-error-empty = { $axis } : il faut au moins un critère.
criteria-error-too-many = { $axis } : { $count } critères, { $max } au plus sont permis.
criteria-error-total = { $axis } : les poids font { $total } au total, ils doivent faire 100.
criteria-error-name = Chaque critère doit avoir un nom.
criteria-error-duplicate = Deux critères s’appellent « { $name } » sur le même axe.

rating-title = Évaluer le compte
rating-help = Notez chaque critère qualitatif de 1 (faible) à 5 (fort). Les critères calculés prennent la dernière valeur de l’indicateur du compte. Une évaluation est conservée comme nouvelle version datée d’aujourd’hui.
rating-last = Dernière évaluation le
rating-from-kpi = Calculé depuis l’indicateur
rating-scale = Un nombre entier de 1 à 5.
rating-save = Enregistrer l’évaluation
rating-saved = Évaluation enregistrée.
rating-error-range = { $name } : donnez un nombre entier de 1 à 5.
rating-error-no-criteria = Le directeur n’a encore défini aucun critère.

drivers-title = Ce qui fait la relation
drivers-not-causation = Corrélation n’est pas causalité : un indicateur qui varie avec le résultat peut partager une cause avec lui. Servez-vous de ce classement pour choisir quoi creuser, pas comme d’une preuve.
drivers-outcome = Résultat
drivers-method = Corrélation de rang de Spearman sur les couples compte-période (chaque valeur du résultat avec la moyenne de l’indicateur sur la même période), indicateurs rapprochés entre comptes par leur code de bibliothèque ; intervalle à 95 % avec un échantillon réduit pour les périodes répétées d’un même compte.
drivers-no-data = Il y a trop peu de données sur ce résultat pour conclure : moins de 5 comptes ou de 8 couples compte-période le partagent avec un autre indicateur.
drivers-caption = Indicateurs classés selon la force de leur lien avec :
drivers-col-kpi = Indicateur
drivers-col-interval = Intervalle à 95 %
drivers-col-pairs = Couples
drivers-col-accounts = Comptes
drivers-col-effective = Échantillon effectif
drivers-col-evidence = Preuve
drivers-col-period = Période
drivers-scatter = Nuage de points
drivers-scatter-caption = Chaque point est un compte sur une période. Le tableau contient les mêmes données.
drivers-data-table = Tableau des données
drivers-refused = Pas assez de données
drivers-short-accounts = { $accounts ->
    [one] seulement { $accounts } compte, il en faut au moins { $min_accounts }.
   *[other] seulement { $accounts } comptes, il en faut au moins { $min_accounts }.
}
drivers-short-pairs = { $pairs ->
    [one] seulement { $pairs } couple compte-période, il en faut au moins { $min_pairs }.
   *[other] seulement { $pairs } couples compte-période, il en faut au moins { $min_pairs }.
}
drivers-short-kpi-constant = l’indicateur a partout la même valeur.
drivers-short-outcome-constant = le résultat a partout la même valeur.
drivers-summary = ρ = { $rho } sur { $pairs } couples compte-période de { $accounts } comptes, intervalle à 95 % [{ $low } ; { $high }] : { $evidence }.
outcome-nps = NPS
outcome-csat = Satisfaction (CSAT)
outcome-revenue_growth = Croissance du chiffre d’affaires
evidence-strong = Preuve forte
evidence-moderate = Preuve modérée
evidence-weak = Preuve faible (peu de comptes ou intervalle large)
evidence-insufficient = Pas assez de données

value-title = Valeur vie client
value-method = Valeur historique : marge brute depuis la première année, moins les coûts d’acquisition et de fidélisation. Valeur projetée : la marge nette moyenne des 3 dernières années, gagnée chaque année future avec la probabilité de fidélisation, et actualisée.
value-historical = Valeur historique
value-projected = Valeur projetée
value-total = Valeur vie client
value-no-data = Pas encore de chiffres annuels pour ce compte.
value-inputs = Données utilisées
value-acquisition = Coût d’acquisition
value-retention = Probabilité de fidélisation par an
value-discount = Taux d’actualisation par an
value-horizon = Horizon de projection (années)
value-base = Marge nette annuelle de base
value-years = Chiffres annuels
value-year = Année
value-margin = Marge brute
value-retention-cost = Coût de fidélisation

settings-title = Réglages du directeur
settings-max = Nombre maximal de comptes clés recommandé
settings-share = Surcharge d’un KAM : multiple de la part équitable de comptes clés
settings-save = Enregistrer les réglages
settings-saved = Réglages enregistrés.
settings-error-max = Le nombre de comptes clés doit être un entier de 1 à 500.
settings-error-share = Le multiple de surcharge doit être un nombre de 1 à 10.
settings-error-retention = La probabilité de fidélisation doit être un pourcentage de 0 à 100.
settings-error-discount = Le taux d’actualisation doit être un pourcentage de 0 à moins de 100.
settings-error-horizon = L’horizon doit être un nombre entier d’années de 1 à 30.

cap-title = Les trois capacités commerciales
cap-intro = Côte à côte et par année, pour diagnostiquer une faiblesse dans la bonne capacité : la vente complexe gagne de nouvelles affaires, la gestion de comptes sert tous les clients, le KAM développe les quelques comptes clés.
cap-metric = Indicateur
cap-complex-sales = Vente complexe
cap-account-management = Gestion de comptes
cap-kam = Gestion des comptes clés
cap-win-rate = Taux de succès des opportunités qualifiées
cap-new-clients = Nouveaux clients
cap-sales-cycle = Cycle de vente des affaires gagnées (jours)
cap-revenue = Chiffre d’affaires du portefeuille
cap-growth = Croissance du portefeuille
cap-revenue-per-client = Chiffre d’affaires par client
cap-retention = Clients conservés d’une année sur l’autre
cap-satisfaction = Satisfaction moyenne (CSAT, 1–5)
cap-key-growth = Croissance des comptes clés
cap-other-growth = Croissance des autres comptes
cap-objectives-on-track = Objectifs du plan de compte en bonne voie ou atteints
cap-innovation = Projets d’innovation conjoints
alert-hidden-discontent = { $count ->
    [one] { $count } réponse récente avec une note satisfaite (NPS { $nps }) mais des mots clairement négatifs : voir la voix du client.
   *[other] { $count } réponses récentes avec une note satisfaite (jusqu’à NPS { $nps }) mais des mots clairement négatifs : voir la voix du client.
}
opportunities-title = Opportunités et revues
opportunities-list = Opportunités
opportunities-none = Aucune opportunité enregistrée.
opportunity-value = Montant
opportunity-opened = Ouverte le
opportunity-closed = Close le
opportunity-outcome = Issue
opportunity-innovation = innovation conjointe
opportunity-innovation-hint = Un projet d'innovation conjoint avec le client
opportunity-add = Enregistrer une opportunité
opportunity-won = Gagnée
opportunity-lost = Perdue
opportunity-saved = L'opportunité a été enregistrée.
opportunity-closed-date = Une opportunité gagnée ou perdue a besoin de sa date de clôture, ni avant son ouverture ni dans le futur.
outcome-open = En cours
outcome-won = Gagnée
outcome-lost = Perdue
reviews-title = Revues d'affaires
reviews-none = Aucune revue d'affaires enregistrée.
review-held-on = Tenue le
review-title = Intitulé
review-notes = Notes
review-add = Enregistrer la revue
review-saved = La revue d'affaires a été enregistrée.

## Figures: CSV exports of the capabilities, the value page and a driver's scatter (issue 10)
cap-capability = Capacité
cap-unit = Unité
cap-unit-percent = %
cap-unit-count = nombre
cap-unit-days = jours
cap-unit-eur = €
cap-unit-rating = note
value-csv-item = Élément
value-csv-year = Année
value-csv-value = Valeur
value-csv-percent-note = (en %)

## Figures: a portfolio that opens on what needs attention (issue 10)
portfolio-col-alerts = Alertes ouvertes
portfolio-sort = Trier par
portfolio-sort-attention = À traiter en premier
portfolio-sort-desc = décroissant
portfolio-accounts-count = { $count ->
    [one] { $count } compte
   *[other] { $count } comptes
}
portfolio-key-accounts-count = { $count ->
    [one] { $count } compte clé
   *[other] { $count } comptes clés
}
portfolio-shown-count = { $count ->
    [one] { $count } affiché par le filtre
   *[other] { $count } affichés par le filtre
}
portfolio-alert-count-turning_red = { $count ->
    [one] { $count } passe au rouge
   *[other] { $count } passent au rouge
}
portfolio-alert-count-stale_client_data = { $count ->
    [one] { $count } sans données client fraîches
   *[other] { $count } sans données client fraîches
}
portfolio-alert-count-hidden_discontent = { $count ->
    [one] { $count } mécontentement caché
   *[other] { $count } mécontentements cachés
}
portfolio-alert-count-contest_waiting = { $count ->
    [one] { $count } contestation en attente
   *[other] { $count } contestations en attente
}

## Time zone of the organisation
time-zone-title = Fuseau horaire
time-zone-explained = Toutes les dates et heures affichées dans Boussole sont données dans ce fuseau horaire ; elles restent enregistrées en temps universel.
time-zone-now = Il est maintenant
time-zone-label = Fuseau horaire de l’organisation
time-zone-hint = Un nom de la base IANA, par exemple Europe/Paris, Europe/London ou America/New_York.
time-zone-unknown = Ce fuseau horaire est inconnu : saisissez un nom de la base IANA, par exemple Europe/Paris.
time-zone-saved = Le fuseau horaire a été enregistré.
alert-kind-red_without_action = Indicateur rouge sans action
portfolio-alert-count-red_without_action = { $count ->
    [one] { $count } avec un indicateur rouge sans action
   *[other] { $count } avec des indicateurs rouges sans action
}
