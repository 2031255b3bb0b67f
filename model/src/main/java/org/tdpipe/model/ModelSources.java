package org.tdpipe.model;

import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelFormatException;
import org.tdpipe.model.format.ModelLoader;
import org.tdpipe.model.format.ModelSource;

/** Opens a model named on the command line: {@code dummy:<name>[:<type>]} or a model file. */
public final class ModelSources {
    private ModelSources() {
    }

    /** Opens {@code spec}; a file that cannot be read as a model fails with an IllegalArgumentException naming it. */
    public static ModelSource open(String spec) {
        if (spec.startsWith(DummyModelSource.PREFIX)) {
            return DummyModelSource.open(spec);
        }
        try {
            return ModelLoader.open(spec);
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
