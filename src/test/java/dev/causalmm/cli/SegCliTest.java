package dev.causalmm.cli;

import static dev.causalmm.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.Json;
import dev.causalmm.io.Nifti;
import dev.causalmm.io.NiftiDataType;
import dev.causalmm.io.NiftiHeader;
import dev.causalmm.io.NiftiImage;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.seg.LabelScheme;
import dev.causalmm.seg.RegionMetrics;
import dev.causalmm.seg.SegCheckpoint;
import dev.causalmm.seg.SegVolume;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmentation CLI end to end on a tiny synthetic NIfTI dataset the test writes: 24³ raw-intensity
 * "brains" with a planted tumour, anisotropic voxels and a non-trivial qform/sform, as {@code .nii.gz}
 * with the BraTS 2018 names and labels. {@code seg-train} → {@code seg-eval} (the 15-subset table with
 * real Dice, HD95 in mm equal to a recomputation from the written prediction) → {@code seg-predict}
 * (labels in the input's grid and header) → {@code seg-train --resume}; and a second dataset with
 * other modalities, globs, plain {@code .nii}, big-endian files and the BraTS 2015 numbering.
 */
class SegCliTest {
    static final int N = 24;
    static final double[] SPACING = {1.2, 0.9, 2.0};
    static final String[] TRAIN_ARGS = {"--steps", "100", "--batch-size", "2", "--patch", "16", "--downsample", "1", "--width", "8", "--depth", "2",
        "--lr", "0.01", "--seed", "3", "--time-limit", "0", "--foreground", "0.7"};

    @TempDir static Path dir;
    static Path ckpt;
    static Path evalOut;
    static JsonNode results;

    /** A header with anisotropic voxels, a rotated qform, an sform, mm + s units and a description. */
    static NiftiHeader header(ByteOrder order) {
        return new NiftiHeader(1, order, new int[] {N, N, N}, new double[] {1, SPACING[0], SPACING[1], SPACING[2], 1, 1, 1, 1},
                NiftiDataType.FLOAT32, 352, 1, 0, 1, new double[] {0, 0, 0.25881904510252074, -14.5, 20.25, -30.125}, 2,
                new double[] {-SPACING[0], 0, 0, 14.5}, new double[] {0, SPACING[1], 0, -20.25}, new double[] {0, 0, SPACING[2], 30.125},
                10, "segx synthetic", NiftiHeader.Details.NONE);
    }

    /**
     * A case: a brain ellipsoid of raw intensities ~400 and a tumour sphere (oedema around a core whose
     * shell enhances, necrotic inside). Labels: 2018 numbering (1 core, 2 oedema, 4 ET) or, with
     * {@code brats2015}, 1 necrosis / 3 non-enhancing inside the core.
     *
     * @param modalities name → file name of each modality to write (flair, t1, t1ce, t2, adc)
     */
    static void writeCase(Path caseDir, long seed, Map<String, String> modalities, String labelFile, boolean brats2015,
                          ByteOrder order) throws IOException {
        Files.createDirectories(caseDir);
        SplittableRandom r = new SplittableRandom(seed);
        double rw = 4.5 + r.nextDouble(), rc = 0.6 * rw;
        double[] c = {9 + r.nextDouble() * 6, 9 + r.nextDouble() * 6, 9 + r.nextDouble() * 6};
        int v = N * N * N;
        byte[] labels = new byte[v];
        Map<String, float[]> data = new java.util.LinkedHashMap<>();
        for (String m : modalities.keySet()) data.put(m, new float[v]);
        for (int z = 0, i = 0; z < N; z++) for (int y = 0; y < N; y++) for (int x = 0; x < N; x++, i++) {
            double bx = (x - 11.5) / 10.5, by = (y - 11.5) / 10, bz = (z - 11.5) / 10;
            if (bx * bx + by * by + bz * bz > 1) continue;
            double d = Math.sqrt((x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]));
            boolean wt = d <= rw, tc = d <= rc, et = tc && d > rc - 1.8;
            int label = !wt ? 0 : et ? 4 : tc ? (brats2015 && d > 0.5 * rc ? 3 : 1) : 2;
            labels[i] = (byte) label;
            for (var e : data.entrySet()) {
                double val = 400 + 30 * gaussian(r);
                switch (e.getKey()) {
                    case "flair" -> val += wt ? 300 : 0;
                    case "t1" -> val -= tc ? 150 : 0;
                    case "t1ce" -> val += et ? 400 : 0;
                    case "t2" -> val += (wt ? 250 : 0) + (tc ? 100 : 0);
                    case "adc" -> val += tc ? 250 : wt ? -120 : 0;
                    default -> throw new IllegalArgumentException(e.getKey());
                }
                e.getValue()[i] = (float) val;
            }
        }
        NiftiHeader h = header(order);
        for (var e : modalities.entrySet()) {
            Nifti.write(caseDir.resolve(e.getValue()), NiftiImage.ofFloats(h, new int[] {N, N, N}, data.get(e.getKey())));
        }
        Nifti.write(caseDir.resolve(labelFile), NiftiImage.ofBytes(h, new int[] {N, N, N}, labels));
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    static Map<String, String> brats2018Names(String id, String... modalities) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String mod : modalities) m.put(mod, id + "_" + mod + ".nii.gz");
        return m;
    }

    @BeforeAll
    static void trainAndEvaluate() throws IOException {
        for (int i = 0; i < 3; i++) {
            String id = "train" + i;
            writeCase(dir.resolve("train/" + id), 10 + i, brats2018Names(id, "flair", "t1", "t1ce", "t2"), id + "_seg.nii.gz", false,
                    ByteOrder.LITTLE_ENDIAN);
        }
        writeCase(dir.resolve("test/test0"), 20, brats2018Names("test0", "flair", "t1", "t1ce", "t2"), "test0_seg.nii.gz", false,
                ByteOrder.LITTLE_ENDIAN);
        writeCase(dir.resolve("test/test1"), 21, brats2018Names("test1", "flair", "t1ce", "t2"), "test1_seg.nii.gz", false,
                ByteOrder.LITTLE_ENDIAN);
        ckpt = dir.resolve("ckpt");
        List<String> args = new ArrayList<>(List.of("seg-train", "--data", dir.resolve("train").toString(), "--out", ckpt.toString()));
        args.addAll(List.of(TRAIN_ARGS));
        String out = run(0, args.toArray(String[]::new));
        assertTrue(out.contains("seg-train: 100 steps"), out);
        evalOut = dir.resolve("eval");
        out = run(0, "seg-eval", "--checkpoint", ckpt.toString(), "--data", dir.resolve("test").toString(), "--out", evalOut.toString());
        assertTrue(out.contains("mean Dice over subsets"), out);
        results = Json.MAPPER.readTree(evalOut.resolve("results.json").toFile());
    }

    static JsonNode caseScore(JsonNode res, String caseId, String subset) {
        for (JsonNode c : res.get("cases")) {
            if (c.get("case").asText().equals(caseId) && c.get("subset").asText().equals(subset)) return c;
        }
        throw new AssertionError("no score for " + caseId + " under " + subset);
    }

    @Test
    void evalWritesTheFifteenRowTableWithRealDice() throws IOException {
        JsonNode rows = results.get("subsets");
        assertEquals(15, rows.size());
        assertEquals("mm", results.get("hd95Unit").asText());
        for (JsonNode row : rows) {
            boolean usesT1 = row.get("dots").asText().charAt(1) == '●';
            assertTrue(row.get("available").asBoolean(), row.toString());
            assertEquals(usesT1 ? 1 : 2, row.get("cases").asInt(), "test1 has no T1: " + row);
        }
        JsonNode full = rows.get(14);
        System.out.println("seg-eval on the synthetic cases: full " + full.get("dice") + " HD95 " + full.get("hd95") + "; FLAIR only "
                + rows.get(0).get("dice"));
        assertEquals("flair+t1+t1c+t2", full.get("subset").asText());
        assertTrue(full.get("dice").get("WT").asDouble() > 0.85, "full-modality WT Dice " + full);
        // TC is the hardest region after 100 steps on three cases: 0.49 with the patches of sampler version 2 at seed 3
        assertTrue(full.get("dice").get("TC").asDouble() > 0.45, "full-modality TC Dice " + full);
        assertTrue(full.get("dice").get("ET").asDouble() > 0.4, "full-modality ET Dice " + full);
        assertTrue(rows.get(0).get("dice").get("WT").asDouble() > 0.8, "FLAIR-only WT Dice " + rows.get(0));
        double hd = full.get("hd95").get("WT").asDouble();
        assertTrue(hd >= 0 && hd < 10, "full-modality WT HD95 " + hd + " mm");
        assertFalse(caseScore(results, "test1", "t1").get("available").asBoolean());
        assertTrue(caseScore(results, "test1", "flair+t1c+t2").get("available").asBoolean());

        String report = Files.readString(evalOut.resolve("report.md"));
        assertTrue(report.contains("HD95 WT (mm)"), report);
        assertTrue(report.contains("| 15 | ● | ● | ● | ● | 1 | "), report);
        assertTrue(report.contains("| 1 | ● | ○ | ○ | ○ | 2 | "), report);
        assertTrue(Files.size(evalOut.resolve("dice-heatmap.png")) > 1000);
    }

    @Test
    void aCaseWithANanVoxelIsRefusedBeforeSegEvalOrSegPredictClaimItsOut() throws IOException {
        Path bad = dir.resolve("nan-data/c0");
        writeCase(bad, 30, brats2018Names("c0", "flair", "t1", "t1ce", "t2"), "c0_seg.nii.gz", false, ByteOrder.LITTLE_ENDIAN);
        float[] t2 = new float[N * N * N];
        Arrays.fill(t2, 400f);
        t2[(3 * N + 2) * N + 1] = Float.NaN; // voxel (x 1, y 2, z 3)
        Nifti.write(bad.resolve("c0_t2.nii.gz"), NiftiImage.ofFloats(header(ByteOrder.LITTLE_ENDIAN), new int[] {N, N, N}, t2));
        for (String command : List.of("seg-eval", "seg-predict")) {
            Path out = dir.resolve("nan-" + command);
            String o = run(2, command, "--checkpoint", ckpt.toString(), "--data", bad.getParent().toString(), "--out", out.toString());
            assertTrue(o.contains("modality t2 of case c0 has a non-finite value NaN at voxel (x 1, y 2, z 3"), o);
            assertFalse(Files.exists(out), command + " wrote " + out + " before refusing: " + o);
        }
    }

    @Test
    void predictWritesLabelsInTheInputGeometry() throws IOException {
        Path pred = dir.resolve("pred");
        String out = run(0, "seg-predict", "--checkpoint", ckpt.toString(), "--data", dir.resolve("test").toString(), "--out", pred.toString());
        assertTrue(out.contains("2 prediction(s)"), out);
        for (String[] c : new String[][] {{"test0", "flair+t1+t1c+t2"}, {"test1", "flair+t1c+t2"}}) {
            Path input = dir.resolve("test/" + c[0] + "/" + c[0] + "_flair.nii.gz");
            NiftiHeader in = Nifti.readHeader(input);
            double[] spacing = {in.pixdim()[1], in.pixdim()[2], in.pixdim()[3]};   // SPACING as NIfTI-1 stores it (float32)
            assertArrayEquals(SPACING, spacing, 1e-6);
            try (Arena arena = Arena.ofConfined()) {
                NiftiImage p = Nifti.read(pred.resolve(c[0] + "_pred.nii.gz"), arena);
                NiftiHeader h = p.header();
                assertArrayEquals(in.dims(), h.dims());
                assertArrayEquals(in.pixdim(), h.pixdim());
                assertEquals(in.qformCode(), h.qformCode());
                assertArrayEquals(in.quatern(), h.quatern());
                assertEquals(in.sformCode(), h.sformCode());
                assertArrayEquals(in.srowX(), h.srowX());
                assertArrayEquals(in.srowY(), h.srowY());
                assertArrayEquals(in.srowZ(), h.srowZ());
                assertEquals(in.xyztUnits(), h.xyztUnits());
                assertEquals(in.byteOrder(), h.byteOrder());
                assertEquals(NiftiDataType.UINT8, h.datatype());
                float[] labels = p.toFloats();
                Set<Float> values = new HashSet<>();
                for (float f : labels) values.add(f);
                assertTrue(Set.of(0f, 1f, 2f, 4f).containsAll(values), "labels " + values);
                assertTrue(values.contains(2f) && values.contains(4f), "oedema and ET predicted: " + values);
                byte[] predicted = LabelScheme.BRATS2018.toRegions(labels, "pred");
                byte[] truth = LabelScheme.BRATS2018.toRegions(
                        Nifti.read(dir.resolve("test/" + c[0] + "/" + c[0] + "_seg.nii.gz"), arena).toFloats(), "seg");
                JsonNode score = caseScore(results, c[0], c[1]);
                String[] names = {"WT", "TC", "ET"};
                int[] bits = {SegVolume.WT, SegVolume.TC, SegVolume.ET};
                for (int r = 0; r < 3; r++) {
                    double dice = RegionMetrics.dice(predicted, truth, bits[r]);
                    assertEquals(score.get("dice").get(names[r]).asDouble(), dice, 1e-9, c[0] + " " + names[r] + ": seg-predict's labels score as seg-eval did");
                    double hdMm = RegionMetrics.hd95(predicted, truth, bits[r], in.dims(), spacing);
                    assertEquals(score.get("hd95").get(names[r]).asDouble(), hdMm, 1e-9, c[0] + " " + names[r] + " HD95 in mm");
                }
                assertTrue(RegionMetrics.dice(predicted, truth, SegVolume.WT) > 0.8);
                double vox = RegionMetrics.hd95(predicted, truth, SegVolume.WT, in.dims());
                double mm = RegionMetrics.hd95(predicted, truth, SegVolume.WT, in.dims(), spacing);
                assertTrue(vox == 0 || Math.abs(mm - vox) > 1e-6, "the spacing changes HD95: " + vox + " voxels vs " + mm + " mm");
            }
        }
    }

    @Test
    void halfResolutionModelIsScoredAndWrittenAtFullResolution() throws IOException {
        Path half = dir.resolve("ckpt-half");
        List<String> args = new ArrayList<>(List.of("seg-train", "--data", dir.resolve("train").toString(), "--out", half.toString()));
        args.addAll(List.of(TRAIN_ARGS));
        args.set(args.indexOf("--patch") + 1, "8");
        args.set(args.indexOf("--downsample") + 1, "2");
        run(0, args.toArray(String[]::new));
        assertEquals(2, Json.MAPPER.readTree(half.resolve("config.json").toFile()).get("downsample").asInt());
        Path eval = dir.resolve("eval-half");
        run(0, "seg-eval", "--checkpoint", half.toString(), "--data", dir.resolve("test").toString(), "--out", eval.toString(), "--no-hd95");
        JsonNode full = Json.MAPPER.readTree(eval.resolve("results.json").toFile()).get("subsets").get(14);
        System.out.println("half-resolution model on the synthetic cases: full " + full.get("dice"));
        assertTrue(full.get("dice").get("WT").asDouble() > 0.7, "full-modality WT Dice at half resolution " + full);
        Path pred = dir.resolve("pred-half");
        run(0, "seg-predict", "--checkpoint", half.toString(), "--data", dir.resolve("test").toString(), "--out", pred.toString());
        try (Arena arena = Arena.ofConfined()) {
            NiftiHeader in = Nifti.readHeader(dir.resolve("test/test0/test0_flair.nii.gz"));
            NiftiImage p = Nifti.read(pred.resolve("test0_pred.nii.gz"), arena);
            assertArrayEquals(in.dims(), p.header().dims(), "predictions come back on the input's grid");
            assertArrayEquals(in.pixdim(), p.header().pixdim());
        }
        // a second seg-train into the same folder without --resume is refused, the checkpoint kept
        long before = Files.size(half.resolve("model.ckpt"));
        run(2, args.toArray(String[]::new));
        assertEquals(before, Files.size(half.resolve("model.ckpt")));
    }

    @Test
    void hd95InVoxelsOnRequest() throws IOException {
        Path ev = dir.resolve("eval-voxels");
        run(0, "seg-eval", "--checkpoint", ckpt.toString(), "--data", dir.resolve("test").toString(), "--out", ev.toString(),
                "--hd95-unit", "voxels");
        JsonNode vox = Json.MAPPER.readTree(ev.resolve("results.json").toFile());
        assertEquals("voxels", vox.get("hd95Unit").asText());
        assertTrue(Files.readString(ev.resolve("report.md")).contains("HD95 WT (voxels)"));
        int differ = 0;
        for (int i = 0; i < vox.get("cases").size(); i++) {
            JsonNode a = vox.get("cases").get(i), m = results.get("cases").get(i);
            assertEquals(m.get("case"), a.get("case"));
            if (!a.get("available").asBoolean()) continue;
            for (String r : new String[] {"WT", "TC", "ET"}) {
                assertEquals(m.get("dice").get(r).asDouble(), a.get("dice").get(r).asDouble(), 1e-12, "same predictions");
                double hv = a.get("hd95").get(r).asDouble(), hm = m.get("hd95").get(r).asDouble();
                if (hv == 0 || hv == RegionMetrics.HD95_ONE_EMPTY) {
                    assertEquals(hv, hm, 1e-12);
                } else {
                    // every voxel offset is at least 0.9 mm and at most 2.0 mm long per voxel step
                    assertTrue(hm >= 0.9 * hv - 1e-6 && hm <= 2.0 * hv + 1e-6, r + ": " + hv + " voxels vs " + hm + " mm");
                    if (Math.abs(hm - hv) > 1e-6) differ++;
                }
            }
        }
        assertTrue(differ > 0, "the anisotropic spacing changes some HD95");
        String bad = run(2, "seg-eval", "--checkpoint", ckpt.toString(), "--data", dir.resolve("test").toString(), "--out",
                dir.resolve("eval-bad").toString(), "--hd95-unit", "furlongs");
        assertTrue(bad.contains("mm or voxels") && bad.contains("furlongs"), bad);
    }

    @Test
    void resumeFromTheCheckpointFolderEqualsTheUninterruptedRun() throws IOException {
        Path parts = dir.resolve("ckpt-resumed");
        List<String> base = new ArrayList<>(List.of("seg-train", "--data", dir.resolve("train").toString(), "--out", parts.toString()));
        base.addAll(List.of(TRAIN_ARGS));
        List<String> stop = new ArrayList<>(base);
        stop.set(stop.indexOf("--time-limit") + 1, "1e-9");
        String out = run(0, stop.toArray(String[]::new));
        assertTrue(out.contains("seg-train: 1 steps") && out.contains("stopped by --time-limit"), out);
        List<String> resume = new ArrayList<>(base);
        resume.addAll(List.of("--resume", "--logger", "csv,tensorboard"));
        out = run(0, resume.toArray(String[]::new));
        assertTrue(out.contains("seg-train: 100 steps"), out);
        // one metric row per log step (every 5 steps), each step once; the event file holds the same steps
        var csv = dev.causalmm.train.metrics.MetricsFiles.csv(parts);
        List<Long> logSteps = java.util.stream.LongStream.rangeClosed(1, 20).map(i -> 5 * i).boxed().toList();
        assertEquals(List.of("step", "train/loss", "lr", "samples_per_sec", "wall_time"), csv.columns());
        assertEquals(logSteps, csv.steps());
        var events = dev.causalmm.train.metrics.MetricsFiles.events(parts);
        assertEquals(logSteps, events.stream().skip(1).map(dev.causalmm.train.metrics.EventFileReader.Event::step).toList());
        assertEquals(Float.parseFloat(csv.cell(19, "train/loss")), events.getLast().scalars().get("train/loss"));
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "final loss %.4f", Double.parseDouble(csv.cell(19, "train/loss")))), out);
        assertTrue(Files.readString(parts.resolve("hparams.yaml")).contains("command: seg-train"));
        assertEquals(20, dev.causalmm.train.metrics.MetricsFiles.csv(ckpt).rows().size(), "csv by default");
        var cfg = SegCheckpoint.readConfig(ckpt);
        try (UNet3d a = SegCheckpoint.load(ckpt, cfg); UNet3d b = SegCheckpoint.load(parts, SegCheckpoint.readConfig(parts))) {
            double maxDiff = 0;
            for (var e : a.namedParameters().entrySet()) {
                float[] x = e.getValue().toFloatArray(), y = b.namedParameters().get(e.getKey()).toFloatArray();
                for (int i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
            }
            assertTrue(maxDiff <= 1e-6, "resumed weights differ by " + maxDiff);
        }
    }

    @Test
    void otherModalitiesGlobsAndTheBrats2015Numbering() throws IOException {
        Path data = dir.resolve("b15");
        Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            files.clear();
            files.put("flair", "VSD.Brain.XX.O.MR_Flair." + i + ".nii");
            files.put("adc", "adc_map.nii");
            if (i != 3) files.put("t1ce", "VSD.Brain.XX.O.MR_T1c." + i + ".nii");
            writeCase(data.resolve(i < 3 ? "train/pat" + i : "test/pat" + i), 40 + i, files, "VSD.Brain_3more.XX.O.OT." + i + ".nii", true,
                    ByteOrder.BIG_ENDIAN);
        }
        Path ck = dir.resolve("b15-ckpt");
        List<String> args = new ArrayList<>(List.of("seg-train", "--data", data.resolve("train").toString(), "--out", ck.toString(),
                "--modality", "FLAIR=*Flair*.nii", "--modality", "ADC=adc_*", "--modality", "T1c=*_T1c.*", "--label", "*.OT.*",
                "--label-scheme", "brats2015"));
        args.addAll(List.of(TRAIN_ARGS));
        run(0, args.toArray(String[]::new));
        Path ev = dir.resolve("b15-eval");
        run(0, "seg-eval", "--checkpoint", ck.toString(), "--data", data.resolve("test").toString(), "--out", ev.toString());
        JsonNode res = Json.MAPPER.readTree(ev.resolve("results.json").toFile());
        assertEquals(List.of("FLAIR", "ADC", "T1c"), Json.MAPPER.convertValue(res.get("modalities"), List.class),
                "a non-BraTS modality set keeps its own names and order");
        JsonNode rows = res.get("subsets");
        assertEquals(7, rows.size());
        List<String> available = new ArrayList<>();
        for (JsonNode row : rows) if (row.get("available").asBoolean()) available.add(row.get("subset").asText());
        assertEquals(List.of("FLAIR", "ADC", "FLAIR+ADC"), available, "the test case has no T1c");
        System.out.println("brats2015-numbered synthetic case, FLAIR+ADC: " + rows.get(3).get("dice"));
        assertTrue(rows.get(3).get("dice").get("WT").asDouble() > 0.8, "FLAIR+ADC WT Dice " + rows.get(3));

        Path pred = dir.resolve("b15-pred");
        run(0, "seg-predict", "--checkpoint", ck.toString(), "--data", data.resolve("test").toString(), "--out", pred.toString());
        try (Arena arena = Arena.ofConfined()) {
            NiftiImage p = Nifti.read(pred.resolve("pat3_pred.nii.gz"), arena);
            assertEquals(ByteOrder.BIG_ENDIAN, p.header().byteOrder());
            assertArrayEquals(new int[] {N, N, N}, p.header().dims());
            float[] labels = p.toFloats();
            Set<Float> values = new HashSet<>();
            for (float f : labels) values.add(f);
            assertTrue(Set.of(0f, 1f, 2f, 4f).containsAll(values), "2015 numbering (TC-not-ET written as 1): " + values);
            byte[] predicted = LabelScheme.BRATS2015.toRegions(labels, "pred");
            byte[] truth = LabelScheme.BRATS2015.toRegions(Nifti.read(data.resolve("test/pat3/VSD.Brain_3more.XX.O.OT.3.nii"), arena).toFloats(), "ot");
            double wt = RegionMetrics.dice(predicted, truth, SegVolume.WT);
            assertEquals(caseScore(res, "pat3", "FLAIR+ADC").get("dice").get("WT").asDouble(), wt, 1e-9);
            assertTrue(wt > 0.8, "WT Dice of the 2015-numbered prediction " + wt);
        }
    }
}
