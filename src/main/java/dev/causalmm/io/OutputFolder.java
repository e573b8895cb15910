package dev.causalmm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one ownership rule of every command that writes: an output folder carries {@value #OWNER_FILE}
 * (a {@link Provenance}); writing into a folder owned by another run, model or command is refused
 * before any work, naming the owner, unless the user gives {@code --overwrite}, which first removes
 * the other owner's outputs. Folders written before owner files are recognised from their files.
 */
public final class OutputFolder {
    public static final String OWNER_FILE = "owner.json";
    /** Lists the files of a set being written; a run that finds it removes them (an interrupted set). */
    public static final String INCOMPLETE = ".causalmm-incomplete";
    /** Fields of a {@code train} configuration that choose seeds, device or evaluation, not the training. */
    public static final List<String> RUN_ONLY_FIELDS = List.of("seeds", "device", "dcor", "evalNoise", "evalSeeds", "qmfCompat",
            "evalNoiseModalities");
    /** What any command writes at a folder's top level: removed under {@code --overwrite} when another owner wrote them. */
    private static final List<String> OUTPUTS = List.of("results.json", "report.md", "dice-heatmap.png", "accuracy-vs-noise.png",
            "learning-curves.png", "dcor.png",
            "model.safetensors", "model.json", "model.pt", "model.ckpt", "last.ckpt", "best.ckpt", "config.json", "run.json",
            "metrics.csv", "hparams.yaml", "training-cases.json", "checkpoints", "cells", INCOMPLETE);

    private OutputFolder() {}

    /**
     * {@code out}, named by {@code option}, as an output folder: not empty, not a file nor inside
     * one, and without a folder where results.json goes. Checked before any work.
     */
    public static Path requireFolder(String option, Path out) {
        if (out == null || out.toString().isBlank()) {
            throw new UserInputException(option + " must name a folder; got an empty path (use " + option + " . for the current folder)");
        }
        Path abs = out.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) throw new UserInputException(option + " " + out + ": " + (p.equals(abs) ? "it" : p) + " is a file, not a folder");
                break;
            }
        }
        if (Files.isDirectory(out.resolve("results.json"))) {
            throw new UserInputException("cannot write results to " + out.resolve("results.json") + ": it is a directory");
        }
        return out;
    }

    /** Creates the output folder once every check passed, so a folder that cannot be made fails before any work. */
    public static Path create(Path out) throws IOException {
        Files.createDirectories(out);
        if (!Files.isWritable(out)) throw new UserInputException("cannot write results to " + out + ": the folder is not writable");
        return out;
    }

    /**
     * Refuses, before any work, an {@code out} that is not a folder that can be made, that is or
     * holds one of {@code inputs}, or that holds the outputs of an owner other than {@code mine}
     * (unless {@code overwrite}).
     */
    public static void check(Path out, Provenance mine, boolean overwrite, Path... inputs) throws IOException {
        requireFolder("--out", out);
        Path abs = out.toAbsolutePath().normalize();
        if (!overwrite) {
            Optional<Provenance> found = recognise(out);
            if (found.isPresent()) mine.checkSameAs(found.get(), out);
        }
        for (Path in : inputs) {
            Path i = in.toAbsolutePath().normalize();
            if (i.equals(abs) || abs.equals(i.getParent())) {
                throw new UserInputException("--out " + out + " holds this run's input " + in + "; give the output its own folder");
            }
        }
    }

    /**
     * {@link #check}, then makes the folder, removes another owner's outputs (only under
     * {@code overwrite}) and an interrupted set's files, and writes the owner file: call it once,
     * before any work.
     */
    public static void claim(Path out, Provenance mine, boolean overwrite, Path... inputs) throws IOException {
        check(out, mine, overwrite, inputs);
        Optional<Provenance> found = recognise(out);
        try {
            Files.createDirectories(out);
            if (found.isPresent() && !mine.differences(found.get()).isEmpty()) {
                for (String name : OUTPUTS) delete(out.resolve(name));
                try (Stream<Path> s = Files.list(out)) {
                    for (Path p : s.filter(OutputFolder::isOutputPattern).toList()) delete(p);
                }
            }
            cleanIncomplete(out);
            mine.write(out.resolve(OWNER_FILE));
        } catch (IOException e) {
            throw new UserInputException("cannot write to --out " + out + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** What owns {@code out}: its owner file, or what its files show (an older folder), or nothing. */
    public static Optional<Provenance> recognise(Path out) throws IOException {
        if (!Files.isDirectory(out)) return Optional.empty();
        if (Files.isRegularFile(out.resolve(OWNER_FILE))) return Optional.of(Provenance.read(out.resolve(OWNER_FILE)));
        Path results = out.resolve("results.json");
        if (Files.isRegularFile(results)) return Optional.of(fromResults(results));
        if (Files.isDirectory(out.resolve("cells"))) return Optional.of(unknown(Provenance.Kind.EXPERIMENT));
        if (Files.isDirectory(out.resolve("checkpoints"))) return Optional.of(unknown(Provenance.Kind.TRAIN));
        if (Files.exists(out.resolve("config.json")) && Files.exists(out.resolve("model.ckpt"))) return Optional.of(unknown(Provenance.Kind.SEG_TRAIN));
        if (Files.exists(out.resolve("model.safetensors")) || Files.exists(out.resolve("model.json"))) return Optional.of(unknown(Provenance.Kind.EXPORT));
        try (Stream<Path> s = Files.list(out)) {
            if (s.anyMatch(OutputFolder::isPrediction)) return Optional.of(unknown(Provenance.Kind.SEG_PREDICT));
        }
        return Optional.empty();
    }

    /** The owner an older {@code results.json} shows: its command and, where recorded, its identity. */
    static Provenance fromResults(Path results) throws IOException {
        JsonNode r;
        try {
            r = Json.MAPPER.readTree(results.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return unknown(Provenance.Kind.OTHER);
        }
        if ("causalmm.experiment/1".equals(r.path("schema").asText())) {
            ObjectNode id = Json.object();
            id.put("name", r.path("name").asText());
            return new Provenance(Provenance.Kind.EXPERIMENT, id, true);
        }
        if ("causalmm.demo/1".equals(r.path("schema").asText())) return unknown(Provenance.Kind.DEMO);
        String command = r.path("command").asText("");
        if (command.equals("train") && r.path("config") instanceof ObjectNode config) {
            ObjectNode id = config.deepCopy();
            id.remove(RUN_ONLY_FIELDS);
            return Provenance.of(Provenance.Kind.TRAIN, id);
        }
        if (command.equals("eval") && r.at("/config/checkpoint").isTextual()) {
            ObjectNode id = Json.object();
            id.put("checkpoint", Path.of(r.at("/config/checkpoint").asText()).toAbsolutePath().normalize().toString());
            return new Provenance(Provenance.Kind.EVAL, id, true);
        }
        if (command.isEmpty() && r.has("subsets")) return unknown(Provenance.Kind.SEG_EVAL);
        return unknown(Provenance.Kind.ofCommand(command));
    }

    private static Provenance unknown(Provenance.Kind kind) {
        return new Provenance(kind, null, true);
    }

    /**
     * Writes a set of files ({@code names}, in {@code out}) as one: {@value #INCOMPLETE} lists them
     * until {@code write} returns, so a run that was killed half-way leaves a marker the next
     * {@link #claim} acts on (it removes the listed files) instead of a mixed set.
     */
    public static void writeSet(Path out, List<String> names, IoAction write) throws IOException {
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve(INCOMPLETE), String.join("\n", names) + "\n");
        write.run();
        Files.deleteIfExists(out.resolve(INCOMPLETE));
    }

    /** The outermost folder of {@code out} (itself or a parent) that does not exist yet; null when {@code out} exists. */
    public static Path firstMissing(Path out) {
        Path missing = null;
        for (Path p = out.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) missing = p;
        return missing;
    }

    /**
     * Runs {@code work} (which may write into a folder made for it, such as a data cache); when it
     * fails, removes {@code made} (from {@link #firstMissing}, before the folder was made) if it holds
     * no file, so a refusal of the data leaves nothing behind.
     */
    public static <T> T undoIfFails(Path made, IoSupplier<T> work) throws IOException {
        try {
            return work.get();
        } catch (IOException | RuntimeException e) {
            if (made != null && Files.isDirectory(made)) {
                try (Stream<Path> s = Files.walk(made)) {
                    if (s.noneMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) delete(made);
                } catch (IOException | UncheckedIOException ignored) {
                    // the folder stays; the error that matters is the work's
                }
            }
            throw e;
        }
    }

    /** Work that gives a value and may fail with an I/O error. */
    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Writing files, which may fail with an I/O error. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    private static void cleanIncomplete(Path out) throws IOException {
        Path marker = out.resolve(INCOMPLETE);
        if (!Files.isRegularFile(marker)) return;
        for (String name : Files.readAllLines(marker)) {
            if (!name.isBlank() && !name.contains("/") && !name.contains("\\") && !name.startsWith("..")) delete(out.resolve(name));
        }
        Files.delete(marker);
        org.slf4j.LoggerFactory.getLogger(OutputFolder.class).info("removed the files of an interrupted write in {}", out);
    }

    private static boolean isOutputPattern(Path p) {
        return isPrediction(p) || p.getFileName().toString().startsWith("events.out.tfevents.");
    }

    /** A seg-predict output: {@code <case>_pred.nii.gz}, or MONAI's layout {@code <case>/<case>_seg.nii.gz}. */
    private static boolean isPrediction(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith("_pred.nii.gz") || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(p.resolve(n + "_seg.nii.gz"));
    }

    /** Removes {@code p}, a file or a folder with everything in it (links are removed, not followed). */
    public static void remove(Path p) throws IOException {
        delete(p);
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
            }
        } else {
            Files.delete(p);
        }
    }
}
