help-title = Comment les scores sont calculés
help-intro = Chaque nombre d’un tableau de bord vient des formules ci-dessous ; rien n’est pondéré ni caché ailleurs.
help-attainment-title = Atteinte d’un indicateur
help-attainment = L’atteinte compare la dernière valeur v à l’objectif t de sa période, dans le sens de l’indicateur.
help-attainment-formula = avec s = +1 quand plus haut est mieux et −1 quand plus bas est mieux, bornée entre 0 % et 150 %. Pour un objectif positif et « plus haut est mieux », c’est simplement valeur ÷ objectif ; la formule fonctionne aussi pour des objectifs négatifs (NPS) et pour une valeur nulle quand plus bas est mieux. Un objectif nul est refusé : on ne peut rien mesurer par rapport à zéro.
help-status-title = Statut d’un indicateur
help-status = Chaque indicateur a deux seuils, en pourcentage d’atteinte : vert à partir de, orange à partir de. Le statut est toujours écrit en toutes lettres en plus de la couleur.
help-status-green = atteinte au moins égale au seuil vert (100 % par défaut).
help-status-amber = au moins égale au seuil orange (90 % par défaut), sous le vert.
help-status-red = sous le seuil orange.
help-status-stale = la dernière valeur est plus ancienne que la fenêtre de fraîcheur de l’indicateur (6 mois par défaut) : l’indicateur est signalé et exclu de tous les scores, jamais compté en silence.
help-status-none = pas encore de valeur : également exclu des scores.
help-scores-title = Scores
help-kpi-score = Score d’un indicateur : l’atteinte p (en %) est interpolée entre les deux seuils propres à l’indicateur, orange A et vert G, de sorte qu’un indicateur vert obtient un score dans la bande verte, un orange dans la bande orange, un rouge dans la bande rouge. Sous A : 70 × p ÷ A. De A à G : 70 + 20 × (p − A) ÷ (G − A). À partir de G : 90 + 10 × (p − G) ÷ (100 − G), plafonné à 100 (100 d’emblée quand G est d’au moins 100 %). Surperformer sur un indicateur ne dépasse jamais 100 et ne masque donc pas une sous-performance sur un autre.
help-universe-score = Score d’un univers = la moyenne pondérée des scores de ses indicateurs à jour (poids de chaque indicateur dans son univers). Une moyenne reste entre son plus petit et son plus grand terme : le statut d’un univers est toujours entre celui de son pire et de son meilleur indicateur (tous orange : orange ; tous verts : vert), et un indicateur rouge qui porte au moins un tiers du poids de son univers l’empêche d’être vert.
help-overall-score = Score équilibré = la moyenne pondérée des scores des univers ayant au moins un indicateur à jour (poids des univers propres à chaque compte ; égaux par défaut).
help-score-status = Un indicateur, un univers ou le score équilibré est Bon à partir de { $green }, À surveiller à partir de { $amber }, À risque en dessous. Les scores sont affichés arrondis à l’unité inférieure : 89,6 s’affiche 89, À surveiller.
help-explanation-title = Ce qui a fait bouger le score
help-explanation = Chaque indicateur à jour pèse dans le score équilibré selon sa part dans son univers multipliée par la part de son univers. On compare le tableau de bord d’aujourd’hui à celui de la fin du mois précédent, tel qu’il était alors : avec les valeurs saisies avant le début du mois (une valeur saisie ou corrigée ce mois-ci, même pour un trimestre en cours, compte donc comme un changement). L’évolution se répartit exactement entre les indicateurs : la contribution de chacun est son score pondéré actuel moins son score pondéré d’alors, si bien que les contributions s’additionnent pour donner l’évolution. Un indicateur qui devient périmé apparaît aussi, puisqu’il sort du score.
help-triangulation-title = Triangulation
help-triangulation = Chaque indicateur s’appuie sur l’un des trois domaines de données : interne (nos propres chiffres), client (l’expérience et l’évaluation du compte clé) et marché (données du secteur). Le panneau compte les indicateurs à jour par domaine et alerte quand le domaine client manque ou est périmé : c’est le point faible de la plupart des tableaux de bord, et la vision la plus importante.
help-forecast-title = Prévisions
help-forecast = Les trois prochaines périodes sont prévues par lissage exponentiel linéaire de Holt : un niveau et une tendance mis à jour à chaque nouvelle valeur, avec des constantes de lissage choisies pour minimiser l’erreur de prévision à un pas sur l’historique de l’indicateur. La méthode convient aux séries commerciales courtes et orientées, sans prétendre modéliser la saisonnalité. La bande est un intervalle de prévision à 80 % : si le passé se prolonge, 4 valeurs sur 5 y tombent. Il faut au moins 4 valeurs.

## Score bands (issue 10)
help-bands-caption = Bandes de score et statut correspondant
help-band-col-status = Statut
help-band-col-range = Score
help-band-range = de { $from } à moins de { $to }
help-band-range-top = de { $from } à { $to }
help-stale-status = Un indicateur périmé garde l’indication de son dernier statut (« Périmé · était À surveiller ») mais ne compte plus.
