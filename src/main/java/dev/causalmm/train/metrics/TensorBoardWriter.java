package dev.causalmm.train.metrics;

import dev.causalmm.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A TensorBoard event file, {@code events.out.tfevents.<unix seconds>.<host>}: the file-version
 * event, then one event per {@link MetricsRow} with its scalars ({@code epoch} too, when the row
 * has one; unmeasured NaN values are left out), flushed after each.
 *
 * <p>A folder holds one event file. A fresh start deletes earlier ones. Resuming keeps the events
 * up to the resumed step: the file is appended to when it holds nothing later (and no torn
 * record), else its kept events are copied into a new file that replaces it, so TensorBoard never
 * shows a step twice.
 */
final class TensorBoardWriter implements MetricsSink {
    static final String PREFIX = "events.out.tfevents.";
    private final Path file;
    private final OutputStream out;

    private TensorBoardWriter(Path file) throws IOException {
        this.file = file;
        this.out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    static TensorBoardWriter open(Path dir, long resumeStep) throws IOException {
        List<Path> old = eventFiles(dir);
        double now = MetricsRow.now();
        Path fresh = dir.resolve(PREFIX + (long) now + "." + hostname());
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        kept.writeBytes(TfRecords.frame(TfEvents.fileVersion(now)));
        boolean intact = old.size() == 1;
        if (resumeStep >= 0) {
            for (Path f : old) {
                byte[] bytes = Files.readAllBytes(f);
                TfRecords.Contents c = TfRecords.read(bytes);
                intact &= c.validLength() == bytes.length;
                for (byte[] event : c.records()) {
                    OptionalLong step = stepOrDrop(event);
                    if (step == null) intact = false;
                    else if (step.isPresent() && step.getAsLong() <= resumeStep) kept.writeBytes(TfRecords.frame(event));
                    else if (step.isPresent()) intact = false;
                }
            }
            if (intact) return new TensorBoardWriter(old.getFirst());
        }
        AtomicFiles.write(fresh, kept.toByteArray());
        for (Path f : old) if (!f.equals(fresh)) Files.deleteIfExists(f);
        return new TensorBoardWriter(fresh);
    }

    /** The event's step (empty for the header), or null for bytes that are not an event. */
    private static OptionalLong stepOrDrop(byte[] event) {
        try {
            return TfEvents.step(event);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** The host part of the file name, as TensorFlow writes it, reduced to characters safe in a file name. */
    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "localhost";
            }
        }
        String safe = h.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "localhost" : safe;
    }

    @Override
    public void write(MetricsRow row) throws IOException {
        Map<String, Float> scalars = new LinkedHashMap<>();
        row.epoch().ifPresent(e -> scalars.put("epoch", (float) e));
        row.values().forEach((tag, v) -> { if (!Double.isNaN(v)) scalars.put(tag, v.floatValue()); });
        out.write(TfRecords.frame(TfEvents.scalars(row.wallTime(), row.step(), scalars)));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
