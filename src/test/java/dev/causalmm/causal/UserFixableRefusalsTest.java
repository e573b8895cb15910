package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.baselines.LateFusion;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.data.Task;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Choices the user can fix (a classification-only regulariser or model on a regression task,
 * OGM-GE on several processes) are refused as {@link UserInputException} (the CLI's exit 2, one
 * line) naming what was asked for and why, not as an internal error.
 */
class UserFixableRefusalsTest {
    static final List<ModalitySpec> SPECS = ModalitySpec.vectors(new int[] {4, 4});
    static final Task.Regression TASK = new Task.Regression(2, Task.Loss.MSE);

    static Stream<Arguments> refusals() {
        Consumer<MultimodalModel> c3r = m -> { try (C3R r = new C3R(C3RConfig.defaults())) { r.bind(m, 1); } };
        Consumer<MultimodalModel> imml = m -> { try (IMML r = new IMML(IMMLConfig.defaults())) { r.bind(m, 1); } };
        Consumer<MultimodalModel> ogm = m -> { try (OGMGE r = new OGMGE(OGMGEConfig.defaults())) { r.bind(m, 1); } };
        Consumer<MultimodalModel> pmr = m -> { try (PMR r = new PMR(PMRConfig.defaults())) { r.bind(m, 1); } };
        Consumer<MultimodalModel> umt = m -> { try (UMT r = new UMT(UMTConfig.defaults())) { r.bind(m, 1); } };
        Consumer<MultimodalModel> ogmNproc = m -> { try (OGMGE r = new OGMGE(OGMGEConfig.defaults())) { r.replica(0, 2); } };
        Consumer<MultimodalModel> tmc = m -> Baselines.create("tmc", SPECS, TASK, EncoderConfig.c3rPaper(), 10, 1).close();
        Consumer<MultimodalModel> mmbt = m -> Baselines.create("mmbt", SPECS, TASK, EncoderConfig.c3rPaper(), 10, 1).close();
        return Stream.of(
                Arguments.of("c3r", c3r, List.of("C3R", "regression")),
                Arguments.of("imml", imml, List.of("IMML", "regression")),
                Arguments.of("ogm-ge", ogm, List.of("OGM-GE", "regression")),
                Arguments.of("pmr", pmr, List.of("PMR", "regression")),
                Arguments.of("umt", umt, List.of("UMT", "regression")),
                Arguments.of("ogm-ge --nproc 2", ogmNproc, List.of("ogm-ge", "one process")),
                Arguments.of("tmc model", tmc, List.of("tmc", "regression")),
                Arguments.of("mmbt model", mmbt, List.of("mmbt", "regression")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aUserFixableChoiceIsRefusedAsUserInput(String what, Consumer<MultimodalModel> action, List<String> mentions) {
        try (MultimodalModel model = new LateFusion(SPECS, TASK, EncoderConfig.c3rPaper(), false, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> action.accept(model), what);
            assertInstanceOf(UserInputException.class, e, what + ": " + e);
            for (String m : mentions) assertTrue(e.getMessage().contains(m), what + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
