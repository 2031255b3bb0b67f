package org.tdpipe.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.elements.GivenClassesConjunction;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.kv.BlockTable;
import org.tdpipe.core.request.Request;
import org.tdpipe.runtime.grpc.RemoteExecutor;

/**
 * Nothing below the engine sees an engine object: the model and the stages get plain step values
 * ({@link org.tdpipe.model.step.StepInput}) and hand back sampled tokens. Only the controller's side
 * of the executors (which turn the engine's batches into steps) and the profilers and the model bench
 * (which play the engine) read requests and batches.
 */
class StageContractTest {
    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.tdpipe.model", "org.tdpipe.runtime");

    @Test
    void theModelSeesNoEngineObject() {
        seeNoEngineObject(noClasses().that().resideInAPackage("org.tdpipe.model..")).check(MAIN);
    }

    @Test
    void onlyTheControllersSideOfTheExecutorsSeesEngineObjects() {
        seeNoEngineObject(noClasses().that().resideInAPackage("org.tdpipe.runtime..")
                .and().doNotBelongToAnyOf(StepEncoder.class, AsyncPipelineExecutor.class, LocalExecutor.class,
                        RemoteExecutor.class, BatchDeadline.class, StepTimes.class, Profiler.class, StageProfiler.class,
                        ModelBench.class))
                .check(MAIN);
    }

    private static ArchRule seeNoEngineObject(GivenClassesConjunction classes) {
        return classes.should().dependOnClassesThat().belongToAnyOf(Request.class, StepBatch.class, ScheduledSeq.class,
                BlockTable.class, BlockManager.class);
    }
}
