package dev.causalmm.nn;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree of named trainable parameters, the Java counterpart of {@code torch.nn.Module}.
 * Parameters are owned by the module (not by any {@link TensorScope}) and freed by {@link #close()}.
 */
public abstract class Module implements AutoCloseable {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable leaf; the module takes ownership of {@code value}. */
    protected final Tensor registerParameter(String name, Tensor value) {
        if (params.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        value.unscoped().requiresGrad_(true);
        params.put(name, value);
        return value;
    }

    /** This module's own parameter by name (cheap; follows {@link #to}). */
    protected final Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter " + name);
        return t;
    }

    /** Puts a new tensor in place of a registered parameter (which the caller has released or handed on). */
    protected final void replaceParameter(String name, Tensor value) {
        if (!params.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter " + name);
        params.put(name, value.unscoped());
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        if (children.containsKey(name)) throw new IllegalArgumentException("duplicate submodule " + name);
        children.put(name, module);
        return module;
    }

    /** All parameters with dotted names ({@code encoders.0.layer1.weight}), in registration order. */
    public final Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out));
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /** Training mode switches behaviours such as dropout; it does not enable or disable autograd. */
    public void setTraining(boolean on) {
        training = on;
        children.values().forEach(m -> m.setTraining(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /** Where the module's parameters live (the first parameter's device; the CPU for a module without any). */
    public Device device() {
        List<Tensor> p = parameters();
        return p.isEmpty() ? Device.CPU : p.getFirst().device();
    }

    /** Moves every parameter to {@code device} (in place of the old tensors, which are freed). */
    public void to(Device device) {
        for (var e : params.entrySet()) {
            Tensor old = e.getValue();
            if (old.device().equals(device)) continue;
            Tensor moved;
            try (var s = TensorScope.open("to-device")) {
                moved = s.keep(old.detach().to(device));
            }
            moved.unscoped().requiresGrad_(true);
            e.setValue(moved);
            old.close();
        }
        children.values().forEach(m -> m.to(device));
    }

    @Override
    public void close() {
        params.values().forEach(Tensor::close);
        children.values().forEach(Module::close);
    }
}
