from django.urls import path

from . import feeds, sitemaps, views

app_name = "news"
urlpatterns = [
    path("auteurs/<slug:slug>/", views.author_detail, name="author"),
    path("mots/<slug:slug>/", views.keyword_detail, name="keyword"),
    # Feeds: RSS 2.0 and Atom for the site, brèves, a section, a keyword, an author.
    path("feeds/rss/", feeds.site_rss, name="feed_rss"),
    path("feeds/atom/", feeds.site_atom, name="feed_atom"),
    path("feeds/breves/rss/", feeds.breves_rss, name="feed_breves_rss"),
    path("feeds/breves/atom/", feeds.breves_atom, name="feed_breves_atom"),
    path("feeds/rubriques/<slug:slug>/rss/", feeds.section_rss, name="feed_section_rss"),
    path("feeds/rubriques/<slug:slug>/atom/", feeds.section_atom, name="feed_section_atom"),
    path("feeds/mots/<slug:slug>/rss/", feeds.keyword_rss, name="feed_keyword_rss"),
    path("feeds/mots/<slug:slug>/atom/", feeds.keyword_atom, name="feed_keyword_atom"),
    path("feeds/auteurs/<slug:slug>/rss/", feeds.author_rss, name="feed_author_rss"),
    path("feeds/auteurs/<slug:slug>/atom/", feeds.author_atom, name="feed_author_atom"),
    path("spip.php", sitemaps.spip_backend, name="spip_backend"),
    # Sitemaps and robots.txt.
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
