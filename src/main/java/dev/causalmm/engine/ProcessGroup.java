package dev.causalmm.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

/**
 * A thin wrapper of one LibTorch c10d process group: rendezvous through a {@code TCPStore} (rank 0
 * hosts it), collectives through {@code ProcessGroupGloo} (CPU tensors) or {@code ProcessGroupNCCL}
 * (CUDA tensors). Every collective runs with the group's timeout, so a peer that died or hangs
 * surfaces as a {@link CollectiveException} instead of a silent wait.
 *
 * <p>Ownership (checked, see the bytedeco notes): the Java {@code TCPStore} frees its C++ object
 * with a plain {@code delete} while the process group still holds references to it, so the store
 * is kept reachable for the group's whole life and is never closed before it. {@code
 * TCPStoreOptions.numWorkers} is mis-mapped in the presets and is left unset.
 *
 * <p>No policy lives here (which tensors, when, averaging): that is {@code dev.causalmm.dist}.
 */
public final class ProcessGroup implements AutoCloseable {
    /** The c10d backend: Gloo for CPU tensors, NCCL for CUDA tensors. */
    public enum Backend { GLOO, NCCL }

    /** Reduction of an all-reduce. */
    public enum Op {
        SUM(ReduceOp.RedOpType.SUM), MIN(ReduceOp.RedOpType.MIN), MAX(ReduceOp.RedOpType.MAX);
        final ReduceOp.RedOpType type;

        Op(ReduceOp.RedOpType type) {
            this.type = type;
        }
    }

    private final TCPStore tcp;                       // kept reachable for the group's life: see the class comment
    private final org.bytedeco.pytorch.Store store;   // tcp, or a prefix store over it
    private final org.bytedeco.pytorch.Backend group;
    private final Backend backend;
    private final int rank;
    private final int world;
    private final Duration timeout;
    private final Milliseconds timeoutMs;
    private volatile boolean closed;

    private ProcessGroup(TCPStore tcp, org.bytedeco.pytorch.Store store, org.bytedeco.pytorch.Backend group, Backend backend, int rank, int world, Duration timeout) {
        this.tcp = tcp;
        this.store = store;
        this.group = group;
        this.backend = backend;
        this.rank = rank;
        this.world = world;
        this.timeout = timeout;
        this.timeoutMs = new Milliseconds(timeout.toMillis());
    }

    /**
     * Joins (rank 0: hosts) the rendezvous at {@code masterAddr:masterPort} and forms the group.
     * Blocks until all {@code world} ranks arrived, at most {@code timeout}.
     *
     * @param glooInterface network interface for Gloo's sockets (GLOO_SOCKET_IFNAME), or null: the
     *                      loopback address when the master is local, else this host's name
     * @param agentStorePrefix null: rank 0 hosts the store. Otherwise a launcher's agent already hosts
     *                      it at that address (torchrun's {@code TORCHELASTIC_USE_AGENT_STORE}): every
     *                      rank connects as a client and keys live under this prefix, as PyTorch's
     *                      own workers do ({@code /worker/attempt_N})
     */
    public static ProcessGroup connect(Backend backend, String masterAddr, int masterPort, int rank, int world,
                                       Duration timeout, String glooInterface, String agentStorePrefix) {
        Engine.init();
        Milliseconds ms = new Milliseconds(timeout.toMillis());
        TCPStore tcp;
        boolean host = rank == 0 && agentStorePrefix == null;
        try {
            TCPStoreOptions so = new TCPStoreOptions();
            so.port((short) masterPort).isServer(host).waitWorkers(false).timeout(ms);
            tcp = new TCPStore(masterAddr, so);
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + rank + ": cannot " + (host ? "host" : "reach") + " the rendezvous store at "
                    + masterAddr + ":" + masterPort + " (MASTER_ADDR/MASTER_PORT) within " + timeout.toSeconds() + " s: " + e.getMessage(), e);
        }
        org.bytedeco.pytorch.Store store = agentStorePrefix == null ? tcp : new PrefixStore(agentStorePrefix, tcp);
        org.bytedeco.pytorch.Backend group;
        try {
            group = switch (backend) {
                case GLOO -> gloo(store, masterAddr, rank, world, ms, glooInterface);
                case NCCL -> nccl(store, rank, world, ms);
            };
        } catch (LinkageError e) {
            throw new CollectiveException("the NCCL backend needs LibTorch's CUDA natives (the pytorch-platform-gpu / -gpu"
                    + " jars with the cuda preset); this build has only the CPU natives (" + e.getMessage() + "). Use --device cpu"
                    + " (Gloo), or run the CUDA build", e);
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + rank + " of " + world + ": the " + backend + " process group did not form within "
                    + timeout.toSeconds() + " s (a rank missing, wrong WORLD_SIZE, or a firewall): " + e.getMessage(), e);
        }
        return new ProcessGroup(tcp, store, group, backend, rank, world, timeout);
    }

    private static org.bytedeco.pytorch.Backend gloo(org.bytedeco.pytorch.Store store, String masterAddr, int rank, int world, Milliseconds ms, String iface) {
        ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(ms);
        org.bytedeco.pytorch.gloo.Device device;
        if (iface != null && !iface.isBlank()) device = ProcessGroupGloo.createDeviceForInterface(iface);
        else if (isLoopback(masterAddr)) device = ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        else device = ProcessGroupGloo.createDefaultDevice();
        opts.devices(new GlooDeviceVector(device));
        return new ProcessGroupGloo(store, rank, world, opts);
    }

    /** Loads the NCCL class only here: on a CPU build its static initialiser throws a LinkageError. */
    private static org.bytedeco.pytorch.Backend nccl(org.bytedeco.pytorch.Store store, int rank, int world, Milliseconds ms) {
        if (!Engine.cudaAvailable()) {
            throw new LinkageError("CUDA is not available in this process");
        }
        var opts = org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
        opts.timeout(ms);
        return new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, rank, world, opts);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return world;
    }

    public Backend backend() {
        return backend;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A collective in flight; {@link #await} waits for it (at most the group's timeout). */
    public final class Pending {
        private final Work work;
        private final String what;

        private Pending(Work work, String what) {
            this.work = work;
            this.what = what;
        }

        public void await() {
            try {
                if (!work._wait(timeoutMs)) throw new CollectiveException(failure(what, "not finished after " + timeout.toSeconds() + " s"), null);
            } catch (CollectiveException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CollectiveException(failure(what, e.getMessage()), e);
            } finally {
                work.close();
            }
        }
    }

    /** Starts an in-place all-reduce of one dense, contiguous tensor; returns at once. */
    public Pending allReduceAsync(Tensor t, Op op, String what) {
        check();
        try (TensorVector v = new TensorVector(t.h); AllreduceOptions o = new AllreduceOptions(); ReduceOp r = new ReduceOp(op.type)) {
            o.reduceOp(r).timeout(timeoutMs);
            return new Pending(group.allreduce(v, o), what);
        } catch (RuntimeException e) {
            throw new CollectiveException(failure(what, e.getMessage()), e);
        }
    }

    /** In-place all-reduce of one dense, contiguous tensor, waited for. */
    public void allReduce(Tensor t, Op op, String what) {
        allReduceAsync(t, op, what).await();
    }

    /** Overwrites {@code t} on every rank with rank {@code root}'s values. */
    public void broadcast(Tensor t, int root, String what) {
        check();
        Work w;
        try (TensorVector v = new TensorVector(t.h); BroadcastOptions o = new BroadcastOptions()) {
            o.rootRank(root).rootTensor(0).timeout(timeoutMs);
            w = group.broadcast(v, o);
        } catch (RuntimeException e) {
            throw new CollectiveException(failure(what, e.getMessage()), e);
        }
        new Pending(w, what).await();
    }

    /** Broadcasts several tensors, all started before any is waited for. */
    public void broadcastAll(List<Tensor> ts, int root, String what) {
        check();
        List<Pending> pending = new ArrayList<>(ts.size());
        for (Tensor t : ts) {
            try (TensorVector v = new TensorVector(t.h); BroadcastOptions o = new BroadcastOptions()) {
                o.rootRank(root).rootTensor(0).timeout(timeoutMs);
                pending.add(new Pending(group.broadcast(v, o), what));
            } catch (RuntimeException e) {
                throw new CollectiveException(failure(what, e.getMessage()), e);
            }
        }
        for (Pending p : pending) p.await();
    }

    private String failure(String what, String cause) {
        String first = cause == null ? "" : cause.lines().findFirst().orElse("");
        return "rank " + rank + " of " + world + ": " + what + " (" + backend + ") failed — another rank died, hung or"
                + " left, or the collective exceeded the " + timeout.toSeconds() + " s timeout (--dist-timeout): " + first;
    }

    private void check() {
        if (closed) throw new IllegalStateException("process group used after close()");
    }

    /**
     * Marks the group closed. The native group and store are deliberately not freed: the group holds
     * C++ references to the store that the Java side does not see (freeing either from Java risks a
     * use after free or a double free), and a process forms one group for its whole life, so the
     * operating system reclaims both at exit.
     */
    @Override
    public void close() {
        closed = true;
    }

    /** A collective or the rendezvous failed: a peer died, hung, or never arrived. */
    public static final class CollectiveException extends RuntimeException {
        public CollectiveException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
