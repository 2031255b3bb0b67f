package org.tdpipe.cli;

/**
 * One request of {@code bench-serve}.
 *
 * @param text the prompt
 * @param estimatedTokens its length in tokens as the dataset meant it (the server's usage, when sent, is what counts)
 * @param maxTokens the request's {@code max_tokens}
 */
record BenchPrompt(String text, int estimatedTokens, int maxTokens) {
}
