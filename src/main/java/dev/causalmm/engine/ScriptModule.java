package dev.causalmm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;
import org.bytedeco.pytorch.global.torch;

/**
 * A TorchScript module ({@code torch.jit.save} in Python) loaded through {@code torch::jit::load}:
 * one tensor in, one tensor out (or the first tensor of a returned tuple). Its parameters are the
 * module's live tensors, so an optimizer stepping them fine-tunes the module.
 */
public final class ScriptModule implements AutoCloseable {
    private final JitModule module;
    private final Path file;
    private boolean closed;

    private ScriptModule(JitModule module, Path file) {
        this.module = module;
        this.file = file;
    }

    /** Loads a {@code torch.jit.save} file (on the CPU); an unreadable file names itself and what was expected. */
    public static ScriptModule load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "TorchScript file does not exist");
        Engine.init();
        try {
            return new ScriptModule(torch.load(file.toAbsolutePath().toString()), file);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a TorchScript module (expected a file written by torch.jit.save): " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Path file() {
        return file;
    }

    /** Runs {@code forward(x)}; the result belongs to the current scope. */
    public Tensor forward(Tensor x) {
        check();
        try (IValue in = new IValue(x.h); IValueVector args = new IValueVector(in)) {
            IValue out;
            try {
                out = module.forward(args);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": forward failed on an input of shape " + Arrays.toString(x.shape())
                        + ": " + firstLine(e.getMessage()), e);
            }
            try (out) {
                if (out.isTensor()) return Tensor.wrap(new org.bytedeco.pytorch.Tensor(out.toTensor())); // own reference: out is freed below
                if (out.isTuple()) {
                    // toTuple() holds a reference to the tuple (and so its tensors) until closed: pointer GC is off
                    try (var tuple = out.toTuple()) {
                        var elems = tuple.elements();
                        if (elems.size() > 0 && elems.get(0).isTensor()) return Tensor.wrap(new org.bytedeco.pytorch.Tensor(elems.get(0).toTensor()));
                    }
                }
                throw new IllegalArgumentException(file + ": forward returned neither a tensor nor a tuple starting with one");
            }
        }
    }

    /**
     * The module's parameters by dotted name, as new handles on the live tensors (not owned by any
     * scope: the caller closes them; the module keeps its own references).
     */
    public Map<String, Tensor> namedParameters() {
        check();
        Map<String, Tensor> out = new LinkedHashMap<>();
        named_parameter_list list = module.named_parameters(true);
        named_parameter_iterator it = list.begin(), end = list.end();
        for (; it.notEquals(end); it = it.increment()) {
            NamedTensor nt = it.access();
            Tensor t = new Tensor(new org.bytedeco.pytorch.Tensor(nt.value())).unscoped();
            out.put(nt.name().getString(), t);
        }
        return out;
    }

    /** Turns gradients of every parameter on (fine-tuning) or off (a frozen encoder). */
    public void requiresGrad(boolean on) {
        for (Tensor t : namedParameters().values()) {
            t.requiresGrad_(on);
            t.close();
        }
    }

    /** Training mode (dropout, batch-norm statistics) or evaluation mode. */
    public void train(boolean on) {
        check();
        module.train(on);
    }

    /** Moves the module's parameters and buffers; handles from {@link #namedParameters()} taken before may be stale. */
    public void to(Device device) {
        check();
        try (var d = device.toNative()) {
            module.to(d, false);
        }
    }

    private void check() {
        if (closed) throw new IllegalStateException(file + ": TorchScript module used after close");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        module.close();
    }
}
