## Gestion des KPI : bibliothèque, ajout d’un KPI à un compte, réglages d’un KPI, poids des univers
nav-kpi-library = Bibliothèque de KPI

## Bibliothèque de KPI (administration)
library-title = Bibliothèque de KPI
library-intro = Les KPI prêts à l’emploi parmi lesquels les responsables de comptes clés choisissent, dans les cinq univers du tableau de bord équilibré. Ajouter un KPI à un compte le copie : modifier la bibliothèque ne réécrit jamais le tableau de bord d’un compte.
library-total = { $count ->
        [one] Un modèle.
       *[other] { $count } modèles.
    }
library-add = Nouveau modèle
library-new = Nouveau modèle de KPI
library-edit = Modifier le modèle
library-empty-universe = Aucun modèle dans cet univers pour l’instant.
library-col-name-fr = Nom (français)
library-col-name-en = Nom (anglais)
library-col-description-fr = Description (français)
library-col-description-en = Description (anglais)
library-col-unit = Unité
library-col-default-target = Objectif par défaut
library-col-green-from = Vert à partir de (%)
library-col-amber-from = Orange à partir de (%)
library-col-active = Actif
library-active = Proposé
library-retired = Retiré
library-code-hint = Lettres minuscules, chiffres et tirets bas, en commençant par une lettre (par ex. share_of_wallet). Il ne pourra plus être modifié : les imports et l’API l’utilisent.
library-code-fixed = Le code ne peut pas être modifié : les imports et l’API l’utilisent.
library-code-taken = Un autre modèle utilise déjà ce code.
library-default-target-hint = Facultatif. Proposé comme objectif quand le KPI est ajouté à un compte ; jamais 0.
library-active-label = Proposé lors de l’ajout d’un KPI à un compte (décocher pour retirer le modèle : les comptes qui l’utilisent gardent leur copie)
library-template-created = Le modèle a été ajouté à la bibliothèque.
library-template-saved = Le modèle a été enregistré.
library-conflict = Quelqu’un d’autre a enregistré ce modèle pendant que vous le modifiiez. Voici sa version ; refaites votre modification.

## Contrôles communs aux formulaires de KPI
kpi-code-hint = Lettres minuscules, chiffres et tirets bas, en commençant par une lettre (par ex. projets_communs). Les imports désignent le KPI par ce code.
kpi-code-invalid = Utilisez des lettres minuscules, des chiffres et des tirets bas, en commençant par une lettre (2 à 63 caractères).
kpi-code-taken = Ce compte a déjà un KPI avec ce code.
kpi-choose-from-list = Choisissez une valeur dans la liste.
kpi-target-zero = Un objectif de zéro ne permet aucune mesure (l’atteinte est un rapport).
kpi-threshold-too-high = L’atteinte est plafonnée à 150 % : un seuil au-delà de 150 ne peut jamais être atteint.
kpi-thresholds-invalid = Les deux seuils doivent être supérieurs à 0, et le seuil orange ne peut pas dépasser le seuil vert.
kpi-thresholds-hint = Atteinte en % de l’objectif : vert à partir du premier seuil, orange à partir du second, rouge en dessous.
kpi-green-from = Vert à partir de (% de l’objectif)
kpi-amber-from = Orange à partir de (% de l’objectif)
kpi-weight-range = Le poids doit être supérieur à 0 et au plus 100.
kpi-freshness-range = Saisissez un nombre entier de mois entre 1 et 36.
kpi-owner-invalid = Choisissez un responsable dans la liste.
kpi-domain-hint = Interne : nos propres chiffres. Client : l’évaluation du compte clé lui-même. Secteur : les données de marché.

## Ajouter un KPI à un compte
kpi-add = Ajouter un KPI
kpi-add-intro = Choisissez des KPI dans la bibliothèque ou définissez les vôtres. Un tableau de bord équilibré couvre les cinq univers et s’appuie sur les données du client autant que sur les nôtres.
kpi-add-library-title = Depuis la bibliothèque
kpi-add-library-empty = Tous les KPI de la bibliothèque pour cet univers sont déjà dans le tableau de bord.
kpi-add-this = Ajouter ce KPI
kpi-add-custom-title = Un KPI sur mesure
kpi-add-custom-intro = Pour ce que la bibliothèque ne propose pas.
kpi-add-custom-submit = Ajouter ce KPI
kpi-added = Le KPI a été ajouté au tableau de bord.
kpi-col-weight = Poids dans son univers
kpi-weight-hint = Relatif aux autres KPI de son univers : supérieur à 0, au plus 100.
kpi-freshness-months = Périmé après (mois)
kpi-freshness-hint = Les valeurs plus anciennes sont signalées périmées et exclues des scores (1 à 36 mois).
kpi-target-hint = L’objectif de chaque période, sauf si une période a le sien ; jamais 0.
kpi-owner-hint = La personne qui fournit les chiffres.

## Réglages d’un KPI
kpi-settings = Réglages
kpi-settings-title = Réglages du KPI
kpi-settings-back = Retour au KPI
kpi-settings-saved = Les réglages du KPI ont été enregistrés.
kpi-settings-conflict = Quelqu’un d’autre a enregistré les réglages de ce KPI pendant que vous les modifiiez. Voici sa version ; refaites votre modification.
kpi-target-default-hint = Objectif par défaut, pour chaque période qui n’a pas le sien ; jamais 0.
kpi-visibility-hint = Interne : seul notre côté le voit. Partagé : le client le voit et peut le valider ou le contester. Conjoint : le client saisit aussi des valeurs et propose des objectifs.
kpi-targets-title = Objectifs par période
kpi-targets-intro = L’objectif propre à une période remplace l’objectif par défaut pour cette période seulement.
kpi-targets-empty = Aucune période n’a d’objectif propre : l’objectif par défaut s’applique à toutes.
kpi-targets-caption = Objectifs qui remplacent l’objectif par défaut pour une période
kpi-target-value = Objectif de cette période
kpi-target-set = Fixer l’objectif de cette période
kpi-target-saved = L’objectif de la période a été enregistré.
kpi-target-removed = L’objectif propre à la période a été supprimé : l’objectif par défaut s’applique de nouveau.
kpi-delete = Retirer ce KPI
kpi-delete-title = Retirer ce KPI ?
kpi-delete-intro = Le KPI quitte le tableau de bord avec ses objectifs par période. C’est définitif.
kpi-delete-values = { $count ->
        [0] Il n’a encore aucune valeur.
        [one] Sa seule valeur sera supprimée aussi, avec son historique.
       *[other] Ses { $count_text } valeurs seront supprimées aussi, avec leur historique.
    }
kpi-delete-confirm = Retirer le KPI et ses valeurs
kpi-deleted = Le KPI a été retiré du tableau de bord.

## Poids des univers
weights-title = Poids des univers
weights-intro = Ce que compte chaque univers dans le score équilibré, en pourcentage. Les cinq poids doivent totaliser 100.
weights-legend = Poids de chaque univers (%)
weights-zero-hint = Un univers à 0 est entièrement exclu du score équilibré.
weights-total = Total :
weights-not-100 = Les poids totalisent { $sum } %, et non 100 %.
weight-out-of-range = Saisissez un pourcentage entre 0 et 100.
weights-saved = Les poids des univers ont été enregistrés.
kpi-visibility-beyond-stage = Le stade du compte ne le permet pas : un indicateur partagé demande le stade 2 (Basique) au moins, un indicateur commun le stade 4 (Intégré). Changez d’abord de stade.
