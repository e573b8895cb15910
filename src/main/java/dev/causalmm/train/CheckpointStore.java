package dev.causalmm.train;

import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint folder of one training run: {@value #LAST} (replaced after every epoch, what a
 * resumed run continues from) and {@value #BEST} (the epoch with the best validation score, written
 * only when the run restores its best weights at the end). It knows where the files are, writes
 * them atomically and reads them back with errors that name the file; the file format is
 * {@link Checkpoint}'s and the loop that decides what to save is {@link Trainer}'s. Also holds the
 * in-memory copy of the best weights the trainer puts back at the end of a run.
 */
public final class CheckpointStore implements Checkpoints {
    /** The checkpoint of the latest finished epoch. */
    public static final String LAST = "last.ckpt";
    /** The checkpoint of the best epoch so far. */
    public static final String BEST = "best.ckpt";

    private final Path dir;

    public CheckpointStore(Path dir) {
        if (dir == null) throw new IllegalArgumentException("checkpoint folder is missing");
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Path last() {
        return dir.resolve(LAST);
    }

    public Path best() {
        return dir.resolve(BEST);
    }

    /** Whether there is a run to resume. */
    @Override
    public boolean hasLast() {
        return Files.exists(last());
    }

    /** Reads {@value #LAST}; a missing, unreadable or malformed file fails with the file named. */
    @Override
    public Checkpoint readLast() {
        return read(last(), "cannot resume from ");
    }

    /**
     * The parameter values of {@value #BEST} by name, or {@code null} when there is no such file
     * (a run that never improved, or one that does not restore its best weights).
     */
    @Override
    public Map<String, float[]> readBestWeights() {
        Path best = best();
        if (!Files.exists(best)) return null;
        return new LinkedHashMap<>(read(best, "cannot resume from ").values());
    }

    /**
     * Replaces {@value #LAST} with {@code ck} (atomically: a crash leaves the old or the new file,
     * never a torn one) and, when {@code best}, {@value #BEST} too.
     */
    @Override
    public void save(Checkpoint ck, boolean best) {
        write(ck, last());
        if (best) write(ck, best());
    }

    private static Checkpoint read(Path p, String what) {
        try {
            return Checkpoint.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(what + p + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static void write(Checkpoint c, Path p) {
        try {
            c.write(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + p + ": " + AtomicFiles.describe(e), e);
        }
    }

    // ------------------------------------------------------------------ best weights in memory

    /** The current values of {@code params}, copied to the host: the best epoch's weights while training goes on. */
    static Map<String, float[]> snapshot(Map<String, Tensor> params) {
        Map<String, float[]> s = new LinkedHashMap<>();
        params.forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }

    /** Copies {@code weights} (from {@link #snapshot} or {@link #readBestWeights}) back into {@code params}. */
    static void restore(Map<String, Tensor> params, Map<String, float[]> weights) {
        try (var scope = TensorScope.open("restore")) {
            params.forEach((k, t) -> t.detach().copyFrom_(Tensor.of(weights.get(k), t.shape())));
        }
    }
}
