"""Channel-blind conversations: vocabulary, lazy text, the engine and one module per flow."""
