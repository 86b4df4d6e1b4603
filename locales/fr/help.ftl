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
help-kpi-score = Score d’un indicateur = l’atteinte plafonnée à 100 %, sur 100 : surperformer sur un indicateur ne masque pas une sous-performance sur un autre.
help-universe-score = Score d’un univers = la moyenne pondérée des scores de ses indicateurs à jour (poids de chaque indicateur dans son univers).
help-overall-score = Score équilibré = la moyenne pondérée des scores des univers ayant au moins un indicateur à jour (poids des univers propres à chaque compte ; égaux par défaut).
help-score-status = Un univers ou le score équilibré est Bon à partir de 90, À surveiller à partir de 70, À risque en dessous.
help-explanation-title = Ce qui a fait bouger le score
help-explanation = Chaque indicateur à jour pèse dans le score équilibré selon sa part dans son univers multipliée par la part de son univers. L’évolution du score entre deux mois se répartit exactement entre les indicateurs : la contribution de chacun est son score pondéré actuel moins son score pondéré d’alors, si bien que les contributions s’additionnent pour donner l’évolution. Un indicateur qui devient périmé apparaît aussi, puisqu’il sort du score.
help-triangulation-title = Triangulation
help-triangulation = Chaque indicateur s’appuie sur l’un des trois domaines de données : interne (nos propres chiffres), client (l’expérience et l’évaluation du compte clé) et marché (données du secteur). Le panneau compte les indicateurs à jour par domaine et alerte quand le domaine client manque ou est périmé : c’est le point faible de la plupart des tableaux de bord, et la vision la plus importante.
help-forecast-title = Prévisions
help-forecast = Les trois prochaines périodes sont prévues par lissage exponentiel linéaire de Holt : un niveau et une tendance mis à jour à chaque nouvelle valeur, avec des constantes de lissage choisies pour minimiser l’erreur de prévision à un pas sur l’historique de l’indicateur. La méthode convient aux séries commerciales courtes et orientées, sans prétendre modéliser la saisonnalité. La bande est un intervalle de prévision à 80 % : si le passé se prolonge, 4 valeurs sur 5 y tombent. Il faut au moins 4 valeurs.
