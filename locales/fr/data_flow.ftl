## Tâches de fond (/admin/jobs)
nav-jobs = Tâches
jobs-title = Tâches de fond
jobs-intro = Les e-mails et le passage quotidien des demandes de données s’exécutent en arrière-plan : aucune page n’attend un serveur de messagerie. Une tâche en échec est retentée plus tard ; cette page en montre l’erreur et la prochaine tentative.
jobs-no-mail-server = Aucun serveur de messagerie n’est configuré (BOUSSOLE_MAIL_URL) : aucun e-mail n’est mis en file, les liens sont affichés sur les pages.
jobs-empty = Aucune tâche en attente, en cours ou en échec.
jobs-caption = Tâches en attente, en cours, en échec, échouées, et celles réussies après une nouvelle tentative (les plus récentes d’abord)
job-state-pending = En attente
job-state-running = En cours
job-state-retrying = En échec, sera retentée
job-state-failed = Échouée
job-state-retried = Réussie après nouvelle tentative
job-col-id = Identifiant
job-col-queue = File
job-col-what = Tâche
job-col-recipient = Destinataire
job-col-attempts = Tentatives
job-col-next = Prochaine tentative
job-col-error = Dernière erreur
job-col-created = Créée
job-col-updated = Dernier changement

## Verrouillage des périodes
locks-title = Périodes verrouillées
locks-intro = Verrouillez un mois une fois revu : les valeurs dont la période se termine ce mois-là (le mois, un trimestre qui s’y termine, une année en décembre) ne peuvent plus changer, ni depuis le tableau de bord, ni par import, ni depuis le portail, jusqu’à ce que le mois soit déverrouillé avec un motif.
locks-locked = Mois verrouillés
locks-none = Aucun mois n’est verrouillé.
lock-col-month = Mois
lock-col-by = Verrouillé par
lock-col-note = Note
lock-locked = Verrouillé
lock-title = Verrouiller un mois
lock-month = Mois (AAAA-MM)
lock-note = Note (facultative, par ex. la revue)
lock-submit = Verrouiller
lock-month-invalid = Indiquez le mois sous la forme AAAA-MM, par exemple 2026-09.
lock-text-too-long = 500 caractères au plus.
lock-already = Ce mois était déjà verrouillé.
lock-done = Le mois est verrouillé.
unlock-title = Déverrouiller
unlock-reason = Motif du déverrouillage
unlock-submit = Déverrouiller
unlock-reason-required = Indiquez pourquoi le mois est déverrouillé : le motif est conservé dans le journal d’audit.
unlock-not-locked = Ce mois n’était pas verrouillé.
unlock-done = Le mois est déverrouillé ; le motif figure dans le journal d’audit.
value-locked = Cette période est verrouillée ({ $month }) : ses valeurs ne peuvent plus changer. Une personne habilitée à modifier le compte peut la déverrouiller, avec un motif, depuis la page « Périodes verrouillées ».
import-period-locked = Cette période est verrouillée ({ $month }) pour ce compte : déverrouillez-la avant d’y importer des valeurs.
evaluation-period-locked = Cette période est verrouillée : la valeur proposée ne peut pas remplacer la valeur enregistrée tant que le mois n’est pas déverrouillé (avec un motif) depuis la page « Périodes verrouillées ».

## Demandes de données
nav-requests = Demandes de données
requests-title = Demandes de données
requests-intro = Le responsable de chaque indicateur est sollicité pour sa valeur une fois la période terminée, avec une échéance : par vous, ou par la planification quotidienne (cinq jours ouvrés après la fin de la période). Enregistrer la valeur, depuis la boîte de réception ou ailleurs, répond à la demande. Les responsables reçoivent un rappel par e-mail avant l’échéance, le jour même et après ; le KAM du compte est prévenu dès qu’une demande a 3 jours de retard.
requests-overview-title = Demandes de données : suivi
requests-overview-intro = Les demandes du mois sur les comptes que vous voyez : répondues à temps, répondues en retard, manquantes (échéance passée, aucune valeur) et encore ouvertes, par compte et par responsable.
requests-none = Aucune demande pour ce mois.
requests-list = Demandes
request-completion = Suivi
request-completion-by-owner = Suivi par responsable
request-completion-by-account = Suivi par compte
request-missing-title = Valeurs manquantes
request-missing-none = Aucune valeur ne manque.
request-status-open = Ouverte
request-status-missing = Manquante
request-status-on-time = À temps
request-status-late = En retard
request-total = Total
request-col-period = Période
request-col-owner = Responsable
request-col-due = Échéance
request-col-answered = Répondue
request-col-by = Demandée par
request-col-note = Note
request-by-schedule = Planification
request-prev-month = Mois précédent
request-next-month = Mois suivant
request-ask-title = Demander leurs valeurs aux responsables
request-no-mail-server = Aucun serveur de messagerie n’est configuré : les responsables voient les demandes dans leur boîte de réception, sans e-mail.
request-no-kpi-this-month = Aucun indicateur de ce compte n’a de période qui se termine ce mois-ci.
request-which-kpis = Indicateurs dont la période se termine ce mois-ci
request-already-answered = a déjà une valeur
request-already-asked = déjà demandée
request-no-owner = sans responsable : choisissez-en un dans les réglages de l’indicateur
request-owner-unreachable-short = responsable injoignable
request-due = Échéance
request-note = Note aux responsables (facultative)
request-submit = Envoyer les demandes
request-choose-kpi = Choisissez au moins un indicateur de ce compte dont la période se termine ce mois-ci.
request-due-invalid = Indiquez l’échéance sous forme de date (AAAA-MM-JJ).
request-note-too-long = 1 000 caractères au plus pour la note.
request-kpi-no-owner = « { $kpi } » n’a pas de responsable à solliciter : choisissez-en un d’abord dans les réglages de l’indicateur.
request-owner-unreachable = { $owner }, responsable de « { $kpi } », ne peut pas être sollicité (aucun compte actif avec une adresse e-mail) : choisissez un autre responsable dans les réglages de l’indicateur.
request-due-before-period-end = L’échéance doit suivre la fin de la période de « { $kpi } » ({ $end }) : une valeur ne peut pas être due avant la fin de sa période.
request-created = { $count ->
    [0] Aucune nouvelle demande : chaque indicateur choisi était déjà demandé ou renseigné.
    [one] Une demande envoyée.
   *[other] { $count } demandes envoyées.
}
inbox-requests = Valeurs qui vous sont demandées
inbox-requests-none = Personne n’attend de valeur de votre part.
inbox-owned = Vos indicateurs
request-answer-value = Valeur
request-answer = Répondre
request-mail-subject = Valeurs demandées : { $account }
request-mail-body = Bonjour { $name },

    { $asked_by } vous demande ces valeurs de { $account }, pour le { $due } :

    { $items }
    { $note }
    Répondez depuis votre boîte de réception Boussole : { $link }

    Pour ne plus recevoir de rappels : { $settings }
reminder-before-subject = Rappel : { $kpi } pour { $account } est attendu le { $due }
reminder-before-body = Bonjour { $name },

    La valeur de « { $kpi } » ({ $period }) pour { $account } est attendue le { $due }.
    Répondez depuis votre boîte de réception : { $link }

    Pour ne plus recevoir de rappels : { $settings }
reminder-due-subject = Échéance aujourd’hui : { $kpi } pour { $account }
reminder-due-body = Bonjour { $name },

    La valeur de « { $kpi } » ({ $period }) pour { $account } est attendue aujourd’hui, le { $due }.
    Répondez depuis votre boîte de réception : { $link }

    Pour ne plus recevoir de rappels : { $settings }
reminder-late-subject = En retard : { $kpi } pour { $account } (attendu le { $due })
reminder-late-body = Bonjour { $name },

    La valeur de « { $kpi } » ({ $period }) pour { $account } était attendue le { $due } et n’est pas arrivée.
    Répondez depuis votre boîte de réception : { $link }

    Pour ne plus recevoir de rappels : { $settings }
reminder-escalation-subject = Valeur manquante : { $kpi } pour { $account } ({ $owner })
reminder-escalation-body = Bonjour { $name },

    { $owner } n’a pas fourni « { $kpi } » ({ $period }) pour { $account }, attendu le { $due }.
    Les demandes du mois : { $link }

    Pour ne plus recevoir de rappels : { $settings }
reminders-title = E-mails de rappel
reminders-intro = Boussole vous écrit quand une valeur dont vous êtes responsable arrive à échéance ou est en retard, et pour les demandes en retard sur vos comptes. Les demandes restent toujours dans votre boîte de réception.
reminders-legend = Rappels par e-mail
reminders-on = M’envoyer les rappels
reminders-off = Ne pas m’envoyer de rappels
reminders-now-off = Vous ne recevrez plus d’e-mails de rappel.
reminders-now-on = Vous recevrez les e-mails de rappel.
value-comment-required = Cette valeur est rouge : cet indicateur demande un commentaire qui l’explique. Ajoutez un commentaire et enregistrez de nouveau.
kpi-comment-when-red = Exiger un commentaire quand une valeur est rouge
kpi-comment-when-red-hint = Qui saisit une valeur rouge (à la main, par import, dans le portail ou par l’API) doit dire pourquoi.
import-comment-required = Ligne { $row } : la valeur est rouge et cet indicateur demande un commentaire qui l’explique.
