## Import CSV de valeurs d’indicateurs (src/values/import.rs, csv_import.rs)
import-title = Importer des valeurs (CSV)
import-link = Importer des valeurs (CSV)
import-intro = Chargez d’un coup de nombreuses valeurs d’indicateurs depuis un tableur enregistré en CSV. Tout le fichier est vérifié d’abord : si une ligne pose problème, rien n’est importé et chaque problème est indiqué avec son numéro de ligne.
import-file-label = Fichier CSV
import-file-hint = UTF-8, séparé par des points-virgules ou des virgules ; 1 000 000 de lignes et 128 Mo au plus.
import-submit = Vérifier et importer
import-format-title = Format attendu
import-format-header = La première ligne nomme les colonnes, en français ou en anglais, dans n’importe quel ordre :
import-format-account = le code du compte (par exemple lumiere-retail), affiché à côté de son nom dans la liste des comptes ;
import-format-kpi = le code de l’indicateur sur ce compte (voir la liste ci-dessous) ;
import-format-period = la période, écrite selon la fréquence de l’indicateur : 2026-09 (mensuel), 2026-Q3 (trimestriel), 2026 (annuel) ;
import-format-value = la valeur : 12,5 ou 12.5 ; les espaces entre milliers sont acceptés ;
import-format-comment = facultatif : un commentaire de 2 000 caractères au plus.
import-format-encoding = Dans Excel, enregistrez au format « CSV UTF-8 ». Une valeur déjà enregistrée pour le même indicateur et la même période est remplacée ; son historique garde la précédente.
import-example-title = Exemple
import-template-download = Télécharger un modèle vide
import-codes-title = Comptes dans lesquels vous pouvez importer, et codes de leurs indicateurs
import-codes-empty = Aucun compte ne vous permet d’importer des valeurs.
import-codes-caption = Codes des indicateurs des comptes dans lesquels vous pouvez importer
import-codes-col-kpi = Indicateur
import-codes-col-code = Code
import-codes-col-frequency = Fréquence
import-codes-no-kpi = Aucun indicateur pour l’instant.
import-frequency-monthly = mensuel
import-frequency-quarterly = trimestriel
import-frequency-yearly = annuel
import-done = { $file } : { $created_text } { $created ->
        [one] valeur ajoutée
       *[other] valeurs ajoutées
    }, { $updated_text } { $updated ->
        [one] modifiée
       *[other] modifiées
    }, { $unchanged_text } { $unchanged ->
        [one] inchangée
       *[other] inchangées
    }.
import-failed-title = Rien n’a été importé
import-problems-summary = { $count ->
        [one] Un problème a été trouvé
       *[other] { $count_text } problèmes ont été trouvés
    } dans « { $file } » ({ $rows } lignes). Corrigez le fichier, puis chargez-le à nouveau.
import-file-again = Fichier : « { $file } ». Corrigez-le, puis chargez-le à nouveau.
import-problems-caption = Problèmes trouvés dans le fichier
import-problems-more = … et { $count ->
        [one] un autre problème.
       *[other] { $count_text } autres problèmes.
    }
import-col-line = Ligne
import-col-column = Colonne
import-col-problem = Problème
import-col-raw = Valeur lue
import-col-account = compte
import-col-kpi = indicateur
import-col-period = période
import-col-value = valeur
import-col-comment = commentaire
import-optional = facultatif
import-no-file = Choisissez un fichier CSV à importer.
import-too-large = Le fichier est trop volumineux : 128 Mo au plus. Découpez-le en plusieurs fichiers.
import-upload-failed = Le fichier n’a pas pu être reçu. Merci de réessayer.
import-conflict = Une valeur a été enregistrée par quelqu’un d’autre pendant l’import. Rien n’a été importé : chargez à nouveau le fichier.
import-not-utf8 = Le fichier n’est pas en UTF-8 (premier caractère illisible à la ligne { $line }) : dans Excel, choisissez « CSV UTF-8 » à l’enregistrement.
import-empty = Le fichier est vide.
import-no-rows = Le fichier a une ligne d’en-tête mais aucune valeur.
import-header-nothing = rien
import-bad-header = La première ligne doit nommer les colonnes { $expected_fr } (ou en anglais : { $expected_en }). Trouvé : { $found }.
import-too-many-rows = Le fichier compte { $found } lignes : { $limit } au plus peuvent être importées à la fois. Découpez-le en plusieurs fichiers.
import-unreadable = Le fichier n’a pas pu être lu comme un CSV (ligne { $line }).
import-wrong-column-count = { $expected } cellules attendues, { $found } trouvées.
import-missing = Cette cellule est vide.
import-unknown-account = Compte inconnu, ou auquel vous n’avez pas accès.
import-unknown-kpi = Le compte { $account } n’a pas d’indicateur avec ce code.
import-period-invalid = Période non valide. { $frequency ->
        [monthly] Cet indicateur est mensuel : écrivez AAAA-MM, par exemple 2026-09.
        [quarterly] Cet indicateur est trimestriel : écrivez AAAA-Qn, par exemple 2026-Q3.
       *[yearly] Cet indicateur est annuel : écrivez AAAA, par exemple 2026.
    }
import-period-wrong-frequency = Cette période ne correspond pas à la fréquence de l’indicateur. { $frequency ->
        [monthly] Cet indicateur est mensuel : écrivez AAAA-MM, par exemple 2026-09.
        [quarterly] Cet indicateur est trimestriel : écrivez AAAA-Qn, par exemple 2026-Q3.
       *[yearly] Cet indicateur est annuel : écrivez AAAA, par exemple 2026.
    }
import-not-a-number = Ce n’est pas un nombre : écrivez par exemple 12,5 ou 12.5.
import-out-of-range = Hors des limites de l’unité de cet indicateur : entre { $min } et { $max }.
import-not-whole = Cet indicateur compte des éléments : un nombre entier est attendu.
import-comment-too-long = Commentaire trop long : { $length } caractères, { $max } au plus.
import-duplicate = Même compte, indicateur et période qu’à la ligne { $first }.

## Durcissement des saisies
import-control-characters = Cette cellule contient des caractères de contrôle invisibles (un octet NUL ou un forçage du sens d’écriture, par exemple) ; retirez-les.

## Import runs (src/values/import/runs.rs)
import-run-title = Import de « { $file } »
import-run-running = Le fichier a été vérifié : ses valeurs sont en cours d’enregistrement. Cette page se met à jour toutes les 2 secondes ; vous pouvez la quitter, l’import continue.
import-run-progress-label = Avancement
import-run-progress = { $done } lignes enregistrées sur { $total } ({ $percent } %).
import-run-interrupted = L’import a été interrompu (redémarrage du serveur) : rien n’en a été enregistré. Importez le fichier à nouveau.
import-run-again = Importer un autre fichier
import-failed = L’import a échoué : rien n’a été enregistré. Importez le fichier à nouveau.
