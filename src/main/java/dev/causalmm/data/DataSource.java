package dev.causalmm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code --dataset} names: a generator ({@code mmlsyn}, {@code imagetext}), a feature file
 * (.mat, .npz/.npy, .csv, or a .yaml/.json manifest of views) or an image+text manifest (.jsonl, or
 * .csv with an image column). {@link #parse} is the one place that tells them apart by name or
 * extension; each case carries its own settings, so no code keeps (or nulls) the other kinds'.
 *
 * <p>A new kind of data is one record here ({@link #name}, {@link #open}, {@link #emptyValidation}),
 * one line in {@link #parse}, and, when it has settings, their key in
 * {@code experiment.ExperimentSpec#toJson} (what results.json and resume identities record).
 */
public sealed interface DataSource {
    /** The generators' names, in the order the help lists them. */
    List<String> GENERATORS = List.of("mmlsyn", "imagetext");

    /** The synthetic MMLSynData task. */
    record MmlSyn(MMLSynConfig config) implements DataSource {
        @Override public String name() { return "mmlsyn"; }
        @Override public DataSplits open() { return DataSplits.of(MMLSynData.generate(config)); }
        @Override public String emptyValidation() { return config.valSize() <= 0 ? "val size " + config.valSize() : null; }
    }

    /** The synthetic image+text task. */
    record ImageText(ImageTextConfig config) implements DataSource {
        @Override public String name() { return "imagetext"; }
        @Override public DataSplits open() { return ImageTextData.generate(config); }
        @Override public String emptyValidation() { return config.valSize() <= 0 ? "val size " + config.valSize() : null; }
    }

    /** A feature file (or a manifest of views) split and standardised by {@code options}. */
    record FeatureFile(String path, FeatureFileOptions options) implements DataSource {
        @Override public String name() { return path; }
        @Override public DataSplits open() throws IOException { return naming(path, () -> FeatureFileDatasets.open(Path.of(path), options)); }
        @Override public String emptyValidation() { return options.valRatio() > 0 ? null : "validation share " + options.valRatio(); }
    }

    /** An image+text manifest ({@code path} absolute and normalised) read with {@code options}. */
    record Manifest(String path, ImageTextFolderOptions options) implements DataSource {
        public Manifest {
            path = Path.of(path).toAbsolutePath().normalize().toString();
        }

        @Override public String name() { return path; }
        @Override public DataSplits open() throws IOException { return naming(path, () -> ImageTextFolder.open(Path.of(path), options)); }
        @Override public String emptyValidation() { return null; } // the manifest's rows decide

        /** The folder behind splits this manifest opened (its report: skipped rows, label map). */
        public static ImageTextFolder folderOf(DataSplits splits) {
            return ImageTextFolder.of(splits);
        }
    }

    /**
     * Settings of every kind; {@link #parse(String, Settings)} keeps the named kind's (its default
     * when null) and drops the rest.
     */
    record Settings(MMLSynConfig mmlsyn, ImageTextConfig imagetext, FeatureFileOptions featureFile,
                    ImageTextFolderOptions folder, long dataSeed) {
        /** Every kind's defaults, drawn with {@code dataSeed}. */
        public static Settings defaults(long dataSeed) {
            return new Settings(null, null, null, null, dataSeed);
        }
    }

    /** The name as results.json and checkpoints record it ({@code mmlsyn}, or the file's path). */
    String name();

    /** Generates or reads the train, validation and test sets. */
    DataSplits open() throws IOException;

    /** The data of a file, reading failures that name no file ("Is a directory", "Input length = 1") given its path. */
    private static DataSplits naming(String path, java.util.concurrent.Callable<DataSplits> read) throws IOException {
        try {
            return read.call();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new dev.causalmm.io.FormatException(path + ": not UTF-8 text (a binary file?): " + e.getMessage());
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains(path) || m.contains(Path.of(path).getFileName().toString())) throw e;
            throw new IOException(path + ": " + m, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the settings leave the validation set empty ("val size 0"), or null when they do not. */
    String emptyValidation();

    /** {@code name} with every kind's default settings. */
    static DataSource parse(String name) {
        return parse(name, Settings.defaults(0));
    }

    /** {@code name} with the settings of its kind; unknown names fail with what is accepted. */
    static DataSource parse(String name, Settings s) {
        String imageField = s.folder() == null ? null : s.folder().imageField();
        if (isImageTextManifest(name, imageField)) {
            return new Manifest(name, s.folder() == null ? ImageTextFolderOptions.defaults() : s.folder());
        }
        if (namesFile(name)) {
            return new FeatureFile(name, s.featureFile() == null
                    ? FeatureFileOptions.defaults().withSplit(0.7, 0.1, 0.2, s.dataSeed()) : s.featureFile());
        }
        return switch (name == null ? "" : name) {
            case "mmlsyn" -> new MmlSyn(s.mmlsyn() == null ? MMLSynConfig.defaults(s.dataSeed()) : s.mmlsyn());
            case "imagetext" -> new ImageText(s.imagetext() == null ? ImageTextConfig.defaults(s.dataSeed()) : s.imagetext());
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; available: " + String.join(", ", GENERATORS)
                    + ", a feature file (.mat, .npy/.npz, .csv) or manifest (.yaml), or an image+text manifest (.jsonl, or .csv"
                    + " with an image column)");
        };
    }

    /**
     * A file rather than a generator, by extension or any path with a folder in it: a feature file
     * unless {@link #isImageTextManifest} says it is an image+text manifest.
     */
    static boolean namesFile(String name) {
        if (name == null) return false;
        String l = name.toLowerCase(Locale.ROOT);
        return l.endsWith(".mat") || l.endsWith(".npz") || l.endsWith(".npy") || l.endsWith(".csv") || l.endsWith(".yaml")
                || l.endsWith(".yml") || l.endsWith(".json") || l.endsWith(".h5") || l.endsWith(".hdf5") || name.contains("/") || name.contains("\\");
    }

    /**
     * An image+text manifest: a {@code .jsonl} file, or a {@code .csv} file whose header names the
     * image field (default {@code img}); a CSV without one is a feature file.
     */
    static boolean isImageTextManifest(String name, String imageField) {
        if (name == null) return false;
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl")) return true;
        if (!n.endsWith(".csv")) return false;
        String field = imageField == null ? ImageTextFolderOptions.defaults().imageField() : imageField;
        try (var r = dev.causalmm.io.CsvReader.open(Path.of(name), ',')) {
            List<String> header = r.next();
            if (header == null) return false;
            for (String col : header) {
                if (col.strip().replace("\"", "").equals(field)) return true;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: the feature-file reader reports it with the file's name
        }
    }
}
