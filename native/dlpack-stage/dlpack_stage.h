/*
 * dlpack-stage: a small C pipeline stage that produces and consumes DLPack tensors, used by
 * causalmm's tests and shown in docs/dlpack.md. Host (kDLCPU) memory only; the functions that read
 * or write elements refuse device memory (they return NaN / -1) instead of touching it.
 */
#ifndef DLPACK_STAGE_H_
#define DLPACK_STAGE_H_

#include <stdint.h>
#include "dlpack/dlpack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- producer: the stage allocates, fills and hands out; the consumer calls the deleter once ---- */

/* A rows x cols float32 batch: row r is class r % classes, its features a class-dependent pattern
 * plus seeded noise in [-0.5, 0.5). Row-major, byte_offset 0. NULL on bad sizes or no memory. */
DLManagedTensor* stage_fill_batch(int64_t rows, int64_t cols, int64_t classes, uint64_t seed);

/* The int64 labels (r % classes) that go with stage_fill_batch. */
DLManagedTensor* stage_fill_labels(int64_t rows, int64_t classes);

/* stage_fill_batch as a DLPack 1.x DLManagedTensorVersioned with the given flags. */
DLManagedTensorVersioned* stage_fill_batch_versioned(int64_t rows, int64_t cols, int64_t classes,
                                                     uint64_t seed, uint64_t flags);

/* A rows x cols float32 matrix stored column-major (strides {1, rows}) after pad_elems unused
 * floats (byte_offset = 4 * pad_elems); element (i, j) = 100 i + j. */
DLManagedTensor* stage_make_column_major(int64_t rows, int64_t cols, int64_t pad_elems);

/* Any header at all, for tests of what a consumer refuses: zeroed host memory big enough for the
 * given shape and strides (NULL strides: row-major), labelled with whatever dtype and device the
 * caller names (the memory is never on that device). */
DLManagedTensor* stage_make_raw(int32_t ndim, const int64_t* shape, const int64_t* strides,
                                uint8_t code, uint8_t bits, uint16_t lanes,
                                int32_t device_type, int32_t device_id);

/* ---- consumer: reads or writes any host tensor, whoever produced it ---- */

/* Sum of all elements (float16/bfloat16 excluded) honouring shape, strides and byte_offset; NaN for
 * a NULL tensor, a device other than kDLCPU/kDLCUDAHost, or a dtype it does not read. */
double stage_sum(const DLManagedTensor* t);
double stage_sum_versioned(const DLManagedTensorVersioned* t);

/* Multiplies every element of a float32/float64 host tensor by factor, in place. 0 on success,
 * -1 if it cannot (NULL, device, dtype), -2 for a read-only versioned tensor. */
int stage_scale(DLManagedTensor* t, double factor);
int stage_scale_versioned(DLManagedTensorVersioned* t, double factor);

/* Calls t->deleter(t) (when there is one) on this thread; counted by stage_released(). */
void stage_release(DLManagedTensor* t);
void stage_release_versioned(DLManagedTensorVersioned* t);

/* Calls the deleter on a new POSIX thread (one the JVM has never seen) and joins it; 0 on success. */
int stage_release_on_new_thread(DLManagedTensor* t);
int stage_release_versioned_on_new_thread(DLManagedTensorVersioned* t);

/* The C compiler's view of the layouts, for checking the Java MemoryLayouts against: writes 10
 * numbers to out (sizes of DLTensor, DLManagedTensor, DLManagedTensorVersioned; offsets of
 * DLTensor.shape, .strides, .byte_offset, DLManagedTensor.manager_ctx, .deleter,
 * DLManagedTensorVersioned.flags, .dl_tensor). */
void stage_abi(int64_t out[10]);

/* ---- counters (process-wide, atomic) ---- */
int64_t stage_produced(void);    /* tensors this stage handed out */
int64_t stage_deleted(void);     /* of those, deleter calls that freed one */
int64_t stage_bad_deletes(void); /* deleter calls on something already freed or not ours */
int64_t stage_released(void);   /* deleter calls this stage made as a consumer */

#ifdef __cplusplus
}
#endif
#endif /* DLPACK_STAGE_H_ */
