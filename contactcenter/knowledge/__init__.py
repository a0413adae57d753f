"""The knowledge base: articles (Markdown, versions as events), hybrid search (a local
embedding model beside full-text ranking), the help page and widget search, agent assist and
the sentiment of customers' messages. docs/knowledge.md."""
