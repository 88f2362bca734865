"""The public theme's page chrome (header, navigation, flash ticker, campaign banner, breadcrumb,
footer): template tags that need the content apps and the page cache, so they sit above them. The
templates themselves are in ``redac/templates/``; the filters every template uses (dates, SPIP
text, typography) are core's ``redac_tags``."""
