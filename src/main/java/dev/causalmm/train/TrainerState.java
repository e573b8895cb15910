package dev.causalmm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.io.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a {@link Trainer} run stands after an epoch: what a checkpoint's JSON state holds and what
 * a resumed run starts from. One class writes and reads it, so the format
 * ({@value #FORMAT}) has one owner; {@link #checkCompatible} is the one identity check of a resume.
 *
 * @param epoch     the last completed epoch (0-based)
 * @param step      optimizer steps taken over the whole run (-1 in checkpoints written before it was recorded)
 * @param scheduler the {@link LrSchedule}'s running state
 * @param bestVal   best validation score so far (−∞ before any)
 * @param bestEpoch epoch of {@code bestVal} (-1 before any)
 * @param badEpochs epochs since the last improvement (early stopping's counter)
 * @param task      the {@link TrainingTask}'s own fields (segmentation's recipe and running loss), or null
 */
public record TrainerState(int epoch, long step, long seed, int epochs, String optimizer, JsonNode scheduler,
                           double bestVal, int bestEpoch, int badEpochs, List<EpochMetrics> history, JsonNode task) {
    public static final String FORMAT = "causalmm.checkpoint/1";
    private static final String RNG = "per-epoch: LibTorch seeded with seed*1000003+epoch, shuffle with (seed, epoch)";

    public TrainerState {
        history = List.copyOf(history);
    }

    /** A state without task fields (classification's). */
    public TrainerState(int epoch, long step, long seed, int epochs, String optimizer, JsonNode scheduler,
                        double bestVal, int bestEpoch, int badEpochs, List<EpochMetrics> history) {
        this(epoch, step, seed, epochs, optimizer, scheduler, bestVal, bestEpoch, badEpochs, history, null);
    }

    /** This state with the task's fields {@code fields}. */
    public TrainerState withTask(JsonNode fields) {
        return new TrainerState(epoch, step, seed, epochs, optimizer, scheduler, bestVal, bestEpoch, badEpochs, history, fields);
    }

    /** Whether {@code st} is a state this class wrote (it names {@link #FORMAT}). */
    public static boolean isTrainerState(JsonNode st) {
        return st != null && st.has("format") && FORMAT.equals(st.get("format").asText());
    }

    public ObjectNode toJson() {
        ObjectNode st = Json.object();
        st.put("format", FORMAT);
        st.put("epoch", epoch);
        st.put("seed", seed);
        st.put("rng", RNG);
        st.put("epochs", epochs);
        st.put("optimizer", optimizer);
        st.set("scheduler", scheduler);
        Json.putNumber(st, "bestVal", bestVal);
        st.put("bestEpoch", bestEpoch);
        st.put("badEpochs", badEpochs);
        ArrayNode h = st.putArray("history");
        for (EpochMetrics m : history) h.add(toJson(m));
        st.put("step", step);
        if (task != null) st.set("task", task);
        return st;
    }

    /** Reads a state written by {@link #toJson} (or by the trainer before this class existed: no {@code step}). */
    public static TrainerState fromJson(JsonNode st) {
        List<EpochMetrics> history = new ArrayList<>();
        for (JsonNode h : st.get("history")) history.add(metricsFromJson(h));
        JsonNode best = st.get("bestVal");
        return new TrainerState(st.get("epoch").asInt(), st.has("step") ? st.get("step").asLong() : -1, st.get("seed").asLong(),
                st.get("epochs").asInt(), st.get("optimizer").asText(), st.get("scheduler"),
                best == null || best.isNull() ? Double.NEGATIVE_INFINITY : best.asDouble(), st.get("bestEpoch").asInt(),
                st.get("badEpochs").asInt(), history, st.get("task"));
    }

    /**
     * Refuses to resume {@code config} from this state when what shapes the run (seed, optimizer)
     * differs, comparing the two as {@link Provenance} records: one message form for every check.
     */
    public void checkCompatible(TrainConfig config, Path file) {
        Provenance had = identity(seed, optimizer);
        Provenance now = identity(config.seed(), config.optimizer().kind().name());
        List<String> d = now.differences(had);
        if (!d.isEmpty()) throw Provenance.refusal("checkpoint " + file, "a run of seed " + seed + ", optimizer " + optimizer, now.explain(had, d));
    }

    private static Provenance identity(long seed, String optimizer) {
        ObjectNode id = Json.object();
        id.put("seed", seed);
        id.put("optimizer", optimizer);
        return Provenance.of(Provenance.Kind.TRAIN, id);
    }

    static ObjectNode toJson(EpochMetrics m) {
        ObjectNode n = Json.object();
        n.put("epoch", m.epoch());
        Json.putNumber(n, "trainLoss", m.trainLoss());
        Json.putNumber(n, "trainAccuracy", m.trainAccuracy());
        Json.putNumber(n, "valLoss", m.valLoss());
        Json.putNumber(n, "valAccuracy", m.valAccuracy());
        n.put("learningRate", m.learningRate());
        n.put("seconds", m.seconds());
        n.put("samples", m.samples());
        ObjectNode t = n.putObject("terms");
        m.terms().forEach((k, v) -> Json.putNumber(t, k, v));
        return n;
    }

    static EpochMetrics metricsFromJson(JsonNode n) {
        Map<String, Double> terms = new TreeMap<>();
        n.get("terms").properties().forEach(e -> terms.put(e.getKey(), num(e.getValue())));
        return new EpochMetrics(n.get("epoch").asInt(), num(n.get("trainLoss")), num(n.get("trainAccuracy")),
                num(n.get("valLoss")), num(n.get("valAccuracy")), n.get("learningRate").asDouble(),
                n.get("seconds").asDouble(), n.get("samples").asLong(), terms);
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}
