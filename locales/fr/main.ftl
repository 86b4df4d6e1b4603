## Layout
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-users = Utilisateurs
nav-portfolio = Portefeuille
nav-accounts = Comptes
nav-my-accounts = Mes comptes
nav-inbox = Demandes
nav-portal = Notre tableau de bord
language = Langue
logout = Se déconnecter
footer-tagline = Tableaux de bord des comptes clés, construits avec le client
breadcrumbs = Fil d’Ariane
export-csv = Exporter en CSV
save = Enregistrer
cancel = Annuler
never = jamais
form-has-errors = Merci de corriger les points suivants :

## Roles
role-admin = Administrateur
role-director = Directeur commercial
role-kam = Key account manager
role-contributor = Contributeur
role-client = Client

## Sign in
login-title = Connexion
login-intro = Connectez-vous avec votre adresse e-mail professionnelle.
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter
login-failed = Adresse e-mail ou mot de passe incorrect.
login-missing-fields = Saisissez votre adresse e-mail et votre mot de passe.
login-throttled = Trop de tentatives échouées. Patientez quelques minutes avant de réessayer.
logout-done = Vous êtes déconnecté.

## Errors
error-title-400 = Requête incorrecte
error-title-401 = Connexion requise
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-405 = Action non permise
error-title-408 = Délai dépassé
error-title-409 = Modifié entre-temps
error-title-413 = Trop volumineux
error-title-422 = Impossible de traiter la demande
error-title-429 = Trop de tentatives
error-title-500 = Une erreur est survenue
error-title-503 = Service indisponible
error-title-generic = Erreur
error-not-found = Cette page n’existe pas, ou vous n’y avez pas accès.
error-forbidden = Votre rôle ne donne pas accès à cette page.
error-unauthorized = Connectez-vous pour continuer.
error-csrf = Ce formulaire a expiré ou provient d’un autre site. Revenez en arrière, rechargez la page et réessayez.
error-too-many-requests = Trop de tentatives. Patientez un instant puis réessayez.
error-internal = Une erreur inattendue est survenue. Elle a été enregistrée ; merci de réessayer.
error-method-not-allowed = Cette action n’est pas disponible ici.
error-form-too-large = Ce que vous avez envoyé est trop volumineux.
error-unavailable = Le service est occupé. Réessayez dans un instant.
error-bad-request = La demande n’a pas pu être comprise.
error-code = Code d’erreur
error-home = Retour à l’accueil

## Forms
field-required = Ce champ est obligatoire.
field-too-long = C’est trop long.
email-invalid = Saisissez une adresse e-mail du type nom@entreprise.fr.
email-taken = Un utilisateur avec cette adresse e-mail existe déjà.
password-too-short = Le mot de passe doit compter au moins 10 caractères.
password-too-long = Le mot de passe doit compter au plus 256 caractères.
password-hint = Au moins 10 caractères.

## Accounts
accounts-title = Comptes
accounts-mine-title = Mes comptes
accounts-empty = Aucun compte pour l’instant.
accounts-table-caption = Comptes avec leur catégorie, leur stade et leur responsable
col-account = Compte
col-code = Code
col-industry = Secteur
col-country = Pays
col-tier = Catégorie
col-stage = Stade
col-owner = Key account manager
col-since = Client depuis
col-updated = Dernière mise à jour
col-name = Nom
col-email = E-mail
col-role = Rôle
col-status = Statut
col-last-login = Dernière connexion
tier-key-account = Compte clé
tier-candidate = Candidat
tier-managed = Compte géré
stage-1 = Exploratoire
stage-2 = Basique
stage-3 = Coopératif
stage-4 = Intégré

## Portfolio
portfolio-title = Portefeuille
portfolio-pending = { $count ->
    [one] Un compte est en cours de recalcul : ses scores peuvent avoir une minute de retard sur ses valeurs.
   *[other] { $count } comptes sont en cours de recalcul : leurs scores peuvent avoir une minute de retard sur leurs valeurs.
}
portfolio-accounts = Comptes
portfolio-by-stage = Comptes par stade de la pyramide KAM

## Inbox
inbox-title = Demandes de données
inbox-empty = Aucun indicateur ne vous est confié pour le moment.
inbox-intro = Les indicateurs dont vous fournissez les chiffres. Saisissez la valeur de la dernière période dès qu’elle est connue.
inbox-due = Période attendue
inbox-overdue = À fournir

## Portal
portal-intro = Le tableau de bord que votre fournisseur partage avec vous.
portal-team = Vos interlocuteurs
portal-nothing-shared = Rien n’a encore été partagé avec vous.

## Users
users-title = Utilisateurs
users-add = Ajouter un utilisateur
user-active = Actif
user-inactive = Inactif
user-created = L’utilisateur a été créé.
user-account-hint = Seulement pour les utilisateurs clients : le compte auquel ils appartiennent.
user-client-needs-account = Un utilisateur client doit appartenir à un compte.
user-staff-no-account = Seuls les utilisateurs clients appartiennent à un compte.

## Account form
account-new = Nouveau compte
account-edit = Modifier le compte
account-created = Le compte a été créé.
account-saved = Le compte a été enregistré.
account-conflict = Quelqu’un d’autre a enregistré ce compte pendant que vous le modifiiez. Voici sa version ; refaites votre modification.
account-slug-hint = Code court utilisé pour les imports et exports : minuscules, chiffres et tirets (ex. lumiere-retail).
account-slug-invalid = Utilisez uniquement des minuscules, des chiffres et des tirets (ex. lumiere-retail).
account-slug-taken = Un autre compte utilise déjà ce code.
account-country-hint = Code ISO à deux lettres, ex. FR, GB, DE.
account-country-invalid = Saisissez un code pays à deux lettres comme FR ou GB.
account-international = Présent dans plusieurs pays
account-subsidiaries = Filiales où nous sommes présents
account-subsidiaries-hint = Nombre de filiales du client avec lesquelles nous travaillons.
account-owner-invalid = Choisissez un key account manager dans la liste.
field-whole-number = Saisissez un nombre entier (0 ou plus).
field-date-invalid = Saisissez une date valide, non future.
actions = Actions
remove = Retirer
team-title = Équipe compte
team-empty = Personne n’a encore été ajouté à l’équipe compte.
team-person = Personne
team-function = Fonction
team-add = Ajouter à l’équipe
team-updated = L’équipe compte a été mise à jour.
team-choose-person-and-function = Choisissez une personne et une fonction.
teamfunction-sales = Ventes
teamfunction-marketing = Marketing
teamfunction-logistics = Logistique
teamfunction-finance = Finance
teamfunction-customer-service = Service client
teamfunction-rnd = R&D
teamfunction-legal = Juridique
teamfunction-management = Direction
accounts-new-button = Nouveau compte
date-invalid = Saisissez une date comme 2026-11-23.

## Pages (issue 10): the scrolling box around a table, named apart from its section
region-table = tableau
region-chart = graphique, défilant

## Durcissement des saisies (caractères de contrôle, adresse publique)
error-control-characters = Ce que vous avez envoyé contient des caractères de contrôle invisibles (un octet NUL ou un forçage du sens d’écriture, par exemple) que Boussole n’accepte pas. Retirez-les — retaper le texte suffit en général — puis envoyez-le à nouveau.
links-need-public-url = Impossible d’envoyer des liens pour l’instant : l’adresse publique du site n’est pas configurée. Demandez à l’administrateur de renseigner --public-url (BOUSSOLE_PUBLIC_URL) ; d’ici là, aucun lien d’enquête ni d’invitation n’est créé.
form-already-sent = Ce formulaire avait déjà été envoyé : il a été enregistré une fois, pas deux.
## Operations: database outage (ops)
error-db-unavailable = La base de données ne répond pas pour le moment. Réessayez dans quelques secondes.
error-retry = Réessayer
