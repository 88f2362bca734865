"""Election silence (« période de réserve »).

French electoral law forbids new campaign material from the eve of a vote (Code électoral art.
L49). During the period set in *Paramètres > Période de réserve*, nothing new is published in the
sections marked « rubrique de campagne » (or below them), and comments are closed there; pages
already online stay online.
"""
