"""The knowledge base records staff edit: help articles, FAQs and file-ingestion jobs."""
