"""Knowledge: the knowledge base, embeddings, indexing and hybrid search over Qdrant."""
