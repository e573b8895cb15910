package dev.causalmm.io;

import dev.causalmm.testing.TestData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HDF5 reader (jhdf behind {@link Hdf5File}) and the v7.3 MAT path under {@link ReaderFuzzTest}'s mutation fuzz. */
class Hdf5FuzzTest {
    static List<byte[]> corpus() throws Exception {
        List<byte[]> c = new ArrayList<>();
        for (String f : new String[] {"hdf5/msa-tiny/y_test.h5", "hdf5/msa-tiny/y_train.h5", "hdf5/v73.mat"}) {
            c.add(Files.readAllBytes(TestData.fixture(f)));
        }
        return c;
    }

    @Test
    @Timeout(300)
    void hdf5InputsParseOrFailWithFormatException() throws Exception {
        ReaderFuzzTest.fuzz("HDF5", corpus(), b -> Hdf5File.read(b, "fuzz.h5", 1 << 20), 25);
    }

    @Test
    @Timeout(300)
    void matV73InputsParseOrFailWithFormatException() throws Exception {
        ReaderFuzzTest.fuzz("MAT v7.3", List.of(corpus().get(2)), b -> MatFile.read(b, "fuzz.mat", 1 << 20), 26);
    }
}
