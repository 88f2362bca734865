<?xml version="1.0" encoding="utf-8"?>
<!-- A feed (RSS 2.0 or Atom) shown by a browser as a page: what it is, how to subscribe, its
     latest items (redac/news/feeds.py). No script and no inline style: the site's CSP applies. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="site" select="/rss/channel/link | /atom:feed/atom:link[not(@rel) or @rel='alternate']/@href"/>
  <xsl:template match="/">
    <html lang="fr">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (fil d’actualité)</title>
        <link rel="stylesheet" href="/static/redac/css/site.css"/>
      </head>
      <body class="feed-page">
        <div class="wrap">
          <main id="contenu" class="site-main">
            <p class="feed-page__notice">Ceci est un <strong>fil d’actualité</strong> (RSS ou Atom) : copiez l’adresse de cette page dans votre lecteur de flux pour être averti de chaque nouvelle publication.</p>
            <h1><xsl:value-of select="$title"/></h1>
            <p><a href="{$site}">Aller sur le site</a></p>
            <h2>Derniers contenus</h2>
            <ul class="feed-page__items">
              <xsl:for-each select="/rss/channel/item | /atom:feed/atom:entry">
                <li class="feed-page__item">
                  <h3 class="card__title"><a href="{link | atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h3>
                  <p class="byline"><xsl:value-of select="pubDate | atom:published"/></p>
                </li>
              </xsl:for-each>
            </ul>
          </main>
        </div>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
