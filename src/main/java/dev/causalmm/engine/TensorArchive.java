package dev.causalmm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;

/**
 * Named tensors in LibTorch's own archive format ({@code torch::serialize::OutputArchive}, a
 * TorchScript zip): what C++ reads with {@code torch::serialize::InputArchive::load_from} and
 * {@code archive.read(name, tensor)}. Names are kept as given (dots included).
 */
public final class TensorArchive {
    private TensorArchive() {}

    /** Writes {@code tensors} to {@code file} (through a temporary file beside it, then a rename). */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // LibTorch creates the temporary itself, so it gets the umask's permissions (createTempFile would make it 0600)
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try (OutputArchive a = new OutputArchive()) {
            for (var e : tensors.entrySet()) a.write(e.getKey(), e.getValue().handle(), false);
            a.save_to(tmp.toString());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (RuntimeException e) {
            throw new IOException("cannot write the LibTorch archive " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the named tensors back (CPU); the caller closes them. */
    public static Map<String, Tensor> load(Path file, Iterable<String> names) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (InputArchive a = new InputArchive()) {
            a.load_from(file.toString());
            for (String n : names) {
                org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor();
                if (!a.try_read(n, t)) {
                    t.close();
                    throw new IOException(file + ": the LibTorch archive has no tensor '" + n + "'");
                }
                out.put(n, Tensor.wrap(t));
            }
        } catch (RuntimeException e) {
            out.values().forEach(Tensor::close);
            throw new IOException("cannot read the LibTorch archive " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
