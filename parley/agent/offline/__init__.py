"""The offline engine: intents from example phrases, entities from patterns and the catalog, template replies."""
