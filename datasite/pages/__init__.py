"""Pages and files that every site has, whatever its features: the area pages and the data catalogue
(``listings``), the Markdown pages (``prose``), a page and an embeddable view per chart (``charts``), feeds and
catalogues (``discovery``), the downloads of a table (``downloads``), and long listings split into pages
(``pagination``)."""
