## Scorecard
universe-marketing = Marketing
universe-process = Processus
universe-relationship = Relation
universe-logistics = Logistique
universe-financial = Finance
datadomain-internal = Interne
datadomain-client = Client
datadomain-industry = Marché
visibility-internal = Interne
visibility-shared = Partagé
visibility-joint = Commun
direction-higher-better = Plus c’est haut, mieux c’est
direction-lower-better = Plus c’est bas, mieux c’est
frequency-monthly = Mensuelle
frequency-quarterly = Trimestrielle
frequency-yearly = Annuelle
unit-percent = %
unit-eur = €
unit-count = nombre
unit-days = jours
unit-hours = heures
unit-score = note
unit-ratio = ratio
unit-points = points
rag-green = Dans l’objectif
rag-amber = À surveiller
rag-red = Hors objectif
rag-stale = Périmé
rag-none = Pas de donnée
status-green = Bon
status-amber = À surveiller
status-red = À risque
status-none = Pas de donnée
points-short = pts
trend-none = pas de comparaison
trend-vs-previous = par rapport au mois précédent
overall-score = Score équilibré
scorecard-summary = Synthèse
as-of = Au
period-month = Mois
period-show = Afficher
period-previous = Mois précédent
period-next = Mois suivant
period-month-invalid = Le mois s’écrit AAAA-MM, par exemple 2026-09.
period-invalid = Cette période n’est pas valide.
period-wrong-frequency = Cette période ne correspond pas à la fréquence de l’indicateur.
period-format-monthly = AAAA-MM, ex. 2026-09
period-format-quarterly = AAAA-Tn ou AAAA-Qn, ex. 2026-Q3
period-format-yearly = AAAA, ex. 2026
triangulation-title = Triangulation des données
triangulation-caption = Indicateurs à jour par domaine de données
triangulation-fresh = À jour / total
triangulation-no-client = Aucun indicateur ne s’appuie sur des données client : la vision du client, la plus importante, manque.
triangulation-client-stale = Tous les indicateurs de données client sont périmés ou vides : demandez au client des chiffres à jour.
explanation-title = Ce qui a fait bouger le score
explanation-intro = Évolution depuis la fin de { $month }, par indicateur :
explanation-none = Aucun indicateur n’a modifié le score.
universe-weight = Poids
universe-counts = { $fresh } à jour, { $stale ->
    [one] { $stale } périmé
   *[other] { $stale } périmés
}, { $missing } sans donnée
universe-empty = Aucun indicateur dans cet univers pour l’instant.
col-kpi = Indicateur
col-latest = Dernière valeur
col-target = Objectif
col-attainment = Atteinte
col-trend = 12 périodes
col-freshness = Fraîcheur
col-domain = Données
col-comment = Commentaire
col-period = Période
col-value = Valeur
col-source = Source
col-entered-by = Saisi par
freshness-never = jamais saisi
freshness-stale = périmé
freshness-updated = mis à jour le
spark-label = 12 dernières périodes
value-enter = Saisir
last-updated = Dernière mise à jour :
help-scoring-link = Comment les scores sont calculés
value-enter-title = saisir une valeur
value-current = Valeur enregistrée :
value-saved = La valeur a été enregistrée.
value-unchanged = Cette valeur était déjà enregistrée : rien n’a changé.
value-not-a-number = Saisissez un nombre, par exemple 12,5 ou 12.5.
value-out-of-range = Cette valeur sort de ce que permet l’unité de l’indicateur.
value-whole-number = Cet indicateur compte des éléments : saisissez un nombre entier.
value-conflict = Quelqu’un a modifié cette valeur pendant votre saisie ({ $who } : { $value } désormais). Votre saisie est conservée ci-dessous : enregistrez à nouveau pour la remplacer.
value-new = Saisir une valeur
edit = Modifier
months = mois
kpi-universe = Univers
kpi-direction = Sens
kpi-thresholds = Seuils
thresholds-text = vert dès { $green } % de l’objectif, orange dès { $amber } %
kpi-frequency = Fréquence
kpi-freshness = Périmé après
kpi-owner = Responsable
kpi-visibility = Visibilité
chart-caption = Valeurs (trait plein) face à l’objectif (pointillés), avec la prévision et sa bande à 80 %.
chart-data = Les données du graphique sous forme de tableau
forecast-title = Prévision des trois prochaines périodes
forecast-note = Lissage linéaire de Holt ajusté sur { $n } valeurs (α = { $alpha }, β = { $beta }) ; la bande contient la prochaine valeur 4 fois sur 5 si la tendance se poursuit.
forecast-too-short = Pas encore assez de valeurs pour une prévision (il en faut au moins 4).
forecast-how = Méthode de calcul
forecast-value = Prévision
forecast-low = Basse (10 %)
forecast-high = Haute (90 %)
kpi-values-title = Valeurs
kpi-no-values = Aucune valeur saisie pour l’instant.
kpi-changes-title = Historique des modifications
kpi-no-changes = Aucune modification enregistrée.
change-when = Quand
change-who = Qui
change-before = Avant
change-after = Après
source-manual = Saisie manuelle
source-csv = Import CSV
source-contributor = Contributeur
source-client = Client
source-voc = Voix du client
source-api = API
source-demo = Données de démonstration

## Attention first (issue 10): what needs attention, counted and linked; stale rows keep their last status.
rag-stale-was = Périmé · était { $status }
attention-title = À traiter en priorité
attention-none = Rien à signaler : tous les indicateurs sont à jour et dans l’objectif.
attention-red = { $count ->
    [one] { $count } hors objectif
   *[other] { $count } hors objectif
}
attention-amber = { $count ->
    [one] { $count } à surveiller
   *[other] { $count } à surveiller
}
attention-stale = { $count ->
    [one] { $count } périmé
   *[other] { $count } périmés
}
attention-contested = { $count ->
    [one] { $count } contesté
   *[other] { $count } contestés
}
attention-awaiting = { $count ->
    [one] { $count } en attente du client
   *[other] { $count } en attente du client
}
attention-awaiting-you = { $count ->
    [one] { $count } attend votre validation
   *[other] { $count } attendent votre validation
}
attention-filtered = { $count ->
    [one] { $count } indicateur affiché
   *[other] { $count } indicateurs affichés
}
attention-show-all = Tout afficher
sort-attention = Trier : à traiter d’abord
sort-attention-current = Trié : à traiter d’abord
sort-configured = Ordre habituel
explanation-others = { $count ->
    [one] { $count } autre indicateur
   *[other] { $count } autres indicateurs
}
