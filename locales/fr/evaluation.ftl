nav-evaluations = Validation client
validation-awaiting = En attente de validation
validation-validated = Validé par le client
validation-contested = Contesté
validation-resolved = Résolu
evaluation-title = L’évaluation du client
evaluation-no-messages = Aucun commentaire sur cette valeur pour l’instant.
evaluation-validate = Valider cette valeur
evaluation-contest-open = Contester cette valeur…
evaluation-contest-why = Qu’est-ce qui ne va pas ?
evaluation-contest = Contester
evaluation-proposal = Valeur proposée
evaluation-proposal-hint = Facultatif : la valeur qui vous semble juste.
evaluation-accept = Accepter la proposition du client
evaluation-accept-note = Note (facultative)
evaluation-keep = Maintenir la valeur et répondre
evaluation-keep-why = Pourquoi la valeur est maintenue
evaluation-comment = Commentaire
evaluation-send = Envoyer
evaluation-recorded = C’est enregistré. L’autre partie peut le voir.
evaluation-comment-empty = Écrivez d’abord un commentaire.
evaluation-not-at-this-stage = Le stade de la relation ne le permet pas encore.
evaluation-already-validated = Cette valeur est déjà validée.
evaluation-already-contested = Cette valeur est déjà contestée ; attendez la réponse ou commentez.
evaluation-contest-needs-comment = Dites ce qui ne va pas : une contestation demande un commentaire.
evaluation-nothing-to-resolve = Cette valeur n’est pas contestée.
evaluation-no-proposal = Le client n’a proposé aucune valeur à accepter ; maintenez la valeur et répondez.
evaluation-keep-needs-answer = Expliquez pourquoi la valeur est maintenue.
evaluation-not-allowed = Cette action n’est pas disponible.
evaluation-proposal-invalid = La valeur proposée n’est pas un nombre que cet indicateur admet.
evaluation-kind-comment = commentaire
evaluation-kind-validated = a validé
evaluation-kind-contested = a contesté
evaluation-kind-accepted = a accepté la proposition
evaluation-kind-kept = a maintenu la valeur
evaluation-queue-title = Valeurs en revue par le client
evaluation-queue-intro = Les valeurs contestées attendent votre réponse ; les dernières valeurs des indicateurs partagés attendent la validation du client.
evaluation-queue-contested = Contestées par le client
evaluation-queue-awaiting = En attente de validation du client
evaluation-queue-empty = Rien ici.
evaluation-since = Depuis
evaluation-validated-share = Validé par le client :

## Portail : la prochaine étape du client (valider plusieurs valeurs d'un coup)
portal-awaiting-summary = { $count ->
    [one] 1 valeur attend votre validation
   *[other] { $count } valeurs attendent votre validation
}
portal-awaiting-title = Valeurs en attente de votre validation
portal-awaiting-intro = Cochez les valeurs avec lesquelles vous êtes d'accord, puis validez-les d'un coup. Pour contester une valeur, ouvrez sa page.
portal-awaiting-choose = Valider
portal-awaiting-details = détails
portal-awaiting-submit = Valider les valeurs cochées
portal-validate-none = Cochez au moins une valeur à valider.
portal-validate-too-many = Trop de valeurs d'un coup : validez-en au plus 500.
portal-validate-stale = Certaines de ces valeurs n'attendent plus votre validation (validées, contestées ou remplacées entre-temps). Rien n'a été enregistré ; vérifiez la liste et recommencez.
portal-validated-count = { $count ->
    [one] 1 valeur validée. Votre fournisseur la voit.
   *[other] { $count } valeurs validées. Votre fournisseur les voit.
}
