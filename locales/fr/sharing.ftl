stage-title = Stade de la relation
stage-intro = La pyramide KAM : à mesure que la confiance grandit, le tableau de bord est davantage partagé avec le client. Le stade décide de ce qui peut être partagé et de ce que le client peut faire.
stage-1-description = Chaque partie garde son propre tableau de bord : rien n’est partagé avec le client.
stage-2-description = Des indicateurs choisis sont partagés en lecture seule, en signe d’ouverture ; le client peut commenter.
stage-3-description = Les objectifs se construisent ensemble : le client valide ou conteste les valeurs partagées, et chaque partie propose des objectifs.
stage-4-description = Transparence complète : un tableau de bord commun unique, auquel le client apporte aussi valeurs et objectifs.
stage-choose-legend = Nouveau stade
stage-current = actuel
stage-reason = Motif
stage-reason-hint = Pourquoi la relation évolue : décision d’un comité de pilotage, projet commun, perte de confiance… Le motif est conservé dans l’historique.
stage-submit = Changer de stade
stage-choose = Choisissez un stade.
stage-unchanged = Le compte est déjà à ce stade.
stage-reason-required = Indiquez le motif du changement (quelques mots au moins).
stage-changed = Le stade a été changé.
stage-changed-restricted = { $count ->
    [one] Le stade a été changé ; { $count } indicateur est désormais moins visible du client, comme l’exige le nouveau stade.
   *[other] Le stade a été changé ; { $count } indicateurs sont désormais moins visibles du client, comme l’exige le nouveau stade.
}
stage-changed-meanwhile = Quelqu’un a changé le stade entre-temps. Rechargez la page et réessayez.
stage-history = Historique des changements de stade
stage-history-empty = Le stade n’a pas encore été changé.
stage-restricted = Indicateurs restreints
stage-change-button = Changer de stade
portal-view-as-client = Voir comme le client
portal-preview-banner = Aperçu : voici exactement ce que voient les utilisateurs du client.
portal-preview-back = Revenir au tableau de bord complet
portal-enter-title = Saisir une valeur
portal-enter-intro = Cet indicateur est commun : votre équipe et la nôtre l’alimentent. La valeur est enregistrée à votre nom.
clients-title = Utilisateurs client
clients-intro = Les personnes du client qui peuvent se connecter pour voir le tableau de bord partagé avec leur compte.
clients-users = Qui a accès
clients-none = Personne chez le client n’a encore accès.
client-revoke = Retirer l’accès
client-revoked = Accès retiré : ses sessions ont pris fin immédiatement.
client-revoked-status = Retiré
invitations-pending = Invitations en attente
invitation-until = valable jusqu’au
invite-title = Inviter un contact
invite-submit = Créer l’invitation
invitation-created = Invitation créée. Aucun serveur d’e-mail n’est configuré : transmettez vous-même ce lien à votre contact :
invitation-pass-on = Le lien ne sert qu’une fois et expire dans 7 jours.
invitation-title = Rejoindre le tableau de bord de votre fournisseur
invitation-welcome = Bienvenue
invitation-accept = Définir mon mot de passe
invitation-accepted = Votre accès est prêt : connectez-vous avec votre adresse e-mail et votre nouveau mot de passe.
invitation-invalid-title = Ce lien ne peut pas être utilisé
invitation-invalid = Ce lien d’invitation n’est pas valide : il a peut-être expiré ou déjà servi. Demandez-en un nouveau à votre contact chez le fournisseur.
password-confirm = Mot de passe, à nouveau
password-mismatch = Les deux mots de passe diffèrent.
client-nothing-to-revoke = Il n’y avait aucun accès actif à retirer.
targets-joint-title = Objectifs convenus ensemble
targets-joint-intro = Chaque partie propose un objectif ; il s'applique dès que l'autre partie l'accepte.
targets-none = Aucun objectif n'a encore été proposé.
targets-proposed-by = Proposé par
target-proposed = Objectif proposé
target-period-hint = Une période (2026-12, 2027-Q1, 2027), ou laisser vide pour l'objectif par défaut de l'indicateur.
target-propose = Proposer cet objectif
target-accept = Accepter
target-decline = Refuser
target-withdraw = Retirer
target-default-period = Objectif par défaut
target-status-open = En attente de réponse
target-status-accepted = Convenu
target-status-declined = Refusé
target-status-withdrawn = Retiré
side-client = client
side-supplier = fournisseur
target-proposed-flash = L'objectif a été proposé ; il s'appliquera dès que l'autre partie l'aura accepté.
target-agreed = L'objectif est convenu et s'applique désormais.
target-declined = La proposition a été refusée.
target-withdrawn = La proposition a été retirée.
target-proposal-closed = Cette proposition a déjà reçu une réponse. Rechargez la page pour voir où elle en est.
target-decision-invalid = Réponse inconnue à une proposition d'objectif.
universe-sharing-title = Partager tout un univers
universe-sharing-intro = Fixe d'un coup la visibilité de tous les indicateurs d'un univers. Seul ce que permet le stade actuel est proposé.
universe-sharing-set = Tout passer en
universe-sharing-apply = Appliquer
universe-visibility-set = { $count ->
    [one] { $count } indicateur de l'univers { $universe } est désormais : { $visibility }.
   *[other] { $count } indicateurs de l'univers { $universe } sont désormais : { $visibility }.
}
universe-visibility-beyond-stage = Au stade { $stage }, un indicateur peut être au plus : { $allowed }. Relevez d'abord le stade.
invitation-mailed = Un e-mail d’invitation part vers
invitation-mail-failed = L'invitation existe, mais le serveur de messagerie a refusé le message. Transmettez vous-même ce lien à votre contact :
invitation-mail-subject = Votre accès au tableau de bord partagé
invitation-mail-body = Bonjour { $name },

    { $kam } vous invite à consulter le tableau de bord que votre fournisseur partage avec { $account }.
    Choisissez votre mot de passe ici (le lien ne sert qu'une fois, pendant { $days } jours) :

    { $link }

    Si vous n'attendiez pas ce message, vous pouvez l'ignorer.
