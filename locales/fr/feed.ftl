nav-notifications = Notifications
notifications-title = Notifications
notifications-unread = non lues
notifications-mark-read = Tout marquer comme lu
notifications-marked = Tout est marqué comme lu.
feed-title = Activité
feed-empty = Rien ne s’est encore passé ici.
feed-new = Nouveau
feed-kpi-value-created = { $who } a saisi une valeur pour { $kpi } ({ $period })
feed-kpi-value-updated = { $who } a modifié la valeur de { $kpi } ({ $period })
feed-kpi-value-validated = { $who } a validé { $kpi } ({ $period })
feed-kpi-value-contested = { $who } a contesté { $kpi } ({ $period })
feed-kpi-value-proposal-accepted = { $who } a accepté la proposition du client pour { $kpi } ({ $period })
feed-kpi-value-kept = { $who } a maintenu la valeur de { $kpi } ({ $period }) et a répondu
feed-kpi-value-commented = { $who } a commenté { $kpi } ({ $period })
feed-account-kpi-created = { $who } a ajouté l’indicateur { $kpi }
feed-account-kpi-updated = { $who } a modifié le paramétrage de { $kpi }
feed-kpi-target-set = { $who } a fixé un objectif pour { $kpi }
feed-account-stage-changed = { $who } a fait passer la relation au stade { $stage }
feed-client-joined = { $who } a rejoint l’espace côté client
feed-kpi-target-proposed = { $who } a proposé un objectif pour { $kpi }
feed-kpi-target-agreed = { $who } a convenu d'un objectif pour { $kpi }
feed-kpi-target-declined = { $who } a refusé un objectif proposé pour { $kpi }
feed-account-kpi-visibility-changed = { $who } a modifié le partage de { $kpi } avec le client
feed-kpi-turned-red = { $kpi } est passé au rouge
follow-start = Suivre
follow-stop = Ne plus suivre
follow-now-on = Vous suivez ce compte : ses nouvelles seront dans votre résumé.
follow-now-off = Vous ne suivez plus ce compte.
follow-invalid = Choisissez de suivre le compte ou non.
watch-title = À traiter sur les comptes que vous suivez
watch-empty = Rien en retard, aucune revue à venir.
watch-request = Valeur en retard : { $title } (attendue le { $day })
watch-action = Action en retard : { $title } (échéance le { $day })
watch-review = Revue à venir : { $title } ({ $day })
watch-verbatim = Retour négatif : « { $title } » ({ $day })
digest-title = Résumé par e-mail
digest-intro = Un résumé de ce qui a changé sur les comptes que vous suivez : indicateurs passés au rouge, validations et contestations du client, retours négatifs, demandes et actions en retard, revues à venir. Un résumé vide n’est pas envoyé.
digest-followed = { $count ->
    [0] Vous ne suivez encore aucun compte : suivez-en un depuis sa page.
    [one] Votre résumé couvre le compte que vous suivez.
   *[other] Votre résumé couvre les { $count } comptes que vous suivez.
}
digest-legend = M’envoyer un résumé
digest-choice-invalid = Choisissez un résumé quotidien, hebdomadaire ou aucun.
digest-saved = Votre choix de résumé est enregistré.
digest-settings-link = Réglages du résumé par e-mail
digestfrequency-off = Jamais
digestfrequency-daily = Chaque matin (la veille)
digestfrequency-weekly = Chaque lundi (la semaine précédente)
digest-mail-period = du { $from } au { $until }
digest-mail-subject = Résumé Boussole : { $period }
digest-mail-nothing = (rien)
digest-mail-body =
    Bonjour { $name },

    Ce qui a changé sur les comptes que vous suivez, { $period } :

    { $events }

    À traiter :

    { $items }

    Toutes les notifications : { $all }
    Pour changer ou arrêter ce résumé : { $settings }
