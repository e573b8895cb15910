#!/usr/bin/env python3
"""Writes the small NumPy/SciPy-made fixtures that FixtureFilesTest reads (run from this folder;
numpy 2.4.6 / scipy 1.17.1 made the committed ones). Values are arange-based so the test can
recompute them."""
import numpy as np
import scipy.io as sio
import scipy.sparse as sp

a = np.arange(12, dtype=np.float64).reshape(3, 4) / 4          # [[0, .25, .5, .75], ...]
np.save("c_le_f8.npy", a)
np.save("f_be_i4.npy", np.asfortranarray(np.arange(12).reshape(3, 4).astype(">i4")))
np.save("u1.npy", np.arange(6, dtype=np.uint8).reshape(2, 3))
np.save("bool.npy", np.array([True, False, True]))
np.save("f2.npy", np.array([0.5, -2.0, 1024.0], dtype=np.float16))
np.save("be_f4_3d.npy", np.arange(24, dtype=">f4").reshape(2, 3, 4))
y = np.array([1, 2, 1, 2, 1, 2])
x1 = np.arange(18, dtype=np.float32).reshape(6, 3)
x2 = np.arange(12, dtype=np.float64).reshape(2, 6)               # stored d×n
np.savez("views.npz", x1=x1, x2=x2, y=y)
np.savez_compressed("views_compressed.npz", x1=x1, x2=x2, y=y)

X = np.empty((1, 2), dtype=object)
X[0, 0] = x1.astype(np.float64)
X[0, 1] = x2.T.astype(np.int16)
S = sp.csc_matrix(np.array([[0, 5.0, 0], [7.0, 0, 0], [0, 0, 9.0]]))
mdict = {"X": X, "Y": y.reshape(-1, 1).astype(np.uint8), "S": S, "name": "views", "L": np.array([[True, False]]),
         "u64": np.array([[2**40 + 3]], dtype=np.uint64), "i8": np.array([[-5, 7]], dtype=np.int8)}
sio.savemat("scipy_compressed.mat", mdict, do_compression=True)
sio.savemat("scipy_plain.mat", mdict, do_compression=False)
sio.savemat("scipy_v4.mat", {"a": a}, format="4")
