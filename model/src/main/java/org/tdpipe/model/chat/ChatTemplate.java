package org.tdpipe.model.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Renders a conversation into prompt text with a model's Jinja chat template (GGUF
 * {@code tokenizer.chat_template} or {@code tokenizer_config.json}'s {@code chat_template}), the way
 * Hugging Face's {@code apply_chat_template} does: Jinja with {@code trim_blocks} and
 * {@code lstrip_blocks}, the variables {@code messages}, {@code bos_token}, {@code eos_token} and
 * {@code add_generation_prompt}, and the function {@code raise_exception}. The rendered text already
 * holds the template's BOS, so it is encoded without adding another.
 *
 * <p>The conversation is data: message fields are printed as they are, never interpreted, so a
 * message holding {@code {{ 7*7 }}} reaches the model as those characters (Jinjava's nested
 * interpretation is off). Every rendering runs within {@link RenderLimits}.
 */
public final class ChatTemplate {
    private static final Jinjava JINJA = new Jinjava();

    static {
        JINJA.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateRaisedException.class, "raise", String.class));
    }

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final RenderLimits limits;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, RenderLimits.DEFAULT);
    }

    public ChatTemplate(String source, String bosToken, String eosToken, RenderLimits limits) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.limits = limits;
    }

    /**
     * The template to use for {@code model}: {@code override} when given (e.g. {@code --chat-template}),
     * else the model's own; empty when there is neither.
     */
    public static Optional<ChatTemplate> forModel(ModelSource model, Optional<String> override) {
        Tokenizer tokenizer = model.tokenizer();
        return override.or(model::chatTemplate)
                .map(text -> new ChatTemplate(text, specialText(tokenizer, tokenizer.bosId()),
                        specialText(tokenizer, tokenizer.eosId())));
    }

    public String source() {
        return source;
    }

    /** The prompt text for {@code messages}, ending with the assistant's cue when {@code addGenerationPrompt}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", messages.stream().map(ChatTemplate::asMap).toList());
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = JINJA.renderForResult(source, bindings, configWithin(new RenderBudget(limits)));
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!fatal.isEmpty()) {
            throw new ChatTemplateException(fatal.stream().map(this::describe).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    private static Map<String, Object> asMap(ChatMessage m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role());
        map.put("content", m.content());
        return map;
    }

    private String describe(TemplateError e) {
        Throwable cause = e.getException();
        while (cause != null) {
            if (cause instanceof TemplateRaisedException || cause instanceof RenderBudget.LimitExceeded) {
                return cause.getMessage();
            }
            if (cause instanceof OutputTooBigException) {
                return "the chat template rendered over " + limits.maxOutputChars() + " characters (the output limit)";
            }
            cause = cause.getCause();
        }
        return "chat template error" + (e.getLineno() > 0 ? " at line " + e.getLineno() : "") + ": " + e.getMessage();
    }

    private static String specialText(Tokenizer tokenizer, int id) {
        return id < 0 ? "" : tokenizer.piece(id);
    }

    /** Hugging Face's Jinja settings, values never re-rendered as templates, and the limits of one rendering. */
    private JinjavaConfig configWithin(RenderBudget budget) {
        int maxItems = (int) Math.min(Integer.MAX_VALUE, limits.maxSteps());
        return JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withMaxListSize(maxItems)
                .withMaxMapSize(maxItems)
                .withEnableRecursiveMacroCalls(false)
                .withProcessors(JinjavaProcessors.newBuilder().withNodePreProcessor(budget).build())
                .build();
    }

    /** Thrown by the template's own {@code raise_exception(message)}. */
    public static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }

        /** The Jinja function {@code raise_exception}; public because Jinjava calls it reflectively. */
        public static String raise(String message) {
            throw new TemplateRaisedException(message);
        }
    }
}
