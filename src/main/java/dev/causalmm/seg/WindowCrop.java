package dev.causalmm.seg;

/**
 * The rows of a window that lie inside a volume: the one place that clips a window at {@code start}
 * with sides {@code p} against a volume of shape {@code s} (both {x, y, z}, x fastest), optionally
 * mirrored on y and z. Patch copies, label copies and sliding-window blending all walk these rows.
 */
final class WindowCrop {
    /** One row of the window inside the volume. */
    @FunctionalInterface
    interface Row {
        /**
         * @param volume index of the volume voxel under window x = 0 of this row ({@code volume + x} for x in [x0, x1))
         * @param window index of window voxel x = 0 of this row, after the y/z mirroring
         * @param x0     first window x inside the volume
         * @param x1     end (exclusive) of the window x inside the volume
         */
        void accept(int volume, int window, int x0, int x1);
    }

    private WindowCrop() {}

    /** Calls {@code row} for every window row inside the volume; {@code flip[1]}, {@code flip[2]} mirror y and z. */
    static void rows(int[] s, int[] start, int[] p, boolean[] flip, Row row) {
        int x0 = Math.max(0, -start[0]);
        int x1 = Math.min(p[0], s[0] - start[0]);
        if (x1 <= x0) return;
        for (int z = 0; z < p[2]; z++) {
            int sz = start[2] + z;
            if (sz < 0 || sz >= s[2]) continue;
            int dz = flip[2] ? p[2] - 1 - z : z;
            for (int y = 0; y < p[1]; y++) {
                int sy = start[1] + y;
                if (sy < 0 || sy >= s[1]) continue;
                int dy = flip[1] ? p[1] - 1 - y : y;
                row.accept(s[0] * (sy + s[1] * sz) + start[0], p[0] * (dy + p[1] * dz), x0, x1);
            }
        }
    }
}
