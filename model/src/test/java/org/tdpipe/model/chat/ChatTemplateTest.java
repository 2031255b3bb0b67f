package org.tdpipe.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.SharedData;

class ChatTemplateTest {
    /** ChatML, as Qwen2 and many fine-tunes write it (Hugging Face templates are one line, like this). */
    private static final String CHATML = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n'"
            + " + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** Llama 2 chat: system prompt folded into the first user turn, strict alternation, Python's strip(). */
    private static final String LLAMA2 = """
            {% if messages[0]['role'] == 'system' %}
            {% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}
            {% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}
            {% for message in loop_messages %}
            {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
            {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
            {% endif %}
            {% if loop.index0 == 0 and system_message != false %}
            {% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}
            {% else %}{% set content = message['content'] %}{% endif %}
            {% if message['role'] == 'user' %}
            {{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}
            {%- elif message['role'] == 'assistant' %}
            {{ ' ' + content.strip() + ' ' + eos_token }}
            {%- endif %}
            {% endfor %}""";

    @Test
    void rendersChatMlWithGenerationPrompt() {
        ChatTemplate template = new ChatTemplate(CHATML, "<s>", "</s>");
        String text = template.render(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")), true);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", text);
        String without = template.render(List.of(new ChatMessage("user", "Hi")), false);
        assertEquals("<|im_start|>user\nHi<|im_end|>\n", without);
    }

    @Test
    void rendersLlama2WithSystemPromptAndSpecialTokens() {
        ChatTemplate template = new ChatTemplate(LLAMA2, "<s>", "</s>");
        String text = template.render(List.of(
                new ChatMessage("system", "You are terse."),
                new ChatMessage("user", "Hello "),
                new ChatMessage("assistant", "Hi."),
                new ChatMessage("user", "Bye")), true);
        assertEquals("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHello [/INST] Hi. </s><s>[INST] Bye [/INST]", text);
    }

    @Test
    void templateRaisedExceptionBecomesItsMessage() {
        ChatTemplate template = new ChatTemplate(LLAMA2, "<s>", "</s>");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> template.render(List.of(new ChatMessage("assistant", "first")), true));
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
    }

    @Test
    void brokenTemplateIsAClearError() {
        ChatTemplate template = new ChatTemplate("{% for m in messages %}{{ m['content'] }}", "", "");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> template.render(List.of(new ChatMessage("user", "x")), true));
        assertTrue(e.getMessage().startsWith("chat template error"), e.getMessage());
    }

    @Test
    void messageTextIsPrintedNeverInterpreted() {
        String expression = "{{ 7*7 }}";
        String loop = "{% for a in range(300) %}{% for b in range(300) %}x{% endfor %}{% endfor %}";
        ChatTemplate template = new ChatTemplate(CHATML, "<s>", "</s>");
        String text = template.render(List.of(new ChatMessage("user", expression), new ChatMessage("assistant", loop)), false);
        assertEquals("<|im_start|>user\n" + expression + "<|im_end|>\n<|im_start|>assistant\n" + loop + "<|im_end|>\n", text);

        ChatTemplate throughFilters = new ChatTemplate(
                "{% set c = '[' + messages[0]['content'] | trim + ']' %}{{ c }}{{ messages[0].content.strip() }}"
                        + "{{ messages[0]['role'] }}", "", "");
        assertEquals("[" + expression + "]" + expression + loop,
                throughFilters.render(List.of(new ChatMessage(loop, " " + expression + " ")), false));
    }

    @Test
    void aTemplateQuadraticInTheMessagesStopsAtItsLimitWithinASecond() {
        ChatTemplate quadratic = new ChatTemplate(
                "{% for a in messages %}{% for b in messages %}{{ b['content'] }}{% endfor %}{% endfor %}", "", "");
        List<ChatMessage> many = Collections.nCopies(5_000, new ChatMessage("user", "x"));
        long start = System.nanoTime();
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> quadratic.render(many, true));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "took " + (System.nanoTime() - start) / 1e6 + " ms");
        assertTrue(e.getMessage().matches(".*\\((the step limit|the time limit)\\)"), e.getMessage());
    }

    @Test
    void eachLimitIsNamedWhenCrossed() {
        List<ChatMessage> one = List.of(new ChatMessage("user", "y".repeat(200)));
        String each = "{% for m in messages %}{% for i in range(1000) %}{{ m['content'] }}{% endfor %}{% endfor %}";
        assertEquals("the chat template rendered over 1000 characters (the output limit)", assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate(each, "", "", new RenderLimits(1000, 1_000_000, Duration.ofSeconds(5))).render(one, true))
                .getMessage());
        assertEquals("rendering the chat template took over 100 template steps (the step limit)", assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate(each, "", "", new RenderLimits(1 << 30, 100, Duration.ofSeconds(5))).render(one, true))
                .getMessage());
        String slow = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}";
        assertEquals("rendering the chat template took over 20 ms (the time limit)", assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate(slow, "", "", new RenderLimits(1 << 30, Long.MAX_VALUE, Duration.ofMillis(20))).render(one, true))
                .getMessage());
    }

    @Test
    void stories260KHasNoTemplateUnlessOneIsGiven() {
        try (ModelSource model = ModelSources.open(SharedData.require("models/stories260K/stories260K.gguf").toString())) {
            assertTrue(ChatTemplate.forModel(model, Optional.empty()).isEmpty());
            ChatTemplate given = ChatTemplate.forModel(model, Optional.of("{{ bos_token }}{{ messages[0]['content'] }}")).orElseThrow();
            assertEquals("<s>Once", given.render(List.of(new ChatMessage("user", "Once")), true));
        }
    }
}
