package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataSource#parse}: the one place that tells a generator, a feature file and an image+text manifest apart. */
class DataSourceTest {
    @Test
    void generatorNamesGiveGeneratorsWithTheirDefaultsDrawnWithTheDataSeed() {
        var m = assertInstanceOf(DataSource.MmlSyn.class, DataSource.parse("mmlsyn", DataSource.Settings.defaults(7)));
        assertEquals(MMLSynConfig.defaults(7), m.config());
        var it = assertInstanceOf(DataSource.ImageText.class, DataSource.parse("imagetext", DataSource.Settings.defaults(7)));
        assertEquals(ImageTextConfig.defaults(7), it.config());
        assertEquals("mmlsyn", m.name());
    }

    @Test
    void fileNamesByExtensionOrFolderAreFeatureFilesSplitWithTheDataSeed() {
        for (String name : new String[] {"x.mat", "X.NPZ", "v.npy", "views.yaml", "views.json", "sub/anything"}) {
            var f = assertInstanceOf(DataSource.FeatureFile.class, DataSource.parse(name, DataSource.Settings.defaults(3)), name);
            assertEquals(name, f.name(), "the name is kept as given");
            assertEquals(3, f.options().splitSeed());
        }
    }

    @Test
    void aCsvIsAManifestOnlyWhenItsHeaderNamesTheImageField(@TempDir Path dir) throws Exception {
        Path pairs = Files.writeString(dir.resolve("pairs.csv"), "text,img,label\nhello,a.png,0\n");
        Path numbers = Files.writeString(dir.resolve("numbers.csv"), "a,b,label\n1,2,0\n");
        var m = assertInstanceOf(DataSource.Manifest.class, DataSource.parse(pairs.toString()));
        assertEquals(pairs.toAbsolutePath().normalize().toString(), m.name());
        assertInstanceOf(DataSource.FeatureFile.class, DataSource.parse(numbers.toString()));
        var renamed = new DataSource.Settings(null, null, null, ImageTextFolderOptions.defaults().withFields("text", "a", "label", "split"), 0);
        assertInstanceOf(DataSource.Manifest.class, DataSource.parse(numbers.toString(), renamed), "with --image-field a");
        assertInstanceOf(DataSource.Manifest.class, DataSource.parse("any.jsonl"));
    }

    @Test
    void anUnknownNameIsRefusedWithWhatIsAccepted() {
        var e = assertThrows(IllegalArgumentException.class, () -> DataSource.parse("food101"));
        assertTrue(e.getMessage().startsWith("unknown dataset 'food101'; available: mmlsyn, imagetext, a feature file"), e.getMessage());
    }
}
