package org.tdpipe.core.sched.vllm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.PolicyDriver;

class VllmPoliciesTest {
    private final PolicyContext ctx = PolicyDriver.context(4, 1001, 16, 4096);

    @Test
    void buildsEachBaselineByName() {
        for (String name : VllmPolicies.NAMES) {
            assertEquals(name, VllmPolicies.create(name, ctx).name());
        }
        assertEquals(1000, VllmPolicies.create("pp-vllm", ctx).stats().totalBlocks(), "1001 blocks split 4 ways: 250 each");
        assertEquals(1001, VllmPolicies.create("tp", ctx).stats().totalBlocks());
        assertEquals(1001, VllmPolicies.create("pp-chunked", ctx).stats().totalBlocks());
    }

    @Test
    void anUnknownNameIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VllmPolicies.create("pp-vlm", ctx));
        assertTrue(e.getMessage().contains("'pp-vlm'") && e.getMessage().contains("pp-chunked"), e.getMessage());
    }

    @Test
    void tooFewBlocksForTheVirtualEnginesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VllmPolicies.create("pp-vllm", PolicyDriver.context(4, 3, 16, 4096)));
        assertTrue(e.getMessage().contains("3 KV blocks"), e.getMessage());
    }

    @Test
    void withoutChunkingTheBudgetCoversTheModelLength() {
        PolicyDriver tp = new PolicyDriver(VllmPolicies.create("tp", ctx));
        tp.add(3000, 1);
        assertEquals(List.of("0:0+3000s"), PolicyDriver.slices(tp.launch()), "vLLM V0: budget max(2048, max_model_len)");

        PolicyDriver chunked = new PolicyDriver(VllmPolicies.create("pp-chunked", ctx));
        chunked.add(3000, 1);
        assertEquals(List.of("0:0+2048"), PolicyDriver.slices(chunked.launch()));

        PolicyDriver larger = new PolicyDriver(VllmPolicies.create("pp-chunked", ctx,
                VllmOptions.defaults().withMaxNumBatchedTokens(4096)));
        larger.add(3000, 1);
        assertEquals(List.of("0:0+3000s"), PolicyDriver.slices(larger.launch()));
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new VllmOptions(0, 2048, 0.01));
        assertThrows(IllegalArgumentException.class, () -> new VllmOptions(256, 100, 0.01));
        assertThrows(IllegalArgumentException.class, () -> new VllmOptions(256, 2048, 1.0));
    }
}
