package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The cases a segmentation model was trained on ({@value #FILE} in its checkpoint folder: each
 * case's id and files), so that evaluating it on one of them is reported: a held-out score on a
 * training case measures memory, not generalisation. Reported, not refused (evaluating on the
 * training set is a legitimate check); {@code results.json} carries it as {@code data.leakage}.
 *
 * @param casesInTraining evaluated cases that are training cases (the same file, or the same case id)
 * @param examples        up to five of their ids
 */
record TrainingCases(int casesInTraining, List<String> examples) {
    public static final String FILE = "training-cases.json";

    public TrainingCases {
        examples = List.copyOf(examples);
    }

    /** Writes the ids and files (absolute) of {@code cases} into the checkpoint folder {@code dir}. */
    static void write(Path dir, List<SegCase> cases) throws IOException {
        ObjectNode root = Json.object();
        ArrayNode a = root.putArray("cases");
        for (SegCase c : cases) {
            ObjectNode n = a.addObject();
            n.put("id", c.id());
            ArrayNode files = n.putArray("files");
            for (Path f : files(c)) files.add(f.toString());
        }
        AtomicFiles.write(dir.resolve(FILE), Json.MAPPER.writeValueAsBytes(root));
    }

    /**
     * The evaluated {@code cases} that the checkpoint {@code dir} was trained on, logged as a warning;
     * null when the checkpoint does not record its training cases (written by an older version).
     */
    static TrainingCases of(Path dir, List<SegCase> cases) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        Set<String> ids = new HashSet<>(), paths = new HashSet<>();
        for (JsonNode n : Json.MAPPER.readTree(file.toFile()).path("cases")) {
            ids.add(n.path("id").asText());
            for (JsonNode f : n.path("files")) paths.add(f.asText());
        }
        List<String> hits = new ArrayList<>();
        for (SegCase c : cases) {
            if (ids.contains(c.id()) || files(c).stream().anyMatch(f -> paths.contains(f.toString()))) hits.add(c.id());
        }
        TrainingCases t = new TrainingCases(hits.size(), hits.subList(0, Math.min(5, hits.size())));
        if (!hits.isEmpty()) {
            LoggerFactory.getLogger(TrainingCases.class).warn("{} of the {} evaluated case(s) are training cases of {} (the same file or case id), e.g. {};"
                    + " their scores measure memory, not generalisation", hits.size(), cases.size(), dir, t.examples());
        }
        return t;
    }

    private static List<Path> files(SegCase c) {
        List<Path> f = new ArrayList<>();
        c.modalityFiles().values().forEach(p -> f.add(p.toAbsolutePath().normalize()));
        c.labelFile().ifPresent(p -> f.add(p.toAbsolutePath().normalize()));
        return f;
    }
}
