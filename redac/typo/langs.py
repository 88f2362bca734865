"""Language codes SPIP recognises (``traduire_nom_langue``) for ``{lang}`` in links."""

LANGUAGE_CODES: frozenset[str] = frozenset(
    """aa ab af am an ar as ast ay az ba be ber bg bh bi bm bn bo br bs ca co cpf cpf_dom
    cpf_hat cs cy da de dz ee el en en_hx en_sm eo es es_co es_mx et eu fa ff fi fj fo fon
    fr fr_fem fr_sc fr_lpc fr_lsf fr_spl fr_tu fy ga gd gl gn grc gu guz ha haw he hi hr hu
    hy ia id ie ik is it it_fem iu ja jv ka kk kl km kn ko ks ku ky la lb lg ln lo lt lu lv
    man mg mi mk ml mn mo mr ms mt my na nap nb ne nl nn no nqo oc oc_auv oc_gsc oc_lms
    oc_lnc oc_ni oc_ni_la oc_ni_mis oc_notaniv oc_pro_samp oc_prv oc_va om or pa pbb pl ps
    pt pt_br qu rm rn ro roa ru rw sa sc scn sd sg sh si sk sl sm sn so sq sr src ss st su
    sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz vi vo wa wo xh yi yo za zh
    zh_tw zu""".split()
)
