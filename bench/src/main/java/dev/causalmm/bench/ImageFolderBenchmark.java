package dev.causalmm.bench;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.ImageDecoder;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.TensorScope;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Image+text folders: JPEG decoding (JDK ImageIO against TwelveMonkeys' reader), resize, crop and
 * flip into off-heap memory, alone ({@code decode}: one thread, images/s per core) and through the
 * data loader ({@code loaderEpoch}: one augmented epoch of 256 images in batches of 64, with
 * {@code prefetch} batches decoded at once on virtual threads). The images are 384×288 JPEGs
 * (quality 0.9) of gradients, shapes and noise, written once to the temporary folder. Score:
 * images per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ImageFolderBenchmark {
    static final int IMAGES = 256;

    @Param({"jdk", "twelvemonkeys"})
    public String decoder;

    @Param({"64", "224"})
    public int crop;

    @Param({"1", "2", "4", "8"})
    public int prefetch;

    private DataLoader loader;
    private List<Path> files;
    private Arena arena;
    private MemorySegment slot;
    private int next, epoch;
    private SplittableRandom random = new SplittableRandom(1);

    @Setup
    public void setup() throws IOException {
        Engine.init();
        chooseDecoder(decoder);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "causalmm-bench-images");
        Path manifest = images(dir);
        ImageTextFolderOptions o = ImageTextFolderOptions.defaults().withImage(crop, crop * 8 / 7, true)
                .withSplit(List.of(0.98, 0.01, 0.01), 0, null, null);
        DataSplits d = ImageTextFolder.open(manifest, o);
        loader = new DataLoader(d.train(), new DataLoader.Options(64, true, false, prefetch, 1, Device.CPU));
        files = new ArrayList<>();
        try (var l = Files.list(dir.resolve("images"))) {
            l.sorted().forEach(files::add);
        }
        arena = Arena.ofConfined();
        slot = arena.allocate(3L * crop * crop, 64); // uint8 pixels
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Leaves one JPEG reader registered: the JDK's or TwelveMonkeys'. */
    static void chooseDecoder(String which) {
        IIORegistry reg = IIORegistry.getDefaultInstance();
        reg.registerApplicationClasspathSpis();
        List<ImageReaderSpi> jpeg = new ArrayList<>();
        Iterator<ImageReaderSpi> it = reg.getServiceProviders(ImageReaderSpi.class, true);
        while (it.hasNext()) {
            ImageReaderSpi spi = it.next();
            for (String f : spi.getFormatNames()) if (f.equalsIgnoreCase("jpeg")) { jpeg.add(spi); break; }
        }
        boolean found = false;
        for (ImageReaderSpi spi : jpeg) {
            boolean tm = spi.getClass().getName().startsWith("com.twelvemonkeys");
            if (tm == which.equals("twelvemonkeys")) found = true;
            else reg.deregisterServiceProvider(spi);
        }
        if (!found) throw new IllegalStateException("no " + which + " JPEG reader on the class path: " + jpeg);
    }

    static Path images(Path dir) throws IOException {
        Path manifest = dir.resolve("data.jsonl");
        if (Files.exists(manifest)) return manifest;
        Files.createDirectories(dir.resolve("images"));
        SplittableRandom r = new SplittableRandom(0);
        List<String> lines = new ArrayList<>();
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(384, 288, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)), 384, 288,
                    new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))));
            g.fillRect(0, 0, 384, 288);
            for (int k = 0; k < 12; k++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                g.fillOval(r.nextInt(384), r.nextInt(288), 20 + r.nextInt(120), 20 + r.nextInt(120));
            }
            g.dispose();
            for (int p = 0; p < 384 * 288 / 4; p++) {
                int x = r.nextInt(384), y = r.nextInt(288);
                int rgb = img.getRGB(x, y), n = r.nextInt(31) - 15;
                int rr = Math.clamp(((rgb >> 16) & 0xff) + n, 0, 255), gg = Math.clamp(((rgb >> 8) & 0xff) + n, 0, 255), bb = Math.clamp((rgb & 0xff) + n, 0, 255);
                img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
            }
            Path f = dir.resolve("images/img" + i + ".jpg");
            try (var out = ImageIO.createImageOutputStream(f.toFile())) {
                writer.setOutput(out);
                writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
            }
            lines.add("{\"text\": \"picture number " + i + "\", \"img\": \"images/img" + i + ".jpg\", \"label\": \"c" + (i % 4) + "\"}");
        }
        Files.write(manifest, lines);
        return manifest;
    }

    /** One image: decode, resize, random crop and flip into a float32 slot, on this thread. */
    @Benchmark
    public void decode(Blackhole bh) throws IOException {
        ImageDecoder.decodeInto(files.get(next++ % files.size()), slot, crop, crop * 8 / 7, random);
        bh.consume(slot);
    }

    /** One augmented epoch through the loader; one operation = one image. */
    @Benchmark
    @OperationsPerInvocation(248)
    public void loaderEpoch(Blackhole bh) {
        try (var s = TensorScope.open("epoch"); var ep = loader.epoch(epoch++)) {
            while (ep.hasNext()) {
                try (Batch b = ep.next()) {
                    bh.consume(b.labels());
                }
            }
        }
    }
}
