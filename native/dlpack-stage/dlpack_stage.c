/* dlpack-stage: see dlpack_stage.h. C11 + POSIX threads. */
#include "dlpack_stage.h"

#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define LIVE_MAGIC 0x4c49564544504b31ULL /* "LIVEDPK1" */
#define DEAD_MAGIC 0x4445414444504b31ULL /* "DEADDPK1" */
#define MAX_DIMS 16

static atomic_llong produced, deleted, bad_deletes, released;

/* One allocation per handed-out tensor: the header first (so the DLManagedTensor* is the context),
 * then a magic word placed past the bytes malloc reuses for its free lists, then shape and strides. */
typedef struct {
  union {
    DLManagedTensor legacy;
    DLManagedTensorVersioned versioned;
  } h;
  uint64_t magic;
  void* memory;
  int64_t shape[MAX_DIMS];
  int64_t strides[MAX_DIMS];
} Ctx;

static void free_ctx(Ctx* c) {
  if (c == NULL || c->magic != LIVE_MAGIC) {
    atomic_fetch_add(&bad_deletes, 1);
    return;
  }
  c->magic = DEAD_MAGIC;
  free(c->memory);
  free(c);
  atomic_fetch_add(&deleted, 1);
}

static void delete_legacy(DLManagedTensor* self) { free_ctx(self == NULL ? NULL : (Ctx*)self->manager_ctx); }

static void delete_versioned(DLManagedTensorVersioned* self) {
  free_ctx(self == NULL ? NULL : (Ctx*)self->manager_ctx);
}

/* Bytes from the first element to one past the last one, for non-negative strides. */
static int64_t extent_elems(int32_t ndim, const int64_t* shape, const int64_t* strides) {
  int64_t last = 0;
  for (int32_t i = 0; i < ndim; i++) {
    if (shape[i] == 0) return 0;
    last += (shape[i] - 1) * strides[i];
  }
  return last + 1;
}

static Ctx* new_ctx(int32_t ndim, const int64_t* shape, const int64_t* strides, size_t elem_bytes,
                    int64_t pad_elems) {
  if (ndim < 0 || ndim > MAX_DIMS) return NULL;
  Ctx* c = calloc(1, sizeof(Ctx));
  if (c == NULL) return NULL;
  int64_t contiguous = 1;
  for (int32_t i = ndim - 1; i >= 0; i--) {
    if (shape[i] < 0) { free(c); return NULL; }
    c->shape[i] = shape[i];
    c->strides[i] = strides != NULL ? strides[i] : contiguous;
    if (c->strides[i] < 0) { free(c); return NULL; }
    contiguous *= shape[i];
  }
  size_t bytes = (size_t)(pad_elems + extent_elems(ndim, c->shape, c->strides)) * elem_bytes;
  /* 64-byte aligned like LibTorch's CPU allocator; aligned_alloc wants a multiple of the alignment */
  c->memory = aligned_alloc(64, bytes == 0 ? 64 : (bytes + 63) / 64 * 64);
  if (c->memory == NULL) { free(c); return NULL; }
  memset(c->memory, 0, bytes);
  c->magic = LIVE_MAGIC;
  return c;
}

static void fill_tensor(DLTensor* t, Ctx* c, int32_t ndim, DLDataType dtype, uint64_t byte_offset) {
  t->data = c->memory;
  t->device.device_type = kDLCPU;
  t->device.device_id = 0;
  t->ndim = ndim;
  t->dtype = dtype;
  t->shape = c->shape;
  t->strides = c->strides;
  t->byte_offset = byte_offset;
}

static DLManagedTensor* hand_out(Ctx* c) {
  c->h.legacy.manager_ctx = c;
  c->h.legacy.deleter = delete_legacy;
  atomic_fetch_add(&produced, 1);
  return &c->h.legacy;
}

/* xorshift64*: a tiny seeded generator, uniform in [0, 1). */
static double next_uniform(uint64_t* s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void fill_batch(float* x, int64_t rows, int64_t cols, int64_t classes, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (int64_t r = 0; r < rows; r++) {
    int64_t y = r % classes;
    for (int64_t j = 0; j < cols; j++) {
      float signal = (j % classes) == y ? 1.0f : 0.0f;
      x[r * cols + j] = signal + (float)(next_uniform(&s) - 0.5);
    }
  }
}

DLManagedTensor* stage_fill_batch(int64_t rows, int64_t cols, int64_t classes, uint64_t seed) {
  if (rows <= 0 || cols <= 0 || classes <= 0) return NULL;
  int64_t shape[2] = {rows, cols};
  Ctx* c = new_ctx(2, shape, NULL, sizeof(float), 0);
  if (c == NULL) return NULL;
  fill_batch(c->memory, rows, cols, classes, seed);
  fill_tensor(&c->h.legacy.dl_tensor, c, 2, (DLDataType){kDLFloat, 32, 1}, 0);
  return hand_out(c);
}

DLManagedTensor* stage_fill_labels(int64_t rows, int64_t classes) {
  if (rows <= 0 || classes <= 0) return NULL;
  int64_t shape[1] = {rows};
  Ctx* c = new_ctx(1, shape, NULL, sizeof(int64_t), 0);
  if (c == NULL) return NULL;
  int64_t* y = c->memory;
  for (int64_t r = 0; r < rows; r++) y[r] = r % classes;
  fill_tensor(&c->h.legacy.dl_tensor, c, 1, (DLDataType){kDLInt, 64, 1}, 0);
  return hand_out(c);
}

DLManagedTensorVersioned* stage_fill_batch_versioned(int64_t rows, int64_t cols, int64_t classes,
                                                     uint64_t seed, uint64_t flags) {
  if (rows <= 0 || cols <= 0 || classes <= 0) return NULL;
  int64_t shape[2] = {rows, cols};
  Ctx* c = new_ctx(2, shape, NULL, sizeof(float), 0);
  if (c == NULL) return NULL;
  fill_batch(c->memory, rows, cols, classes, seed);
  DLManagedTensorVersioned* v = &c->h.versioned;
  v->version.major = DLPACK_MAJOR_VERSION;
  v->version.minor = DLPACK_MINOR_VERSION;
  v->manager_ctx = c;
  v->deleter = delete_versioned;
  v->flags = flags;
  fill_tensor(&v->dl_tensor, c, 2, (DLDataType){kDLFloat, 32, 1}, 0);
  atomic_fetch_add(&produced, 1);
  return v;
}

DLManagedTensor* stage_make_column_major(int64_t rows, int64_t cols, int64_t pad_elems) {
  if (rows <= 0 || cols <= 0 || pad_elems < 0) return NULL;
  int64_t shape[2] = {rows, cols};
  int64_t strides[2] = {1, rows};
  Ctx* c = new_ctx(2, shape, strides, sizeof(float), pad_elems);
  if (c == NULL) return NULL;
  float* base = (float*)c->memory + pad_elems;
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) base[i + j * rows] = (float)(100 * i + j);
  fill_tensor(&c->h.legacy.dl_tensor, c, 2, (DLDataType){kDLFloat, 32, 1}, (uint64_t)pad_elems * sizeof(float));
  return hand_out(c);
}

DLManagedTensor* stage_make_raw(int32_t ndim, const int64_t* shape, const int64_t* strides,
                                uint8_t code, uint8_t bits, uint16_t lanes,
                                int32_t device_type, int32_t device_id) {
  if (ndim < 0 || ndim > MAX_DIMS || (ndim > 0 && shape == NULL)) return NULL;
  size_t elem = ((size_t)bits * (lanes == 0 ? 1 : lanes) + 7) / 8;
  Ctx* c = new_ctx(ndim, shape, strides, elem == 0 ? 1 : elem, 0);
  if (c == NULL) return NULL;
  fill_tensor(&c->h.legacy.dl_tensor, c, ndim, (DLDataType){code, bits, lanes}, 0);
  c->h.legacy.dl_tensor.device.device_type = (DLDeviceType)device_type;
  c->h.legacy.dl_tensor.device.device_id = device_id;
  return hand_out(c);
}

/* ---- consumer ---- */

static int host_readable(const DLTensor* t) {
  return t->device.device_type == kDLCPU || t->device.device_type == kDLCUDAHost;
}

/* Calls visit(element pointer) for every element in row-major index order. */
typedef void (*Visit)(char* p, DLDataType dt, void* acc);

static int for_each(const DLTensor* t, Visit visit, void* acc) {
  if (t->ndim < 0 || t->ndim > MAX_DIMS || t->dtype.lanes != 1) return -1;
  int64_t idx[MAX_DIMS] = {0};
  int64_t strides[MAX_DIMS];
  int64_t n = 1, step = 1;
  for (int32_t i = t->ndim - 1; i >= 0; i--) {
    strides[i] = t->strides != NULL ? t->strides[i] : step;
    step *= t->shape[i];
    n *= t->shape[i];
  }
  size_t elem = t->dtype.bits / 8;
  char* base = (char*)t->data + t->byte_offset;
  for (int64_t k = 0; k < n; k++) {
    int64_t off = 0;
    for (int32_t i = 0; i < t->ndim; i++) off += idx[i] * strides[i];
    visit(base + off * (int64_t)elem, t->dtype, acc);
    for (int32_t i = t->ndim - 1; i >= 0; i--) {
      if (++idx[i] < t->shape[i]) break;
      idx[i] = 0;
    }
  }
  return 0;
}

static int readable_dtype(DLDataType dt) {
  switch (dt.code) {
    case kDLFloat: return dt.bits == 32 || dt.bits == 64;
    case kDLInt: return dt.bits == 8 || dt.bits == 16 || dt.bits == 32 || dt.bits == 64;
    case kDLUInt: return dt.bits == 8;
    case kDLBool: return dt.bits == 8;
    default: return 0;
  }
}

static void add_element(char* p, DLDataType dt, void* acc) {
  double* sum = acc;
  switch (dt.code) {
    case kDLFloat: *sum += dt.bits == 32 ? *(float*)p : *(double*)p; break;
    case kDLInt:
      *sum += dt.bits == 8 ? *(int8_t*)p : dt.bits == 16 ? *(int16_t*)p : dt.bits == 32 ? *(int32_t*)p : (double)*(int64_t*)p;
      break;
    default: *sum += *(uint8_t*)p; break; /* uint8, bool */
  }
}

static double sum_tensor(const DLTensor* t) {
  if (!host_readable(t) || !readable_dtype(t->dtype) || (t->data == NULL && t->ndim > 0)) return NAN;
  double sum = 0;
  return for_each(t, add_element, &sum) == 0 ? sum : NAN;
}

double stage_sum(const DLManagedTensor* t) { return t == NULL ? NAN : sum_tensor(&t->dl_tensor); }

double stage_sum_versioned(const DLManagedTensorVersioned* t) {
  if (t == NULL || t->version.major != DLPACK_MAJOR_VERSION) return NAN;
  return sum_tensor(&t->dl_tensor);
}

static void scale_element(char* p, DLDataType dt, void* acc) {
  double f = *(double*)acc;
  if (dt.bits == 32) *(float*)p = (float)(*(float*)p * f);
  else *(double*)p *= f;
}

static int scale_tensor(DLTensor* t, double factor) {
  if (!host_readable(t) || t->dtype.code != kDLFloat || (t->dtype.bits != 32 && t->dtype.bits != 64)) return -1;
  return for_each(t, scale_element, &factor);
}

int stage_scale(DLManagedTensor* t, double factor) { return t == NULL ? -1 : scale_tensor(&t->dl_tensor, factor); }

int stage_scale_versioned(DLManagedTensorVersioned* t, double factor) {
  if (t == NULL || t->version.major != DLPACK_MAJOR_VERSION) return -1;
  if (t->flags & DLPACK_FLAG_BITMASK_READ_ONLY) return -2;
  return scale_tensor(&t->dl_tensor, factor);
}

void stage_release(DLManagedTensor* t) {
  if (t != NULL && t->deleter != NULL) {
    atomic_fetch_add(&released, 1);
    t->deleter(t);
  }
}

void stage_release_versioned(DLManagedTensorVersioned* t) {
  if (t != NULL && t->deleter != NULL) {
    atomic_fetch_add(&released, 1);
    t->deleter(t);
  }
}

static void* release_legacy_thread(void* t) { stage_release(t); return NULL; }
static void* release_versioned_thread(void* t) { stage_release_versioned(t); return NULL; }

int stage_release_on_new_thread(DLManagedTensor* t) {
  pthread_t th;
  if (pthread_create(&th, NULL, release_legacy_thread, t) != 0) return -1;
  return pthread_join(th, NULL) == 0 ? 0 : -1;
}

int stage_release_versioned_on_new_thread(DLManagedTensorVersioned* t) {
  pthread_t th;
  if (pthread_create(&th, NULL, release_versioned_thread, t) != 0) return -1;
  return pthread_join(th, NULL) == 0 ? 0 : -1;
}

int64_t stage_produced(void) { return atomic_load(&produced); }
int64_t stage_deleted(void) { return atomic_load(&deleted); }
int64_t stage_bad_deletes(void) { return atomic_load(&bad_deletes); }
int64_t stage_released(void) { return atomic_load(&released); }

void stage_abi(int64_t out[10]) {
  out[0] = sizeof(DLTensor);
  out[1] = sizeof(DLManagedTensor);
  out[2] = sizeof(DLManagedTensorVersioned);
  out[3] = offsetof(DLTensor, shape);
  out[4] = offsetof(DLTensor, strides);
  out[5] = offsetof(DLTensor, byte_offset);
  out[6] = offsetof(DLManagedTensor, manager_ctx);
  out[7] = offsetof(DLManagedTensor, deleter);
  out[8] = offsetof(DLManagedTensorVersioned, flags);
  out[9] = offsetof(DLManagedTensorVersioned, dl_tensor);
}
