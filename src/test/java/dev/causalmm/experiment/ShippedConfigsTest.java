package dev.causalmm.experiment;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every grid under experiments/ reads, and names only models, regularisers and datasets that exist. */
class ShippedConfigsTest {
    @Test
    void everyShippedConfigIsValid() throws Exception {
        List<Path> files;
        try (var s = Files.list(Path.of("experiments"))) {
            files = s.filter(p -> p.toString().matches(".*\\.(json|ya?ml)$")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "configs found: " + files);
        for (Path f : files) {
            GridConfig g = GridConfig.read(f);
            assertEquals(f.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", ""), g.name(), f + ": name matches the file");
            assertTrue(ExperimentSpec.DATASETS.contains(g.dataset()), f + ": dataset " + g.dataset());
            for (String m : g.models()) assertTrue(Baselines.NAMES.contains(m) && !m.equals("unet3d"), f + ": model " + m);
            for (String r : g.regularizers()) assertTrue(Regularizers.NAMES.contains(r), f + ": regulariser " + r);
            assertFalse(g.seeds().isEmpty(), f + ": seeds");
        }
    }
}
