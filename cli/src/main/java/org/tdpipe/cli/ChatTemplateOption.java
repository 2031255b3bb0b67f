package org.tdpipe.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.format.ModelSource;
import picocli.CommandLine.Option;

/** {@code --chat-template FILE} (a picocli mixin): the Jinja template for chat messages, else the model's own. */
final class ChatTemplateOption {
    @Option(names = "--chat-template", description = "Jinja chat template file for chat messages (default: the model's own).")
    Path file;

    /** The template to render conversations with; empty when the model has none and no file was given. */
    Optional<ChatTemplate> resolve(ModelSource model) {
        return ChatTemplate.forModel(model, Optional.ofNullable(file).map(ChatTemplateOption::read));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --chat-template " + file + ": " + e.getMessage(), e);
        }
    }
}
