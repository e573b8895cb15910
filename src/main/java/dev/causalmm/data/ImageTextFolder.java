package dev.causalmm.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.causalmm.io.CsvReader;
import dev.causalmm.io.FormatException;
import dev.causalmm.io.Utf8Lines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.LoggerFactory;

/**
 * An image+text classification dataset on disk: a JSONL or CSV manifest whose rows give a text, an
 * image path (relative to the manifest's folder) and a label name, in the layouts of the UPMC
 * Food-101 / MVSA-Single reference code:
 * <pre>{"text": "a cheesy slice", "img": "images/pizza_1.jpg", "label": "pizza", "split": "train"}</pre>
 * Splits come from the rows' {@code split} field, from sibling files ({@code train.jsonl} beside
 * {@code dev.jsonl} and {@code test.jsonl}), or from a seeded stratified split. Label names map to
 * ids (sorted names of the training split unless given); texts are tokenised once when opening (a
 * word vocabulary built on the training split, or a {@code tokenizer.json}); images are decoded on
 * the loader's threads straight into the batch buffers ({@link ImageDecoder}).
 *
 * <p>Bad rows (a malformed line, a missing field, a missing or undecodable image, a label outside the
 * map) fail with the manifest, the line and what was expected, or with
 * {@link ImageTextFolderOptions#skipBad} are skipped and counted in {@link #report()}.
 */
public final class ImageTextFolder {
    /** Manifest file endings this class reads. */
    public static boolean isManifest(String name) {
        return isManifest(name, (String) null);
    }

    /**
     * Whether {@code --dataset name} is an image+text manifest: a {@code .jsonl} file, or a
     * {@code .csv} file whose header names the image field (default {@code img}) — a CSV without one
     * is a feature file (numeric columns and a label).
     */
    public static boolean isManifest(String name, ImageTextFolderOptions options) {
        return isManifest(name, options == null ? null : options.imageField());
    }

    /** {@link #isManifest(String, ImageTextFolderOptions)} with the image field's name (null: the default). */
    public static boolean isManifest(String name, String imageField) {
        return DataSource.isImageTextManifest(name, imageField);
    }

    /** One manifest row: where it came from and what it says. */
    record Row(Path file, long line, String text, String image, String label, String split) {
        String where() {
            return file + ":" + line;
        }
    }

    /** A skipped row and why. */
    public record Skipped(String where, String reason) {}

    private final Path manifest;
    private final ImageTextFolderOptions options;
    private final TextTokenizer tokenizer;
    private final List<Skipped> skipped = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger decodeFailures = new AtomicInteger();
    private Split train, val, test;
    private SplitLeakage leakage;

    private ImageTextFolder(Path manifest, ImageTextFolderOptions options, TextTokenizer tokenizer) {
        this.manifest = manifest;
        this.options = options;
        this.tokenizer = tokenizer;
    }

    /**
     * Reads the manifest(s), checks every image's header, builds the label map and the vocabulary on
     * the training split, tokenises every text. The returned splits' datasets are
     * {@link ImageTextFolder.Split}s; {@link #of(DataSplits)} gives back this object.
     */
    public static DataSplits open(Path manifest, ImageTextFolderOptions options) throws IOException {
        manifest = manifest.toAbsolutePath().normalize();
        if (!Files.isRegularFile(manifest)) throw new NoSuchFileException(manifest.toString(), null, "manifest does not exist");
        String name = manifest.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".jsonl") && !name.endsWith(".csv")) {
            throw new IllegalArgumentException(manifest + ": an image+text manifest must end in .jsonl or .csv");
        }
        List<Skipped> bad = new ArrayList<>();
        List<Row> rows = read(manifest, options, bad);
        List<Row> trainRows = new ArrayList<>(), valRows = new ArrayList<>(), testRows = new ArrayList<>();
        splitRows(manifest, options, rows, bad, trainRows, valRows, testRows);
        if (trainRows.isEmpty()) throw new IllegalArgumentException(manifest + ": no training rows" + (bad.isEmpty() ? "" : " (" + bad.size() + " skipped)"));
        if (testRows.isEmpty()) throw new IllegalArgumentException(manifest + ": no test rows (give a split field with 'test' rows, a test manifest, or a test share)");

        // labels: given, or the sorted names of the training split
        List<String> labels = options.labels();
        if (labels == null) {
            Set<String> names = new TreeSet<>();
            for (Row r : trainRows) names.add(r.label());
            labels = List.copyOf(names);
        }
        if (labels.size() < 2) throw new IllegalArgumentException(manifest + ": " + labels.size() + " label name(s) " + labels + "; classification needs at least 2");
        Map<String, Integer> labelIds = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) labelIds.put(labels.get(i), i);

        // images: every file must exist and have a readable header (checked on virtual threads)
        checkImages(trainRows, options, bad);
        checkImages(valRows, options, bad);
        checkImages(testRows, options, bad);

        TextTokenizer tok = tokenizer(manifest, options, trainRows, labelIds);
        List<String> words = tok instanceof WordVocabulary w ? w.words() : null;
        ImageTextFolderOptions resolved = options.withMaps(labels, words);
        ImageTextFolder f = new ImageTextFolder(manifest, resolved, tok);
        f.skipped.addAll(bad);
        f.leakage = SplitLeakage.of(trainRows, valRows, testRows);
        if (f.leakage.any()) LoggerFactory.getLogger(ImageTextFolder.class).warn("{}: {}", manifest, f.leakage.describe());
        f.train = f.new Split("train", trainRows, labelIds, options.augment());
        f.val = f.new Split("val", valRows, labelIds, false);
        f.test = f.new Split("test", testRows, labelIds, false);
        if (f.train.size() == 0) throw new IllegalArgumentException(manifest + ": every training row was skipped (" + f.skipped.size() + " bad rows)");
        if (f.test.size() == 0) throw new IllegalArgumentException(manifest + ": every test row was skipped");
        return new DataSplits(manifest.toString(), f.train, f.val, f.test, null);
    }

    /** Rows to train/val/test: by sibling or given manifests, by the split field, or stratified; a validation part carved out of train when none is given. */
    private static void splitRows(Path manifest, ImageTextFolderOptions options, List<Row> rows, List<Skipped> bad,
                                  List<Row> trainRows, List<Row> valRows, List<Row> testRows) throws IOException {
        Path valFile = resolveSibling(manifest, options.valManifest(), List.of("dev", "val", "valid", "validation"));
        Path testFile = resolveSibling(manifest, options.testManifest(), List.of("test"));
        boolean haveSplitField = rows.stream().anyMatch(r -> r.split() != null);
        if (valFile != null || testFile != null) {
            trainRows.addAll(rows);
            if (valFile != null) valRows.addAll(read(valFile, options, bad));
            if (testFile == null) throw new IllegalArgumentException(manifest + ": a validation manifest was found or given but no test manifest"
                    + " (expected test" + extension(manifest) + " beside it, or give the test manifest)");
            testRows.addAll(read(testFile, options, bad));
        } else if (haveSplitField) {
            for (Row r : rows) {
                String s = r.split() == null ? "" : r.split().toLowerCase(Locale.ROOT);
                switch (s) {
                    case "train", "training" -> trainRows.add(r);
                    case "dev", "val", "valid", "validation" -> valRows.add(r);
                    case "test" -> testRows.add(r);
                    default -> bad(options, bad, r.where(), "field '" + options.splitField() + "' is '" + r.split()
                            + "', expected train, dev (val, valid, validation) or test");
                }
            }
        } else {
            stratified(rows, options.splitRatios(), options.splitSeed(), trainRows, valRows, testRows);
        }
        if (valRows.isEmpty() && !trainRows.isEmpty() && (valFile != null || haveSplitField)) {
            // the given splits have no validation part: carve one out of train with the val share of the ratios
            double share = options.splitRatios().get(1) / (options.splitRatios().get(0) + options.splitRatios().get(1));
            List<Row> all = new ArrayList<>(trainRows);
            trainRows.clear();
            stratified(all, List.of(1 - share, share, 0.0), options.splitSeed(), trainRows, valRows, new ArrayList<>());
        }
    }

    /** The tokenizer: a word vocabulary built on the (labelled) training texts or given, or a tokenizer.json. */
    private static TextTokenizer tokenizer(Path manifest, ImageTextFolderOptions options, List<Row> trainRows, Map<String, Integer> labelIds)
            throws IOException {
        if (options.tokenizer().equals("word")) {
            List<String> vocab = options.vocabulary();
            if (vocab == null) {
                List<String> texts = new ArrayList<>(trainRows.size());
                for (Row r : trainRows) if (labelIds.containsKey(r.label())) texts.add(r.text());
                return WordVocabulary.build(texts, options.minCount(), options.maxVocab(), options.lowercase());
            } else {
                return new WordVocabulary(vocab, options.lowercase());
            }
        } else {
            Path tj = Path.of(options.tokenizer());
            if (!tj.isAbsolute()) tj = manifest.getParent().resolve(tj);
            return HuggingFaceTextTokenizer.load(tj.normalize());
        }
    }

    /** The folder behind splits made by {@link #open}, or null for other data. */
    public static ImageTextFolder of(DataSplits splits) {
        MultimodalDataset ds = splits.train();
        while (ds instanceof SkippableDataset s && !(ds instanceof Split) && s.base() != ds) ds = s.base();
        return ds instanceof Split s ? s.folder() : null;
    }

    public Path manifest() {
        return manifest;
    }

    /** The options as used: with the label map and (word tokenizer) the vocabulary filled in — what a checkpoint must store. */
    public ImageTextFolderOptions options() {
        return options;
    }

    public List<String> labels() {
        return options.labels();
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Rows skipped when opening (with {@code skipBad}). */
    public List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    /** Images that failed to decode while loading (with {@code skipBad}: zeroed and marked missing). */
    public int decodeFailures() {
        return decodeFailures.get();
    }

    /** What results.json records about the data: sizes, label map, tokenizer, skipped rows. */
    public Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("manifest", manifest.toString());
        m.put("train", train.size());
        m.put("val", val.size());
        m.put("test", test.size());
        m.put("labels", labels());
        m.put("tokenizer", options.tokenizer());
        m.put("vocabSize", tokenizer.vocabSize());
        m.put("skipped", skipped.size());
        m.put("decodeFailures", decodeFailures.get());
        m.put("leakage", leakage);
        m.put("skippedRows", skipped.stream().limit(100).map(s -> s.where() + ": " + s.reason()).toList());
        return m;
    }

    public List<ModalitySpec> modalities() {
        return List.of(ModalitySpec.image("image", 3, options.imageSize(), options.imageSize()),
                ModalitySpec.tokens("text", options.textLength(), tokenizer.vocabSize()));
    }

    /** One split: images decoded on read, texts tokenised up front. */
    public final class Split implements SkippableDataset {
        private final String split;
        private final Path[] images;
        private final String[] where;
        private final int[] tokens;
        private final int[] labels;
        private final boolean augment;
        private final AtomicIntegerArray reads;
        private final List<ModalitySpec> specs;

        private Split(String split, List<Row> rows, Map<String, Integer> labelIds, boolean augment) {
            this.split = split;
            List<Row> kept = new ArrayList<>(rows.size());
            for (Row r : rows) {
                if (labelIds.containsKey(r.label())) {
                    kept.add(r);
                } else {
                    bad(options, skipped, r.where(), "label '" + r.label() + "' is not in the label map " + labelIds.keySet()
                            + (options.labels() == null ? " (the labels of the training split)" : ""));
                }
            }
            int n = kept.size(), len = options.textLength();
            images = new Path[n];
            where = new String[n];
            labels = new int[n];
            tokens = new int[n * len];
            int[] buf = new int[len];
            for (int i = 0; i < n; i++) {
                Row r = kept.get(i);
                images[i] = r.file().getParent().resolve(r.image()).normalize();
                where[i] = r.where();
                labels[i] = labelIds.get(r.label());
                Arrays.fill(buf, 0);
                tokenizer.encode(r.text(), buf);
                System.arraycopy(buf, 0, tokens, i * len, len);
            }
            this.augment = augment;
            this.reads = new AtomicIntegerArray(n);
            this.specs = ImageTextFolder.this.modalities();
        }

        public ImageTextFolder folder() {
            return ImageTextFolder.this;
        }

        @Override public String name() { return manifest.getFileName() + "-" + split; }
        @Override public int size() { return labels.length; }
        @Override public List<ModalitySpec> modalities() { return specs; }
        @Override public int numClasses() { return options.labels().size(); }

        public int label(int i) {
            return labels[i];
        }

        /** Where sample {@code i} came from ({@code manifest:line}). */
        public String where(int i) {
            return where[i];
        }

        public Path image(int i) {
            return images[i];
        }

        @Override
        public void read(int index, SampleWriter out) throws IOException {
            read(index, out, null);
        }

        @Override
        public void read(int index, SampleWriter out, boolean[] skip) throws IOException {
            if (skip == null || !skip[0]) readImage(index, out);
            int len = options.textLength();
            MemorySegment txt = out.modality(1);
            for (int j = 0; j < len; j++) txt.setAtIndex(ValueLayout.JAVA_INT, j, tokens[index * len + j]);
            out.label(labels[index]);
        }

        private void readImage(int index, SampleWriter out) throws IOException {
            MemorySegment img = out.modality(0);
            SplittableRandom random = null;
            if (augment) {
                // under the loader: (data seed, loader seed, epoch, sample), the same in every process and on resume;
                // outside it (a scan), how often this sample was read
                long stream = DataLoader.READ_STREAM.isBound() ? DataLoader.READ_STREAM.get() : reads.getAndIncrement(index);
                long mix = (options.splitSeed() * 0x9E3779B97F4A7C15L + index) * 0xBF58476D1CE4E5B9L + stream;
                random = new SplittableRandom(mix);
            }
            try {
                ImageDecoder.decodeInto(images[index], img, options.imageSize(), options.resize(), random);
            } catch (IOException | RuntimeException e) {
                if (!options.skipBad()) throw new IOException(where[index] + ": image " + e.getMessage(), e);
                decodeFailures.incrementAndGet();
                img.fill((byte) 0);
                out.missing(0);
            }
        }
    }

    // ---------------------------------------------------------------- manifests

    private static void bad(ImageTextFolderOptions o, List<Skipped> bad, String where, String reason) {
        if (!o.skipBad()) throw new IllegalArgumentException(where + ": " + reason);
        bad.add(new Skipped(where, reason));
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }

    /** The given file (relative to the manifest), or a sibling {dev,val,…,test}.ext of a train.ext manifest. */
    private static Path resolveSibling(Path manifest, String given, List<String> names) throws IOException {
        if (given != null) {
            Path p = manifest.getParent().resolve(given).normalize();
            if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString(), null, "manifest does not exist");
            return p;
        }
        String n = manifest.getFileName().toString();
        if (!n.toLowerCase(Locale.ROOT).startsWith("train.")) return null;
        for (String s : names) {
            Path p = manifest.resolveSibling(s + extension(manifest));
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    static List<Row> read(Path file, ImageTextFolderOptions o, List<Skipped> bad) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") ? readCsv(file, o, bad) : readJsonl(file, o, bad);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Row> readJsonl(Path file, ImageTextFolderOptions o, List<Skipped> bad) throws IOException {
        List<Row> rows = new ArrayList<>();
        String expected = "a JSON object with fields '" + o.textField() + "', '" + o.imageField() + "', '" + o.labelField() + "'";
        try (Utf8Lines in = Utf8Lines.open(file)) {
            String line;
            while ((line = in.nextLine()) != null) {
                long no = in.line();
                if (line.isBlank()) continue;
                String where = file + ":" + no;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    bad(o, bad, where, "malformed JSON line (expected " + expected + "): " + e.getOriginalMessage());
                    continue;
                }
                if (node == null || !node.isObject()) {
                    bad(o, bad, where, "expected " + expected + ", got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
                    continue;
                }
                String text = field(node, o.textField()), img = field(node, o.imageField()), label = field(node, o.labelField());
                List<String> missing = new ArrayList<>();
                if (text == null) missing.add(o.textField());
                if (img == null || img.isBlank()) missing.add(o.imageField());
                if (label == null || label.isBlank()) missing.add(o.labelField());
                if (!missing.isEmpty()) {
                    bad(o, bad, where, "no field " + missing + " (expected " + expected + "; found " + fieldNames(node) + ")");
                    continue;
                }
                rows.add(new Row(file, no, text, img, label, field(node, o.splitField())));
            }
        }
        return rows;
    }

    private static String field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) return null;
        if (v.isArray()) { // e.g. a list of sentences
            StringBuilder sb = new StringBuilder();
            for (JsonNode x : v) sb.append(sb.isEmpty() ? "" : " ").append(x.asText());
            return sb.toString();
        }
        return v.asText();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Row> readCsv(Path file, ImageTextFolderOptions o, List<Skipped> bad) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (CsvReader csv = CsvReader.open(file, ',')) {
            List<String> header = csv.next();
            if (header == null) throw new IllegalArgumentException(file + ": empty CSV file (expected a header row naming the fields)");
            int ti = header.indexOf(o.textField()), ii = header.indexOf(o.imageField()), li = header.indexOf(o.labelField()), si = header.indexOf(o.splitField());
            if (ti < 0 || ii < 0 || li < 0) {
                throw new IllegalArgumentException(file + ":1: the CSV header " + header + " lacks " + (ti < 0 ? "'" + o.textField() + "' " : "")
                        + (ii < 0 ? "'" + o.imageField() + "' " : "") + (li < 0 ? "'" + o.labelField() + "' " : "")
                        + "(expected columns '" + o.textField() + "', '" + o.imageField() + "', '" + o.labelField() + "'; see --text-field etc.)");
            }
            while (true) {
                List<String> rec;
                try {
                    rec = csv.next();
                } catch (FormatException e) {
                    if (csv.problem() == null) throw e;
                    bad(o, bad, file + ":" + csv.problemLine(), csv.problem());
                    break;
                }
                if (rec == null) break;
                if (rec.size() == 1 && rec.getFirst().isBlank()) continue;
                String where = file + ":" + csv.line();
                if (rec.size() != header.size()) {
                    bad(o, bad, where, rec.size() + " columns, expected " + header.size() + " as in the header " + header);
                    continue;
                }
                String img = rec.get(ii), label = rec.get(li);
                if (img.isBlank() || label.isBlank()) {
                    bad(o, bad, where, "empty " + (img.isBlank() ? "'" + o.imageField() + "'" : "'" + o.labelField() + "'") + " column");
                    continue;
                }
                rows.add(new Row(file, csv.line(), rec.get(ti), img, label, si < 0 || rec.get(si).isBlank() ? null : rec.get(si)));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- splits and checks

    /**
     * The seeded {@link StratifiedSplit} of the rows by label name (classes in sorted name order,
     * {@code new Random(seed)}), the same rule as feature files; each part keeps the rows' order.
     */
    static void stratified(List<Row> rows, List<Double> ratios, long seed, List<Row> train, List<Row> val, List<Row> test) {
        Map<String, Integer> classOf = new TreeMap<>();
        for (Row r : rows) classOf.putIfAbsent(r.label(), 0);
        int c = 0;
        for (Map.Entry<String, Integer> e : classOf.entrySet()) e.setValue(c++);
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) y[i] = classOf.get(rows.get(i).label());
        double[] shares = {ratios.get(0), ratios.get(1), ratios.get(2)};
        int[][] parts = StratifiedSplit.split(y, classOf.size(), shares, new Random(seed));
        for (int i : parts[0]) train.add(rows.get(i));
        for (int i : parts[1]) val.add(rows.get(i));
        for (int i : parts[2]) test.add(rows.get(i));
    }

    private static void checkImages(List<Row> rows, ImageTextFolderOptions o, List<Skipped> bad) throws IOException {
        String[] problem = new String[rows.size()];
        Semaphore limit = new Semaphore(32);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                final int k = i;
                fs.add(ex.submit(() -> {
                    limit.acquireUninterruptibly();
                    try {
                        Row r = rows.get(k);
                        Path p = r.file().getParent().resolve(r.image()).normalize();
                        if (!Files.isRegularFile(p)) {
                            problem[k] = "image " + p + " does not exist (field '" + o.imageField() + "' is '" + r.image()
                                    + "', relative to the manifest's folder)";
                        } else {
                            try {
                                int[] wh = ImageDecoder.probe(p);
                                if (wh[0] <= 0 || wh[1] <= 0) problem[k] = "image " + p + " has " + wh[0] + "×" + wh[1] + " pixels";
                            } catch (IOException | RuntimeException e) {
                                problem[k] = "image " + e.getMessage() + " (expected a JPEG or PNG file)";
                            }
                        }
                    } finally {
                        limit.release();
                    }
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new UncheckedIOException(new IOException("checking images: " + e, e));
                }
            }
        }
        List<Row> kept = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (problem[i] == null) kept.add(rows.get(i));
            else bad(o, bad, rows.get(i).where(), problem[i]);
        }
        rows.clear();
        rows.addAll(kept);
    }
}
