"""The LLM engine: any OpenAI-compatible endpoint through langchain-openai, with the offline engine behind it."""
