package org.tdpipe.model.format;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** jqwik hook: skips properties when the shared data folder ({@code tdpipe.shared.data}) is absent. */
public final class SkipWithoutSharedData implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String root = System.getProperty("tdpipe.shared.data");
        return root != null && Files.isDirectory(Path.of(root)) ? SkipResult.doNotSkip()
                : SkipResult.skip("shared data folder absent (tdpipe.shared.data=" + root + ")");
    }
}
